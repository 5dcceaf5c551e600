#include "engine/store/timer_store.hpp"

#include <soci/soci.h>

#include "engine/store/database.hpp"
#include "engine/store/pg_array.hpp"

namespace petitiond::store {
namespace {

constexpr const char* kClaim =
    "UPDATE timers SET claimed_by = :node, claimed_until = now() + make_interval(secs => :lease) "
    "WHERE id IN (SELECT id FROM timers WHERE fired_at IS NULL AND due_at <= to_timestamp(:now) "
    "  AND (claimed_until IS NULL OR claimed_until < now()) "
    "  ORDER BY due_at LIMIT :limit FOR UPDATE SKIP LOCKED) "
    "RETURNING id, case_id, clock, rule, extract(epoch FROM due_at)::bigint";

constexpr const char* kMarkFired =
    "UPDATE timers SET fired_at = to_timestamp(:now) WHERE id = :id AND fired_at IS NULL AND claimed_by = :node";

constexpr const char* kMarkBatchFired =
    "UPDATE timers SET fired_at = to_timestamp(:now) WHERE id = ANY(CAST(:ids AS bigint[])) AND fired_at IS NULL "
    "AND claimed_by = :node RETURNING id";

constexpr const char* kNextDue =
    "SELECT extract(epoch FROM min(due_at))::bigint FROM timers WHERE fired_at IS NULL";

constexpr const char* kLockCase = "SELECT id FROM cases WHERE id = :id FOR UPDATE";

}  // namespace

std::vector<ClaimedTimer> ClaimDueTimers(soci::session& sql, const std::string& node, Timestamp now, int limit,
                                         int lease_seconds) {
  const long long at = Epoch(now);
  std::vector<ClaimedTimer> claimed;
  soci::transaction tx(sql);
  soci::rowset<soci::row> rows = (sql.prepare << kClaim, soci::use(node, "node"), soci::use(lease_seconds, "lease"),
                                  soci::use(at, "now"), soci::use(limit, "limit"));
  for (const auto& r : rows) {
    claimed.push_back(ClaimedTimer{r.get<long long>(0), r.get<long long>(1), r.get<std::string>(2), r.get<int>(3),
                                   FromEpoch(r.get<long long>(4))});
  }
  tx.commit();
  return claimed;
}

bool MarkTimerFired(soci::session& sql, std::int64_t timer_id, const std::string& node, Timestamp now) {
  const long long at = Epoch(now);
  const long long id = timer_id;
  soci::statement st =
      (sql.prepare << kMarkFired, soci::use(at, "now"), soci::use(id, "id"), soci::use(node, "node"));
  st.execute(true);
  return st.get_affected_rows() == 1;
}

std::vector<std::int64_t> MarkTimersFired(soci::session& sql, const std::vector<std::int64_t>& timer_ids,
                                          const std::string& node, Timestamp now) {
  PgArray ids;
  for (auto id : timer_ids) ids.Add(static_cast<long long>(id));
  const std::string id_array = ids.str();
  const long long at = Epoch(now);
  std::vector<std::int64_t> marked;
  soci::rowset<soci::row> rows = (sql.prepare << kMarkBatchFired, soci::use(at, "now"), soci::use(id_array, "ids"),
                                  soci::use(node, "node"));
  for (const auto& r : rows) marked.push_back(r.get<long long>(0));
  return marked;
}

std::optional<Timestamp> NextTimerDue(soci::session& sql) {
  long long due = 0;
  soci::indicator ind = soci::i_null;
  sql << kNextDue, soci::into(due, ind);
  if (ind == soci::i_null) return std::nullopt;
  return FromEpoch(due);
}

bool LockCase(soci::session& sql, std::int64_t case_id) {
  long long id = case_id;
  long long found = 0;
  soci::indicator ind = soci::i_null;
  sql << kLockCase, soci::use(id, "id"), soci::into(found, ind);
  return sql.got_data();
}

}  // namespace petitiond::store
