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

const TransitionDef* FindTransition(const Workflow& wf, std::string_view state, std::string_view event) {
  for (const auto& t : wf.transitions) {
    if (t.on == event && Contains(t.from, state)) return &t;
  }
  return nullptr;
}

void MarkRescheduled(Outcome& out, const std::string& clock) {
  if (!Contains(out.rescheduled_clocks, clock)) out.rescheduled_clocks.push_back(clock);
  std::erase_if(out.timers, [&](const TimerSpec& t) { return t.clock == clock; });
}

}  // namespace

Timestamp Machine::Add(Timestamp start, const Duration& d) const {
  switch (d.unit) {
    case Duration::Unit::kWorkdays: return calendar_.WorkdayDeadline(start, d.amount);
    case Duration::Unit::kDays: return start + std::chrono::days(d.amount);
    case Duration::Unit::kHours: return start + std::chrono::hours(d.amount);
    case Duration::Unit::kMinutes: return start + std::chrono::minutes(d.amount);
  }
  return start;
}

Timestamp Machine::EscalationTime(const EscalationDef& rule, const ClockState& clock) const {
  if (rule.at.kind == EscalationPoint::Kind::kPercent) {
    // A share of the clock's running span; time spent paused does not count.
    const Timestamp effective_start = clock.started_at + seconds(clock.paused_seconds);
    const auto span = clock.due_at - effective_start;
    return effective_start + seconds(span.count() * rule.at.percent / 100);
  }
  if (rule.at.after_due.amount == 0) return clock.due_at;
  if (rule.at.after_due.unit == Duration::Unit::kWorkdays) {
    // "due + N workdays": the end of the N-th working day after the due date.
    return TaipeiEndOfDay(calendar_.NthWorkdayAfter(TaipeiDate(clock.due_at), rule.at.after_due.amount));
  }
  return Add(clock.due_at, rule.at.after_due);
}

void Machine::ArmTimers(const Workflow& wf, const ClockState& clock, Outcome& out) const {
  MarkRescheduled(out, clock.name);
  if (!clock.Running() || clock.Paused()) return;
  for (std::size_t i = 0; i < wf.escalations.size(); ++i) {
    const auto& rule = wf.escalations[i];
    const int index = static_cast<int>(i);
    if (rule.clock != clock.name || std::find(clock.fired.begin(), clock.fired.end(), index) != clock.fired.end()) {
      continue;
    }
    out.timers.push_back(TimerSpec{clock.name, index, EscalationTime(rule, clock)});
  }
}

// Clock bookkeeping on entering `to` (DESIGN.md "Clock semantics"):
//  1. clocks paused before and not paused by `to` resume; the due date moves by the
//     working days the pause covered (see docs/decisions.md, "Pauses");
//  2. `stops` stops running clocks;
//  3. `starts` starts clocks that never ran (re-entry does not restart them);
//  4. `pauses` pauses running clocks.
void Machine::EnterState(const Workflow& wf, const StateDef& to, Timestamp now, Outcome& out) const {
  for (auto& clock : out.next.clocks) {
    if (!clock.Running() || !clock.Paused() || Contains(to.pauses, clock.name)) continue;
    const Timestamp paused_at = *clock.paused_at;
    const ClockDef* def = wf.FindClock(clock.name);
    if (def && def->within.unit == Duration::Unit::kWorkdays) {
      const int lost = calendar_.WorkdaysBetween(TaipeiDate(paused_at), TaipeiDate(now));
      if (lost > 0) clock.due_at = TaipeiEndOfDay(calendar_.NthWorkdayAfter(TaipeiDate(clock.due_at), lost));
    } else {
      clock.due_at += now - paused_at;
    }
    clock.paused_seconds += (now - paused_at).count();
    clock.paused_at.reset();
    if (!Contains(to.stops, clock.name)) ArmTimers(wf, clock, out);
  }
  for (const auto& name : to.stops) {
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
    clock.due_at = Add(now, def->within);
    out.next.clocks.push_back(clock);
    ArmTimers(wf, clock, out);
  }
  for (const auto& name : to.pauses) {
    ClockState* clock = out.next.FindClock(name);
    if (!clock || !clock->Running() || clock->Paused()) continue;
    clock->paused_at = now;
    MarkRescheduled(out, name);
  }
}

Outcome Machine::Start(const Workflow& wf, const Actor& actor, Timestamp received_at,
                       const std::map<std::string, std::string>& data) const {
  Outcome out;
  const StateDef& initial = wf.InitialState();
  out.next.state = initial.name;
  out.events.push_back(AuditEvent{"created", "", initial.name, actor.login, received_at, data, ""});
  EnterState(wf, initial, received_at, out);
  return out;
}

Result<Outcome> Machine::Apply(const Workflow& wf, const CaseState& current, const Command& cmd, const Actor& actor,
                               Timestamp now) const {
  const TransitionDef* t = FindTransition(wf, current.state, cmd.event);
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

  Outcome out;
  out.next = current;
  out.next.state = t->to;
  if (auto it = cmd.data.find("assignee"); it != cmd.data.end() && !it->second.empty()) {
    out.next.assignee = it->second;
  }
  out.events.push_back(AuditEvent{cmd.event, current.state, t->to, actor.login, now, cmd.data, cmd.comment});
  EnterState(wf, *wf.FindState(t->to), now, out);
  return out;
}

std::optional<Outcome> Machine::Escalate(const Workflow& wf, const CaseState& current, int rule,
                                         Timestamp now) const {
  if (rule < 0 || static_cast<std::size_t>(rule) >= wf.escalations.size()) return std::nullopt;
  const EscalationDef& def = wf.escalations[static_cast<std::size_t>(rule)];
  const ClockState* clock = current.FindClock(def.clock);
  if (!clock || !clock->Running() || clock->Paused() ||
      std::find(clock->fired.begin(), clock->fired.end(), rule) != clock->fired.end()) {
    return std::nullopt;
  }
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
  out.events.push_back(AuditEvent{"escalated", current.state, current.state, "system", now, std::move(data), ""});
  return out;
}

std::vector<std::string> Machine::AllowedEvents(const Workflow& wf, const CaseState& current,
                                                const Actor& actor) const {
  std::vector<std::string> events;
  for (const auto& t : wf.transitions) {
    if (Contains(t.from, current.state) && RoleAllows(t, actor) && !Contains(events, t.on)) events.push_back(t.on);
  }
  return events;
}

}  // namespace petitiond
