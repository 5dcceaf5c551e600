#include "engine/retention.hpp"

#include <sstream>

namespace petitiond {
namespace {

std::string Describe(const RetentionRule& r) {
  return r.after_closed ? std::to_string(r.after_closed->count()) + " days after closing" : "never";
}

}  // namespace

std::optional<RetentionPolicy::Applied> RetentionPolicy::For(const std::string& workflow,
                                                             const std::optional<std::string>& category) const {
  if (category) {
    if (auto it = categories.find(*category); it != categories.end()) {
      return Applied{"category " + *category + ": " + Describe(it->second), it->second};
    }
  }
  if (auto it = workflows.find(workflow); it != workflows.end()) {
    return Applied{"workflow " + workflow + ": " + Describe(it->second), it->second};
  }
  if (default_rule) return Applied{"default: " + Describe(*default_rule), *default_rule};
  return std::nullopt;
}

std::optional<std::chrono::days> RetentionPolicy::Shortest() const {
  std::optional<std::chrono::days> shortest;
  const auto consider = [&](const RetentionRule& r) {
    if (r.after_closed && (!shortest || *r.after_closed < *shortest)) shortest = r.after_closed;
  };
  if (default_rule) consider(*default_rule);
  for (const auto& [k, r] : categories) consider(r);
  for (const auto& [k, r] : workflows) consider(r);
  return shortest;
}

std::optional<std::chrono::days> ParseRetentionPeriod(const std::string& text, bool* never) {
  if (never) *never = false;
  if (text == "never") {
    if (never) *never = true;
    return std::nullopt;
  }
  std::istringstream in(text);
  long long n = 0;
  std::string unit, rest;
  if (!(in >> n) || !(in >> unit) || (in >> rest) || n < 1 || n > 200 * 366) return std::nullopt;
  if (unit == "year" || unit == "years") {
    if (n > 200) return std::nullopt;
    return std::chrono::days(365 * n);
  }
  if (unit == "day" || unit == "days") return std::chrono::days(n);
  return std::nullopt;
}

}  // namespace petitiond
