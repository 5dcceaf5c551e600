#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <soci/soci.h>

#include "engine/runtime/security/auth.hpp"
#include "engine/store/session.hpp"
#include "engine/runtime/services/case_service.hpp"
#include "engine/runtime/services/workflow_registry.hpp"
#include "engine/store/database.hpp"
#include "engine/store/outbox_store.hpp"
#include "engine/store/user_store.hpp"
#include "tests/common/pg_fixture.hpp"

namespace petitiond {
namespace {

using namespace std::chrono;
using testing_support::FakeClock;
using testing_support::TestDatabase;

sys_days Day(int y, unsigned m, unsigned d) { return sys_days(year(y) / month(m) / day(d)); }
Timestamp At(int y, unsigned m, unsigned d, int h) { return TaipeiStartOfDay(Day(y, m, d)) + hours(h); }

// Deadlines and notices through the case service against PostgreSQL.
class DeadlinePgTest : public testing::Test {
 protected:
  DeadlinePgTest()
      : clock_(At(2026, 11, 23, 10)),
        registry_(t_.db()),
        service_(t_.db(), registry_, calendar_, clock_,
                 runtime::CaseServiceOptions{runtime::NotifyConfig{{{"http://127.0.0.1:9/hook", "k"}}, "", nullptr}, {}}) {
    registry_.DeployDirectory(std::string(PETITIOND_SOURCE_DIR) + "/workflows");
    runtime::AuthService auth(t_.db(), clock_);
    auth.AddUser("chen", "supervisor-pass", {"supervisor"}, "lanyu");
    auth.AddUser("boss", "director-pass", {"director"}, "main");
    auth.AddUser("wang", "handler-pass", {"handler"}, "lanyu");  // assignees, one per office
    auth.AddUser("hsu", "handler-pass", {"handler"}, "main");
    t_.db().Run([](store::Tx& tx) { store::SetContact(tx, "chen", "chen@lanyu.example.tw", std::nullopt); });
  }

  // A Lanyu case assigned Monday 11/23 14:00: its response clock is due end of 12/1.
  std::int64_t AssignedCase(const std::string& office) {
    runtime::CreateCaseInput in;
    in.channel = "hotline";
    in.office = office;
    in.subject = "門牌證明";
    in.body = "申請門牌證明";
    in.petitioner = Petitioner{"林小姐", "", "lin@example.tw", ""};
    const Actor local_supervisor{"chen", {"supervisor"}, office};
    const auto id = service_.Create(local_supervisor, in).view.record.id;
    clock_.Set(At(2026, 11, 23, 14));
    service_.Apply(local_supervisor, id, 1,
                   Command{"assign", {{"assignee", office == "lanyu" ? "wang" : "hsu"}}, ""});
    return id;
  }

  std::vector<store::OutboxMessage> Outbox() {
    std::vector<store::OutboxMessage> rows;
    t_.db().Run([&](store::Tx& tx) { rows = store::ListOutbox(tx, {}, std::nullopt, std::nullopt, 100); });
    return rows;
  }

