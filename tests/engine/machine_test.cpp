#include "engine/machine.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace petitiond {
namespace {

using namespace std::chrono;

sys_days D(int y, unsigned m, unsigned d) { return sys_days(year(y) / month(m) / day(d)); }
Timestamp Taipei(int y, unsigned m, unsigned d, int h) { return TaipeiStartOfDay(D(y, m, d)) + hours(h); }

class MachineTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::ifstream in(std::string(PETITIOND_SOURCE_DIR) + "/tests/engine/hotline-1999-v1.yaml");
    std::stringstream s;
    s << in.rdbuf();
    // Version 1 as it was stored: held to the rules of its day.
    auto wf = LoadWorkflow(s.str(), "hotline-1999.yaml", WorkflowRules::kStored);
    ASSERT_TRUE(wf.ok()) << wf.error().message;
    workflow_ = new Workflow(wf.value());
    calendar_ = new BusinessCalendar(BusinessCalendar::Shipped());
  }
  static void TearDownTestSuite() {
    delete workflow_;
    delete calendar_;
  }

  Machine machine() const { return Machine(*calendar_); }

  // A case received Monday 2026-11-23 10:00 and assigned the same day at 14:00.
  CaseState Assigned() const {
    CaseState c = machine().Start(*workflow_, intake_, "main", Taipei(2026, 11, 23, 10), {}).next;
    auto out = machine().Apply(*workflow_, c, Command{"assign", {{"assignee", "wang"}}, ""}, supervisor_,
                               Taipei(2026, 11, 23, 14));
    EXPECT_TRUE(out.ok()) << out.error().message;
    return out->next;
  }

  static Workflow* workflow_;
  static BusinessCalendar* calendar_;
  Actor intake_{"lin", {"intake"}, "main"};
  Actor supervisor_{"chen", {"supervisor"}, "main"};
  Actor handler_{"wang", {"handler"}, "main"};
};

Workflow* MachineTest::workflow_ = nullptr;
BusinessCalendar* MachineTest::calendar_ = nullptr;

TEST_F(MachineTest, StartEntersTheInitialStateAndStartsItsClocksAtReceipt) {
  Outcome out = machine().Start(*workflow_, intake_, "main", Taipei(2026, 11, 23, 10), {{"channel", "hotline"}});
  EXPECT_EQ(out.next.state, "received");
  ASSERT_EQ(out.next.clocks.size(), 1u);
  EXPECT_EQ(out.next.clocks[0].name, "assign");
  EXPECT_EQ(out.next.clocks[0].due_at, TaipeiEndOfDay(D(2026, 11, 24)));
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(out.events[0].event, "created");
  EXPECT_EQ(out.events[0].to, "received");
  ASSERT_EQ(out.timers.size(), 1u);
  EXPECT_EQ(out.timers[0].clock, "assign");
  EXPECT_EQ(out.timers[0].due_at, TaipeiEndOfDay(D(2026, 11, 24)));
}

TEST_F(MachineTest, AssignStopsTheAssignClockAndStartsTheResponseClock) {
  CaseState c = Assigned();
  EXPECT_EQ(c.state, "assigned");
  EXPECT_EQ(c.assignee, "wang");
  ASSERT_NE(c.FindClock("assign"), nullptr);
  EXPECT_FALSE(c.FindClock("assign")->Running());
  ASSERT_NE(c.FindClock("response"), nullptr);
  // Received Monday 11/23: six workdays are 11/24, 25, 26, 27, 30 and 12/1.
  EXPECT_EQ(c.FindClock("response")->due_at, TaipeiEndOfDay(D(2026, 12, 1)));
}

TEST_F(MachineTest, AssignArmsEveryEscalationOfTheResponseClock) {
  CaseState c = machine().Start(*workflow_, intake_, "main", Taipei(2026, 11, 23, 10), {}).next;
  auto out = machine().Apply(*workflow_, c, Command{"assign", {{"assignee", "wang"}}, ""}, supervisor_,
                             Taipei(2026, 11, 23, 14));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->rescheduled_clocks, (std::vector<std::string>{"assign", "response"}));
  ASSERT_EQ(out->timers.size(), 3u);
  const Timestamp due = TaipeiEndOfDay(D(2026, 12, 1));
  const Timestamp start = Taipei(2026, 11, 23, 14);
  EXPECT_EQ(out->timers[0].due_at, start + seconds((due - start).count() * 75 / 100));
  EXPECT_EQ(out->timers[1].due_at, due);
  EXPECT_EQ(out->timers[2].due_at, TaipeiEndOfDay(D(2026, 12, 3)));  // due + 2 workdays
}

TEST_F(MachineTest, RejectsAnEventWithMissingDataNamingEveryKey) {
  CaseState c = machine().Start(*workflow_, intake_, "main", Taipei(2026, 11, 23, 10), {}).next;
  auto out = machine().Apply(*workflow_, c, Command{"assign", {{"assignee", ""}}, ""}, supervisor_,
                             Taipei(2026, 11, 23, 14));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().kind, ErrorKind::kUnprocessable);
  EXPECT_EQ(out.error().details, std::vector<std::string>{"assignee"});
}

TEST_F(MachineTest, RejectsAnActorWithoutTheRole) {
  CaseState c = machine().Start(*workflow_, intake_, "main", Taipei(2026, 11, 23, 10), {}).next;
  auto out = machine().Apply(*workflow_, c, Command{"assign", {{"assignee", "wang"}}, ""}, handler_,
                             Taipei(2026, 11, 23, 14));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().kind, ErrorKind::kForbidden);
}

TEST_F(MachineTest, RejectsAnEventNotAllowedInTheCurrentState) {
  CaseState c = machine().Start(*workflow_, intake_, "main", Taipei(2026, 11, 23, 10), {}).next;
  auto out = machine().Apply(*workflow_, c, Command{"reply", {{"reply", "done"}}, ""}, handler_,
                             Taipei(2026, 11, 23, 14));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().kind, ErrorKind::kConflict);
  EXPECT_EQ(out.error().details, std::vector<std::string>{"allowed: assign"});
}

