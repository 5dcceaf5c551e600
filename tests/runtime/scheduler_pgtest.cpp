#include "engine/runtime/jobs/scheduler.hpp"
#include "engine/store/session.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <memory>
#include <thread>

#include "engine/runtime/services/case_service.hpp"
#include "engine/runtime/services/workflow_registry.hpp"
#include "engine/store/database.hpp"
#include "engine/store/timer_store.hpp"
#include "tests/common/pg_fixture.hpp"

namespace petitiond {
namespace {

using namespace std::chrono;
using testing_support::FakeClock;
using testing_support::TestDatabase;

Timestamp Taipei(int y, unsigned m, unsigned d, int h) {
  return TaipeiStartOfDay(sys_days(year(y) / month(m) / day(d))) + hours(h);
}

// One petitiond "process": its own pool, registry, service and scheduler on the shared
// database. Destroying it and building another is a restart.
struct Node {
  Node(const std::string& url, const std::string& name, const Clock& clock, runtime::CalendarHolder& calendar)
      : db(url, 2), registry(db), service(db, registry, calendar, clock),
        scheduler(db, service, clock, runtime::Scheduler::Options{name, 7, milliseconds(200)}) {
    registry.Reload();
  }
  store::Database db;
  runtime::WorkflowRegistry registry;
  runtime::CaseService service;
  runtime::Scheduler scheduler;
};

class SchedulerTest : public testing::Test {
 protected:
  SchedulerTest() : clock_(Taipei(2026, 11, 23, 10)) {
    runtime::WorkflowRegistry(t_.db()).DeployDirectory(std::string(PETITIOND_SOURCE_DIR) + "/workflows");
    runtime::AuthService(t_.db(), clock_).AddUser("wang", "handler-pass", {"handler"}, "main");  // an assignee
  }

  std::int64_t CreateCase(Node& node) {
    runtime::CreateCaseInput in;
    in.channel = "hotline";
    in.office = "main";
    in.subject = "門牌整編";
    in.body = "詢問門牌整編進度";
    return node.service.Create(intake_, in).view.record.id;
  }

  long long Count(const std::string& query) {
    long long n = 0;
    t_.db().Run([&](store::Tx& tx) {
    auto& sql = store::Sql(tx); sql << query, soci::into(n); });
    return n;
  }

  TestDatabase t_;
  runtime::CalendarHolder calendar_{BusinessCalendar::Shipped()};
  FakeClock clock_;
  Actor intake_{"lin", {"intake"}, "main"};
};

TEST_F(SchedulerTest, ATimerFiresAfterARestart) {
  std::int64_t id = 0;
  {
    Node before(t_.url(), "node-a", clock_, calendar_);
    id = CreateCase(before);
    EXPECT_EQ(before.scheduler.RunOnce(), 0) << "nothing is due yet";
  }  // the process goes away with its timer armed in the database
  clock_.Set(Taipei(2026, 11, 25, 9));  // the assign clock was due at the end of 11/24
  Node after(t_.url(), "node-b", clock_, calendar_);
  EXPECT_EQ(after.scheduler.RunOnce(), 1);
  Actor director{"boss", {"director"}, "main"};
  auto view = after.service.Get(director, id);
  EXPECT_TRUE(view.record.state.overdue);
  auto events = after.service.Events(director, id);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].event, "escalated");
  EXPECT_EQ(events[1].actor, "system");
  EXPECT_NE(events[1].data_json.find("\"clock\": \"assign\""), std::string::npos) << events[1].data_json;
  EXPECT_NE(events[1].data_json.find("\"rule\": \"0\""), std::string::npos) << events[1].data_json;
  EXPECT_EQ(after.scheduler.RunOnce(), 0) << "a timer fires once";
}

TEST_F(SchedulerTest, TheBackgroundLoopFiresDueTimersByItself) {
  Node node(t_.url(), "node-a", clock_, calendar_);
  const auto id = CreateCase(node);
  clock_.Set(Taipei(2026, 11, 25, 9));
  node.scheduler.Start();
  for (int i = 0; i < 100 && Count("SELECT count(*) FROM case_events WHERE event = 'escalated'") == 0; ++i) {
    std::this_thread::sleep_for(milliseconds(50));
  }
  node.scheduler.Stop();
  EXPECT_EQ(Count("SELECT count(*) FROM case_events WHERE event = 'escalated' AND case_id = " + std::to_string(id)), 1);
}

