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
  EXPECT_NE(c.find("options='-c statement_timeout=1500 -c max_parallel_workers_per_gather=0 -c random_page_cost=1.1'"),
            std::string::npos)
      << c;
  const std::string own = store::WithSessionDefaults("dbname='x' application_name='mine'", o);
  EXPECT_EQ(own.find("petitiond"), std::string::npos) << own;
}

TEST(DatabaseTest, EveryConnectionNamesItselfAndHasAStatementTimeout) {
  TestDatabase t;
  std::string name, timeout, workers, random;
  t.db().Run([&](store::Tx& tx) {
    store::Sql(tx) << "SELECT current_setting('application_name'), current_setting('statement_timeout'), "
                      "current_setting('max_parallel_workers_per_gather'), current_setting('random_page_cost')",
        soci::into(name), soci::into(timeout), soci::into(workers), soci::into(random);
  });
  EXPECT_EQ(name, "petitiond");
  EXPECT_EQ(timeout, "30s");
  EXPECT_EQ(workers, "0") << "requests plan without parallel workers";
  EXPECT_EQ(random, "1.1");
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

TEST(PreparedSqlTest, NumbersNamedPlaceholdersAndLeavesCastsAndStringsAlone) {
  const store::PreparedSql p("t", "SELECT :a::int, CAST(:b AS text), ':not', :a || 'x:y' FROM t WHERE c = :long_name");
  EXPECT_EQ(p.sql(), "SELECT $1::int, CAST($2 AS text), ':not', $1 || 'x:y' FROM t WHERE c = $3");
  EXPECT_EQ(p.params(), (std::vector<std::string>{"a", "b", "long_name"}));
}

// A prepared statement lives on its connection only: when the connection is lost and
// reopened, the pool prepares it again instead of calling a name the server forgot.
TEST(DatabaseTest, APreparedStatementSurvivesALostConnection) {
  TestDatabase t;
  store::Database db(t.db().conninfo(), 1);
  static const store::PreparedSql kAdd("petitiond_test_add", "SELECT CAST(:x AS int) + CAST(:y AS int), :z");
  auto add = [&](int x) {
    store::SqlRows rows;
    db.Run([&](store::Tx& tx) { rows = store::ExecPrepared(tx, kAdd, {{"x", std::to_string(x)}, {"y", "1"}, {"z", std::nullopt}}); });
    EXPECT_EQ(rows.size(), 1u);
    EXPECT_FALSE(rows[0][1]) << "NULL arrives as nullopt";
    return rows.empty() ? "" : rows[0][0].value_or("");
  };
  EXPECT_EQ(add(1), "2");
  EXPECT_EQ(add(2), "3") << "the second call runs the prepared statement";
  long long prepared = 0;
  db.Run([&](store::Tx& tx) {
    store::Sql(tx) << "SELECT count(*) FROM pg_prepared_statements WHERE name = 'petitiond_test_add'",
        soci::into(prepared);
  });
  EXPECT_EQ(prepared, 1);
  EXPECT_THROW(db.Run([](store::Tx& tx) { store::Sql(tx) << "SELECT pg_terminate_backend(pg_backend_pid())"; }),
               store::ConnectionLost);
  EXPECT_EQ(add(3), "4") << "prepared again on the new connection";
  EXPECT_THROW(db.Run([&](store::Tx& tx) { store::ExecPrepared(tx, kAdd, {{"x", "1"}}); }), store::StoreError)
      << "a missing value is refused before anything is sent";
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