TEST_F(MachineTest, AFinalStateAllowsNothing) {
  CaseState c = Assigned();
  c = machine().Apply(*workflow_, c, Command{"reply", {{"reply", "已處理"}}, ""}, handler_, Taipei(2026, 11, 24, 9))
          ->next;
  c = machine().Apply(*workflow_, c, Command{"close", {}, ""}, supervisor_, Taipei(2026, 11, 24, 10))->next;
  EXPECT_EQ(c.state, "closed");
  auto out = machine().Apply(*workflow_, c, Command{"close", {}, ""}, supervisor_, Taipei(2026, 11, 24, 11));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().kind, ErrorKind::kConflict);
  EXPECT_NE(out.error().message.find("final"), std::string::npos);
  EXPECT_TRUE(machine().AllowedEvents(*workflow_, c, supervisor_).empty());
}

TEST_F(MachineTest, WaitingPausesTheResponseClockAndResumingMovesTheDueDate) {
  CaseState c = Assigned();
  const Timestamp due_before = c.FindClock("response")->due_at;
  // Asked Tuesday 11/24, answered Thursday 11/26: the pause covered two workdays (25, 26).
  auto asked = machine().Apply(*workflow_, c, Command{"ask", {}, "請補充地址"}, handler_, Taipei(2026, 11, 24, 9));
  ASSERT_TRUE(asked.ok());
  EXPECT_TRUE(asked->next.FindClock("response")->Paused());
  EXPECT_TRUE(asked->timers.empty()) << "a paused clock must not keep escalation timers";
  auto answered =
      machine().Apply(*workflow_, asked->next, Command{"answer", {}, ""}, intake_, Taipei(2026, 11, 26, 15));
  ASSERT_TRUE(answered.ok());
  const ClockState* clock = answered->next.FindClock("response");
  EXPECT_FALSE(clock->Paused());
  EXPECT_EQ(due_before, TaipeiEndOfDay(D(2026, 12, 1)));
  EXPECT_EQ(clock->due_at, TaipeiEndOfDay(D(2026, 12, 3)));
  EXPECT_EQ(clock->paused_seconds, (Taipei(2026, 11, 26, 15) - Taipei(2026, 11, 24, 9)).count());
  EXPECT_EQ(answered->timers.size(), 3u);
}

TEST_F(MachineTest, APauseWithinOneDayDoesNotMoveTheDueDate) {
  CaseState c = Assigned();
  c = machine().Apply(*workflow_, c, Command{"ask", {}, ""}, handler_, Taipei(2026, 11, 24, 9))->next;
  c = machine().Apply(*workflow_, c, Command{"answer", {}, ""}, intake_, Taipei(2026, 11, 24, 16))->next;
  EXPECT_EQ(c.FindClock("response")->due_at, TaipeiEndOfDay(D(2026, 12, 1)));
}

TEST_F(MachineTest, EscalationMarksOverdueThenRaisesPriorityOnce) {
  CaseState c = Assigned();
  auto overdue = machine().Escalate(*workflow_, c, 2, TaipeiEndOfDay(D(2026, 12, 1)));
  ASSERT_TRUE(overdue);
  EXPECT_TRUE(overdue->next.overdue);
  EXPECT_EQ(overdue->next.priority, 0);
  ASSERT_EQ(overdue->events.size(), 1u);
  EXPECT_EQ(overdue->events[0].event, "escalated");
  EXPECT_EQ(overdue->events[0].data.at("clock"), "response");
  EXPECT_EQ(overdue->events[0].data.at("rule"), "2");
  auto raised = machine().Escalate(*workflow_, overdue->next, 3, TaipeiEndOfDay(D(2026, 12, 3)));
  ASSERT_TRUE(raised);
  EXPECT_EQ(raised->next.priority, 1);
  EXPECT_FALSE(machine().Escalate(*workflow_, raised->next, 3, TaipeiEndOfDay(D(2026, 12, 4))))
      << "a rule fires once";
}

TEST_F(MachineTest, EscalationOfAStoppedClockNoLongerApplies) {
  CaseState c = Assigned();
  EXPECT_FALSE(machine().Escalate(*workflow_, c, 0, TaipeiEndOfDay(D(2026, 11, 24))));
}

TEST_F(MachineTest, AllowedEventsFollowTheActorsRoles) {
  CaseState c = machine().Start(*workflow_, intake_, "main", Taipei(2026, 11, 23, 10), {}).next;
  EXPECT_EQ(machine().AllowedEvents(*workflow_, c, supervisor_), std::vector<std::string>{"assign"});
  EXPECT_TRUE(machine().AllowedEvents(*workflow_, c, handler_).empty());
}

TEST_F(MachineTest, SameInputGivesTheSameOutcome) {
  CaseState c = Assigned();
  auto a = machine().Apply(*workflow_, c, Command{"ask", {}, "x"}, handler_, Taipei(2026, 11, 24, 9));
  auto b = machine().Apply(*workflow_, c, Command{"ask", {}, "x"}, handler_, Taipei(2026, 11, 24, 9));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->next.FindClock("response")->paused_at, b->next.FindClock("response")->paused_at);
  EXPECT_EQ(a->events[0].at, b->events[0].at);
}

}  // namespace
}  // namespace petitiond

