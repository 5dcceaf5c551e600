#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/time.hpp"

namespace soci {
class session;
}

namespace petitiond::store {

struct ClaimedTimer {
  std::int64_t id = 0;
  std::int64_t case_id = 0;
  std::string clock;
  int rule = 0;
  Timestamp due_at{};
};

// Claims up to `limit` pending timers due at or before `now` that nobody holds a live
// lease on, for `lease_seconds` (database time), skipping rows other nodes are claiming
// right now (FOR UPDATE SKIP LOCKED). Commits on its own: the lease must be visible to
// other nodes while this node works through the batch.
std::vector<ClaimedTimer> ClaimDueTimers(soci::session& sql, const std::string& node, Timestamp now, int limit,
                                         int lease_seconds);

// Inside the firing transaction: marks the timer fired if this node still holds it.
// Returns false if it was fired meanwhile or its lease passed to another node; the
// caller then rolls back, so each timer fires exactly once.
bool MarkTimerFired(soci::session& sql, std::int64_t timer_id, const std::string& node, Timestamp now);

// The same for a batch: returns the ids this node still held and has now marked.
std::vector<std::int64_t> MarkTimersFired(soci::session& sql, const std::vector<std::int64_t>& timer_ids,
                                          const std::string& node, Timestamp now);

// The earliest pending due_at, for sleeping until then.
std::optional<Timestamp> NextTimerDue(soci::session& sql);

// Takes the case's row lock; returns false if the case does not exist.
bool LockCase(soci::session& sql, std::int64_t case_id);

}  // namespace petitiond::store
