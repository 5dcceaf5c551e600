#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "engine/calendar.hpp"

namespace petitiond::store {
class Database;
}

namespace petitiond::runtime {

// The calendar every deadline is counted on, swapped whole when it changes (an import
// or an office closure, on this node or, through NOTIFY, on another).
//
// Thread safety: Get and Reload may be called from any thread; a caller keeps the
// snapshot it got for the whole of one decision.
class CalendarHolder {
 public:
  explicit CalendarHolder(BusinessCalendar initial)
      : current_(std::make_shared<const BusinessCalendar>(std::move(initial))) {}
  // The calendar the database holds now (national days and closures).
  explicit CalendarHolder(store::Database& db) : CalendarHolder(BusinessCalendar{}) { Reload(db); }

  std::shared_ptr<const BusinessCalendar> Get() const {
    std::lock_guard lock(mu_);
    return current_;
  }
  void Set(BusinessCalendar calendar) {
    auto next = std::make_shared<const BusinessCalendar>(std::move(calendar));
    std::lock_guard lock(mu_);
    current_ = std::move(next);
  }
  // Reads the national days and closures from the database.
  void Reload(store::Database& db);

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const BusinessCalendar> current_;  // guarded by mu_
};

// Parses one DGPA CSV file (UTF-8 or Big5) and upserts its days. Idempotent. Returns
// the number of days; kInvalid with "source:line: problem" for a bad file, nothing written.
int ImportCalendar(store::Database& db, std::string_view bytes, const std::string& source);

// Imports the calendars compiled into the binary (workflows/calendar/*.csv).
int ImportShippedCalendars(store::Database& db);

}  // namespace petitiond::runtime
