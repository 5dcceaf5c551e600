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
