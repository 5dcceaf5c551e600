#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engine/time.hpp"

namespace petitiond::store {
class Database;
class Tx;
}

namespace petitiond::runtime {

// A background thread that does a unit of work when told to: on NOTIFY of one of
// `channels`, at the instant the work said the next thing falls due, and at least
// every max_sleep (which also covers a missed notification). It holds its own
// connection for LISTEN and reconnects after a failure.
//
// Thread safety: Start/Stop from one owner thread.
class ListenLoop {
 public:
  // `work` gets the listening connection (for cheap reads) and the channels notified
  // since the last round; it returns when the next thing is due, if it knows.
  using Work = std::function<std::optional<Timestamp>(store::Tx& listen, const std::set<std::string>& notified)>;

  ListenLoop(std::string name, store::Database& db, const Clock& clock, std::vector<std::string> channels,
             std::chrono::milliseconds max_sleep, Work work);
  ~ListenLoop();
  ListenLoop(const ListenLoop&) = delete;
  ListenLoop& operator=(const ListenLoop&) = delete;

  void Start();
  void Stop();
  bool stopping() const { return stop_; }

 private:
  void Loop();
  void Sleep(std::chrono::milliseconds max, int listen_fd);

  std::string name_;
  store::Database& db_;
  const Clock& clock_;
  std::vector<std::string> channels_;
  std::chrono::milliseconds max_sleep_;
  Work work_;
  std::atomic<bool> stop_{false};
  int wake_fd_ = -1;  // eventfd: Stop() interrupts the sleep
  std::thread thread_;
};

}  // namespace petitiond::runtime
