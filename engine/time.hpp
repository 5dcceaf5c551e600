#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace petitiond {

// Every instant in petitiond is UTC seconds. Dates that matter to the domain (workdays,
// deadlines) are Asia/Taipei civil dates: UTC+8 all year, no daylight saving.
using Timestamp = std::chrono::sys_seconds;
inline constexpr std::chrono::hours kTaipeiOffset{8};

// The Taipei civil date of an instant.
std::chrono::sys_days TaipeiDate(Timestamp t);
// 00:00:00 Taipei time on `date`.
Timestamp TaipeiStartOfDay(std::chrono::sys_days date);
// 23:59:59 Taipei time on `date`: the last second of a working day, which is where a
// deadline of "N workdays" ends.
Timestamp TaipeiEndOfDay(std::chrono::sys_days date);

// RFC 3339 in Taipei time, e.g. "2026-11-26T17:30:00+08:00".
std::string FormatTimestamp(Timestamp t);
// Accepts RFC 3339 with "Z" or a numeric offset, seconds optional fraction ignored.
std::optional<Timestamp> ParseTimestamp(std::string_view text);

// A civil date written "YYYY-MM-DD" (as in closures and calendar files), or nullopt.
std::optional<std::chrono::sys_days> ParseDate(std::string_view text);

// A date as Taiwanese letters write it: ROC year (Gregorian - 1911), "民國115年11月26日".
std::string RocDate(std::chrono::sys_days date);
// A date as the console's lists write it: "115/11/26".
std::string RocShortDate(std::chrono::sys_days date);

// Injected wherever "now" matters, so deadline tests never sleep.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Timestamp Now() const override;
};

}  // namespace petitiond
