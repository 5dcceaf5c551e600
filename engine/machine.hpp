#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/calendar.hpp"
#include "engine/error.hpp"
#include "engine/time.hpp"
#include "engine/workflow.hpp"

namespace petitiond {

// Who asks for a change. Timers act as the actor "system" with no roles.
struct Actor {
  std::string login;
  std::vector<std::string> roles;
  std::string office;

  bool HasRole(std::string_view role) const;
  static Actor System();
};

// An extension asked for and not yet decided.
struct ExtensionRequest {
  std::string requested_by;
  Timestamp requested_at{};
  std::string reason;

  bool operator==(const ExtensionRequest&) const = default;
};

// One deadline clock of a case. All instants UTC; see DESIGN.md "Clock semantics".
struct ClockState {
  std::string name;
  Timestamp started_at{};
  Timestamp due_at{};
  std::optional<Timestamp> paused_at;   // set while the case sits in a state that pauses it
  std::int64_t paused_seconds = 0;      // elapsed seconds spent paused, summed over resumes
  std::optional<Timestamp> stopped_at;  // set once a state stops it; a stopped clock never restarts
  int extensions = 0;
  std::vector<int> fired;               // indices into Workflow::escalations, once per firing
  bool calendar_incomplete = false;     // the due date was counted through days no calendar covers
  std::optional<ExtensionRequest> pending_extension;

  bool operator==(const ClockState&) const = default;
  bool Running() const { return !stopped_at.has_value(); }
  bool Paused() const { return paused_at.has_value(); }
  // Late: stopped after due, paused after due, or still running past due.
  bool Overdue(Timestamp now) const;
};

// A step drafted for sign-off (TransitionDef::approve_role): the transition it waits to
// take and the data it will take it with, as the drafter wrote them.
struct Draft {
  std::string event;
  std::map<std::string, std::string> data;
  std::string comment;
  std::string by;  // the drafter's login
  Timestamp at{};
  std::string role;  // who must approve it

  bool operator==(const Draft&) const = default;
};

// The parts of a case the state machine reads and writes.
struct CaseState {
  std::string office;       // whose closures apply to its deadlines
  Timestamp received_at{};  // start of the case-wide limit (Workflow::case_limit)
  std::string state;
  std::optional<std::string> assignee;
  bool overdue = false;
  int priority = 0;
  std::vector<ClockState> clocks;
  // Set when the case enters a final state: what that state declares it came to.
  std::optional<CaseOutcome> outcome{};
  // A step waiting for sign-off. While one waits the case takes no other workflow
  // step (extensions and escalations go on: the clocks keep running).
  std::optional<Draft> draft{};

