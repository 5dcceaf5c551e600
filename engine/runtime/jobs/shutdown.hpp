#pragma once

#include <chrono>
#include <functional>

namespace petitiond::runtime {

// Runs `stop` on a thread of its own and waits at most `grace` for it. Returns true if
// it finished in time. Otherwise returns false and leaves the thread running detached:
// the caller is expected to end the process (SIGTERM must stop petitiond within its
// grace period even when a connector or a request is stuck).
bool RunWithin(std::chrono::milliseconds grace, std::function<void()> stop);

}  // namespace petitiond::runtime
