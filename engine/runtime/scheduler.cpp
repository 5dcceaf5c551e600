#include "engine/runtime/scheduler.hpp"

#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include "engine/error.hpp"
#include "engine/runtime/calendar_holder.hpp"
#include "engine/runtime/case_service.hpp"
#include "engine/store/database.hpp"
#include "engine/store/timer_store.hpp"

namespace petitiond::runtime {

Scheduler::Scheduler(store::Database& db, CaseService& cases, const Clock& clock, Options options,
                     CalendarHolder* calendar)
    : db_(db),
      cases_(cases),
      clock_(clock),
      options_(std::move(options)),
      calendar_(calendar),
      loop_("scheduler " + options_.node, db, clock, {"petitiond_timers", "petitiond_calendar"}, options_.max_sleep,
            [this](soci::session& listen, const std::set<std::string>& notified) {
              if (calendar_ && notified.count("petitiond_calendar")) calendar_->Reload(db_);
              const int fired = RunOnce();
              if (fired > 0) spdlog::info("scheduler {}: fired {} timer(s)", options_.node, fired);
              return store::NextTimerDue(listen);
            }) {}

int Scheduler::RunOnce() {
  int fired = 0;
  while (!loop_.stopping()) {
    std::vector<store::ClaimedTimer> batch;
    db_.Run([&](soci::session& sql) {
      batch = store::ClaimDueTimers(sql, options_.node, clock_.Now(), options_.batch, options_.lease_seconds);
    });
    if (batch.empty()) break;
    try {
      fired += cases_.FireTimers(batch, options_.node);
    } catch (const DomainError& e) {
      // Left claimed: retried by whichever node holds them after the lease.
      spdlog::error("scheduler {}: a batch of {} timers failed: {}", options_.node, batch.size(), e.what());
      break;
    }
  }
  return fired;
}

}  // namespace petitiond::runtime
