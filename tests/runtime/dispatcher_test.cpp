// The retry rule of engine/runtime/dispatcher without a database: randomness injected.
#include "engine/runtime/jobs/dispatcher.hpp"

#include <gtest/gtest.h>

namespace petitiond::runtime {
namespace {

using std::chrono::seconds;

// Always draws the same value in [0, 1001): 0 is a 0.5x factor, 500 1.0x, 1000 1.5x.
class FixedRandom final : public Random {
 public:
  explicit FixedRandom(std::uint32_t v) : v_(v) {}
  std::uint32_t Uniform(std::uint32_t upper) override { return v_ % upper; }

 private:
  std::uint32_t v_;
};

struct DelayCase {
  int attempts;
  std::uint32_t draw;
  long long expected_seconds;
};

class RetryDelayTest : public testing::TestWithParam<DelayCase> {};

TEST_P(RetryDelayTest, DoublesPerAttemptUpToTheCapWithJitter) {
  const auto& c = GetParam();
  FixedRandom random(c.draw);
  EXPECT_EQ(RetryDelay(c.attempts, seconds(30), seconds(3600), random).count(), c.expected_seconds)
      << "attempt " << c.attempts << ", draw " << c.draw;
}

INSTANTIATE_TEST_SUITE_P(Backoff, RetryDelayTest,
                         testing::Values(DelayCase{1, 500, 30},      // first retry as configured
                                         DelayCase{2, 500, 60},      // doubled
                                         DelayCase{4, 500, 240},     //
                                         DelayCase{1, 0, 15},        // jitter: half
                                         DelayCase{1, 1000, 45},     // jitter: one and a half
                                         DelayCase{8, 500, 3600},    // 30 * 128 s, capped at an hour
                                         DelayCase{40, 1000, 5400},  // the cap holds for any attempt
                                         DelayCase{0, 500, 30}));    // attempts below 1 count as the first

TEST(RetryDelayTest, NeverLessThanASecond) {
  FixedRandom random(0);
  EXPECT_EQ(RetryDelay(1, seconds(1), seconds(1), random).count(), 1);
}

}  // namespace
}  // namespace petitiond::runtime
