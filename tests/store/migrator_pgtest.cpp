#include "engine/store/migrator.hpp"
#include "engine/store/session.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "engine/digest.hpp"
#include "engine/embedded.hpp"
#include "engine/runtime/services/workflow_registry.hpp"

#include <fstream>
#include <sstream>
#include "tests/common/pg_fixture.hpp"

namespace petitiond {
namespace {

using testing_support::TestDatabase;

TEST(MigratorTest, RunningTwiceIsANoOp) {
  TestDatabase t;  // already migrated once
  store::MigrationStatus status;
  t.db().Run([&](store::Tx& tx) { status = store::Migrate(tx, EmbeddedMigrations()); });
  EXPECT_TRUE(status.applied_now.empty());
  t.db().Run([&](store::Tx& tx) { status = store::CheckMigrations(tx, EmbeddedMigrations()); });
  EXPECT_TRUE(status.pending.empty());
}

TEST(MigratorTest, RefusesWhenAnAppliedFileChanged) {
  TestDatabase t;
  t.db().Run([](store::Tx& tx) {
    auto& sql = store::Sql(tx); sql << "UPDATE schema_migrations SET checksum = 'edited'"; });
  try {
    t.db().Run([](store::Tx& tx) { store::Migrate(tx, EmbeddedMigrations()); });
    FAIL() << "an edited migration was accepted";
  } catch (const DomainError& e) {
    EXPECT_EQ(e.error().kind, ErrorKind::kConflict);
    EXPECT_NE(std::string(e.what()).find("changed after it was applied"), std::string::npos) << e.what();
  }
}

TEST(MigratorTest, RefusesADatabaseNewerThanTheBinary) {
  TestDatabase t;
  t.db().Run([](store::Tx& tx) {
    auto& sql = store::Sql(tx);
    sql << "INSERT INTO schema_migrations (name, checksum) VALUES ('9999_future.sql', 'x')";
  });
  EXPECT_THROW(t.db().Run([](store::Tx& tx) { store::Migrate(tx, EmbeddedMigrations()); }), DomainError);
}

TEST(MigratorTest, AppliesToAnEmptyDatabaseAndReportsWhat) {
  TestDatabase t;
  t.db().Run([](store::Tx& tx) {
    auto& sql = store::Sql(tx);
    sql << "DROP SCHEMA public CASCADE";
    sql << "CREATE SCHEMA public";
  });
  store::MigrationStatus status;
  t.db().Run([&](store::Tx& tx) { status = store::CheckMigrations(tx, EmbeddedMigrations()); });
  EXPECT_EQ(status.pending.size(), EmbeddedMigrations().size());
  t.db().Run([&](store::Tx& tx) { status = store::Migrate(tx, EmbeddedMigrations()); });
  ASSERT_EQ(status.applied_now.size(), EmbeddedMigrations().size());
  EXPECT_EQ(status.applied_now.front(), "0001_core.sql");
}

}  // namespace
}  // namespace petitiond

namespace petitiond {
namespace {

bool Privilege(testing_support::TestDatabase& t, const std::string& table, const std::string& what) {
  int yes = 0;
  t.db().Run([&](store::Tx& tx) {
    store::Sql(tx) << "SELECT has_table_privilege('petitiond_grant_test', :t, :w)::int", soci::use(table, "t"),
        soci::use(what, "w"), soci::into(yes);
  });
  return yes != 0;
}

TEST(MigratorTest, TheServeRoleGetsNoOwnershipNoTruncateAndAnAppendOnlyTrail) {
  testing_support::TestDatabase t;
  t.db().Run([](store::Tx& tx) {
    store::Sql(tx) << "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'petitiond_grant_test') "
                      "THEN CREATE ROLE petitiond_grant_test NOLOGIN; END IF; END $$";
  });
  t.db().Run([](store::Tx& tx) { store::GrantServeRole(tx, "petitiond_grant_test"); });
  EXPECT_TRUE(Privilege(t, "case_events", "SELECT"));
  EXPECT_TRUE(Privilege(t, "case_events", "INSERT"));
  EXPECT_FALSE(Privilege(t, "case_events", "UPDATE"));
  EXPECT_FALSE(Privilege(t, "case_events", "DELETE"));
  EXPECT_FALSE(Privilege(t, "case_events", "TRUNCATE"));
  EXPECT_FALSE(Privilege(t, "case_events", "TRIGGER"));
  EXPECT_TRUE(Privilege(t, "cases", "UPDATE"));
  EXPECT_FALSE(Privilege(t, "cases", "DELETE"));
  EXPECT_TRUE(Privilege(t, "timers", "DELETE"));
  EXPECT_FALSE(Privilege(t, "schema_migrations", "INSERT"));

  // The role cannot silence the trail's triggers: it owns nothing.
  std::string error;
  t.db().Transact([&](store::Tx& tx) {
    auto& sql = store::Sql(tx);
    sql << "SET LOCAL ROLE petitiond_grant_test";
    try {
      sql << "ALTER TABLE case_events DISABLE TRIGGER ALL";
    } catch (const std::exception& e) {
      error = e.what();
    }
  });
  EXPECT_NE(error.find("must be owner"), std::string::npos) << error;

  // A table nobody decided about stops the grant instead of being left out.
  t.db().Run([](store::Tx& tx) { store::Sql(tx) << "CREATE TABLE undecided (x int)"; });
  try {
    t.db().Run([](store::Tx& tx) { store::GrantServeRole(tx, "petitiond_grant_test"); });
    FAIL() << "an undecided table was granted";
  } catch (const DomainError& e) {
    EXPECT_EQ(e.error().kind, ErrorKind::kConflict);
    EXPECT_NE(std::string(e.what()).find("undecided"), std::string::npos) << e.what();
  }
  EXPECT_THROW(t.db().Run([](store::Tx& tx) { store::GrantServeRole(tx, "x; DROP TABLE cases"); }), DomainError);
}

}  // namespace
}  // namespace petitiond

