#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/duration.hpp"
#include "engine/error.hpp"
#include "engine/language.hpp"
#include "engine/status.hpp"

namespace petitiond {

// A workflow as its YAML file states it (format: docs/decisions.md, DESIGN.md).
// Plain data; a loaded Workflow has passed validation, so every name it holds refers
// to a state or clock that exists.

struct ExtendRule {
  int max = 1;
  Duration by{};
  std::string needs_role;
  std::vector<std::string> notify;
};

struct ClockDef {
  std::string name;
  Duration within{};
  // `by: "17:00"` instead of `within`: due at that Taipei time the same day if started
  // on a working day of the office before it, else at that time on the next working
  // day (press offices answer "by 17:00 today").
  std::optional<std::chrono::minutes> by;
  std::optional<ExtendRule> extend;
  std::string label;  // staff wording, e.g. 答覆期限; empty: the name is shown
};

struct StateDef {
  std::string name;
  bool initial = false;
  bool final = false;
  std::vector<std::string> starts;  // clocks started on entry (if they never ran)
  std::vector<std::string> stops;   // clocks stopped on entry
  std::vector<std::string> pauses;  // clocks paused while the case is in this state
  std::string label;                // staff wording (待分案); empty: the name is shown
  std::string public_label;         // what /track and Open311 say (已受理，待分案)
  std::optional<CaseOutcome> outcome;  // final states only; required there for a new deployment
  std::string public_label_en{};  // public_label in English (Received, awaiting assignment); empty: public_label
};

// What the transitions on one event declare together (every transition on the event
// agrees): its wording, what it counts as, and which of its data the public may see.
struct EventDef {
  std::string name;
  std::string label;         // staff wording (答覆); empty: the name is shown
  std::string public_label;  // the step /track shows; empty: the step is not shown to the public
  std::optional<EventMeaning> counts_as;
  std::vector<std::string> public_data;  // data keys /track shows as the step's reason
  std::string public_label_en{};         // public_label in English; empty: public_label
};

// A key of event data (`require:`), as the console asks for it.
struct FieldDef {
  std::string name;
  std::string label;
  bool multiline = false;
};

struct TransitionDef {
  std::string on;
  std::vector<std::string> from;
  std::string to;
  std::vector<std::string> roles;    // empty: any signed-in staff member
  std::vector<std::string> require;  // keys that must be present and non-empty in the event data
  std::vector<std::string> notify;   // told of the event, with the template named after it
  // Running clocks whose limit the event lengthens, e.g. {response: 4 workdays} when
  // several units are involved (6 -> 10 workdays): the due date moves by that much.
  std::vector<std::pair<std::string, Duration>> lengthen;
  // Sign-off (分層負責陳核, `approve: { role: director }`): taken by anyone without this
  // role, the step is a draft that waits, the case unchanged and its clocks running,
  // until someone holding the role approves it (the step is then taken as drafted,
  // with the approver's edits) or returns it with a reason. Empty: no sign-off.
  std::string approve_role;
};

struct EscalationDef {
  std::string clock;
  EscalationPoint at{};
  std::string at_text;               // as written, for the audit trail
  std::vector<std::string> notify;   // assignee, supervisor, director, petitioner
  std::optional<std::string> mark;   // "overdue"
  std::optional<std::string> raise;  // "priority"
  std::optional<Duration> every;     // repeat while the clock runs (a reminder), e.g. 1 workday
};

// A notice's text; {{name}} placeholders are filled from the notification's variables.
struct Template {
  std::string subject;
  std::string body;
};

struct Workflow {
  std::string name;
  int version = 0;
  std::string calendar = "tw-gov";
  std::vector<std::string> channels;  // channels whose new cases default to this workflow
  std::vector<ClockDef> clocks;
  std::vector<StateDef> states;
  std::vector<TransitionDef> transitions;
  std::vector<EscalationDef> escalations;
  // The whole case closes within this many calendar days of receipt; extensions are
  // capped by it (DOMAIN.md: 30 calendar days).
  Duration case_limit{Duration::Unit::kDays, 30};
  // Notice templates by name ("escalation", "extension"); missing names use the
  // built-in Traditional Chinese texts (DefaultTemplate).
  std::map<std::string, Template> templates;
  std::map<std::string, Template> templates_en;  // the same names' English texts
  // One entry per event name of `transitions`, in order of first appearance.
  std::vector<EventDef> events;
  std::vector<FieldDef> fields;

  // The workflow's template in `language`, else the built-in one in it. A workflow's
  // template may carry `en: { subject, body }` beside its Chinese text.
  const Template& TemplateFor(const std::string& name, Language language = Language::kZhHantTw) const;

  const StateDef* FindState(std::string_view name) const;
  const ClockDef* FindClock(std::string_view name) const;
  // A workflow event, or one of the built-in events every workflow has (BuiltinEvents).
  const EventDef* FindEvent(std::string_view name) const;
  const StateDef& InitialState() const;  // REQUIRES: validated
  // The transition on `event` from `state`, or nullptr.
  const TransitionDef* FindTransition(std::string_view state, std::string_view event) const;
  // The first event that leads from `state` to a final state declaring `outcome`
  // (the register-only step the intake takes by rule), or nullptr.
  const TransitionDef* TransitionTo(std::string_view state, CaseOutcome outcome) const;
  // The outcome a transition from `from` into `to` gives the case: `to`'s when it is
  // final and differs from `from`.
  std::optional<CaseOutcome> OutcomeOfEntering(std::string_view from, std::string_view to) const;
};

// The events the engine and runtime add to every workflow's trail (created, the
// extension steps, escalations, merges into a case, confidentiality): their wording and
// meaning, so the console and /track treat them like the workflow's own.
const std::vector<EventDef>& BuiltinEvents();
// The data keys the built-in events carry (clock, into), labelled like a workflow's fields.
const std::vector<FieldDef>& BuiltinFields();

// A workflow version stored before its vocabulary was declared (WorkflowRules::kStored)
// takes each label, outcome and meaning it lacks from `newer`, the latest version of
// the same workflow, for the state, event, clock or field of the same name: the office
// declared it there for the same step of the same workflow.
void InheritVocabulary(Workflow& older, const Workflow& newer);

// The built-in text of a notice ("escalation", "extension", or a generic fallback).
// The built-in notice texts, in Traditional Chinese and in English.
const Template& DefaultTemplate(const std::string& name, Language language = Language::kZhHantTw);

// Fills {{name}} placeholders; unknown names are left as written.
std::string RenderTemplate(const std::string& text, const std::map<std::string, std::string>& vars);

// Which rules a workflow file is held to. A new deployment meets today's rules; a
// version already stored (kStored) was valid when deployed and keeps its meaning, so
// rules added since (every transition names its roles) are not applied to it.
enum class WorkflowRules { kDeploy, kStored };

// Parses and validates one workflow file. On failure the Error is kInvalid and its
// details hold every problem found, each "FILE:LINE:COL: sentence" (1-based).
Result<Workflow> LoadWorkflow(std::string_view yaml_text, std::string_view file_name,
                              WorkflowRules rules = WorkflowRules::kDeploy);

}  // namespace petitiond
