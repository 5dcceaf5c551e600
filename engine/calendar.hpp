#pragma once

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/error.hpp"
#include "engine/time.hpp"

namespace petitiond {

// The government office calendar: which Taipei civil dates are working days, for
// the nation and per office.
//
// National days come from DGPA open-data CSV files (columns 西元日期,星期,是否放假,備註;
// 0 = work, 2 = day off). On top, an office may be closed on a day the nation works
// (a typhoon closes Lanyu while the main office works). A date no file covers falls
// back to Monday-Friday; every counting method reports that through `incomplete` so
// the caller can flag the deadline instead of trusting a guess.
//
// Thread safety: const methods may be called concurrently; loading is not thread-safe.
class BusinessCalendar {
 public:
  struct Day {
    bool workday = true;
    std::string note;  // 備註, e.g. "春節", "補行上班"
  };

  // Adds (or replaces) the days of one DGPA CSV file. The bytes may be UTF-8 (with or
  // without BOM) or Big5, as older DGPA files are; the encoding is detected.
  // Returns the number of days read, or kInvalid naming "source:line: problem" for the
  // first bad row; on error nothing is added.
  Result<int> LoadDgpaCsv(std::string_view bytes, std::string_view source);

  // Sets one national day (from the database).
  void SetDay(std::chrono::sys_days date, Day day) { days_[date] = std::move(day); }
  const std::map<std::chrono::sys_days, Day>& AllDays() const { return days_; }

  // The national calendars shipped in workflows/calendar/ (2024-2026).
  static BusinessCalendar Shipped();

  // Closes `office` on `date` (typhoon day). Returns false if it was already closed.
  bool AddClosure(const std::string& office, std::chrono::sys_days date, std::string reason);
  // The closure reason, or nullptr if the office is open by its own decision that day.
  const std::string* Closure(std::string_view office, std::chrono::sys_days date) const;

  // A working day nationally and, when `office` is given, not closed there.
  bool IsWorkday(std::chrono::sys_days date, std::string_view office = {}) const;
  // True when a loaded file states this date; false means the Monday-Friday fallback.
  bool Covers(std::chrono::sys_days date) const;
  const Day* Find(std::chrono::sys_days date) const;

  // The counting methods take the office whose closures apply ("" = national only) and
  // set *incomplete (when given) if they looked at a date no loaded file covers.

  // The n-th working day strictly after `date`. REQUIRES: n >= 1.
  std::chrono::sys_days NthWorkdayAfter(std::chrono::sys_days date, int n, std::string_view office = {},
                                        bool* incomplete = nullptr) const;
  // Working days d with after < d <= upto (0 when upto <= after).
  int WorkdaysBetween(std::chrono::sys_days after, std::chrono::sys_days upto, std::string_view office = {},
                      bool* incomplete = nullptr) const;

  // Deadline of "n workdays" from `received`: counting starts on the next working day
  // after the Taipei date of receipt and ends at 23:59:59 of the n-th one (Taipei
  // practice, DOMAIN.md). n = 0 means the end of the receipt day itself if the office
  // works that day, else the end of its next working day: a deadline always ends on a
  // working day of `office`.
  Timestamp WorkdayDeadline(Timestamp received, int n, std::string_view office = {},
                            bool* incomplete = nullptr) const;

 private:
  bool Check(std::chrono::sys_days date, std::string_view office, bool* incomplete) const;

  std::map<std::chrono::sys_days, Day> days_;
  std::map<std::pair<std::string, std::chrono::sys_days>, std::string, std::less<>> closures_;
};

}  // namespace petitiond
