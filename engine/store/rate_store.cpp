#include "engine/store/rate_store.hpp"
#include "engine/store/session.hpp"

#include <soci/soci.h>

namespace petitiond::store {
namespace {

constexpr const char* kNth =
    "SELECT extract(epoch FROM at)::bigint FROM rate_events WHERE scope = :scope AND key = :key "
    "AND at > to_timestamp(:since) ORDER BY at DESC OFFSET :skip LIMIT 1";

// The new event, and at most 100 events past the longest window: the table stays the
// size of the windows' traffic without a job of its own.
constexpr const char* kInsert =
    "WITH old AS (DELETE FROM rate_events WHERE ctid = ANY(ARRAY(SELECT ctid FROM rate_events "
    "WHERE at < to_timestamp(:expired) LIMIT 100))) "
    "INSERT INTO rate_events (scope, key, at) VALUES (:scope, :key, to_timestamp(:now))";

constexpr const char* kDelete = "DELETE FROM rate_events WHERE scope = :scope AND key = :key";

}  // namespace

std::optional<Timestamp> NthRecentRateEvent(Tx& tx, const std::string& scope, const std::string& key, Timestamp since,
                                            int nth) {
  const long long after = Epoch(since);
  const int skip = nth - 1;
  soci::rowset<long long> rows = (Sql(tx).prepare << kNth, soci::use(scope, "scope"), soci::use(key, "key"),
                                  soci::use(after, "since"), soci::use(skip, "skip"));
  for (const auto at : rows) return FromEpoch(at);
  return std::nullopt;
}

void InsertRateEvent(Tx& tx, const std::string& scope, const std::string& key, Timestamp now) {
  const long long at = Epoch(now), expired = Epoch(now - kMaxRateWindow);
  Sql(tx) << kInsert, soci::use(expired, "expired"), soci::use(scope, "scope"), soci::use(key, "key"),
      soci::use(at, "now");
}

void DeleteRateEvents(Tx& tx, const std::string& scope, const std::string& key) {
  Sql(tx) << kDelete, soci::use(scope, "scope"), soci::use(key, "key");
}

}  // namespace petitiond::store
