#include "engine/store/database.hpp"

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "engine/store/session.hpp"
#include "tests/common/pg_fixture.hpp"

namespace petitiond {
namespace {

using testing_support::TestDatabase;

TEST(SessionDefaultsTest, AddsWhatTheUrlLeavesOutAndKeepsWhatItSays) {
  store::DatabaseOptions o;
  o.statement_timeout = std::chrono::milliseconds(1500);
  const std::string c = store::WithSessionDefaults("dbname='x'", o);
  EXPECT_NE(c.find("application_name='petitiond'"), std::string::npos) << c;
  EXPECT_NE(c.find("connect_timeout='5'"), std::string::npos) << c;
  EXPECT_NE(c.find("keepalives='1'"), std::string::npos) << c;
  EXPECT_NE(c.find("options='-c statement_timeout=1500'"), std::string::npos) << c;
  const std::string own = store::WithSessionDefaults("dbname='x' application_name='mine'", o);
  EXPECT_EQ(own.find("petitiond"), std::string::npos) << own;
}

TEST(DatabaseTest, EveryConnectionNamesItselfAndHasAStatementTimeout) {
  TestDatabase t;
  std::string name, timeout;
  t.db().Run([&](store::Tx& tx) {
    store::Sql(tx) << "SELECT current_setting('application_name'), current_setting('statement_timeout')",
        soci::into(name), soci::into(timeout);
  });
  EXPECT_EQ(name, "petitiond");
  EXPECT_EQ(timeout, "30s");
}

TEST(DatabaseTest, AUniqueViolationNamesItsConstraint) {
  TestDatabase t;
  auto insert = [&] {
    t.db().Run([](store::Tx& tx) {
      store::Sql(tx) << "INSERT INTO users (login, password_hash, roles, office) "
                        "VALUES ('twice', 'x', '{handler}', 'main')";
    });
  };
  insert();
  try {
    insert();
    FAIL() << "the second insert should violate users' unique login";
  } catch (const store::UniqueViolation& e) {
    EXPECT_EQ(e.constraint(), "users_login_key");
    EXPECT_EQ(e.error().kind, ErrorKind::kConflict);
  }
}

TEST(DatabaseTest, AStatementOverItsTimeoutIsATypedError) {
  TestDatabase t;
  EXPECT_THROW(t.db().Run([](store::Tx& tx) {
    store::Sql(tx) << "SET statement_timeout = 50";
    store::Sql(tx) << "SELECT pg_sleep(1)";
  }),
               store::StatementTimeout);
  t.db().Run([](store::Tx& tx) { store::Sql(tx) << "RESET statement_timeout"; });
}

TEST(DatabaseTest, ATransactionRollsBackWhenItsWorkThrows) {
  TestDatabase t;
  EXPECT_THROW(t.db().Transact([](store::Tx& tx) {
    EXPECT_TRUE(tx.in_transaction());
    store::Sql(tx) << "INSERT INTO users (login, password_hash, roles, office) VALUES ('gone', 'x', '{}', 'main')";
    throw DomainError(ErrorKind::kInvalid, "changed my mind");
  }),
               DomainError);
  long long n = -1;
  t.db().Run([&](store::Tx& tx) { store::Sql(tx) << "SELECT count(*) FROM users WHERE login = 'gone'", soci::into(n); });
  EXPECT_EQ(n, 0);
}

TEST(DatabaseTest, AFullPoolAnswersPoolExhaustedAfterTheLeaseTimeout) {
  TestDatabase t;
  store::Database one(t.url(), store::DatabaseOptions{.pool_size = 1, .lease_timeout = std::chrono::milliseconds(100)});
  std::promise<void> holding, release;
  std::thread holder([&] {
    one.Run([&](store::Tx&) {
      holding.set_value();
      release.get_future().wait();
    });
  });
  holding.get_future().wait();
  const auto start = std::chrono::steady_clock::now();
  try {
    one.Run([](store::Tx&) {});
    ADD_FAILURE() << "the lease should have timed out";
  } catch (const store::PoolExhausted& e) {
    EXPECT_EQ(e.error().kind, ErrorKind::kUnavailable);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  release.set_value();
  holder.join();
  EXPECT_NO_THROW(one.Run([](store::Tx&) {}));
}

}  // namespace
}  // namespace petitiond