  const ClockState* FindClock(std::string_view name) const;
  ClockState* FindClock(std::string_view name);
};

struct Command {
  std::string event;
  std::map<std::string, std::string> data;  // flat key -> value; "assignee" sets the case's assignee when the transition requires it
  std::string comment;
};

// One row of the audit trail, as the machine decides it.
struct AuditEvent {
  std::string event;
  std::string from;  // empty for "created"
  std::string to;
  std::string actor;
  Timestamp at{};
  std::map<std::string, std::string> data;
  std::string comment;
  // What the workflow declares the step to be (Machine fills these): the event's
  // `counts_as`, and the outcome of the final state it enters.
  std::optional<EventMeaning> counts_as{};
  std::optional<CaseOutcome> outcome{};
};

// A notice to send. The runtime resolves targets (assignee, supervisor, director,
// petitioner) to addresses and renders the workflow's template with `vars`.
struct Notification {
  std::vector<std::string> targets;
  std::string template_name;
  std::map<std::string, std::string> vars;
};

// A durable timer to arm: fire escalation `rule` of `clock` at `due_at`.
struct TimerSpec {
  std::string clock;
  int rule = 0;
  Timestamp due_at{};
};

// Everything one step changes. The store persists it in one transaction.
struct Outcome {
  CaseState next;
  std::vector<AuditEvent> events;
  // Clocks whose pending timers must be dropped and replaced by the TimerSpecs of the
  // same clock in `timers` (none, if the clock stopped or paused).
  std::vector<std::string> rescheduled_clocks;
  std::vector<TimerSpec> timers;
  std::vector<Notification> notifications;
};

// Built-in events every workflow understands, on top of its own transitions. They
// change clocks, not the state. Data: {clock, reason} for a request, {clock} for the
// decision (needs the clock's extend.needs_role). A request by someone holding that
// role is approved at once, as one audited step.
inline constexpr const char* kRequestExtension = "request_extension";
inline constexpr const char* kApproveExtension = "approve_extension";
inline constexpr const char* kDenyExtension = "deny_extension";

// Sign-off of a drafted step (TransitionDef::approve_role). Someone without the role
// who takes such a transition records `draft_submitted` (the data and comment as
// given, plus {event}) and the case waits with CaseState::draft set. Someone holding
// the role sends `approve_draft` (data: any of the draft's keys, edited; the step is
// then taken as drafted, by the drafter, with `approved_by`) or `return_draft` (data:
// {reason}; the draft is dropped and the assignee told). Someone holding the role who
// takes the transition takes it at once.
inline constexpr const char* kDraftSubmitted = "draft_submitted";
inline constexpr const char* kApproveDraft = "approve_draft";
inline constexpr const char* kReturnDraft = "return_draft";

// The merge (併案) of a repeated petition into an earlier case is the workflow
// transition into a final state of outcome `merged` (it requires `into`, the surviving
// case's id); the runtime adds the link between the two cases and an audit event on the
// surviving one. The reply is the event that `counts_as: reply`: its handling time
// (engine/handling.hpp) is measured into the event's data for the statistics.

// The pure state machine: same input, same Outcome. No I/O; time comes in as `now`.
//
// Thread safety: const and stateless apart from the calendar it reads; share freely.
class Machine {
 public:
  // REQUIRES: `calendar` outlives the Machine.
  explicit Machine(const BusinessCalendar& calendar) : calendar_(calendar) {}

  // A new case of `office` in the workflow's initial state. Clocks the initial state
  // starts run from `received_at` (deadlines count from receipt, not data entry).
  Outcome Start(const Workflow& wf, const Actor& actor, const std::string& office, Timestamp received_at,
                const std::map<std::string, std::string>& data) const;

  // Applies `cmd` (a workflow transition or a built-in extension event). Rejections:
  // kConflict (no such event from this state; final states allow nothing; extension
  // limits), kForbidden (actor lacks every role the transition names),
  // kUnprocessable (required data missing; details name each key).
  Result<Outcome> Apply(const Workflow& wf, const CaseState& current, const Command& cmd, const Actor& actor,
                        Timestamp now) const;

  // Fires escalation `rule`. Returns nullopt when it no longer applies: the clock was
  // stopped, is paused, or the rule already fired (unless it repeats with `every`).
  std::optional<Outcome> Escalate(const Workflow& wf, const CaseState& current, int rule, Timestamp now) const;

  // The case's office was closed on `date` (already in the calendar this machine
  // reads). Running workday clocks whose span (start date, due date] held that day,
  // as a working day, move their due date one working day later; each move is an
  // audited "deadline_recomputed" event. Returns nullopt if no clock moved.
  // REQUIRES: `date` was a working day for the office before the closure.
  std::optional<Outcome> ApplyClosure(const Workflow& wf, const CaseState& current, std::chrono::sys_days date,
                                      const std::string& reason, const Actor& actor, Timestamp now) const;