namespace petitiond {
namespace {

using namespace std::chrono;

sys_days Day(int y, unsigned m, unsigned d) { return sys_days(year(y) / month(m) / day(d)); }
Timestamp At(int y, unsigned m, unsigned d, int h) { return TaipeiStartOfDay(Day(y, m, d)) + hours(h); }

// A small workflow exercising extensions and reminders.
const char* kExtendYaml = R"(
workflow: extend-test
version: 1
case_limit: 30 days
clocks:
  response: { within: 6 workdays, extend: { max: 1, by: 6 workdays, needs_role: supervisor, notify: petitioner } }
states:
  open:   { initial: true, starts: [response] }
  done:   { final: true, outcome: answered, stops: [response] }
transitions:
  - { on: finish, from: open, to: done, roles: [handler] }
escalations:
  - { clock: response, at: due, notify: [supervisor], mark: overdue, every: 1 workday }
)";

class DeadlineRulesTest : public testing::Test {
 protected:
  DeadlineRulesTest() : calendar_(BusinessCalendar::Shipped()) {
    auto wf = LoadWorkflow(kExtendYaml, "extend-test.yaml");
    EXPECT_TRUE(wf.ok()) << (wf.ok() ? "" : wf.error().details.front());
    wf_ = wf.value();
  }
  Machine machine() const { return Machine(calendar_); }
  CaseState Opened(const std::string& office, Timestamp at) const {
    return machine().Start(wf_, handler_, office, at, {}).next;
  }

  BusinessCalendar calendar_;
  Workflow wf_;
  Actor handler_{"wang", {"handler"}, "main"};
  Actor supervisor_{"chen", {"supervisor"}, "main"};
};

TEST_F(DeadlineRulesTest, AnOfficeClosureMovesOnlyThatOfficesDeadlines) {
  // Typhoon closes Lanyu on Wednesday 2026-11-25; the main office works.
  ASSERT_TRUE(calendar_.AddClosure("lanyu", Day(2026, 11, 25), "颱風停班"));
  EXPECT_FALSE(calendar_.IsWorkday(Day(2026, 11, 25), "lanyu"));
  EXPECT_TRUE(calendar_.IsWorkday(Day(2026, 11, 25), "main"));
  // Received Monday 11/23, 6 workdays: main ends 12/1, Lanyu one day later.
  EXPECT_EQ(Opened("main", At(2026, 11, 23, 10)).clocks[0].due_at, TaipeiEndOfDay(Day(2026, 12, 1)));
  EXPECT_EQ(Opened("lanyu", At(2026, 11, 23, 10)).clocks[0].due_at, TaipeiEndOfDay(Day(2026, 12, 2)));
}

TEST_F(DeadlineRulesTest, AClosureAfterTheCaseStartedIsRecomputedAndAudited) {
  CaseState c = Opened("lanyu", At(2026, 11, 23, 10));
  ASSERT_EQ(c.clocks[0].due_at, TaipeiEndOfDay(Day(2026, 12, 1)));
  calendar_.AddClosure("lanyu", Day(2026, 11, 25), "颱風停班");
  auto out = machine().ApplyClosure(wf_, c, Day(2026, 11, 25), "颱風停班", Actor::System(), At(2026, 11, 24, 20));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->next.clocks[0].due_at, TaipeiEndOfDay(Day(2026, 12, 2)));
  ASSERT_EQ(out->events.size(), 1u);
  EXPECT_EQ(out->events[0].event, "deadline_recomputed");
  EXPECT_EQ(out->events[0].data.at("closed_date"), "2026-11-25");
  EXPECT_EQ(out->events[0].data.at("new_due"), "2026-12-02T23:59:59+08:00");
  EXPECT_EQ(out->timers.size(), 1u) << "the escalation is re-armed for the new due date";
  // A closure outside the clock's span changes nothing.
  EXPECT_FALSE(machine().ApplyClosure(wf_, c, Day(2026, 12, 9), "颱風停班", Actor::System(), At(2026, 11, 24, 20)));
}

const char* kSameDayYaml = R"(
workflow: same-day-test
version: 1
clocks:
  response: { within: 0 workdays }
states:
  open: { initial: true, starts: [response] }
  done: { final: true, outcome: answered, stops: [response] }
transitions:
  - { on: finish, from: open, to: done, roles: [handler] }
escalations:
  - { clock: response, at: due, notify: [director], mark: overdue }
)";

TEST_F(DeadlineRulesTest, ASameDayClockNeverEndsOnADayTheOfficeIsClosed) {
  auto wf = LoadWorkflow(kSameDayYaml, "same-day.yaml");
  ASSERT_TRUE(wf.ok()) << wf.error().details.front();
  // Saturday 23:30: due at the end of Monday, and the overdue escalation waits until then.
  auto sat = machine().Start(wf.value(), handler_, "main", At(2026, 11, 21, 23) + minutes(30), {});
  EXPECT_EQ(sat.next.clocks[0].due_at, TaipeiEndOfDay(Day(2026, 11, 23)));
  ASSERT_EQ(sat.timers.size(), 1u);
  EXPECT_GE(sat.timers[0].due_at, TaipeiEndOfDay(Day(2026, 11, 23)));
  // Green Island closed for a typhoon on a day the main office works.
  ASSERT_TRUE(calendar_.AddClosure("green_island", Day(2026, 11, 25), "颱風停班"));
  EXPECT_EQ(machine().Start(wf.value(), handler_, "green_island", At(2026, 11, 25, 9), {}).next.clocks[0].due_at,
            TaipeiEndOfDay(Day(2026, 11, 26)));
  EXPECT_EQ(machine().Start(wf.value(), handler_, "main", At(2026, 11, 25, 9), {}).next.clocks[0].due_at,
            TaipeiEndOfDay(Day(2026, 11, 25)));
}

