#include "engine/machine.hpp"

#include <algorithm>

namespace petitiond {

using std::chrono::seconds;

bool Actor::HasRole(std::string_view role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

Actor Actor::System() { return Actor{"system", {}, ""}; }

bool ClockState::Overdue(Timestamp now) const {
  if (stopped_at) return *stopped_at > due_at;
  if (paused_at) return *paused_at > due_at;
  return now > due_at;
}

const ClockState* CaseState::FindClock(std::string_view name) const {
  for (const auto& c : clocks) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

ClockState* CaseState::FindClock(std::string_view name) {
  return const_cast<ClockState*>(std::as_const(*this).FindClock(name));
}

namespace {

bool Contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

bool RoleAllows(const TransitionDef& t, const Actor& actor) {
  if (t.roles.empty()) return true;
  return std::any_of(t.roles.begin(), t.roles.end(), [&](const std::string& r) { return actor.HasRole(r); });
}

// Every event of `out` says what the workflow declares it to be.
void Annotate(const Workflow& wf, Outcome& out) {
  for (auto& e : out.events) {
    if (const EventDef* def = wf.FindEvent(e.event)) e.counts_as = def->counts_as;
    if (!e.from.empty()) e.outcome = wf.OutcomeOfEntering(e.from, e.to);
  }
}

void MarkRescheduled(Outcome& out, const std::string& clock) {
  if (!Contains(out.rescheduled_clocks, clock)) out.rescheduled_clocks.push_back(clock);
  std::erase_if(out.timers, [&](const TimerSpec& t) { return t.clock == clock; });
}

}  // namespace

Timestamp Machine::Add(Timestamp start, const Duration& d, std::string_view office, bool* incomplete) const {
  switch (d.unit) {
    case Duration::Unit::kWorkdays: return calendar_.WorkdayDeadline(start, d.amount, office, incomplete);
    case Duration::Unit::kDays: return start + std::chrono::days(d.amount);
    case Duration::Unit::kHours: return start + std::chrono::hours(d.amount);
    case Duration::Unit::kMinutes: return start + std::chrono::minutes(d.amount);
    case Duration::Unit::kSeconds: return start + std::chrono::seconds(d.amount);
  }
  return start;
}

Timestamp Machine::ByDeadline(std::chrono::minutes by, Timestamp start, std::string_view office,
                              bool* incomplete) const {
  const auto day = TaipeiDate(start);
  if (calendar_.IsWorkday(day, office) && start < TaipeiStartOfDay(day) + by) return TaipeiStartOfDay(day) + by;
  return TaipeiStartOfDay(calendar_.NthWorkdayAfter(day, 1, office, incomplete)) + by;
}

Timestamp Machine::ClockDue(const ClockDef& def, Timestamp start, std::string_view office, bool* incomplete) const {
  if (def.by) return ByDeadline(*def.by, start, office, incomplete);
  return Add(start, def.within, office, incomplete);
}

int Machine::WorkdaysLeft(const ClockState& clock, std::string_view office, Timestamp now) const {
  const auto today = TaipeiDate(now);
  const auto due_day = TaipeiDate(clock.due_at);
  if (now <= clock.due_at) {
    return calendar_.WorkdaysBetween(today, due_day, office) + (calendar_.IsWorkday(today, office) ? 1 : 0);
  }
  return -calendar_.WorkdaysBetween(due_day, today, office);
}

Timestamp Machine::EscalationTime(const EscalationDef& rule, const ClockState& clock, std::string_view office) const {
  if (rule.at.kind == EscalationPoint::Kind::kPercent) {
    // A share of the clock's running span; time spent paused does not count.
    const Timestamp effective_start = clock.started_at + seconds(clock.paused_seconds);
    const auto span = clock.due_at - effective_start;
    return effective_start + seconds(span.count() * rule.at.percent / 100);
  }
  if (rule.at.after_due.amount == 0) return clock.due_at;
  if (rule.at.after_due.unit == Duration::Unit::kWorkdays) {
    // "due + N workdays": the end of the N-th working day after the due date.
    return TaipeiEndOfDay(calendar_.NthWorkdayAfter(TaipeiDate(clock.due_at), rule.at.after_due.amount, office));
  }
  return Add(clock.due_at, rule.at.after_due, office);
}

void Machine::ArmTimers(const Workflow& wf, const ClockState& clock, Timestamp now, Outcome& out) const {
  MarkRescheduled(out, clock.name);
  if (!clock.Running() || clock.Paused()) return;
  for (std::size_t i = 0; i < wf.escalations.size(); ++i) {
    const auto& rule = wf.escalations[i];
    const int index = static_cast<int>(i);
    if (rule.clock != clock.name) continue;
    const bool fired = std::find(clock.fired.begin(), clock.fired.end(), index) != clock.fired.end();
    if (!fired) {
      out.timers.push_back(TimerSpec{clock.name, index, EscalationTime(rule, clock, out.next.office)});
    } else if (rule.every) {
      // A reminder that already went off: the next one comes one period from now.
      out.timers.push_back(TimerSpec{clock.name, index, Add(now, *rule.every, out.next.office)});
    }
  }
}

// Clock bookkeeping on entering `to` (DESIGN.md "Clock semantics"):
//  1. clocks paused before and not paused by `to` resume; the due date moves by the
//     working days the pause covered (see docs/decisions.md, "Pauses");
//  2. `stops` stops running clocks (a final state stops them all);
//  3. `starts` starts clocks that never ran (re-entry does not restart them);
//  4. `pauses` pauses running clocks.
void Machine::EnterState(const Workflow& wf, const StateDef& to, Timestamp now, Outcome& out) const {
  for (auto& clock : out.next.clocks) {
    if (!clock.Running() || !clock.Paused() || Contains(to.pauses, clock.name)) continue;
    const Timestamp paused_at = *clock.paused_at;
    const ClockDef* def = wf.FindClock(clock.name);
    if (def && (def->by || def->within.unit == Duration::Unit::kWorkdays)) {
      bool incomplete = false;
      const int lost = calendar_.WorkdaysBetween(TaipeiDate(paused_at), TaipeiDate(now), out.next.office, &incomplete);
      if (lost > 0) {
        const auto day = calendar_.NthWorkdayAfter(TaipeiDate(clock.due_at), lost, out.next.office, &incomplete);
        // A `by` clock keeps its hour; a workday clock ends at the end of the day.
        clock.due_at = def->by ? TaipeiStartOfDay(day) + *def->by : TaipeiEndOfDay(day);
      }
      clock.calendar_incomplete = clock.calendar_incomplete || incomplete;
    } else {
      clock.due_at += now - paused_at;
    }
    clock.paused_seconds += (now - paused_at).count();
    clock.paused_at.reset();
    if (!to.final && !Contains(to.stops, clock.name)) ArmTimers(wf, clock, now, out);
  }
  // A final state stops every clock, named or not: a closed case has no deadline left.
  std::vector<std::string> stops = to.stops;
  if (to.final) {
    out.next.outcome = to.outcome;
    for (const auto& clock : out.next.clocks) stops.push_back(clock.name);
  }
  for (const auto& name : stops) {
    ClockState* clock = out.next.FindClock(name);
    if (!clock || !clock->Running()) continue;
    if (clock->paused_at) {
      clock->paused_seconds += (now - *clock->paused_at).count();
      clock->paused_at.reset();
    }
    clock->stopped_at = now;
    MarkRescheduled(out, name);
  }
  for (const auto& name : to.starts) {
    if (out.next.FindClock(name)) continue;
    const ClockDef* def = wf.FindClock(name);
    ClockState clock;
    clock.name = name;
    clock.started_at = now;
    clock.due_at = ClockDue(*def, now, out.next.office, &clock.calendar_incomplete);
    out.next.clocks.push_back(clock);
    ArmTimers(wf, clock, now, out);
  }
  for (const auto& name : to.pauses) {
    ClockState* clock = out.next.FindClock(name);
    if (!clock || !clock->Running() || clock->Paused()) continue;
    clock->paused_at = now;
    MarkRescheduled(out, name);
  }
}

Outcome Machine::Start(const Workflow& wf, const Actor& actor, const std::string& office, Timestamp received_at,
                       const std::map<std::string, std::string>& data) const {
  Outcome out;
  const StateDef& initial = wf.InitialState();
  out.next.office = office;
  out.next.received_at = received_at;
  out.next.state = initial.name;
  out.events.push_back(AuditEvent{"created", "", initial.name, actor.login, received_at, data, ""});
  EnterState(wf, initial, received_at, out);
  return out;
}

Result<Outcome> Machine::Apply(const Workflow& wf, const CaseState& current, const Command& cmd, const Actor& actor,
                               Timestamp now) const {
  if (cmd.event == kRequestExtension || cmd.event == kApproveExtension || cmd.event == kDenyExtension) {
    auto r = ApplyExtension(wf, current, cmd, actor, now);
    if (r) Annotate(wf, r.value());
    return r;
  }
  if (cmd.event == kApproveDraft || cmd.event == kReturnDraft) {
    auto r = DecideDraft(wf, current, cmd, actor, now);
    if (r) Annotate(wf, r.value());
    return r;
  }
  const TransitionDef* t = wf.FindTransition(current.state, cmd.event);
  if (!t) {
    const StateDef* state = wf.FindState(current.state);
    std::string why = state && state->final ? "'" + current.state + "' is a final state; it allows no events"
                                            : "event '" + cmd.event + "' is not allowed in state '" + current.state + "'";
    Error e{ErrorKind::kConflict, why, {}};
    for (const auto& other : wf.transitions) {
      if (Contains(other.from, current.state)) e.details.push_back("allowed: " + other.on);
    }
    return e;
  }
  if (current.draft) {
    return Error{ErrorKind::kConflict,
                 "a draft of '" + current.draft->event + "' by " + current.draft->by + " awaits approval by a " +
                     current.draft->role + "; it must be approved or returned first",
                 {}};
  }
  if (!RoleAllows(*t, actor)) {
    std::string roles;
    for (const auto& r : t->roles) roles += (roles.empty() ? "" : ", ") + r;
    return Error{ErrorKind::kForbidden, "event '" + cmd.event + "' needs one of the roles: " + roles, {}};
  }
  Error missing{ErrorKind::kUnprocessable, "event '" + cmd.event + "' is missing required data", {}};
  for (const auto& key : t->require) {
    auto it = cmd.data.find(key);
    if (it == cmd.data.end() || it->second.empty()) missing.details.push_back(key);
  }
  if (!missing.details.empty()) {
    std::string keys;
    for (const auto& k : missing.details) keys += (keys.empty() ? "" : ", ") + k;
    missing.message += ": " + keys;
    return missing;
  }
  if (!t->approve_role.empty() && !actor.HasRole(t->approve_role)) {
    // A draft: nothing else changes; the clocks run on while it waits.
    Outcome out;
    out.next = current;
    out.next.draft = Draft{cmd.event, cmd.data, cmd.comment, actor.login, now, t->approve_role};
    auto data = cmd.data;
    data["event"] = cmd.event;
    out.events.push_back(AuditEvent{kDraftSubmitted, current.state, current.state, actor.login, now, data, cmd.comment});
    if (t->approve_role == "supervisor" || t->approve_role == "director") {
      out.notifications.push_back(Notification{{t->approve_role}, kDraftSubmitted, {{"event", cmd.event}, {"drafted_by", actor.login}}});
    }
    Annotate(wf, out);
    return out;
  }
  Outcome out = Take(wf, current, *t, cmd, actor.login, now);
  Annotate(wf, out);
  return out;
}

Outcome Machine::Take(const Workflow& wf, const CaseState& current, const TransitionDef& t, const Command& cmd,
                      const std::string& actor_login, Timestamp now) const {
  Outcome out;
  out.next = current;
  out.next.draft.reset();
  out.next.state = t.to;
  // Data keys with meaning act only through the transition that requires them: an
  // "assignee" added to any other event's data is recorded, never obeyed.
  if (Contains(t.require, "assignee")) out.next.assignee = cmd.data.at("assignee");
  out.events.push_back(AuditEvent{cmd.event, current.state, t.to, actor_login, now, cmd.data, cmd.comment});
  EnterState(wf, *wf.FindState(t.to), now, out);
  for (const auto& [name, by] : t.lengthen) {
    ClockState* clock = out.next.FindClock(name);
    if (!clock || !clock->Running()) continue;
    const Timestamp old_due = clock->due_at;
    clock->due_at = by.unit == Duration::Unit::kWorkdays
                        ? TaipeiEndOfDay(calendar_.NthWorkdayAfter(TaipeiDate(old_due), by.amount, current.office,
                                                                   &clock->calendar_incomplete))
                        : Add(old_due, by, current.office);
    const std::string& clock_name = name;  // a structured binding cannot be captured before C++20's P1091 (clang 16)
    std::erase_if(clock->fired,
                  [&](int r) { return wf.escalations[static_cast<std::size_t>(r)].clock == clock_name; });
    out.events.back().data[name + "_due"] = FormatTimestamp(clock->due_at);
    out.events.back().data[name + "_was_due"] = FormatTimestamp(old_due);
    ArmTimers(wf, *clock, now, out);
  }
  if (!t.notify.empty()) {
    std::map<std::string, std::string> vars = cmd.data;
    vars["event"] = cmd.event;
    out.notifications.push_back(Notification{t.notify, cmd.event, std::move(vars)});
  }
  return out;
}

Result<Outcome> Machine::DecideDraft(const Workflow& wf, const CaseState& current, const Command& cmd,
                                     const Actor& actor, Timestamp now) const {
  if (!current.draft) return Error{ErrorKind::kConflict, "no draft is waiting for approval", {}};
  const Draft& draft = *current.draft;
  if (!actor.HasRole(draft.role)) {
    return Error{ErrorKind::kForbidden, "deciding on this draft needs the role " + draft.role, {}};
  }
  if (cmd.event == kReturnDraft) {
    const auto reason = cmd.data.find("reason");
    if (reason == cmd.data.end() || reason->second.empty()) {
      return Error{ErrorKind::kUnprocessable, "event 'return_draft' is missing required data: reason", {"reason"}};
    }
    Outcome out;
    out.next = current;
    out.next.draft.reset();
    std::map<std::string, std::string> data{{"event", draft.event}, {"drafted_by", draft.by}, {"reason", reason->second}};
    out.events.push_back(AuditEvent{kReturnDraft, current.state, current.state, actor.login, now, data, cmd.comment});
    out.notifications.push_back(Notification{{"assignee"}, "draft_returned",
                                             {{"event", draft.event}, {"returned_by", actor.login}, {"reason", reason->second}}});
    return out;
  }
  const TransitionDef* t = wf.FindTransition(current.state, draft.event);
  if (!t) {
    return Error{ErrorKind::kConflict, "the drafted '" + draft.event + "' is no longer possible in state '" +
                                           current.state + "'; return the draft",
                 {}};
  }
  // The approver may edit what the draft says (its keys, and the keys the step needs);
  // what they leave out stays as drafted.
  Command taken{draft.event, draft.data, draft.comment};
  std::vector<std::string> edited;
  for (const auto& [key, value] : cmd.data) {
    if (!draft.data.count(key) && !Contains(t->require, key)) continue;
    if (taken.data[key] != value) edited.push_back(key);
    taken.data[key] = value;
  }
  Error missing{ErrorKind::kUnprocessable, "the approved '" + draft.event + "' is missing required data", {}};
  for (const auto& key : t->require) {
    if (taken.data[key].empty()) missing.details.push_back(key);
  }
  if (!missing.details.empty()) return missing;
  std::map<std::string, std::string> decided{{"event", draft.event}, {"drafted_by", draft.by},
                                             {"drafted_at", FormatTimestamp(draft.at)}};
  if (!edited.empty()) {
    std::string keys;
    for (const auto& k : edited) keys += (keys.empty() ? "" : ",") + k;
    decided["edited"] = keys;
  }
  taken.data["approved_by"] = actor.login;
  Outcome out = Take(wf, current, *t, taken, draft.by, now);
  out.events.insert(out.events.begin(),
                    AuditEvent{kApproveDraft, current.state, current.state, actor.login, now, decided, cmd.comment});
  return out;
}

std::optional<Outcome> Machine::Escalate(const Workflow& wf, const CaseState& current, int rule,
                                         Timestamp now) const {
  if (rule < 0 || static_cast<std::size_t>(rule) >= wf.escalations.size()) return std::nullopt;
  const EscalationDef& def = wf.escalations[static_cast<std::size_t>(rule)];
  const ClockState* clock = current.FindClock(def.clock);
  const bool fired_before = clock && std::find(clock->fired.begin(), clock->fired.end(), rule) != clock->fired.end();
  if (!clock || !clock->Running() || clock->Paused() || (fired_before && !def.every)) return std::nullopt;
  Outcome out;
  out.next = current;
  ClockState* next_clock = out.next.FindClock(def.clock);
  next_clock->fired.push_back(rule);
  if (def.mark == "overdue") out.next.overdue = true;
  if (def.raise == "priority") out.next.priority += 1;
  std::string notify;
  for (const auto& n : def.notify) notify += (notify.empty() ? "" : ",") + n;
  std::map<std::string, std::string> data{{"clock", def.clock}, {"rule", std::to_string(rule)}, {"at", def.at_text}};
  if (!notify.empty()) data["notify"] = notify;
  if (def.mark) data["mark"] = *def.mark;
  if (def.raise) data["raise"] = *def.raise;
  if (def.every) {
    data["repeat"] = std::to_string(std::count(next_clock->fired.begin(), next_clock->fired.end(), rule));
    // The next reminder; pausing or stopping the clock drops it with the others.
    out.timers.push_back(TimerSpec{def.clock, rule, Add(now, *def.every, current.office)});
  }
  if (!def.notify.empty()) {
    out.notifications.push_back(Notification{
        def.notify, "escalation",
        {{"clock", def.clock}, {"at", def.at_text}, {"due_at", FormatTimestamp(clock->due_at)}, {"rule", data["rule"]}}});
  }
  out.events.push_back(AuditEvent{"escalated", current.state, current.state, "system", now, std::move(data), ""});
  return out;
}

// What every extension event needs first: a running, extendable clock named in the
// command, and whether the actor may decide on it.
struct Machine::ExtensionCheck {
  std::string clock;
  std::string reason;  // request only
  const ExtendRule* rule = nullptr;
  const ClockState* state = nullptr;
  bool may_decide = false;
};

Result<Machine::ExtensionCheck> Machine::CheckExtension(const Workflow& wf, const CaseState& current,
                                                        const Command& cmd, const Actor& actor) const {
  const StateDef* state = wf.FindState(current.state);
  if (state && state->final) {
    return Error{ErrorKind::kConflict, "'" + current.state + "' is a final state; it allows no events", {}};
  }
  Error missing{ErrorKind::kUnprocessable, "event '" + cmd.event + "' is missing required data", {}};
  auto get = [&](const char* key) {
    auto it = cmd.data.find(key);
    if (it == cmd.data.end() || it->second.empty()) {
      missing.details.push_back(key);
      return std::string();
    }
    return it->second;
  };
  ExtensionCheck c;
  c.clock = get("clock");
  if (cmd.event == kRequestExtension) c.reason = get("reason");
  if (!missing.details.empty()) return missing;

  const ClockDef* def = wf.FindClock(c.clock);
  c.state = current.FindClock(c.clock);
  if (!def || !def->extend) {
    return Error{ErrorKind::kConflict, "clock '" + c.clock + "' cannot be extended in this workflow", {}};
  }
  if (!c.state || !c.state->Running()) {
    return Error{ErrorKind::kConflict, "clock '" + c.clock + "' is not running", {}};
  }
  c.rule = &*def->extend;
  c.may_decide = c.rule->needs_role.empty() || actor.HasRole(c.rule->needs_role);
  return c;
}

Result<Outcome> Machine::ApplyExtension(const Workflow& wf, const CaseState& current, const Command& cmd,
                                        const Actor& actor, Timestamp now) const {
  auto check = CheckExtension(wf, current, cmd, actor);
  if (!check) return check.error();
  return cmd.event == kRequestExtension ? RequestExtension(wf, current, cmd, check.value(), actor, now)
                                        : DecideExtension(wf, current, cmd, check.value(), actor, now);
}

Result<Outcome> Machine::RequestExtension(const Workflow& wf, const CaseState& current, const Command& cmd,
                                          const ExtensionCheck& c, const Actor& actor, Timestamp now) const {
  if (c.state->pending_extension) {
    return Error{ErrorKind::kConflict, "an extension of '" + c.clock + "' is already waiting for a decision", {}};
  }
  if (c.state->extensions >= c.rule->max) {
    return Error{ErrorKind::kConflict, "clock '" + c.clock + "' was already extended " +
                                           std::to_string(c.state->extensions) + " time(s), the most allowed",
                 {}};
  }
  const ExtensionRequest asked{actor.login, now, c.reason};
  // Someone who may decide asks and approves in one step.
  if (c.may_decide) return GrantExtension(wf, current, cmd, c, asked, actor, now);
  Outcome out;
  out.next = current;
  out.next.FindClock(c.clock)->pending_extension = asked;
  out.events.push_back(AuditEvent{cmd.event, current.state, current.state, actor.login, now,
                                  {{"clock", c.clock}, {"reason", c.reason}}, cmd.comment});
  return out;
}

Result<Outcome> Machine::DecideExtension(const Workflow& wf, const CaseState& current, const Command& cmd,
                                         const ExtensionCheck& c, const Actor& actor, Timestamp now) const {
  if (!c.state->pending_extension) {
    return Error{ErrorKind::kConflict, "no extension of '" + c.clock + "' is waiting for a decision", {}};
  }
  if (!c.may_decide) {
    return Error{ErrorKind::kForbidden, "deciding an extension of '" + c.clock + "' needs the role " +
                                            c.rule->needs_role,
                 {}};
  }
  const ExtensionRequest asked = *c.state->pending_extension;
  if (cmd.event == kApproveExtension) return GrantExtension(wf, current, cmd, c, asked, actor, now);
  Outcome out;
  out.next = current;
  out.next.FindClock(c.clock)->pending_extension.reset();
  auto data = RequestData(c.clock, asked);
  data["denied_by"] = actor.login;
  out.events.push_back(AuditEvent{cmd.event, current.state, current.state, actor.login, now, data, cmd.comment});
  return out;
}

std::map<std::string, std::string> Machine::RequestData(const std::string& clock, const ExtensionRequest& asked) {
  return {{"clock", clock},
          {"reason", asked.reason},
          {"requested_by", asked.requested_by},
          {"requested_at", FormatTimestamp(asked.requested_at)}};
}

Result<Outcome> Machine::GrantExtension(const Workflow& wf, const CaseState& current, const Command& cmd,
                                        const ExtensionCheck& c, const ExtensionRequest& asked, const Actor& actor,
                                        Timestamp now) const {
  const ExtendRule& rule = *c.rule;
  const Timestamp old_due = c.state->due_at;
  Outcome out;
  out.next = current;
  ClockState& next = *out.next.FindClock(c.clock);
  next.pending_extension.reset();
  auto data = RequestData(c.clock, asked);
  // Extend from the current due date; never past the case-wide limit.
  Timestamp new_due = rule.by.unit == Duration::Unit::kWorkdays
                          ? TaipeiEndOfDay(calendar_.NthWorkdayAfter(TaipeiDate(old_due), rule.by.amount,
                                                                     current.office, &next.calendar_incomplete))
                          : Add(old_due, rule.by, current.office);
  const Timestamp limit = TaipeiEndOfDay(TaipeiDate(current.received_at) + std::chrono::days(wf.case_limit.amount));
  if (limit <= old_due) {
    return Error{ErrorKind::kConflict, "the case must close within " + ToString(wf.case_limit) +
                                           " of receipt (" + FormatTimestamp(limit) + "); no extension is possible",
                 {}};
  }
  if (new_due > limit) {
    new_due = limit;
    data["capped"] = "true";
  }
  data["approved_by"] = actor.login;
  if (!data.count("reason")) data["reason"] = asked.reason;  // shown to the petitioner on /track
  data["old_due"] = FormatTimestamp(old_due);
  data["new_due"] = FormatTimestamp(new_due);
  next.due_at = new_due;
  next.extensions += 1;
  // Reminders and escalations apply afresh to the new deadline.
  std::erase_if(next.fired, [&](int r) { return wf.escalations[static_cast<std::size_t>(r)].clock == c.clock; });
  ArmTimers(wf, next, now, out);
  if (!rule.notify.empty()) {
    out.notifications.push_back(
        Notification{rule.notify, "extension", {{"clock", c.clock}, {"reason", asked.reason}, {"new_due", data["new_due"]}}});
  }
  out.events.push_back(AuditEvent{kApproveExtension, current.state, current.state, actor.login, now, data,
                                  cmd.comment});
  return out;
}

std::optional<Outcome> Machine::ApplyClosure(const Workflow& wf, const CaseState& current, std::chrono::sys_days date,
                                             const std::string& reason, const Actor& actor, Timestamp now) const {
  Outcome out;
  out.next = current;
  for (auto& clock : out.next.clocks) {
    const ClockDef* def = wf.FindClock(clock.name);
    if (!def || !clock.Running()) continue;
    const auto due_day = TaipeiDate(clock.due_at);
    if (def->by) {
      // An o'clock deadline never falls on a closed day: it moves to the next working one.
      if (date != due_day) continue;
    } else {
      if (def->within.unit != Duration::Unit::kWorkdays) continue;
      // The closed day counted if it lies in (start date, due date]; a same-day clock
      // (due on its start date) moves too, since a deadline never ends on a closed day.
      if (date > due_day || (date <= TaipeiDate(clock.started_at) && date != due_day)) continue;
    }
    const Timestamp old_due = clock.due_at;
    const auto next_day = calendar_.NthWorkdayAfter(due_day, 1, current.office, &clock.calendar_incomplete);
    clock.due_at = def->by ? TaipeiStartOfDay(next_day) + *def->by : TaipeiEndOfDay(next_day);
    out.events.push_back(AuditEvent{"deadline_recomputed",
                                    current.state,
                                    current.state,
                                    actor.login,
                                    now,
                                    {{"clock", clock.name},
                                     {"closed_date", FormatTimestamp(TaipeiStartOfDay(date)).substr(0, 10)},
                                     {"reason", reason},
                                     {"old_due", FormatTimestamp(old_due)},
                                     {"new_due", FormatTimestamp(clock.due_at)}},
                                    ""});
    ArmTimers(wf, clock, now, out);
  }
  if (out.events.empty()) return std::nullopt;
  return out;
}

Result<Outcome> Machine::Migrate(const Workflow& from, const Workflow& to, const CaseState& current,
                                 const std::map<std::string, std::string>& state_map,
                                 const std::vector<std::string>& pending_timer_clocks, const Actor& actor,
                                 Timestamp now) const {
  Error refused{ErrorKind::kConflict, "the case cannot move to " + to.name + " v" + std::to_string(to.version), {}};
  const auto mapped = state_map.find(current.state);
  const std::string target = mapped != state_map.end() ? mapped->second : current.state;
  const StateDef* state = to.FindState(target);
  if (!state) {
    refused.details.push_back(mapped != state_map.end()
                                  ? "state '" + current.state + "' is mapped to '" + target + "', which v" +
                                        std::to_string(to.version) + " does not have"
                                  : "state '" + current.state + "' has no mapping in v" + std::to_string(to.version) +
                                        " (give --map " + current.state + "=NEW_STATE)");
  } else if (state->final) {
    refused.details.push_back("state '" + current.state + "' is mapped to final state '" + target +
                              "'; a migration does not finish cases");
  }
  for (const auto& clock : current.clocks) {
    const ClockDef* def = to.FindClock(clock.name);
    if (!def) {
      refused.details.push_back("clock '" + clock.name + "' does not exist in v" + std::to_string(to.version));
    } else if (clock.pending_extension && !def->extend) {
      refused.details.push_back("an extension of clock '" + clock.name + "' waits for a decision, and v" +
                                std::to_string(to.version) + " cannot extend it");
    }
  }
  for (const auto& clock : pending_timer_clocks) {
    const bool defined = std::any_of(to.escalations.begin(), to.escalations.end(),
                                     [&](const EscalationDef& e) { return e.clock == clock; });
    const std::string sentence = "a pending timer of clock '" + clock + "' has no escalation in v" +
                                 std::to_string(to.version);
    if (!defined && !Contains(refused.details, sentence)) refused.details.push_back(sentence);
  }
  if (current.draft && state && !to.FindTransition(target, current.draft->event)) {
    refused.details.push_back("a draft of '" + current.draft->event + "' waits, and v" + std::to_string(to.version) +
                              " has no such step from '" + target + "'");
  }
  if (!refused.details.empty()) return refused;

  Outcome out;
  out.next = current;
  out.next.state = target;
  // Escalations already fired stay fired where the new version has the same rule.
  for (auto& clock : out.next.clocks) {
    std::vector<int> fired;
    for (const int i : clock.fired) {
      if (i < 0 || static_cast<std::size_t>(i) >= from.escalations.size()) continue;
      const EscalationDef& old = from.escalations[static_cast<std::size_t>(i)];
      for (std::size_t j = 0; j < to.escalations.size(); ++j) {
        if (to.escalations[j].clock == old.clock && to.escalations[j].at_text == old.at_text) {
          fired.push_back(static_cast<int>(j));
        }
      }
    }
    clock.fired = std::move(fired);
  }
  std::string mapping;
  for (const auto& [old_state, new_state] : state_map) {
    mapping += (mapping.empty() ? "" : ",") + old_state + "=" + new_state;
  }
  out.events.push_back(AuditEvent{"workflow_migrated",
                                  current.state,
                                  target,
                                  actor.login,
                                  now,
                                  {{"from_version", std::to_string(from.version)},
                                   {"to_version", std::to_string(to.version)},
                                   {"from_state", current.state},
                                   {"to_state", target},
                                   {"map", mapping}},
                                  ""});
  EnterState(to, *state, now, out);
  // Every clock's timers from the new version's rules: the old rule numbers mean nothing there.
  for (const auto& clock : out.next.clocks) ArmTimers(to, clock, now, out);
  Annotate(to, out);
  return out;
}

std::vector<std::string> Machine::AllowedEvents(const Workflow& wf, const CaseState& current,
                                                const Actor& actor) const {
  std::vector<std::string> events;
  if (current.draft) {
    // Nothing else moves the case until the draft is decided.
    if (actor.HasRole(current.draft->role)) {
      events.push_back(kApproveDraft);
      events.push_back(kReturnDraft);
    }
  } else {
    for (const auto& t : wf.transitions) {
      if (Contains(t.from, current.state) && RoleAllows(t, actor) && !Contains(events, t.on)) events.push_back(t.on);
    }
  }
  const StateDef* state = wf.FindState(current.state);
  if (state && state->final) return events;
  bool can_request = false, can_decide = false;
  for (const auto& clock : current.clocks) {
    const ClockDef* def = wf.FindClock(clock.name);
    if (!def || !def->extend || !clock.Running()) continue;
    const bool decides = def->extend->needs_role.empty() || actor.HasRole(def->extend->needs_role);
    if (clock.pending_extension) {
      can_decide = can_decide || decides;
    } else if (clock.extensions < def->extend->max) {
      can_request = true;
    }
  }
  if (can_request) events.push_back(kRequestExtension);
  if (can_decide) {
    events.push_back(kApproveExtension);
    events.push_back(kDenyExtension);
  }
  return events;
}

}  // namespace petitiond
