#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/machine.hpp"
#include "engine/stats.hpp"

namespace petitiond::store {
class Database;
}

namespace petitiond::runtime {

struct StatsQuery {
  stats::Month from{}, to{};
  stats::GroupBy group_by = stats::GroupBy::kOffice;
  std::optional<std::string> office;
};

// The office's figures (docs/stats.md) from the rollups the database keeps in the
// same transaction as every change (migrations/0014). Supervisors see their own office;
// the director and admins every office or one. Blocking (database).
class StatsService {
 public:
  // The longest period one report covers.
  static constexpr int kMaxMonths = 120;

  explicit StatsService(store::Database& db) : db_(db) {}

  // kInvalid for a reversed or too long period; kForbidden for another office.
  stats::Report Report(const Actor& actor, const StatsQuery& q) const;

  // Every office's figures per month, channel and category: the open data, which
  // holds counts and rates only. kInvalid for a reversed or too long period.
  std::vector<stats::KeyFigures> MonthlyRows(stats::Month from, stats::Month to) const;

 private:
  store::Database& db_;
};

}  // namespace petitiond::runtime