TEST_F(DeadlineRulesTest, AClosureDeclaredOnTheDayOfASameDayClockMovesIt) {
  auto wf = LoadWorkflow(kSameDayYaml, "same-day.yaml");
  ASSERT_TRUE(wf.ok()) << wf.error().details.front();
  CaseState c = machine().Start(wf.value(), handler_, "lanyu", At(2026, 11, 24, 8), {}).next;
  ASSERT_EQ(c.clocks[0].due_at, TaipeiEndOfDay(Day(2026, 11, 24)));
  calendar_.AddClosure("lanyu", Day(2026, 11, 24), "颱風停班");
  auto out = machine().ApplyClosure(wf.value(), c, Day(2026, 11, 24), "颱風停班", Actor::System(), At(2026, 11, 24, 10));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->next.clocks[0].due_at, TaipeiEndOfDay(Day(2026, 11, 25)));
}

TEST_F(DeadlineRulesTest, ADeadlineIntoAYearWithoutDataIsFlaggedIncomplete) {
  EXPECT_FALSE(Opened("main", At(2026, 11, 23, 10)).clocks[0].calendar_incomplete);
  // Received 2026-12-28: six workdays reach into January 2027, which no file covers.
  const CaseState c = Opened("main", At(2026, 12, 28, 10));
  EXPECT_TRUE(c.clocks[0].calendar_incomplete);
  EXPECT_EQ(c.clocks[0].due_at, TaipeiEndOfDay(Day(2027, 1, 5)));  // Monday-Friday fallback
}

TEST_F(DeadlineRulesTest, AHandlersExtensionWaitsForTheSupervisorThenMovesTheDueDate) {
  CaseState c = Opened("main", At(2026, 11, 23, 10));
  auto asked = machine().Apply(wf_, c, Command{kRequestExtension, {{"clock", "response"}, {"reason", "需會同地政事務所"}}, ""},
                               handler_, At(2026, 11, 27, 9));
  ASSERT_TRUE(asked.ok()) << asked.error().message;
  EXPECT_EQ(asked->next.clocks[0].due_at, TaipeiEndOfDay(Day(2026, 12, 1))) << "not moved before approval";
  ASSERT_TRUE(asked->next.clocks[0].pending_extension);
  EXPECT_TRUE(asked->notifications.empty());
  auto denied_role = machine().Apply(wf_, asked->next, Command{kApproveExtension, {{"clock", "response"}}, ""},
                                     handler_, At(2026, 11, 27, 10));
  ASSERT_FALSE(denied_role.ok());
  EXPECT_EQ(denied_role.error().kind, ErrorKind::kForbidden);
  auto approved = machine().Apply(wf_, asked->next, Command{kApproveExtension, {{"clock", "response"}}, ""},
                                  supervisor_, At(2026, 11, 27, 10));
  ASSERT_TRUE(approved.ok()) << approved.error().message;
  const ClockState& k = approved->next.clocks[0];
  EXPECT_EQ(k.due_at, TaipeiEndOfDay(Day(2026, 12, 9)));  // 12/1 + 6 workdays
  EXPECT_EQ(k.extensions, 1);
  EXPECT_FALSE(k.pending_extension);
  // One audited step: request, approval and the new due date together.
  ASSERT_EQ(approved->events.size(), 1u);
  const auto& data = approved->events[0].data;
  EXPECT_EQ(data.at("requested_by"), "wang");
  EXPECT_EQ(data.at("approved_by"), "chen");
  EXPECT_EQ(data.at("reason"), "需會同地政事務所");
  EXPECT_EQ(data.at("new_due"), "2026-12-09T23:59:59+08:00");
  ASSERT_EQ(approved->notifications.size(), 1u);
  EXPECT_EQ(approved->notifications[0].targets, std::vector<std::string>{"petitioner"});
  EXPECT_EQ(approved->notifications[0].vars.at("reason"), "需會同地政事務所");
  // Limited to max: 1.
  auto again = machine().Apply(wf_, approved->next, Command{kRequestExtension, {{"clock", "response"}, {"reason", "x"}}, ""},
                               supervisor_, At(2026, 11, 30, 10));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind, ErrorKind::kConflict);
}

TEST_F(DeadlineRulesTest, ADeniedExtensionLeavesTheDeadlineAndCanBeAskedAgain) {
  CaseState c = Opened("main", At(2026, 11, 23, 10));
  auto asked = machine().Apply(wf_, c, Command{kRequestExtension, {{"clock", "response"}, {"reason", "r"}}, ""},
                               handler_, At(2026, 11, 27, 9));
  ASSERT_TRUE(asked.ok());
  auto twice = machine().Apply(wf_, asked->next, Command{kRequestExtension, {{"clock", "response"}, {"reason", "r"}}, ""},
                               handler_, At(2026, 11, 27, 9));
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().kind, ErrorKind::kConflict) << "one request waits at a time";
  auto denied = machine().Apply(wf_, asked->next, Command{kDenyExtension, {{"clock", "response"}}, "理由不足"},
                                supervisor_, At(2026, 11, 27, 10));
  ASSERT_TRUE(denied.ok()) << denied.error().message;
  const ClockState& k = denied->next.clocks[0];
  EXPECT_EQ(k.due_at, TaipeiEndOfDay(Day(2026, 12, 1)));
  EXPECT_EQ(k.extensions, 0);
  EXPECT_FALSE(k.pending_extension);
  EXPECT_TRUE(denied->notifications.empty());
  ASSERT_EQ(denied->events.size(), 1u);
  EXPECT_EQ(denied->events[0].event, kDenyExtension);
  EXPECT_EQ(denied->events[0].data.at("denied_by"), "chen");
  EXPECT_EQ(denied->events[0].data.at("requested_by"), "wang");
  EXPECT_EQ(denied->events[0].comment, "理由不足");
  auto nothing = machine().Apply(wf_, denied->next, Command{kDenyExtension, {{"clock", "response"}}, ""}, supervisor_,
                                 At(2026, 11, 27, 11));
  ASSERT_FALSE(nothing.ok());
  EXPECT_EQ(nothing.error().kind, ErrorKind::kConflict) << "nothing is waiting";
  auto again = machine().Apply(wf_, denied->next, Command{kRequestExtension, {{"clock", "response"}, {"reason", "r2"}}, ""},
                               handler_, At(2026, 11, 27, 12));
  EXPECT_TRUE(again.ok()) << "a denial does not use up the allowed extensions";
}

