// The sign-in throttle and the rate limits under it, counted in PostgreSQL
// (migration 0021), so that every node sharing the database counts the same events.
#include "engine/runtime/security/login_throttle.hpp"

#include <gtest/gtest.h>

#include "engine/store/session.hpp"
#include "tests/common/pg_fixture.hpp"

#include <soci/soci.h>

namespace petitiond::runtime {
namespace {

using testing_support::FakeClock;
using testing_support::TestDatabase;

class LoginThrottleTest : public testing::Test {
 protected:
  TestDatabase t_;
  FakeClock clock_{Timestamp(std::chrono::seconds(1'800'000'000))};
};

TEST_F(LoginThrottleTest, FiveFailuresLockTheLoginForTheRestOfTheWindow) {
  LoginThrottle t(t_.db(), clock_);
  for (int i = 0; i < 5; ++i) {
    EXPECT_FALSE(t.Wait("admin", "198.51.100.7")) << i;
    t.Failed("admin", "198.51.100." + std::to_string(i));  // a different address each time
    clock_.Advance(std::chrono::seconds(10));
  }
  auto wait = t.Wait("ADMIN", "203.0.113.1");
  ASSERT_TRUE(wait) << "logins are counted case-insensitively, from any address";
  EXPECT_EQ(*wait, std::chrono::seconds(900 - 50));
  EXPECT_FALSE(t.Wait("chen", "203.0.113.1")) << "another login is not affected";
  clock_.Advance(std::chrono::seconds(850));
  EXPECT_FALSE(t.Wait("admin", "203.0.113.1")) << "the first failure left the window";
}

TEST_F(LoginThrottleTest, AnAddressTryingManyLoginsIsLockedToo) {
  LoginThrottle t(t_.db(), clock_);
  for (int i = 0; i < 20; ++i) t.Failed("user" + std::to_string(i), "198.51.100.7");
  EXPECT_TRUE(t.Wait("someone-new", "198.51.100.7"));
  EXPECT_FALSE(t.Wait("someone-new", "198.51.100.8"));
}

TEST_F(LoginThrottleTest, ACorrectPasswordClearsTheLoginsFailures) {
  LoginThrottle t(t_.db(), clock_);
  for (int i = 0; i < 4; ++i) t.Failed("chen", "");
  t.Succeeded("chen");
  for (int i = 0; i < 4; ++i) t.Failed("chen", "");
  EXPECT_FALSE(t.Wait("chen", ""));
}

// Two nodes are two throttles over one database: failures on either count for both.
TEST_F(LoginThrottleTest, TwoNodesShareOneCount) {
  LoginThrottle node_a(t_.db(), clock_), node_b(t_.db(), clock_);
  for (int i = 0; i < 5; ++i) (i % 2 ? node_b : node_a).Failed("admin", "198.51.100.7");
  EXPECT_TRUE(node_a.Wait("admin", "203.0.113.1"));
  EXPECT_TRUE(node_b.Wait("admin", "203.0.113.1"));
}

// What is kept is a digest of the key, never the login or the address; rows past the
// longest window go as new ones arrive.
TEST_F(LoginThrottleTest, KeepsNoLoginOrAddressAndPrunesOldEvents) {
  LoginThrottle t(t_.db(), clock_);
  t.Failed("wang.xiaoming", "198.51.100.7");
  long long plain = -1, total = -1;
  t_.db().Run([&](store::Tx& tx) {
    store::Sql(tx) << "SELECT count(*) FROM rate_events WHERE key LIKE '%wang%' OR key LIKE '%198.51%'",
        soci::into(plain);
  });
  EXPECT_EQ(plain, 0);
  clock_.Advance(std::chrono::hours(25));
  t.Failed("someone", "");
  t_.db().Run([&](store::Tx& tx) { store::Sql(tx) << "SELECT count(*) FROM rate_events", soci::into(total); });
  EXPECT_EQ(total, 1) << "the day-old events were pruned";
}

}  // namespace
}  // namespace petitiond::runtime