  TestDatabase t_;
  runtime::CalendarHolder calendar_{BusinessCalendar::Shipped()};
  FakeClock clock_;
  runtime::WorkflowRegistry registry_;
  runtime::CaseService service_;
  Actor admin_{"admin", {"admin"}, "main"};
  Actor supervisor_{"chen", {"supervisor"}, "lanyu"};
  Actor director_{"boss", {"director"}, "main"};
};

TEST_F(DeadlinePgTest, ATyphoonClosureMovesTheOfficesRunningDeadlinesAndAuditsThem) {
  const auto lanyu = AssignedCase("lanyu");
  const auto main_office = AssignedCase("main");
  clock_.Set(At(2026, 11, 24, 18));
  EXPECT_EQ(service_.CloseOffice(admin_, "lanyu", Day(2026, 11, 25), "颱風停班"), 1);

  const auto moved = service_.Get(director_, lanyu);
  EXPECT_EQ(moved.record.state.FindClock("response")->due_at, TaipeiEndOfDay(Day(2026, 12, 2)));
  EXPECT_EQ(service_.Get(director_, main_office).record.state.FindClock("response")->due_at,
            TaipeiEndOfDay(Day(2026, 12, 1)));
  auto events = service_.Events(director_, lanyu);
  ASSERT_EQ(events.back().event, "deadline_recomputed");
  EXPECT_NE(events.back().data_json.find("颱風停班"), std::string::npos);
  EXPECT_EQ(events.back().actor, "admin");
  // A new Lanyu case counts without the closed day at once (this node's calendar).
  EXPECT_FALSE(calendar_.Get()->IsWorkday(Day(2026, 11, 25), "lanyu"));
}

TEST_F(DeadlinePgTest, AClosureNeedsAnAdminAndAWorkingDay) {
  try {
    service_.CloseOffice(supervisor_, "lanyu", Day(2026, 11, 25), "颱風停班");
    FAIL() << "a supervisor closed an office";
  } catch (const DomainError& e) {
    EXPECT_EQ(e.error().kind, ErrorKind::kForbidden);
  }
  service_.CloseOffice(admin_, "lanyu", Day(2026, 11, 25), "颱風停班");
  for (auto day : {Day(2026, 11, 25), Day(2026, 11, 28)}) {  // closed already; a Saturday
    try {
      service_.CloseOffice(admin_, "lanyu", day, "颱風停班");
      FAIL() << "closed a day the office does not work";
    } catch (const DomainError& e) {
      EXPECT_EQ(e.error().kind, ErrorKind::kConflict);
    }
  }
}

TEST_F(DeadlinePgTest, AnEscalationQueuesItsNoticesInTheSameTransaction) {
  const auto id = AssignedCase("lanyu");
  // The response clock's "due" rule notifies the office's supervisors.
  clock_.Set(TaipeiEndOfDay(Day(2026, 12, 1)) + seconds(1));
  EXPECT_EQ(service_.FireDueTimers(100), 2);  // the response clock's 75% and due rules
  auto rows = Outbox();
  std::size_t to_chen = 0, webhooks = 0, undeliverable = 0;
  for (const auto& m : rows) {
    EXPECT_EQ(m.case_id, id);
    if (m.channel == OutboxChannel::kEmail && m.recipient == "chen@lanyu.example.tw") ++to_chen;
    if (m.channel == OutboxChannel::kWebhook) ++webhooks;
    if (m.status == OutboxStatus::kUndeliverable) ++undeliverable;
  }
  EXPECT_GE(to_chen, 1u) << "the supervisor of the case's office is told";
  EXPECT_GE(webhooks, 1u) << "every notice also goes to each configured webhook";
  EXPECT_GE(undeliverable, 1u) << "the assignee has no contact: kept as undeliverable, not dropped";
  for (const auto& m : rows) {
    if (m.recipient == "chen@lanyu.example.tw") {
      EXPECT_NE(m.subject.find("【案件提醒】"), std::string::npos) << m.subject;
    }
  }
}

TEST_F(DeadlinePgTest, AnApprovedExtensionTellsThePetitionerWhy) {
  const auto id = AssignedCase("lanyu");
  Actor handler{"wang", {"handler"}, "lanyu"};
  auto v = service_.Apply(handler, id, 2, Command{kRequestExtension, {{"clock", "response"}, {"reason", "需會勘現場"}}, ""});
  EXPECT_TRUE(Outbox().empty()) << "nothing is sent before approval";
  v = service_.Apply(supervisor_, id, v.record.row_version, Command{kApproveExtension, {{"clock", "response"}}, ""});
  EXPECT_EQ(v.record.state.FindClock("response")->extensions, 1);
  bool told = false;
  for (const auto& m : Outbox()) {
    if (m.recipient == "lin@example.tw") {
      told = true;
      EXPECT_NE(m.body.find("需會勘現場"), std::string::npos) << m.body;
    }
  }
  EXPECT_TRUE(told);
}

// Petitioners of cases merged into a case hear its escalations too; timers fire in a
// batch, which looks the merged petitioners up once for all its cases.
TEST_F(DeadlinePgTest, MergedPetitionersHearTheSurvivingCasesTimedNotices) {
  const std::string dir = ::testing::TempDir() + "/merge_wf_" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/quick.yaml") << "workflow: quick\nversion: 1\nclocks:\n  q: { within: 1 minute }\n"
                                        "states:\n  open: { initial: true, starts: [q] }\n  merged: { final: true, outcome: merged }\n"
                                        "transitions:\n  - { on: merge, from: open, to: merged, roles: [supervisor], require: [into] }\n"
                                        "escalations:\n  - { clock: q, at: due, notify: [petitioner] }\n";
  registry_.DeployDirectory(dir);
  std::filesystem::remove_all(dir);
  auto make = [&](const std::string& email) {
    runtime::CreateCaseInput in;
    in.workflow = "quick";
    in.channel = "counter";
    in.office = "lanyu";
    in.subject = "門牌";
    in.body = "門牌錯誤";
    in.petitioner.email = email;
    return service_.Create(supervisor_, in).view.record.id;
  };
  const auto first = make("first@example.tw");
  const auto second = make("second@example.tw");
  const auto third = make("third@example.tw");
  service_.Apply(supervisor_, second, 1, Command{"merge", {{"into", std::to_string(first)}}, ""});
  clock_.Set(clock_.Now() + minutes(2));
  EXPECT_EQ(service_.FireDueTimers(100), 2) << "the merged case's timer no longer applies";
  std::multiset<std::string> to;
  for (const auto& m : Outbox()) to.insert(m.recipient);
  EXPECT_EQ(to.count("first@example.tw"), 1u);
  EXPECT_EQ(to.count("second@example.tw"), 1u) << "told through the surviving case";
  EXPECT_EQ(to.count("third@example.tw"), 1u);
  (void)third;
}

}  // namespace
}  // namespace petitiond
