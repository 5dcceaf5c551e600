#include "engine/runtime/services/case_service.hpp"
#include "engine/store/session.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "engine/runtime/services/workflow_registry.hpp"
#include "engine/store/database.hpp"
#include "tests/common/pg_fixture.hpp"

namespace petitiond {
namespace {

using namespace std::chrono;
using runtime::CaseService;
using runtime::CreateCaseInput;
using testing_support::FakeClock;
using testing_support::TestDatabase;

Timestamp Taipei(int y, unsigned m, unsigned d, int h) {
  return TaipeiStartOfDay(sys_days(year(y) / month(m) / day(d))) + hours(h);
}

class CaseServiceTest : public testing::Test {
 protected:
  CaseServiceTest() : clock_(Taipei(2026, 11, 23, 10)), registry_(t_.db()), service_(t_.db(), registry_, calendar_, clock_) {
    registry_.DeployDirectory(std::string(PETITIOND_SOURCE_DIR) + "/workflows");
    runtime::AuthService(t_.db(), clock_).AddUser("wang", "handler-pass", {"handler"}, "main");  // an assignee
  }

  std::int64_t NewCase(const std::string& office = "main") {
    CreateCaseInput in;
    in.channel = "hotline";
    in.office = office;
    in.subject = "戶籍謄本申請";
    in.body = "民眾詢問如何申請戶籍謄本";
    return service_.Create(intake_, in).view.record.id;
  }

  TestDatabase t_;
  runtime::CalendarHolder calendar_{BusinessCalendar::Shipped()};
  FakeClock clock_;
  runtime::WorkflowRegistry registry_;
  CaseService service_;
  Actor intake_{"lin", {"intake"}, "main"};
  Actor supervisor_{"chen", {"supervisor"}, "main"};
  Actor handler_{"wang", {"handler"}, "main"};
  Actor director_{"boss", {"director"}, "main"};
};

TEST_F(CaseServiceTest, CreatePinsTheLatestWorkflowVersionAndShowsTheAccessCodeOnce) {
  CreateCaseInput in{std::nullopt, "hotline", "beinan", "戶籍", "主旨", "內容", {}, std::nullopt, std::nullopt};
  auto created = service_.Create(intake_, in);
  EXPECT_EQ(created.view.record.workflow_name, "hotline-1999");
  EXPECT_EQ(created.view.record.workflow_version, 5);
  EXPECT_EQ(created.view.record.state.state, "received");
  EXPECT_EQ(created.view.record.public_no.rfind("115-", 0), 0u) << created.view.record.public_no;
  EXPECT_EQ(created.access_code.size(), 10u);
  std::string stored;
  t_.db().Run([&](store::Tx& tx) {
    auto& sql = store::Sql(tx);
    sql << "SELECT access_code_hash FROM cases WHERE id = :id", soci::use(created.view.record.id, "id"),
        soci::into(stored);
  });
  EXPECT_EQ(stored.find(created.access_code), std::string::npos) << "the access code must not be stored in clear";
}

TEST_F(CaseServiceTest, RunsTheWholeFlowWithAnAuditTrail) {
  const auto id = NewCase();
  auto v = service_.Apply(supervisor_, id, 1, Command{"assign", {{"assignee", "wang"}}, ""});
  EXPECT_EQ(v.record.state.state, "assigned");
  EXPECT_EQ(v.record.row_version, 2);
  v = service_.Apply(handler_, id, 2, Command{"reply", {{"reply", "已於11/24回覆"}}, "電話回覆"});
  v = service_.Apply(supervisor_, id, 3, Command{"close", {}, ""});
  EXPECT_EQ(v.record.state.state, "closed");
  auto events = service_.Events(supervisor_, id);
  ASSERT_EQ(events.size(), 4u);
  const char* expected[] = {"created", "assign", "reply", "close"};
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].seq, static_cast<int>(i + 1));
    EXPECT_EQ(events[i].event, expected[i]);
  }
  EXPECT_EQ(events[2].actor, "wang");
  EXPECT_EQ(events[2].comment, "電話回覆");
  EXPECT_NE(events[2].data_json.find("已於11/24回覆"), std::string::npos) << events[2].data_json;
  // Reloaded from the database, the clocks are as the machine left them.
  auto reloaded = service_.Get(supervisor_, id);
  ASSERT_NE(reloaded.record.state.FindClock("response"), nullptr);
  EXPECT_FALSE(reloaded.record.state.FindClock("response")->Running());
}

TEST_F(CaseServiceTest, AStaleVersionIsRejectedAndChangesNothing) {
  const auto id = NewCase();
  service_.Apply(supervisor_, id, 1, Command{"assign", {{"assignee", "wang"}}, ""});
  try {
    service_.Apply(handler_, id, 1, Command{"ask", {}, ""});
    FAIL() << "a stale version was accepted";
  } catch (const DomainError& e) {
    EXPECT_EQ(e.error().kind, ErrorKind::kPreconditionFailed);
  }
  EXPECT_EQ(service_.Get(supervisor_, id).record.state.state, "assigned");
  EXPECT_EQ(service_.Events(supervisor_, id).size(), 2u);
}

TEST_F(CaseServiceTest, ARejectedEventLeavesNoTrace) {
  const auto id = NewCase();
  EXPECT_THROW(service_.Apply(handler_, id, 1, Command{"assign", {{"assignee", "wang"}}, ""}), DomainError);
  EXPECT_THROW(service_.Apply(supervisor_, id, 1, Command{"assign", {}, ""}), DomainError);
  EXPECT_EQ(service_.Get(supervisor_, id).record.row_version, 1);
  EXPECT_EQ(service_.Events(supervisor_, id).size(), 1u);
}

