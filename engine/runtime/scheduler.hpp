#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "engine/time.hpp"

namespace petitiond::store {
class Database;
}

namespace petitiond::runtime {

class CaseService;

// Durable timers: claims due timers from the database in batches and fires each in
// its own transaction through CaseService::FireTimer. Several nodes may share a
// database; leases and the fired_at check make every timer fire exactly once.
//
// Wakes on NOTIFY petitiond_timers (sent once per transaction that arms timers), at
// the next due_at, and at least every max_sleep (which also covers clock skew and a
// missed notification).
//
// Thread safety: Start/Stop from one owner thread; RunOnce may be called by tests
// while the background thread is not running.
class Scheduler {
 public:
  struct Options {
    std::string node;                               // unique per process, e.g. host:pid
    int batch = 200;                                // timers claimed per round trip
    int lease_seconds = 60;                         // a crashed node's claims free up after this
    std::chrono::milliseconds max_sleep{5000};
  };

  // REQUIRES: all references outlive the scheduler.
  Scheduler(store::Database& db, CaseService& cases, const Clock& clock, Options options);
  ~Scheduler();  // stops the thread
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Claims and fires due timers until none is due. Returns how many this call fired.
  int RunOnce();

  void Start();
  void Stop();

 private:
  void Loop();
  void Sleep(std::chrono::milliseconds max, int listen_fd);

  store::Database& db_;
  CaseService& cases_;
  const Clock& clock_;
  Options options_;
  std::atomic<bool> stop_{false};
  int wake_fd_ = -1;  // eventfd: Stop() interrupts the sleep
  std::thread thread_;
};

}  // namespace petitiond::runtime
