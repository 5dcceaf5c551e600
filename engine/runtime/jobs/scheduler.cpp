#include "engine/runtime/jobs/scheduler.hpp"

#include <spdlog/spdlog.h>

#include "engine/error.hpp"
#include "engine/runtime/services/calendar_holder.hpp"
#include "engine/runtime/services/case_service.hpp"
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
      loop_("scheduler " + options_.node, db, clock, {store::kTimersChannel, store::kCalendarChannel},
            options_.max_sleep,
            [this](store::Tx& listen, const std::set<std::string>& notified) {
              if (calendar_ && notified.count(store::kCalendarChannel)) calendar_->Reload(db_);
              const int fired = RunOnce();
              if (fired > 0) spdlog::info("scheduler {}: fired {} timer(s)", options_.node, fired);
              return store::NextTimerDue(listen);
            }) {}

int Scheduler::RunOnce() {
  int fired = 0;
  while (!loop_.stopping()) {
    try {
      const int n = cases_.FireDueTimers(options_.batch);
      if (n == 0) break;
      fired += n;
    } catch (const DomainError& e) {
      // Nothing was committed; the timers stay due and are tried again next round.
      spdlog::error("scheduler {}: {}", options_.node, e.what());
      break;
    }
  }
  return fired;
}

}  // namespace petitiond::runtime
