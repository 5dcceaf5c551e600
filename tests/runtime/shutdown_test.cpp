#include "engine/runtime/jobs/shutdown.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace petitiond::runtime {
namespace {

using namespace std::chrono_literals;

TEST(ShutdownTest, AStopThatFinishesInTimeIsReportedClean) {
  bool ran = false;
  EXPECT_TRUE(RunWithin(1s, [&] { ran = true; }));
  EXPECT_TRUE(ran);
}

TEST(ShutdownTest, AStuckStopIsAbandonedAfterTheGracePeriod) {
  auto release = std::make_shared<std::atomic<bool>>(false);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(RunWithin(100ms, [release] {
    while (!*release) std::this_thread::sleep_for(5ms);  // a connector stuck in a loop
  }));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  *release = true;  // let the abandoned thread end before the test binary does
  std::this_thread::sleep_for(50ms);
}

TEST(ShutdownTest, AStopThatThrowsStillCounts) {
  EXPECT_TRUE(RunWithin(1s, [] { throw std::runtime_error("a broken connector"); }));
}

}  // namespace
}  // namespace petitiond::runtime
