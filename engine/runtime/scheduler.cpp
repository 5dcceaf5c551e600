#include "engine/runtime/scheduler.hpp"

#include <libpq-fe.h>
#include <poll.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>

#include "engine/error.hpp"
#include "engine/runtime/case_service.hpp"
#include "engine/store/database.hpp"
#include "engine/store/timer_store.hpp"

namespace petitiond::runtime {

Scheduler::Scheduler(store::Database& db, CaseService& cases, const Clock& clock, Options options)
    : db_(db), cases_(cases), clock_(clock), options_(std::move(options)) {
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) throw DomainError(ErrorKind::kInternal, "eventfd failed");
}

Scheduler::~Scheduler() {
  Stop();
  close(wake_fd_);
}

int Scheduler::RunOnce() {
  int fired = 0;
  while (!stop_) {
    std::vector<store::ClaimedTimer> batch;
    db_.Run([&](soci::session& sql) {
      batch = store::ClaimDueTimers(sql, options_.node, clock_.Now(), options_.batch, options_.lease_seconds);
    });
    if (batch.empty()) break;
    for (const auto& timer : batch) {
      if (stop_) break;  // unfired claims expire with their lease and go to another node
      try {
        if (cases_.FireTimer(timer, options_.node)) ++fired;
      } catch (const DomainError& e) {
        // Left claimed: retried by whichever node holds it after the lease.
        spdlog::error("timer {} of case {} failed: {}", timer.id, timer.case_id, e.what());
      }
    }
  }
  return fired;
}

void Scheduler::Start() {
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void Scheduler::Stop() {
  stop_ = true;
  const std::uint64_t one = 1;
  [[maybe_unused]] auto n = write(wake_fd_, &one, sizeof one);
  if (thread_.joinable()) thread_.join();
}

void Scheduler::Sleep(std::chrono::milliseconds max, int listen_fd) {
  pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {listen_fd, POLLIN, 0}};
  poll(fds, listen_fd >= 0 ? 2 : 1, static_cast<int>(std::max<long long>(0, max.count())));
}

void Scheduler::Loop() {
  while (!stop_) {
    try {
      // A connection of its own: LISTEN holds it for the life of the loop.
      soci::session listen(soci::postgresql, db_.conninfo());
      listen << "LISTEN petitiond_timers";
      PGconn* conn = store::RawConnection(listen);
      while (!stop_) {
        const int fired = RunOnce();
        if (fired > 0) spdlog::info("scheduler {}: fired {} timer(s)", options_.node, fired);
        auto next = store::NextTimerDue(listen);
        auto wait = options_.max_sleep;
        if (next) {
          const auto until = std::chrono::duration_cast<std::chrono::milliseconds>(*next - clock_.Now());
          wait = std::clamp(until + std::chrono::milliseconds(5), std::chrono::milliseconds(0), options_.max_sleep);
        }
        Sleep(wait, PQsocket(conn));
        if (PQconsumeInput(conn) == 0) throw DomainError(ErrorKind::kUnavailable, PQerrorMessage(conn));
        while (PGnotify* n = PQnotifies(conn)) PQfreemem(n);
      }
    } catch (const std::exception& e) {
      spdlog::warn("scheduler {}: {}; retrying", options_.node, e.what());
      Sleep(std::min(options_.max_sleep, std::chrono::milliseconds(1000)), -1);
    }
  }
  std::uint64_t drained = 0;
  [[maybe_unused]] auto n = read(wake_fd_, &drained, sizeof drained);
}

}  // namespace petitiond::runtime