TEST_F(SchedulerTest, TwoNodesFireEachTimerExactlyOnce) {
  Node a(t_.url(), "node-a", clock_, calendar_);
  Node b(t_.url(), "node-b", clock_, calendar_);
  for (int i = 0; i < 40; ++i) CreateCase(i % 2 ? a : b);
  clock_.Set(Taipei(2026, 11, 25, 9));
  int fired_a = 0, fired_b = 0;
  std::thread ta([&] { fired_a = a.scheduler.RunOnce(); });
  std::thread tb([&] { fired_b = b.scheduler.RunOnce(); });
  ta.join();
  tb.join();
  EXPECT_EQ(fired_a + fired_b, 40);
  EXPECT_EQ(Count("SELECT count(*) FROM case_events WHERE event = 'escalated'"), 40);
  EXPECT_EQ(Count("SELECT count(DISTINCT case_id) FROM case_events WHERE event = 'escalated'"), 40);
  EXPECT_EQ(Count("SELECT count(*) FROM timers WHERE clock = 'assign'"), 0);
}

TEST_F(SchedulerTest, ANodeThatDiesMidBatchLeavesItsTimersToAnother) {
  Node a(t_.url(), "node-a", clock_, calendar_);
  Node b(t_.url(), "node-b", clock_, calendar_);
  CreateCase(a);
  clock_.Set(Taipei(2026, 11, 25, 9));
  {
    // node-a's firing transaction holds the timer...
    store::Database dying(t_.url(), 1);
    dying.Run([&](store::Tx& tx) {
    auto& sql = store::Sql(tx);
      soci::transaction one(sql);
      ASSERT_EQ(store::LockDueTimers(tx, clock_.Now(), 10).size(), 1u);
      EXPECT_EQ(b.scheduler.RunOnce(), 0) << "a timer another node is firing is left to it";
      // ...and node-a dies: its transaction never commits.
    });
  }
  EXPECT_EQ(b.scheduler.RunOnce(), 1) << "the dead node's timer is fired by the other";
  EXPECT_EQ(Count("SELECT count(*) FROM case_events WHERE event = 'escalated'"), 1);
  EXPECT_EQ(a.scheduler.RunOnce(), 0) << "and never again";
}

TEST_F(SchedulerTest, ACaseBeingChangedIsSkippedNotWaitedFor) {
  Node a(t_.url(), "node-a", clock_, calendar_);
  const auto id = CreateCase(a);
  clock_.Set(Taipei(2026, 11, 25, 9));
  store::Database staff(t_.url(), 1);
  staff.Run([&](store::Tx& tx) {
    auto& sql = store::Sql(tx);
    soci::transaction one(sql);
    sql << "SELECT id FROM cases WHERE id = " + std::to_string(id) + " FOR UPDATE";  // a change in progress
    EXPECT_EQ(a.scheduler.RunOnce(), 0);
    one.commit();
  });
  EXPECT_EQ(a.scheduler.RunOnce(), 1);
}

TEST_F(SchedulerTest, StoppingAClockCancelsItsTimers) {
  Node node(t_.url(), "node-a", clock_, calendar_);
  const auto id = CreateCase(node);
  Actor supervisor{"chen", {"supervisor"}, "main"};
  node.service.Apply(supervisor, id, 1, Command{"assign", {{"assignee", "wang"}}, ""});
  clock_.Set(Taipei(2026, 11, 25, 9));  // past the assign deadline, but the clock stopped
  EXPECT_EQ(node.scheduler.RunOnce(), 0);
  EXPECT_FALSE(node.service.Get(supervisor, id).record.state.overdue);
  EXPECT_EQ(Count("SELECT count(*) FROM timers WHERE clock = 'response'"), 3);
}

}  // namespace
}  // namespace petitiond
