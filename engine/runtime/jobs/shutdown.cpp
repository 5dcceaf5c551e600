#include "engine/runtime/jobs/shutdown.hpp"

#include <future>
#include <memory>
#include <thread>

namespace petitiond::runtime {

bool RunWithin(std::chrono::milliseconds grace, std::function<void()> stop) {
  auto done = std::make_shared<std::promise<void>>();
  auto finished = done->get_future();
  std::thread worker([done, stop = std::move(stop)] {
    try {
      stop();
    } catch (...) {
      // Shutting down anyway; the caller logs that it finished.
    }
    done->set_value();
  });
  if (finished.wait_for(grace) == std::future_status::ready) {
    worker.join();
    return true;
  }
  worker.detach();
  return false;
}

}  // namespace petitiond::runtime
