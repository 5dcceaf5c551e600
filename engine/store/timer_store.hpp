#pragma once

#include "engine/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/time.hpp"

namespace petitiond::store {

struct DueTimer {
  std::int64_t id = 0;
  std::int64_t case_id = 0;
  std::string clock;
  int rule = 0;
  Timestamp due_at{};
};

// Inside the caller's firing transaction: locks up to `limit` timers due by `now`,
// earliest first, skipping rows another node's transaction holds (FOR UPDATE SKIP
// LOCKED). The locks last until that transaction ends; a node that dies releases them.
std::vector<DueTimer> LockDueTimers(Tx& tx, Timestamp now, int limit);

// Deletes fired timers (in the firing transaction).
void DeleteTimers(Tx& tx, const std::vector<std::int64_t>& ids);

// Moves a timer that failed to fire to a later time, so it cannot block the ones behind it.
void PostponeTimer(Tx& tx, std::int64_t id, Timestamp until);

// The earliest due_at of any timer, for sleeping until then.
std::optional<Timestamp> NextTimerDue(Tx& tx);

}  // namespace petitiond::store
