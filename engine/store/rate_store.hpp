#pragma once

#include "engine/store/database.hpp"

#include <chrono>
#include <optional>
#include <string>

#include "engine/time.hpp"

namespace petitiond::store {

// Counted events of the rate limits (migration 0021), shared by every node. `key` is
// already a digest (runtime::RateLimit hashes it); windows are at most kMaxRateWindow.
inline constexpr std::chrono::hours kMaxRateWindow{24};

// The time of the `nth` most recent event of (scope, key) after `since`, if there are
// that many (1 = the newest).
std::optional<Timestamp> NthRecentRateEvent(Tx& tx, const std::string& scope, const std::string& key, Timestamp since,
                                            int nth);
// Counts one event at `now`, and prunes a few events older than kMaxRateWindow.
void InsertRateEvent(Tx& tx, const std::string& scope, const std::string& key, Timestamp now);
// Forgets the events of (scope, key).
void DeleteRateEvents(Tx& tx, const std::string& scope, const std::string& key);

}  // namespace petitiond::store
