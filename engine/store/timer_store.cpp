#include "engine/store/timer_store.hpp"
#include "engine/store/session.hpp"

#include <soci/soci.h>

#include "engine/store/database.hpp"
#include "engine/store/pg_array.hpp"

namespace petitiond::store {
namespace {

constexpr const char* kLockDue =
    "SELECT id, case_id, clock, rule, extract(epoch FROM due_at)::bigint FROM timers "
    "WHERE due_at <= to_timestamp(:now) ORDER BY due_at LIMIT :limit FOR UPDATE SKIP LOCKED";
constexpr const char* kDelete = "DELETE FROM timers WHERE id = ANY(CAST(:ids AS bigint[]))";
constexpr const char* kPostpone = "UPDATE timers SET due_at = to_timestamp(:until) WHERE id = :id";
constexpr const char* kNextDue = "SELECT extract(epoch FROM min(due_at))::bigint FROM timers";

}  // namespace

std::vector<DueTimer> LockDueTimers(Tx& tx, Timestamp now, int limit) {
  soci::session& sql = Sql(tx);
  const long long at = Epoch(now);
  std::vector<DueTimer> timers;
  soci::rowset<soci::row> rows = (sql.prepare << kLockDue, soci::use(at, "now"), soci::use(limit, "limit"));
  for (const auto& r : rows) {
    timers.push_back(DueTimer{r.get<long long>(0), r.get<long long>(1), r.get<std::string>(2), r.get<int>(3),
                              FromEpoch(r.get<long long>(4))});
  }
  return timers;
}

void DeleteTimers(Tx& tx, const std::vector<std::int64_t>& ids) {
  soci::session& sql = Sql(tx);
  if (ids.empty()) return;
  PgArray array;
  for (auto id : ids) array.Add(static_cast<long long>(id));
  const std::string id_array = array.str();
  sql << kDelete, soci::use(id_array, "ids");
}

void PostponeTimer(Tx& tx, std::int64_t id, Timestamp until) {
  soci::session& sql = Sql(tx);
  const long long at = Epoch(until), timer = id;
  sql << kPostpone, soci::use(at, "until"), soci::use(timer, "id");
}

std::optional<Timestamp> NextTimerDue(Tx& tx) {
  soci::session& sql = Sql(tx);
  long long due = 0;
  soci::indicator ind = soci::i_null;
  sql << kNextDue, soci::into(due, ind);
  if (ind == soci::i_null) return std::nullopt;
  return FromEpoch(due);
}

}  // namespace petitiond::store