TEST_F(CaseServiceTest, TheAuditTrailCannotBeRewritten) {
  const auto id = NewCase();
  auto attempt = [&](const std::string& statement) {
    try {
      t_.db().Run([&](store::Tx& tx) {
    auto& sql = store::Sql(tx); sql << statement; });
      return false;
    } catch (const DomainError& e) {
      return std::string(e.what()).find("append-only") != std::string::npos;
    }
  };
  EXPECT_TRUE(attempt("UPDATE case_events SET actor = 'mallory' WHERE case_id = " + std::to_string(id)));
  EXPECT_TRUE(attempt("DELETE FROM case_events WHERE case_id = " + std::to_string(id)));
  EXPECT_TRUE(attempt("TRUNCATE case_events CASCADE"));
  EXPECT_EQ(service_.Events(supervisor_, id).size(), 1u);
}

TEST_F(CaseServiceTest, StaffSeeTheirOwnOfficeAndTheDirectorSeesAll) {
  const auto main_case = NewCase("main");
  const auto lanyu_case = NewCase("lanyu");
  EXPECT_THROW(service_.Get(supervisor_, lanyu_case), DomainError);
  EXPECT_EQ(service_.Get(director_, lanyu_case).record.office, "lanyu");
  auto mine = service_.List(supervisor_, {});
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].record.id, main_case);
  EXPECT_EQ(service_.List(director_, {}).size(), 2u);
}

TEST_F(CaseServiceTest, ListFiltersAndPagesNewestFirst) {
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(NewCase());
  service_.Apply(supervisor_, ids[1], 1, Command{"assign", {{"assignee", "wang"}}, ""});
  store::CaseFilter f;
  f.limit = 2;
  auto page1 = service_.List(supervisor_, f);
  ASSERT_EQ(page1.size(), 2u);
  EXPECT_EQ(page1[0].record.id, ids[4]);
  f.before_id = page1[1].record.id;
  auto page2 = service_.List(supervisor_, f);
  ASSERT_EQ(page2.size(), 2u);
  EXPECT_EQ(page2[0].record.id, ids[2]);
  store::CaseFilter assigned;
  assigned.state = "assigned";
  assigned.assignee = "wang";
  auto found = service_.List(supervisor_, assigned);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].record.id, ids[1]);
  store::CaseFilter overdue;
  overdue.overdue = true;
  EXPECT_TRUE(service_.List(supervisor_, overdue).empty());
}

TEST_F(CaseServiceTest, TheSameExternalReferenceTwiceIsAConflict) {
  CreateCaseInput in{std::nullopt, "hotline", "main", std::nullopt, "s", "b", {}, std::nullopt, "1999-0001"};
  service_.Create(intake_, in);
  try {
    service_.Create(intake_, in);
    FAIL() << "a duplicate external_ref was accepted";
  } catch (const DomainError& e) {
    EXPECT_EQ(e.error().kind, ErrorKind::kConflict);
  }
}

TEST_F(CaseServiceTest, AChangedWorkflowNeedsANewVersion) {
  const std::string dir = ::testing::TempDir() + "/wf_" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  {
    std::ofstream out(dir + "/hotline-1999.yaml");
    out << "workflow: hotline-1999\nversion: 5\nstates:\n  a: { initial: true }\n  b: { final: true, outcome: answered }\n"
           "transitions:\n  - { on: go, from: a, to: b, roles: [handler] }\n";
  }
  try {
    registry_.DeployDirectory(dir);
    FAIL() << "a deployed version was overwritten";
  } catch (const DomainError& e) {
    EXPECT_EQ(e.error().kind, ErrorKind::kConflict);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace petitiond

namespace petitiond {
namespace {

// The schedulers wake on their own every few seconds; a NOTIFY for a timer due days
// later only serialises commits (issue #8). One for a timer due now still goes out.
TEST_F(CaseServiceTest, OnlyATimerDueBeforeTheSchedulersNextWakeUpSendsANotify) {
  store::Listener listener(t_.db(), {store::kTimersChannel});
  auto notified = [&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // delivery is asynchronous
    return listener.Drain().count(store::kTimersChannel) > 0;
  };
  NewCase();  // hotline: its first escalation is a workday away
  EXPECT_FALSE(notified());
  CreateCaseInput news;
  news.channel = "news";
  news.office = "main";
  news.subject = "媒體報導戶政所";
  news.body = "報導內容";
  service_.Create(intake_, news);  // news-media: the director hears of it at once (0%)
  EXPECT_TRUE(notified());
}

TEST_F(CaseServiceTest, TheCaseAndItsFirstRowsAreWrittenTogetherWithADeadlineForLists) {
  const auto id = NewCase();
  long long events = 0, clocks = 0, timers = 0;
  std::string due;
  t_.db().Run([&](store::Tx& tx) {
    auto& sql = store::Sql(tx);
    sql << "SELECT (SELECT count(*) FROM case_events WHERE case_id = :a), (SELECT count(*) FROM clocks WHERE "
           "case_id = :b), (SELECT count(*) FROM timers WHERE case_id = :c), "
           "(SELECT to_char(next_due_at AT TIME ZONE 'Asia/Taipei', 'YYYY-MM-DD HH24:MI') FROM cases WHERE id = :d)",
        soci::use(id, "a"), soci::use(id, "b"), soci::use(id, "c"), soci::use(id, "d"), soci::into(events),
        soci::into(clocks), soci::into(timers), soci::into(due);
  });
  EXPECT_EQ(events, 1);
  EXPECT_GE(clocks, 1);
  EXPECT_GE(timers, 1);
  EXPECT_EQ(due, "2026-11-24 23:59") << "the assign clock: 1 workday from Monday";
}

}  // namespace
}  // namespace petitiond