TEST_F(DeadlineRulesTest, ASupervisorsRequestIsApprovedAtOnce) {
  CaseState c = Opened("main", At(2026, 11, 23, 10));
  auto out = machine().Apply(wf_, c, Command{kRequestExtension, {{"clock", "response"}, {"reason", "r"}}, ""},
                             supervisor_, At(2026, 11, 27, 9));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->events[0].event, kApproveExtension);
  EXPECT_EQ(out->next.clocks[0].extensions, 1);
}

TEST_F(DeadlineRulesTest, AnExtensionIsCappedAtTheCaseLimit) {
  Workflow wf = wf_;
  wf.case_limit = Duration{Duration::Unit::kDays, 10};  // received 11/23: limit end of 12/3
  CaseState c = Machine(calendar_).Start(wf, handler_, "main", At(2026, 11, 23, 10), {}).next;
  auto out = machine().Apply(wf, c, Command{kRequestExtension, {{"clock", "response"}, {"reason", "r"}}, ""},
                             supervisor_, At(2026, 11, 27, 9));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->next.clocks[0].due_at, TaipeiEndOfDay(Day(2026, 12, 3)));
  EXPECT_EQ(out->events[0].data.at("capped"), "true");
}

TEST_F(DeadlineRulesTest, AnOverdueReminderRepeatsEveryWorkdayUntilTheClockStops) {
  CaseState c = Opened("main", At(2026, 11, 23, 10));
  auto first = machine().Escalate(wf_, c, 0, TaipeiEndOfDay(Day(2026, 12, 1)));
  ASSERT_TRUE(first);
  ASSERT_EQ(first->timers.size(), 1u);
  EXPECT_EQ(first->timers[0].due_at, TaipeiEndOfDay(Day(2026, 12, 2)));
  ASSERT_EQ(first->notifications.size(), 1u);
  EXPECT_EQ(first->notifications[0].targets, std::vector<std::string>{"supervisor"});
  auto second = machine().Escalate(wf_, first->next, 0, TaipeiEndOfDay(Day(2026, 12, 2)));
  ASSERT_TRUE(second) << "a repeating reminder fires again";
  EXPECT_EQ(second->events[0].data.at("repeat"), "2");
  auto done = machine().Apply(wf_, second->next, Command{"finish", {}, ""}, handler_, At(2026, 12, 3, 9));
  ASSERT_TRUE(done.ok());
  EXPECT_TRUE(done->timers.empty());
  EXPECT_FALSE(machine().Escalate(wf_, done->next, 0, TaipeiEndOfDay(Day(2026, 12, 3))));
}

TEST_F(DeadlineRulesTest, WorkdaysLeftCountsTodayAndGoesNegativeWhenOverdue) {
  CaseState c = Opened("main", At(2026, 11, 23, 10));  // due end of 12/1
  EXPECT_EQ(machine().WorkdaysLeft(c.clocks[0], "main", At(2026, 11, 30, 9)), 2);  // 11/30 and 12/1
  EXPECT_EQ(machine().WorkdaysLeft(c.clocks[0], "main", At(2026, 12, 1, 9)), 1);
  EXPECT_EQ(machine().WorkdaysLeft(c.clocks[0], "main", At(2026, 12, 3, 9)), -2);  // 12/2 and 12/3 past
}

TEST(TemplateTest, FillsPlaceholdersAndLeavesUnknownOnes) {
  EXPECT_EQ(RenderTemplate("案件 {{public_no}} 期限 {{due_at}} {{x}}", {{"public_no", "115-000001"}, {"due_at", "12/1"}}),
            "案件 115-000001 期限 12/1 {{x}}");
}

}  // namespace
}  // namespace petitiond

namespace petitiond {
namespace {

// The shipped hotline workflow (v2 and later): the reply is due 6 workdays after receipt, 10 once
// a supervisor records that several units are involved.
TEST(ShippedHotlineWorkflowTest, SeveralUnitsLengthenTheReplyToTenWorkdays) {
  std::ifstream in(std::string(PETITIOND_SOURCE_DIR) + "/workflows/hotline-1999.yaml");
  std::stringstream s;
  s << in.rdbuf();
  auto wf = LoadWorkflow(s.str(), "hotline-1999.yaml");
  ASSERT_TRUE(wf.ok()) << wf.error().message;
  const BusinessCalendar calendar = BusinessCalendar::Shipped();
  const Machine m(calendar);
  const Actor intake{"lin", {"intake"}, "main"}, supervisor{"chen", {"supervisor"}, "main"};
  // Received Monday 2026-11-23: 6 workdays end Tuesday 12/01, 10 end Monday 12/07.
  const Timestamp monday = TaipeiStartOfDay(sys_days(2026y / 11 / 23)) + std::chrono::hours(10);
  CaseState c = m.Start(*wf, intake, "main", monday, {}).next;
  ASSERT_EQ(c.FindClock("response")->due_at, TaipeiEndOfDay(sys_days(2026y / 12 / 1)));
  c = m.Apply(*wf, c, Command{"assign", {{"assignee", "wang"}}, ""}, supervisor, monday).value().next;
  auto joint = m.Apply(*wf, c, Command{"involve_units", {{"units", "戶籍課、資訊課"}}, ""}, supervisor, monday);
  ASSERT_TRUE(joint.ok()) << joint.error().message;
  EXPECT_EQ(joint->next.FindClock("response")->due_at, TaipeiEndOfDay(sys_days(2026y / 12 / 7)));
  EXPECT_EQ(joint->events.back().data.at("response_was_due"), "2026-12-01T23:59:59+08:00");
  EXPECT_FALSE(joint->timers.empty()) << "escalations re-armed for the new due date";
  EXPECT_FALSE(m.Apply(*wf, joint->next, Command{"involve_units", {{"units", "x"}}, ""}, supervisor, monday).ok())
      << "only once";
  EXPECT_FALSE(m.Apply(*wf, c, Command{"involve_units", {}, ""}, supervisor, monday).ok()) << "units required";
}

}  // namespace
}  // namespace petitiond

