#include "engine/runtime/security/login_throttle.hpp"

#include <gtest/gtest.h>

namespace petitiond::runtime {
namespace {

class StepClock final : public Clock {
 public:
  Timestamp Now() const override { return now; }
  Timestamp now = Timestamp(std::chrono::seconds(1'800'000'000));
};

TEST(LoginThrottle, FiveFailuresLockTheLoginForTheRestOfTheWindow) {
  StepClock clock;
  LoginThrottle t(clock);
  for (int i = 0; i < 5; ++i) {
    EXPECT_FALSE(t.Wait("admin", "198.51.100.7")) << i;
    t.Failed("admin", "198.51.100." + std::to_string(i));  // a different address each time
    clock.now += std::chrono::seconds(10);
  }
  auto wait = t.Wait("ADMIN", "203.0.113.1");
  ASSERT_TRUE(wait) << "logins are counted case-insensitively, from any address";
  EXPECT_EQ(*wait, std::chrono::seconds(900 - 50));
  EXPECT_FALSE(t.Wait("chen", "203.0.113.1")) << "another login is not affected";
  clock.now += std::chrono::seconds(850);
  EXPECT_FALSE(t.Wait("admin", "203.0.113.1")) << "the first failure left the window";
}

TEST(LoginThrottle, AnAddressTryingManyLoginsIsLockedToo) {
  StepClock clock;
  LoginThrottle t(clock);
  for (int i = 0; i < 20; ++i) t.Failed("user" + std::to_string(i), "198.51.100.7");
  EXPECT_TRUE(t.Wait("someone-new", "198.51.100.7"));
  EXPECT_FALSE(t.Wait("someone-new", "198.51.100.8"));
}

TEST(LoginThrottle, ACorrectPasswordClearsTheLoginsFailures) {
  StepClock clock;
  LoginThrottle t(clock);
  for (int i = 0; i < 4; ++i) t.Failed("chen", "");
  t.Succeeded("chen");
  for (int i = 0; i < 4; ++i) t.Failed("chen", "");
  EXPECT_FALSE(t.Wait("chen", ""));
}

TEST(LoginThrottle, AFloodOfDistinctLoginsStaysBounded) {
  StepClock clock;
  LoginThrottle t(clock, LoginThrottle::Limits{5, 1000000, std::chrono::seconds(900), 1000});
  for (int i = 0; i < 5000; ++i) t.Failed("x" + std::to_string(i), "198.51.100.7");
  for (int i = 0; i < 5; ++i) t.Failed("admin", "198.51.100.7");
  EXPECT_TRUE(t.Wait("admin", ""));
}

}  // namespace
}  // namespace petitiond::runtime