namespace petitiond {
namespace {

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Issue #18: a database made before meanings were declared (migrations up to 0015, a
// case answered and closed on hotline-1999 v3, whose YAML declares no outcome) moves
// forward: 0016 keeps its figures, and once a node deploys today's workflows the old
// version inherits their meanings, the finished case gets its outcome, and a rebuild
// from the history counts the same.
TEST(MigratorTest, AnOlderDatabaseKeepsItsFiguresAndGetsItsOutcomes) {
  TestDatabase t;
  std::vector<EmbeddedFile> before;
  for (const auto& m : EmbeddedMigrations()) {
    if (std::string(m.name) < "0016") before.push_back(m);
  }
  const std::string v3 = ReadText(std::string(PETITIOND_SOURCE_DIR) + "/tests/data/hotline-1999-v3.yaml");
  long long closed = 0, replied = 0, received = 0;
  t.db().Run([&](store::Tx& tx) {
    auto& sql = store::Sql(tx);
    sql << "DROP SCHEMA public CASCADE";
    sql << "CREATE SCHEMA public";
    store::Migrate(tx, before);
    const std::string sum = Sha256Hex(v3);
    sql << "INSERT INTO workflows (name, version, yaml, checksum) VALUES ('hotline-1999', 3, :y, :c)", soci::use(v3, "y"),
        soci::use(sum, "c");
    sql << "INSERT INTO cases (public_no, channel, workflow_name, workflow_version, state, office, subject, body, "
           "access_code_hash, received_at, last_seq, overdue) VALUES ('115-000001', 'hotline', 'hotline-1999', 3, "
           "'closed', 'main', '路燈', '不亮', 'x', '2026-11-02T10:00:00+08', 3, true)";
    sql << "INSERT INTO case_events (case_id, seq, event, from_state, to_state, actor, at, data) VALUES "
           "(1, 1, 'created', NULL, 'received', 'lin', '2026-11-02T10:00:00+08', '{}'), "
           "(1, 2, 'reply', 'assigned', 'replied', 'wang', '2026-11-04T10:00:00+08', '{\"handling_workdays\":\"2\"}'), "
           "(1, 3, 'close', 'replied', 'closed', 'chen', '2026-11-05T10:00:00+08', '{}')";
    sql << "INSERT INTO intake_raw (channel, source, content_type, raw, status, case_id) VALUES "
           "('hotline', '1999 platform webhook', 'application/json', '\\x7b7d', 'accepted', 1)";
    sql << "SELECT stats_rebuild()";
    sql << "SELECT sum(received), sum(closed), sum(replied) FROM stats_monthly", soci::into(received),
        soci::into(closed), soci::into(replied);
  });
  ASSERT_EQ(std::vector<long long>({received, closed, replied}), std::vector<long long>({1, 1, 1}));

  t.db().Run([&](store::Tx& tx) { store::Migrate(tx, EmbeddedMigrations()); });
  const auto figures = [&] {
    std::vector<long long> f(4);
    t.db().Run([&](store::Tx& tx) {
      store::Sql(tx) << "SELECT sum(receipts), sum(outcome_answered), sum(events_reply), sum(online_webhook) "
                        "FROM stats_monthly",
          soci::into(f[0]), soci::into(f[1]), soci::into(f[2]), soci::into(f[3]);
    });
    return f;
  };
  EXPECT_EQ(figures(), (std::vector<long long>{1, 1, 1, 1}));
  std::string origin;
  t.db().Run([&](store::Tx& tx) { store::Sql(tx) << "SELECT origin FROM cases WHERE id = 1", soci::into(origin); });
  EXPECT_EQ(origin, "webhook");

  runtime::WorkflowRegistry registry(t.db());
  registry.DeployDirectory(std::string(PETITIOND_SOURCE_DIR) + "/workflows");
  std::string outcome;
  t.db().Run([&](store::Tx& tx) { store::Sql(tx) << "SELECT outcome FROM cases WHERE id = 1", soci::into(outcome); });
  EXPECT_EQ(outcome, "answered");
  int finished = 0;
  t.db().Run([&](store::Tx& tx) {
    store::Sql(tx) << "SELECT finished::int FROM overdue_cases WHERE case_id = 1", soci::into(finished);
  });
  EXPECT_EQ(finished, 1) << "a case finished before 0016 is no longer counted overdue now";
  EXPECT_EQ(registry.Find("hotline-1999", 3)->FindState("closed")->public_label, "已結案");
  t.db().Run([&](store::Tx& tx) { store::Sql(tx) << "SELECT stats_rebuild()"; });
  EXPECT_EQ(figures(), (std::vector<long long>{1, 1, 1, 1}));
}

}  // namespace
}  // namespace petitiond