namespace petitiond {
namespace {

// Sign-off (approve: { role: director }): a draft that waits, then the step as drafted.
class SignOffTest : public testing::Test {
 protected:
  static constexpr const char* kYaml = R"(workflow: signed
version: 1
clocks:
  response: { within: 6 workdays }
states:
  open:    { initial: true, starts: [response] }
  replied: { stops: [response] }
  closed:  { final: true, outcome: answered }
transitions:
  - { on: reply, from: open, to: replied, roles: [handler], require: [reply], notify: [petitioner], approve: { role: director } }
  - { on: close, from: replied, to: closed, roles: [supervisor] }
  - { on: note,  from: open, to: open, roles: [handler] }
escalations:
  - { clock: response, at: due, notify: [supervisor], mark: overdue }
)";
  SignOffTest() : calendar_(BusinessCalendar::Shipped()) {
    auto wf = LoadWorkflow(kYaml, "signed.yaml");
    EXPECT_TRUE(wf.ok()) << (wf.ok() ? "" : wf.error().message);
    if (wf.ok()) wf_ = wf.value();
  }
  Machine machine() const { return Machine(calendar_); }
  CaseState Drafted() const {
    const CaseState open = machine().Start(wf_, handler_, "main", Taipei(2026, 11, 23, 10), {}).next;
    auto out = machine().Apply(wf_, open, Command{"reply", {{"reply", "草稿"}}, "初稿"}, handler_, Taipei(2026, 11, 24, 9));
    EXPECT_TRUE(out.ok()) << out.error().message;
    return out->next;
  }
  BusinessCalendar calendar_;
  Workflow wf_;
  Actor handler_{"wang", {"handler"}, "main"};
  Actor supervisor_{"chen", {"supervisor"}, "main"};
  Actor director_{"lee", {"director"}, "main"};
};

TEST_F(SignOffTest, TheLoaderReadsApproveAndRefusesAnUnknownRole) {
  ASSERT_EQ(wf_.transitions[0].approve_role, "director");
  EXPECT_TRUE(wf_.transitions[1].approve_role.empty());
  std::string bad = kYaml;
  bad.replace(bad.find("role: director"), 14, "role: mayor");
  auto r = LoadWorkflow(bad, "signed.yaml");
  ASSERT_FALSE(r.ok());
  ASSERT_FALSE(r.error().details.empty());
  EXPECT_EQ(r.error().details[0].rfind("signed.yaml:10:", 0), 0u) << r.error().details[0];
  EXPECT_NE(r.error().details[0].find("unknown role 'mayor'"), std::string::npos) << r.error().details[0];
}

TEST_F(SignOffTest, ADraftChangesNothingButTheDraftAndTellsTheApprover) {
  const CaseState open = machine().Start(wf_, handler_, "main", Taipei(2026, 11, 23, 10), {}).next;
  auto out = machine().Apply(wf_, open, Command{"reply", {{"reply", "草稿"}}, "初稿"}, handler_, Taipei(2026, 11, 24, 9));
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(out->next.state, "open");
  ASSERT_TRUE(out->next.draft);
  EXPECT_EQ(out->next.draft->event, "reply");
  EXPECT_EQ(out->next.draft->by, "wang");
  EXPECT_EQ(out->next.draft->data.at("reply"), "草稿");
  EXPECT_EQ(out->next.clocks, open.clocks) << "the clock runs on untouched";
  EXPECT_TRUE(out->timers.empty());
  ASSERT_EQ(out->events.size(), 1u);
  EXPECT_EQ(out->events[0].event, kDraftSubmitted);
  EXPECT_EQ(out->events[0].data.at("event"), "reply");
  ASSERT_EQ(out->notifications.size(), 1u);
  EXPECT_EQ(out->notifications[0].targets, std::vector<std::string>{"director"});
}

TEST_F(SignOffTest, WhileADraftWaitsNoOtherStepIsTakenButTheClockEscalates) {
  const CaseState drafted = Drafted();
  auto note = machine().Apply(wf_, drafted, Command{"note", {}, ""}, handler_, Taipei(2026, 11, 24, 10));
  ASSERT_FALSE(note.ok());
  EXPECT_EQ(note.error().kind, ErrorKind::kConflict);
  EXPECT_EQ(machine().AllowedEvents(wf_, drafted, handler_), std::vector<std::string>{});
  EXPECT_EQ(machine().AllowedEvents(wf_, drafted, director_), (std::vector<std::string>{kApproveDraft, kReturnDraft}));
  auto late = machine().Escalate(wf_, drafted, 0, Taipei(2026, 12, 2, 9));
  ASSERT_TRUE(late);
  EXPECT_TRUE(late->next.overdue);
  EXPECT_TRUE(late->next.draft) << "the draft still waits";
}

TEST_F(SignOffTest, ApprovalTakesTheDraftedStepWithTheApproversEdits) {
  const CaseState drafted = Drafted();
  auto wrong = machine().Apply(wf_, drafted, Command{kApproveDraft, {}, ""}, supervisor_, Taipei(2026, 11, 24, 11));
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().kind, ErrorKind::kForbidden);
  auto out = machine().Apply(wf_, drafted, Command{kApproveDraft, {{"reply", "定稿"}, {"assignee", "x"}}, "可"},
                             director_, Taipei(2026, 11, 24, 11));
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(out->next.state, "replied");
  EXPECT_FALSE(out->next.draft);
  EXPECT_FALSE(out->next.assignee) << "keys the step does not take are not obeyed";
  EXPECT_FALSE(out->next.FindClock("response")->Running());
  ASSERT_EQ(out->events.size(), 2u);
  EXPECT_EQ(out->events[0].event, kApproveDraft);
  EXPECT_EQ(out->events[0].actor, "lee");
  EXPECT_EQ(out->events[0].data.at("edited"), "reply");
  EXPECT_EQ(out->events[1].event, "reply");
  EXPECT_EQ(out->events[1].actor, "wang");
  EXPECT_EQ(out->events[1].data.at("reply"), "定稿");
  EXPECT_EQ(out->events[1].data.at("approved_by"), "lee");
  EXPECT_EQ(out->events[1].comment, "初稿");
  ASSERT_EQ(out->notifications.size(), 1u);
  EXPECT_EQ(out->notifications[0].template_name, "reply");
  EXPECT_EQ(out->notifications[0].vars.at("reply"), "定稿");
}

