// Moving running cases to a corrected workflow version (issue #20): the dry run's
// report, the audited move with clocks and timers recomputed, finished cases left
// alone, refusals with their reasons, and a run that fails mid-way and is resumed.
#include "tests/api/api_fixture.hpp"

#include "engine/runtime/services/workflow_migration.hpp"

namespace petitiond {
namespace {

const std::string kData = std::string(PETITIOND_SOURCE_DIR) + "/tests/data/repair/";

class WorkflowMigrationTest : public ApiTest {
 protected:
  WorkflowMigrationTest() { registry_.DeployFiles({kData + "repair-v1.yaml"}); }

  std::int64_t NewCase(const std::string& subject) {
    Response r = Call("POST", "/api/v1/cases", supervisor_,
                      R"({"workflow":"repair","channel":"counter","subject":")" + subject +
                          R"(","body":"內容","petitioner":{"name":"王先生"}})");
    EXPECT_EQ(r.status, 201) << r.body;
    return Body(r).at("id").as_int64();
  }
  void Send(std::int64_t id, const std::string& body) {
    const auto version = Count("SELECT row_version FROM cases WHERE id = " + std::to_string(id));
    Response r = Event(id, supervisor_, "\"" + std::to_string(version) + "\"", body);
    ASSERT_EQ(r.status, 200) << r.body;
  }
  Response Migrate(const std::string& body) {
    return Call("POST", "/api/v1/workflows/repair/migrations", admin_, body);
  }
  // received (with a reminder fired), waiting (paused), replied, closed.
  std::vector<std::int64_t> FourCases() {
    const auto received = NewCase("仍在辦理"), waiting = NewCase("待補正"), replied = NewCase("已答覆"),
               closed = NewCase("已結案");
    Send(waiting, R"({"event":"ask"})");
    Send(replied, R"({"event":"reply","data":{"reply":"答覆內容"}})");
    Send(closed, R"({"event":"reply","data":{"reply":"答覆內容"}})");
    Send(closed, R"({"event":"close"})");
    // Thursday 11/26 + 6 workdays is due 12/4; half-way falls on 12/1.
    clock_.Set(*ParseTimestamp("2026-12-02T09:00:00+08:00"));
    cases_.FireDueTimers(100);
    // Sessions last 12 hours: sign in again on the new day.
    supervisor_ = Token("chen", "supervisor-pass");
    admin_ = Token("root", "admin-password");
    EXPECT_EQ(Count("SELECT count(*) FROM case_events WHERE event = 'escalated' AND case_id = " +
                    std::to_string(received)),
              1);
    return {received, waiting, replied, closed};
  }
};

TEST_F(WorkflowMigrationTest, TheDryRunSaysWhatWouldMoveAndWhatWouldBreak) {
  const auto ids = FourCases();
  registry_.DeployFiles({kData + "repair-v2.yaml"});
  Response unmapped = Migrate(R"({"from":1,"to":2,"dry_run":true})");
  ASSERT_EQ(unmapped.status, 200) << unmapped.body;
  const json::object report = Body(unmapped);
  ASSERT_EQ(report.at("refused").as_array().size(), 1u) << unmapped.body;
  const auto& refusal = report.at("refused").as_array()[0];
  EXPECT_EQ(refusal.at("case_id").as_int64(), ids[1]);
  EXPECT_NE(std::string(refusal.at("reasons").as_array()[0].as_string()).find("state 'waiting' has no mapping in v2"),
            std::string::npos)
      << unmapped.body;
  EXPECT_EQ(report.at("finished_stay").as_int64(), 1);
  EXPECT_EQ(report.at("moved").as_int64(), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM cases WHERE workflow_version = 2"), 0) << "a dry run moves nothing";

  Response mapped = Migrate(R"({"from":1,"to":2,"map":{"waiting":"supplementing"},"dry_run":true})");
  ASSERT_EQ(mapped.status, 200);
  const json::object ok = Body(mapped);
  EXPECT_EQ(ok.at("refused").as_array().size(), 0u) << mapped.body;
  std::map<std::string, std::int64_t> moves;
  for (const auto& m : ok.at("moves").as_array()) {
    moves[std::string(m.at("from_state").as_string()) + ">" + std::string(m.at("to_state").as_string())] =
        m.at("cases").as_int64();
  }
  EXPECT_EQ(moves, (std::map<std::string, std::int64_t>{
                       {"received>received", 1}, {"replied>replied", 1}, {"waiting>supplementing", 1}}));
  ExpectProblem(Call("POST", "/api/v1/workflows/repair/migrations", supervisor_,
                     R"({"from":1,"to":2,"dry_run":true})"),
                403);
  ExpectProblem(Migrate(R"({"from":2,"to":1,"dry_run":true})"), 400);
  ExpectProblem(Migrate(R"({"from":1,"to":2,"map":{"waiting":"nowhere"},"dry_run":true})"), 400);
}

TEST_F(WorkflowMigrationTest, MovedCasesKeepGoingOnTheNewVersion) {
  const auto ids = FourCases();
  registry_.DeployFiles({kData + "repair-v2.yaml"});
  Response run = Migrate(R"({"from":1,"to":2,"map":{"waiting":"supplementing"},"dry_run":false})");
  ASSERT_EQ(run.status, 200) << run.body;
  EXPECT_EQ(Body(run).at("moved").as_int64(), 3);
  EXPECT_EQ(Count("SELECT count(*) FROM cases WHERE workflow_version = 2"), 3);
  EXPECT_EQ(Count("SELECT workflow_version FROM cases WHERE id = " + std::to_string(ids[3])), 1)
      << "the finished case stays";
  EXPECT_EQ(Count("SELECT count(*) FROM case_events WHERE event = 'workflow_migrated'"), 3);
  const json::object waiting = Body(Call("GET", "/api/v1/cases/" + std::to_string(ids[1]), supervisor_));
  EXPECT_EQ(waiting.at("state").as_string(), "supplementing");
  EXPECT_EQ(waiting.at("workflow").at("version").as_int64(), 2);
  EXPECT_TRUE(waiting.at("clocks").as_array()[0].at("paused").as_bool()) << "still waiting for the petitioner";
  // The running case's timers are the new version's: its 50% reminder fired under v1
  // and has no match in v2; the 75% one and the overdue mark are armed.
  EXPECT_EQ(Count("SELECT count(*) FROM timers WHERE case_id = " + std::to_string(ids[0])), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM timers WHERE case_id = " + std::to_string(ids[0]) + " AND rule = 0 AND "
                  "due_at > '2026-12-02T09:00:00+08:00'"),
            1);
  // Every case still moves on v2, and each timer fires once.
  Send(ids[1], R"({"event":"answer"})");
  Send(ids[1], R"({"event":"reply","data":{"reply":"已補正，答覆如下"}})");
  Send(ids[2], R"({"event":"close"})");
  clock_.Set(*ParseTimestamp("2026-12-10T09:00:00+08:00"));
  admin_ = Token("root", "admin-password");
  cases_.FireDueTimers(100);
  cases_.FireDueTimers(100);
  EXPECT_EQ(Count("SELECT count(*) FROM case_events WHERE case_id = " + std::to_string(ids[0]) +
                  " AND event = 'escalated' AND data->>'at' = '75%'"),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM case_events WHERE case_id = " + std::to_string(ids[0]) +
                  " AND event = 'escalated' AND data->>'at' = 'due'"),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM timers WHERE case_id = " + std::to_string(ids[0])), 0);
  // Running it again finds nothing left to move.
  EXPECT_EQ(Body(Migrate(R"({"from":1,"to":2,"map":{"waiting":"supplementing"},"dry_run":false})")).at("moved").as_int64(),
            0);
}

