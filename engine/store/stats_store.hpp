#pragma once

#include <optional>
#include <string>

#include "engine/stats.hpp"
#include "engine/store/database.hpp"

namespace petitiond::store {

// The rollups of months [first, to] (migrations/0014), of `office` or of every office,
// with the open cases marked overdue now received in [from, to] and the cases still
// open before `first`. REQUIRES: first <= from <= to.
stats::Rollups LoadRollups(Tx& tx, stats::Month first, stats::Month from, stats::Month to,
                           const std::optional<std::string>& office);

// Recomputes every rollup from the cases and their history (stats_rebuild()). Needs
// the owner's connection.
void RebuildStats(Tx& tx);

}  // namespace petitiond::store
