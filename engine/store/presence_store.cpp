#include "engine/store/presence_store.hpp"
#include "engine/store/session.hpp"

#include <soci/soci.h>

namespace petitiond::store {
namespace {

// One round trip: the stale rows go, this page's row is renewed, and the others are
// read from the snapshot the statement started with (the stale ones filtered out).
constexpr const char* kTouch =
    "WITH gone AS (DELETE FROM case_presence WHERE seen_at < to_timestamp(:at1) - make_interval(secs => :f1)), "
    "me AS (INSERT INTO case_presence (case_id, login, seen_at) VALUES (:c1, :l1, to_timestamp(:at2)) "
    "ON CONFLICT (case_id, login) DO UPDATE SET seen_at = EXCLUDED.seen_at) "
    "SELECT login FROM case_presence WHERE case_id = :c2 AND login <> :l2 "
    "AND seen_at >= to_timestamp(:at3) - make_interval(secs => :f2) ORDER BY login";

constexpr const char* kLeave = "DELETE FROM case_presence WHERE case_id = :c AND login = :l";

}  // namespace

std::vector<std::string> TouchPresence(Tx& tx, std::int64_t case_id, const std::string& login, Timestamp now,
                                       std::chrono::seconds fresh) {
  const long long c = case_id, at = Epoch(now);
  const int f = static_cast<int>(fresh.count());
  soci::rowset<std::string> rows = (Sql(tx).prepare << kTouch, soci::use(at, "at1"), soci::use(f, "f1"),
                                    soci::use(c, "c1"), soci::use(login, "l1"), soci::use(at, "at2"),
                                    soci::use(c, "c2"), soci::use(login, "l2"), soci::use(at, "at3"),
                                    soci::use(f, "f2"));
  return std::vector<std::string>(rows.begin(), rows.end());
}

void LeavePresence(Tx& tx, std::int64_t case_id, const std::string& login) {
  const long long c = case_id;
  Sql(tx) << kLeave, soci::use(c, "c"), soci::use(login, "l");
}

}  // namespace petitiond::store
