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

// One deadline clock of a case. All instants UTC; see DESIGN.md "Clock semantics".
struct ClockState {
  std::string name;
  Timestamp started_at{};
  Timestamp due_at{};
  std::optional<Timestamp> paused_at;   // set while the case sits in a state that pauses it
  std::int64_t paused_seconds = 0;      // elapsed seconds spent paused, summed over resumes
  std::optional<Timestamp> stopped_at;  // set once a state stops it; a stopped clock never restarts
  int extensions = 0;
  std::vector<int> fired;               // indices into Workflow::escalations already fired

  bool Running() const { return !stopped_at.has_value(); }
  bool Paused() const { return paused_at.has_value(); }
  // Late: stopped after due, paused after due, or still running past due.
  bool Overdue(Timestamp now) const;
};

// The parts of a case the state machine reads and writes.
struct CaseState {
  std::string state;
  std::optional<std::string> assignee;
  bool overdue = false;
  int priority = 0;
  std::vector<ClockState> clocks;

  const ClockState* FindClock(std::string_view name) const;
  ClockState* FindClock(std::string_view name);
};

struct Command {
  std::string event;
  std::map<std::string, std::string> data;  // flat key -> value; "assignee" also sets the case's assignee
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
};

// The pure state machine: same input, same Outcome. No I/O; time comes in as `now`.
//
// Thread safety: const and stateless apart from the calendar it reads; share freely.
class Machine {
 public:
  // REQUIRES: `calendar` outlives the Machine.
  explicit Machine(const BusinessCalendar& calendar) : calendar_(calendar) {}

  // A new case in the workflow's initial state. Clocks the initial state starts run
  // from `received_at` (deadlines count from receipt, not from data entry).
  Outcome Start(const Workflow& wf, const Actor& actor, Timestamp received_at,
                const std::map<std::string, std::string>& data) const;

  // Applies `cmd`. Rejections: kConflict (no such event from this state; final states
  // allow nothing), kForbidden (actor lacks every role the transition names),
  // kUnprocessable (required data missing; details name each key).
  Result<Outcome> Apply(const Workflow& wf, const CaseState& current, const Command& cmd, const Actor& actor,
                        Timestamp now) const;

  // Fires escalation `rule`. Returns nullopt when it no longer applies: the clock was
  // stopped, is paused, or the rule already fired.
  std::optional<Outcome> Escalate(const Workflow& wf, const CaseState& current, int rule, Timestamp now) const;

  // Events the actor may send now (role permitting), in workflow order.
  std::vector<std::string> AllowedEvents(const Workflow& wf, const CaseState& current, const Actor& actor) const;

  // `start` plus `d`: workdays on the calendar (end of the n-th workday after the
  // Taipei date of `start`), other units as elapsed time.
  Timestamp Add(Timestamp start, const Duration& d) const;

  // When escalation `rule` fires for `clock`.
  Timestamp EscalationTime(const EscalationDef& rule, const ClockState& clock) const;

 private:
  void EnterState(const Workflow& wf, const StateDef& to, Timestamp now, Outcome& out) const;
  void ArmTimers(const Workflow& wf, const ClockState& clock, Outcome& out) const;

  const BusinessCalendar& calendar_;
};

}  // namespace petitiond
