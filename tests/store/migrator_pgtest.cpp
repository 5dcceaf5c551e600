#include "engine/store/migrator.hpp"
#include "engine/store/session.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "engine/embedded.hpp"
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