TEST_F(SignOffTest, AReturnNeedsAReasonDropsTheDraftAndTellsTheAssignee) {
  const CaseState drafted = Drafted();
  auto bare = machine().Apply(wf_, drafted, Command{kReturnDraft, {}, ""}, director_, Taipei(2026, 11, 24, 11));
  ASSERT_FALSE(bare.ok());
  EXPECT_EQ(bare.error().kind, ErrorKind::kUnprocessable);
  auto out = machine().Apply(wf_, drafted, Command{kReturnDraft, {{"reason", "請補法規依據"}}, ""}, director_,
                             Taipei(2026, 11, 24, 11));
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(out->next.state, "open");
  EXPECT_FALSE(out->next.draft);
  ASSERT_EQ(out->notifications.size(), 1u);
  EXPECT_EQ(out->notifications[0].targets, std::vector<std::string>{"assignee"});
  auto again = machine().Apply(wf_, out->next, Command{kApproveDraft, {}, ""}, director_, Taipei(2026, 11, 24, 12));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind, ErrorKind::kConflict);
}

TEST_F(SignOffTest, SomeoneHoldingTheApprovingRoleTakesTheStepAtOnce) {
  const Actor both{"lee", {"handler", "director"}, "main"};
  const CaseState open = machine().Start(wf_, both, "main", Taipei(2026, 11, 23, 10), {}).next;
  auto out = machine().Apply(wf_, open, Command{"reply", {{"reply", "答覆"}}, ""}, both, Taipei(2026, 11, 24, 9));
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(out->next.state, "replied");
  EXPECT_FALSE(out->next.draft);
}

}  // namespace
}  // namespace petitiond

namespace petitiond {
namespace {

// Moving a running case to a later version of its workflow (tests/data/repair).
class MigrateTest : public testing::Test {
 protected:
  static Workflow Load(const std::string& file) {
    std::ifstream in(std::string(PETITIOND_SOURCE_DIR) + "/tests/data/repair/" + file);
    std::stringstream s;
    s << in.rdbuf();
    auto wf = LoadWorkflow(s.str(), file);
    EXPECT_TRUE(wf.ok()) << (wf.ok() ? "" : wf.error().details.front());
    return wf.ok() ? wf.value() : Workflow{};
  }
  MigrateTest() : calendar_(BusinessCalendar::Shipped()), v1_(Load("repair-v1.yaml")), v2_(Load("repair-v2.yaml")),
                  v3_(Load("repair-v3.yaml")) {}
  Machine machine() const { return Machine(calendar_); }
  BusinessCalendar calendar_;
  Workflow v1_, v2_, v3_;
  Actor admin_{"cli:root", {"admin"}, ""};
  Actor handler_{"wang", {"handler"}, "main"};
};

TEST_F(MigrateTest, AFiredRuleStaysFiredOnlyWhereTheNewVersionHasIt) {
  CaseState c = machine().Start(v1_, handler_, "main", Taipei(2026, 11, 26, 10), {}).next;
  auto half = machine().Escalate(v1_, c, 0, Taipei(2026, 12, 2, 9));  // the 50% reminder
  ASSERT_TRUE(half);
  c = half->next;
  auto out = machine().Migrate(v1_, v2_, c, {}, {"response"}, admin_, Taipei(2026, 12, 2, 10));
  ASSERT_TRUE(out.ok()) << out.error().details.front();
  EXPECT_EQ(out->next.state, "received");
  EXPECT_TRUE(out->next.FindClock("response")->fired.empty()) << "v2 has no 50% rule";
  EXPECT_EQ(out->next.FindClock("response")->due_at, c.FindClock("response")->due_at) << "the deadline stays";
  ASSERT_EQ(out->timers.size(), 2u);
  EXPECT_EQ(out->timers[0].rule, 0);  // v2's 75%
  EXPECT_EQ(out->timers[1].rule, 1);  // v2's due
  EXPECT_EQ(out->rescheduled_clocks, std::vector<std::string>{"response"});
  ASSERT_EQ(out->events.size(), 1u);
  EXPECT_EQ(out->events[0].event, "workflow_migrated");
  EXPECT_EQ(out->events[0].data.at("from_version"), "1");
  EXPECT_EQ(out->events[0].data.at("to_version"), "2");
  // The overdue mark fired under v1 stays fired under v2's identical rule.
  auto due = machine().Escalate(v1_, c, 1, Taipei(2026, 12, 7, 9));
  ASSERT_TRUE(due);
  auto later = machine().Migrate(v1_, v2_, due->next, {}, {"response"}, admin_, Taipei(2026, 12, 7, 10));
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->next.FindClock("response")->fired, std::vector<int>{1});
  EXPECT_TRUE(std::none_of(later->timers.begin(), later->timers.end(), [](const TimerSpec& t) { return t.rule == 1; }));
}

TEST_F(MigrateTest, StatesMoveByNameOrByTheMapAndEveryBreakIsNamed) {
  CaseState c = machine().Start(v1_, handler_, "main", Taipei(2026, 11, 26, 10), {}).next;
  c = machine().Apply(v1_, c, Command{"ask", {}, ""}, handler_, Taipei(2026, 11, 27, 10))->next;
  auto unmapped = machine().Migrate(v1_, v2_, c, {}, {}, admin_, Taipei(2026, 11, 30, 10));
  ASSERT_FALSE(unmapped.ok());
  EXPECT_NE(unmapped.error().details.at(0).find("state 'waiting' has no mapping in v2"), std::string::npos);
  auto mapped = machine().Migrate(v1_, v2_, c, {{"waiting", "supplementing"}}, {}, admin_, Taipei(2026, 11, 30, 10));
  ASSERT_TRUE(mapped.ok());
  EXPECT_EQ(mapped->next.state, "supplementing");
  EXPECT_TRUE(mapped->next.FindClock("response")->Paused()) << "supplementing pauses the clock as waiting did";
  auto to_final = machine().Migrate(v1_, v2_, c, {{"waiting", "closed"}}, {}, admin_, Taipei(2026, 11, 30, 10));
  ASSERT_FALSE(to_final.ok());
  EXPECT_NE(to_final.error().details.at(0).find("final state 'closed'"), std::string::npos);
  auto no_clock = machine().Migrate(v1_, v3_, c, {{"waiting", "received"}}, {"response"}, admin_,
                                    Taipei(2026, 11, 30, 10));
  ASSERT_FALSE(no_clock.ok());
  ASSERT_EQ(no_clock.error().details.size(), 2u);
  EXPECT_EQ(no_clock.error().details[0], "clock 'response' does not exist in v3");
  EXPECT_EQ(no_clock.error().details[1], "a pending timer of clock 'response' has no escalation in v3");
}

}  // namespace
}  // namespace petitiond

