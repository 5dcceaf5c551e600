#pragma once

#include <optional>
#include <string>

#include "engine/stats.hpp"
#include "engine/store/database.hpp"

namespace petitiond::store {

// Which key columns the rows keep; the others read "" and are summed over.
struct StatsDims {
  bool office = true, channel = true, category = true;
  bool open = true;  // false: leave out the overdue and the still-open rows (open data)
};

// The monthly rollups of months [first, to] (migrations/0014) and the clocks and
// handling times of [from, to], of `office` or of every office, with the open cases
// marked overdue now received in [from, to] and the cases still open before `first`.
// REQUIRES: first <= from <= to.
stats::Rollups LoadRollups(Tx& tx, stats::Month first, stats::Month from, stats::Month to,
                           const std::optional<std::string>& office, const StatsDims& dims = {});

// Recomputes every rollup from the cases and their history (stats_rebuild()). Needs
// the owner's connection.
void RebuildStats(Tx& tx);

}  // namespace petitiond::store
