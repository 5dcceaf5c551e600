#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "engine/error.hpp"

namespace petitiond {

// A span of time as a workflow or the config states it: one grammar for both.
// Workdays count on the office calendar; days, hours, minutes and seconds are plain
// elapsed time.
struct Duration {
  enum class Unit { kWorkdays, kDays, kHours, kMinutes, kSeconds };
  Unit unit = Unit::kWorkdays;
  int amount = 0;

  friend bool operator==(const Duration&, const Duration&) = default;
};

// Parses "6 workdays", "1 workday", "2 days", "4 hours", "30 minutes", "90 seconds" and
// the short forms "30s", "15m", "2h", "1d".
// Returns kInvalid with a sentence naming the accepted forms.
Result<Duration> ParseDuration(std::string_view text);
std::string ToString(const Duration& d);

// When an escalation fires, relative to its clock: a share of the clock's span
// ("75%"), the due instant ("due"), or after it ("due + 2 workdays").
struct EscalationPoint {
  enum class Kind { kPercent, kDue };
  Kind kind = Kind::kDue;
  int percent = 0;         // kPercent: 1..100
  Duration after_due{};    // kDue: amount 0 means exactly at due
};

Result<EscalationPoint> ParseEscalationPoint(std::string_view text);

// Elapsed time only (config intervals): kInvalid for workdays, which need a calendar,
// and for zero.
Result<std::chrono::seconds> ToElapsed(const Duration& d, std::string_view text);
// ParseDuration then ToElapsed: "30s", "90 seconds", "15 minutes", "1 hour", "30 days".
Result<std::chrono::seconds> ParseInterval(std::string_view text);

}  // namespace petitiond
