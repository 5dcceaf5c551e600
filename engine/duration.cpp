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
                   "' is not a duration; write a whole number and a unit: workdays, days, hours or minutes "
                   "(e.g. '6 workdays')",
               {}};
}

}  // namespace

Result<Duration> ParseDuration(std::string_view text) {
  std::string_view s = Trim(text);
  int amount = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), amount);
  if (ec != std::errc() || ptr == s.data() || amount < 0 || amount > 100000) return Invalid(text);
  // The number and the unit are separated by white space ("6 workdays", not "6workdays").
  if (ptr == s.data() + s.size() || (*ptr != ' ' && *ptr != '\t')) return Invalid(text);
  std::string_view unit = Trim(s.substr(static_cast<std::size_t>(ptr - s.data())));
  Duration d;
  d.amount = amount;
  if (unit == "workday" || unit == "workdays") {
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

}  // namespace petitiond
