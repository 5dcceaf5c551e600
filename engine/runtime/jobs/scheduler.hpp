#pragma once

#include <chrono>
#include <string>

#include "engine/runtime/jobs/listen_loop.hpp"
#include "engine/time.hpp"

namespace petitiond::store {
class Database;
}

namespace petitiond::runtime {

class CaseService;
class CalendarHolder;

// Durable timers: fires due timers in batches through CaseService::FireDueTimers,
// each batch one transaction. Several nodes may share a database; row locks make
// every timer fire exactly once (see FireDueTimers).
//
// Wakes on NOTIFY petitiond_timers (sent once per transaction that arms timers), at
// the next due_at, and at least every max_sleep. On NOTIFY petitiond_calendar it
// reloads the calendar, so a closure made on one node counts on all of them.
class Scheduler {
 public:
  struct Options {
    std::string node;                               // unique per process, e.g. host:pid
    int batch = 1000;                               // timers fired per transaction (~0.1 s of locks)
    std::chrono::milliseconds max_sleep{5000};
  };

  // REQUIRES: all references outlive the scheduler. `calendar` may be null (tests).
  Scheduler(store::Database& db, CaseService& cases, const Clock& clock, Options options,
            CalendarHolder* calendar = nullptr);
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Fires due timers until none is left that this node can take. Returns how many.
  int RunOnce();

  void Start() { loop_.Start(); }
  void Stop() { loop_.Stop(); }

 private:
  store::Database& db_;
  CaseService& cases_;
  const Clock& clock_;
  Options options_;
  CalendarHolder* calendar_;
  ListenLoop loop_;
};

}  // namespace petitiond::runtime
