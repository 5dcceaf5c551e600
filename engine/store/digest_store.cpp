#include "engine/store/digest_store.hpp"
#include "engine/store/session.hpp"

#include <soci/soci.h>

#include "engine/store/calendar_store.hpp"

namespace petitiond::store {
namespace {

constexpr const char* kClaim =
    "INSERT INTO daily_runs (job, day, node) VALUES (:job, CAST(:day AS date), :node) "
    "ON CONFLICT (job, day) DO NOTHING RETURNING node";

constexpr const char* kRecipients =
    "SELECT login, office, email FROM users WHERE 'supervisor' = ANY(roles) AND NOT disabled AND daily_digest "
    "AND email IS NOT NULL AND email <> '' ORDER BY office, login";

// Each list reads its count with the rows (count(*) OVER () before the LIMIT).
constexpr const char* kColumns =
    "SELECT c.id, c.public_no, c.subject, CASE WHEN c.next_due_at = 'infinity' THEN NULL "
    "ELSE extract(epoch FROM c.next_due_at)::bigint END, count(*) OVER () FROM ";

constexpr const char* kOverdue =
    "overdue_cases o JOIN cases c ON c.id = o.case_id WHERE o.office = :office AND NOT o.finished "
    "ORDER BY o.next_due_at, o.case_id LIMIT :limit";
constexpr const char* kDueSoon =
    "cases c WHERE c.office = :office AND NOT c.overdue AND c.next_due_at > to_timestamp(:now) "
    "AND c.next_due_at <= to_timestamp(:until) ORDER BY c.next_due_at, c.id LIMIT :limit";
constexpr const char* kUnassigned =
    "cases c WHERE c.office = :office AND c.assignee IS NULL AND c.outcome IS NULL "
    "ORDER BY c.next_due_at, c.id LIMIT :limit";
constexpr const char* kDrafts =
    "cases c WHERE c.office = :office AND c.draft IS NOT NULL ORDER BY c.next_due_at, c.id LIMIT :limit";

DigestList Read(soci::rowset<soci::row>& rows) {
  DigestList list;
  for (const auto& r : rows) {
    DigestCase c;
    c.id = r.get<long long>(0);
    c.public_no = r.get<std::string>(1);
    c.subject = r.get<std::string>(2);
    if (r.get_indicator(3) != soci::i_null) c.due = FromEpoch(r.get<long long>(3));
    list.count = static_cast<int>(r.get<long long>(4));
    list.first.push_back(std::move(c));
  }
  return list;
}

}  // namespace

bool ClaimDailyRun(Tx& tx, const std::string& job, std::chrono::sys_days day, const std::string& node) {
  const std::string date = IsoDate(day);
  std::string claimed;
  soci::indicator ind = soci::i_null;
  Sql(tx) << kClaim, soci::use(job, "job"), soci::use(date, "day"), soci::use(node, "node"), soci::into(claimed, ind);
  return Sql(tx).got_data() && ind == soci::i_ok;
}

std::vector<DigestRecipient> DigestRecipients(Tx& tx) {
  soci::rowset<soci::row> rows = (Sql(tx).prepare << kRecipients);
  std::vector<DigestRecipient> out;
  for (const auto& r : rows) out.push_back({r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2)});
  return out;
}

OfficeDigest LoadOfficeDigest(Tx& tx, const std::string& office, Timestamp now, Timestamp soon_until, int limit) {
  soci::session& sql = Sql(tx);
  const long long at = Epoch(now), until = Epoch(soon_until);
  const auto list = [&](const char* from, bool timed) {
    if (timed) {
      soci::rowset<soci::row> rows = (sql.prepare << std::string(kColumns) + from, soci::use(office, "office"),
                                      soci::use(at, "now"), soci::use(until, "until"), soci::use(limit, "limit"));
      return Read(rows);
    }
    soci::rowset<soci::row> rows =
        (sql.prepare << std::string(kColumns) + from, soci::use(office, "office"), soci::use(limit, "limit"));
    return Read(rows);
  };
  OfficeDigest d;
  d.overdue = list(kOverdue, false);
  d.due_soon = list(kDueSoon, true);
  d.unassigned = list(kUnassigned, false);
  d.drafts = list(kDrafts, false);
  return d;
}

}  // namespace petitiond::store