namespace petitiond {
namespace {

// Clock-hour deadlines (issue #21): `by: "17:00"` and `within: 4 hours`.
class ClockHoursTest : public testing::Test {
 protected:
  static constexpr const char* kYaml = R"(workflow: press
version: 1
clocks:
  assign:   { within: 4 hours }
  response: { by: "17:00" }
states:
  received: { initial: true, starts: [assign, response] }
  done:     { final: true, outcome: answered }
transitions:
  - { on: reply, from: received, to: done, roles: [handler] }
escalations:
  - { clock: response, at: due, notify: [director], mark: overdue }
)";
  ClockHoursTest() : calendar_(BusinessCalendar::Shipped()) {
    auto wf = LoadWorkflow(kYaml, "press.yaml");
    EXPECT_TRUE(wf.ok()) << (wf.ok() ? "" : wf.error().details.front());
    if (wf.ok()) wf_ = wf.value();
  }
  Timestamp Due(Timestamp received, const std::string& clock) const {
    const CaseState c = Machine(calendar_).Start(wf_, actor_, "main", received, {}).next;
    return c.FindClock(clock)->due_at;
  }
  static Timestamp At(const std::string& text) { return *ParseTimestamp(text); }
  BusinessCalendar calendar_;
  Workflow wf_;
  Actor actor_{"lin", {"intake"}, "main"};
};

TEST_F(ClockHoursTest, ByFiveOClockIsTheSameDayOrTheNextWorkingDay) {
  // Thursday 2026-11-26.
  EXPECT_EQ(Due(At("2026-11-26T10:00:00+08:00"), "response"), At("2026-11-26T17:00:00+08:00"));
  EXPECT_EQ(Due(At("2026-11-26T17:30:00+08:00"), "response"), At("2026-11-27T17:00:00+08:00"));
  // Saturday 11/28 and Sunday: Monday 11/30.
  EXPECT_EQ(Due(At("2026-11-28T09:00:00+08:00"), "response"), At("2026-11-30T17:00:00+08:00"));
  // Four hours on the wall clock, whatever the day.
  EXPECT_EQ(Due(At("2026-11-28T09:00:00+08:00"), "assign"), At("2026-11-28T13:00:00+08:00"));
  EXPECT_EQ(Due(At("2026-11-26T15:00:00+08:00"), "assign"), At("2026-11-26T19:00:00+08:00"));
}

TEST_F(ClockHoursTest, AClosureOnTheDueDayMovesItToTheNextWorkingDayAtTheSameHour) {
  const CaseState c = Machine(calendar_).Start(wf_, actor_, "lanyu", At("2026-11-26T10:00:00+08:00"), {}).next;
  BusinessCalendar closed = calendar_;
  closed.AddClosure("lanyu", D(2026, 11, 26), "颱風停班");
  auto out = Machine(closed).ApplyClosure(wf_, c, D(2026, 11, 26), "颱風停班", actor_, At("2026-11-26T11:00:00+08:00"));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->next.FindClock("response")->due_at, At("2026-11-27T17:00:00+08:00"));
  EXPECT_EQ(out->next.FindClock("assign")->due_at, c.FindClock("assign")->due_at) << "hours are hours";
}

TEST_F(ClockHoursTest, TheLoaderWantsOneOfWithinAndByAndAnHour) {
  std::string both = kYaml;
  both.replace(both.find("{ by: \"17:00\" }"), 15, "{ by: \"17:00\", within: 1 workday }");
  auto r = LoadWorkflow(both, "press.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().details.at(0).find("both within and by"), std::string::npos) << r.error().details.at(0);
  std::string bad = kYaml;
  bad.replace(bad.find("\"17:00\""), 7, "\"5pm\"");
  auto b = LoadWorkflow(bad, "press.yaml");
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().details.at(0).rfind("press.yaml:5:", 0), 0u) << b.error().details.at(0);
  EXPECT_NE(b.error().details.at(0).find("HH:MM"), std::string::npos);
}

}  // namespace
}  // namespace petitiond