TEST_F(WorkflowMigrationTest, ACaseThatWouldBreakIsRefusedWithItsReasons) {
  const auto ids = FourCases();
  registry_.DeployFiles({kData + "repair-v2.yaml", kData + "repair-v3.yaml"});
  Response r = Migrate(R"({"from":1,"to":3,"map":{"waiting":"received"},"dry_run":false})");
  ASSERT_EQ(r.status, 200) << r.body;
  const json::object report = Body(r);
  EXPECT_EQ(report.at("moved").as_int64(), 0);
  ASSERT_EQ(report.at("refused").as_array().size(), 3u) << r.body;
  std::string all = json::serialize(report.at("refused"));
  EXPECT_NE(all.find("clock 'response' does not exist in v3"), std::string::npos) << all;
  EXPECT_NE(all.find("a pending timer of clock 'response' has no escalation in v3"), std::string::npos) << all;
  EXPECT_EQ(Count("SELECT count(*) FROM cases WHERE workflow_version <> 1"), 0);
  (void)ids;
}

// A run that dies mid-way (here: a batch whose write fails) leaves every case either
// moved whole or not at all; running it again moves the rest.
TEST_F(WorkflowMigrationTest, AnInterruptedRunResumesWithNoCaseHalfMoved) {
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(NewCase("案件 " + std::to_string(i)));
  registry_.DeployFiles({kData + "repair-v2.yaml"});
  t_.db().Run([&](store::Tx& tx) {
    store::Sql(tx) << "CREATE FUNCTION fail_third() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                      "RAISE EXCEPTION 'the node died'; END $$";
    store::Sql(tx) << "CREATE TRIGGER fail_third BEFORE UPDATE OF workflow_version ON cases FOR EACH ROW "
                      "WHEN (NEW.id = " + std::to_string(ids[2]) + ") EXECUTE FUNCTION fail_third()";
  });
  runtime::MigrationRequest request{"repair", 1, 2, {}, false, 2};
  EXPECT_THROW(graph_.migrations.Migrate(Actor{"root", {"admin"}, "main"}, request), DomainError);
  EXPECT_EQ(Count("SELECT count(*) FROM cases WHERE workflow_version = 2"), 2) << "the first batch of two committed";
  const auto half_moved = [&] {
    return Count("SELECT count(*) FROM cases c WHERE (c.workflow_version = 2) <> EXISTS (SELECT 1 FROM case_events e "
                 "WHERE e.case_id = c.id AND e.event = 'workflow_migrated')");
  };
  EXPECT_EQ(half_moved(), 0);
  t_.db().Run([&](store::Tx& tx) { store::Sql(tx) << "DROP TRIGGER fail_third ON cases"; });
  const auto report = graph_.migrations.Migrate(Actor{"root", {"admin"}, "main"}, request);
  EXPECT_EQ(report.moved, 3);
  EXPECT_EQ(Count("SELECT count(*) FROM cases WHERE workflow_version = 2"), 5);
  EXPECT_EQ(half_moved(), 0);
}

}  // namespace
}  // namespace petitiond
