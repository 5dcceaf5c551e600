#include "engine/duration.hpp"

#include <charconv>
#include <string>

namespace petitiond {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Error Invalid(std::string_view text) {
  return Error{ErrorKind::kInvalid,
               "'" + std::string(text) +
                   "' is not a duration; write a whole number and a unit: workdays, days, hours, minutes or "
                   "seconds (e.g. '6 workdays', '15 minutes', or short: 30s, 15m, 2h, 1d)",
               {}};
}

}  // namespace

Result<Duration> ParseDuration(std::string_view text) {
  std::string_view s = Trim(text);
  int amount = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), amount);
  if (ec != std::errc() || ptr == s.data() || amount < 0 || amount > 100000) return Invalid(text);
  if (ptr == s.data() + s.size()) return Invalid(text);
  const bool spaced = *ptr == ' ' || *ptr == '\t';
  std::string_view unit = Trim(s.substr(static_cast<std::size_t>(ptr - s.data())));
  // Words follow the number after white space ("6 workdays", not "6workdays"); the short
  // forms may be written together with it ("30s") or apart ("30 s").
  const bool short_form = unit == "s" || unit == "m" || unit == "h" || unit == "d";
  if (!spaced && !short_form) return Invalid(text);
  Duration d;
  d.amount = amount;
  if (unit == "s" || unit == "second" || unit == "seconds") {
    d.unit = Duration::Unit::kSeconds;
  } else if (unit == "m") {
    d.unit = Duration::Unit::kMinutes;
  } else if (unit == "h") {
    d.unit = Duration::Unit::kHours;
  } else if (unit == "d") {
    d.unit = Duration::Unit::kDays;
  } else if (unit == "workday" || unit == "workdays") {
    d.unit = Duration::Unit::kWorkdays;
  } else if (unit == "day" || unit == "days") {
    d.unit = Duration::Unit::kDays;
  } else if (unit == "hour" || unit == "hours") {
    d.unit = Duration::Unit::kHours;
  } else if (unit == "minute" || unit == "minutes") {
    d.unit = Duration::Unit::kMinutes;
  } else {
    return Invalid(text);
  }
  return d;
}

std::string ToString(const Duration& d) {
  const char* unit = "workdays";
  switch (d.unit) {
    case Duration::Unit::kWorkdays: unit = d.amount == 1 ? "workday" : "workdays"; break;
    case Duration::Unit::kDays: unit = d.amount == 1 ? "day" : "days"; break;
    case Duration::Unit::kHours: unit = d.amount == 1 ? "hour" : "hours"; break;
    case Duration::Unit::kMinutes: unit = d.amount == 1 ? "minute" : "minutes"; break;
    case Duration::Unit::kSeconds: unit = d.amount == 1 ? "second" : "seconds"; break;
  }
  return std::to_string(d.amount) + " " + unit;
}

Result<EscalationPoint> ParseEscalationPoint(std::string_view text) {
  std::string_view s = Trim(text);
  const Error invalid{ErrorKind::kInvalid,
                      "'" + std::string(text) +
                          "' is not an escalation point; write a percentage of the clock ('75%'), 'due', "
                          "or 'due + N workdays|days|hours|minutes'",
                      {}};
  EscalationPoint p;
  if (!s.empty() && s.back() == '%') {
    std::string_view num = Trim(s.substr(0, s.size() - 1));
    int percent = 0;
    auto [ptr, ec] = std::from_chars(num.data(), num.data() + num.size(), percent);
    if (ec != std::errc() || ptr != num.data() + num.size() || percent < 0 || percent > 100) return invalid;
    p.kind = EscalationPoint::Kind::kPercent;
    p.percent = percent;
    return p;
  }
  if (s.substr(0, 3) != "due") return invalid;
  p.kind = EscalationPoint::Kind::kDue;
  std::string_view rest = Trim(s.substr(3));
  if (rest.empty()) return p;
  if (rest.front() != '+') return invalid;
  auto d = ParseDuration(rest.substr(1));
  if (!d) return invalid;
  p.after_due = d.value();
  return p;
}

Result<std::chrono::seconds> ToElapsed(const Duration& d, std::string_view text) {
  long long factor = 0;
  switch (d.unit) {
    case Duration::Unit::kWorkdays:
      return Error{ErrorKind::kInvalid,
                   "'" + std::string(text) + "': an interval is elapsed time; workdays need the office calendar",
                   {}};
    case Duration::Unit::kDays: factor = 86400; break;
    case Duration::Unit::kHours: factor = 3600; break;
    case Duration::Unit::kMinutes: factor = 60; break;
    case Duration::Unit::kSeconds: factor = 1; break;
  }
  if (d.amount <= 0) return Error{ErrorKind::kInvalid, "'" + std::string(text) + "' must be longer than zero", {}};
  return std::chrono::seconds(d.amount * factor);
}

Result<std::chrono::seconds> ParseInterval(std::string_view text) {
  auto d = ParseDuration(text);
  if (!d) {
    return Error{ErrorKind::kInvalid,
                 "'" + std::string(text) + "' is not an interval; write e.g. 30s, 90 seconds, 15 minutes, 1 hour or 30 days",
                 {}};
  }
  return ToElapsed(*d, text);
}

}  // namespace petitiond
