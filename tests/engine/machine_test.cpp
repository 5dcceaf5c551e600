#include "engine/machine.hpp"

#include <gtest/gtest.h>

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
    std::ifstream in(std::string(PETITIOND_SOURCE_DIR) + "/workflows/hotline-1999.yaml");
    std::stringstream s;
    s << in.rdbuf();
    auto wf = LoadWorkflow(s.str(), "hotline-1999.yaml");
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
    CaseState c = machine().Start(*workflow_, intake_, Taipei(2026, 11, 23, 10), {}).next;
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
  Outcome out = machine().Start(*workflow_, intake_, Taipei(2026, 11, 23, 10), {{"channel", "hotline"}});
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
  CaseState c = machine().Start(*workflow_, intake_, Taipei(2026, 11, 23, 10), {}).next;
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
  CaseState c = machine().Start(*workflow_, intake_, Taipei(2026, 11, 23, 10), {}).next;
  auto out = machine().Apply(*workflow_, c, Command{"assign", {{"assignee", ""}}, ""}, supervisor_,
                             Taipei(2026, 11, 23, 14));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().kind, ErrorKind::kUnprocessable);
  EXPECT_EQ(out.error().details, std::vector<std::string>{"assignee"});
}

TEST_F(MachineTest, RejectsAnActorWithoutTheRole) {
  CaseState c = machine().Start(*workflow_, intake_, Taipei(2026, 11, 23, 10), {}).next;
  auto out = machine().Apply(*workflow_, c, Command{"assign", {{"assignee", "wang"}}, ""}, handler_,
                             Taipei(2026, 11, 23, 14));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().kind, ErrorKind::kForbidden);
}

TEST_F(MachineTest, RejectsAnEventNotAllowedInTheCurrentState) {
  CaseState c = machine().Start(*workflow_, intake_, Taipei(2026, 11, 23, 10), {}).next;
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
  CaseState c = machine().Start(*workflow_, intake_, Taipei(2026, 11, 23, 10), {}).next;
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