  // Moves a running case from `from` to `to`, a later version of its workflow
  // (petitiond workflow migrate): its state becomes `state_map[state]`, or the state of
  // the same name; the case then is in that state of `to` as if it had just entered it
  // (a clock the state pauses is paused, one it stops is stopped, one it starts and
  // that never ran starts); escalations already fired stay fired where `to` has the same
  // rule (clock and `at`), and every running clock's timers are armed anew from `to`.
  // One audited "workflow_migrated" event. `pending_timer_clocks`: the clocks of the
  // case's pending timers. kConflict with a sentence per reason when the case would
  // break: a state with no mapping (or mapped to an unknown or final state), a clock
  // `to` does not have, a pending timer of a clock `to` has no escalation for, a
  // pending extension of a clock `to` cannot extend, a draft whose step `to` lacks.
  // REQUIRES: the case is not in a final state of `from`.
  Result<Outcome> Migrate(const Workflow& from, const Workflow& to, const CaseState& current,
                          const std::map<std::string, std::string>& state_map,
                          const std::vector<std::string>& pending_timer_clocks, const Actor& actor,
                          Timestamp now) const;

  // Events the actor may send now (role permitting), in workflow order.
  std::vector<std::string> AllowedEvents(const Workflow& wf, const CaseState& current, const Actor& actor) const;

  // `start` plus `d`: workdays on the office's calendar (end of the n-th workday after
  // the Taipei date of `start`), other units as elapsed time. Sets *incomplete if the
  // count went through days no calendar file covers.
  Timestamp Add(Timestamp start, const Duration& d, std::string_view office = {}, bool* incomplete = nullptr) const;

  // When escalation `rule` fires for `clock` of a case of `office`.
  Timestamp EscalationTime(const EscalationDef& rule, const ClockState& clock, std::string_view office = {}) const;

  // Working days from today to the due date: today counts if it is a working day and
  // the clock is not yet due; negative once overdue (working days past the due date).
  int WorkdaysLeft(const ClockState& clock, std::string_view office, Timestamp now) const;

 private:
  void EnterState(const Workflow& wf, const StateDef& to, Timestamp now, Outcome& out) const;
  // When a clock of `def` started at `start` falls due: `within` added, or `by` o'clock.
  Timestamp ClockDue(const ClockDef& def, Timestamp start, std::string_view office, bool* incomplete) const;
  // `by` o'clock on `day` if that is a working day of the office and `start` (on that
  // day) is before it; else `by` o'clock on the next working day.
  Timestamp ByDeadline(std::chrono::minutes by, Timestamp start, std::string_view office, bool* incomplete) const;
  void ArmTimers(const Workflow& wf, const ClockState& clock, Timestamp now, Outcome& out) const;
  // request_extension, approve_extension and deny_extension: the check they share,
  // then asking (pending, or granted at once for someone who may decide), deciding on
  // a pending request, and granting (the new due date).
  struct ExtensionCheck;
  Result<Outcome> ApplyExtension(const Workflow& wf, const CaseState& current, const Command& cmd,
                                 const Actor& actor, Timestamp now) const;
  Result<ExtensionCheck> CheckExtension(const Workflow& wf, const CaseState& current, const Command& cmd,
                                        const Actor& actor) const;
  Result<Outcome> RequestExtension(const Workflow& wf, const CaseState& current, const Command& cmd,
                                   const ExtensionCheck& c, const Actor& actor, Timestamp now) const;
  Result<Outcome> DecideExtension(const Workflow& wf, const CaseState& current, const Command& cmd,
                                  const ExtensionCheck& c, const Actor& actor, Timestamp now) const;
  Result<Outcome> GrantExtension(const Workflow& wf, const CaseState& current, const Command& cmd,
                                 const ExtensionCheck& c, const ExtensionRequest& asked, const Actor& actor,
                                 Timestamp now) const;
  static std::map<std::string, std::string> RequestData(const std::string& clock, const ExtensionRequest& asked);
  // The transition `t` taken by `actor_login` with `cmd` (checks done by the caller).
  Outcome Take(const Workflow& wf, const CaseState& current, const TransitionDef& t, const Command& cmd,
               const std::string& actor_login, Timestamp now) const;
  Result<Outcome> DecideDraft(const Workflow& wf, const CaseState& current, const Command& cmd, const Actor& actor,
                              Timestamp now) const;

  const BusinessCalendar& calendar_;
};

}  // namespace petitiond
