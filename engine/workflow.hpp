#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/duration.hpp"
#include "engine/error.hpp"

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
  std::optional<ExtendRule> extend;
};

struct StateDef {
  std::string name;
  bool initial = false;
  bool final = false;
  std::vector<std::string> starts;  // clocks started on entry (if they never ran)
  std::vector<std::string> stops;   // clocks stopped on entry
  std::vector<std::string> pauses;  // clocks paused while the case is in this state
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

  const Template& TemplateFor(const std::string& name) const;

  const StateDef* FindState(std::string_view name) const;
  const ClockDef* FindClock(std::string_view name) const;
  const StateDef& InitialState() const;  // REQUIRES: validated
};

// The roles staff can hold and the channels cases arrive by: the one list every room
// validates against (the schema's CHECK on cases.channel says the same).
const std::vector<std::string>& KnownRoles();
const std::vector<std::string>& KnownChannels();
bool IsKnown(const std::vector<std::string>& names, std::string_view name);

// The built-in text of a notice ("escalation", "extension", or a generic fallback).
const Template& DefaultTemplate(const std::string& name);

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
