#include "engine/store/outbox_store.hpp"
#include "engine/store/session.hpp"

#include <soci/soci.h>

#include <algorithm>

#include "engine/store/database.hpp"
#include "engine/store/pg_array.hpp"

namespace petitiond::store {
namespace {

constexpr const char* kInsert =
    "INSERT INTO outbox (case_id, channel, recipient, subject, body, idempotency_key, status, last_error, "
    "next_attempt_at, sealed, attachment_ids) SELECT c, ch, r, s, b, k, st, e, to_timestamp(n), sl, "
    "CAST(string_to_array(f, ',') AS bigint[]) FROM unnest(CAST(:c AS bigint[]), "
    "CAST(:ch AS text[]), CAST(:r AS text[]), CAST(:s AS text[]), CAST(:b AS text[]), CAST(:k AS text[]), "
    "CAST(:st AS text[]), CAST(:e AS text[]), CAST(:n AS bigint[]), CAST(:sl AS text[]), CAST(:f AS text[])) "
    "AS u(c, ch, r, s, b, k, st, e, n, sl, f) "
    "ON CONFLICT (idempotency_key) DO NOTHING";

// Read() expects these, in this order, from a SELECT or a RETURNING.
#define PETITIOND_OUTBOX_COLUMNS                                                                       \
  "id, case_id, channel, recipient, subject, body, idempotency_key, status, attempts, last_error, "   \
  "extract(epoch FROM created_at)::bigint, extract(epoch FROM sent_at)::bigint, "                     \
  "extract(epoch FROM next_attempt_at)::bigint, sealed, array_to_string(attachment_ids, ',')"

constexpr const char* kColumns = "SELECT " PETITIOND_OUTBOX_COLUMNS " FROM outbox";

constexpr const char* kClaim =
    "UPDATE outbox SET claimed_by = :node, claimed_until = now() + make_interval(secs => :lease), "
    "attempts = attempts + 1 "
    "WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= to_timestamp(:now) "
    "  AND (claimed_until IS NULL OR claimed_until < now()) ORDER BY next_attempt_at LIMIT :limit "
    "  FOR UPDATE SKIP LOCKED) "
    "RETURNING " PETITIOND_OUTBOX_COLUMNS;

constexpr const char* kSent =
    "UPDATE outbox SET status = 'sent', sent_at = to_timestamp(:now), last_error = NULL, claimed_until = NULL, "
    "sealed = NULL "
    "WHERE id = :id AND status = 'pending' AND claimed_by = :node";

constexpr const char* kFailed =
    "UPDATE outbox SET last_error = :error, claimed_until = NULL, "
    "status = CASE WHEN CAST(:retry1 AS bigint) IS NULL THEN 'dead' ELSE 'pending' END, "
    "next_attempt_at = coalesce(to_timestamp(CAST(:retry2 AS bigint)), next_attempt_at), "
    "sealed = CASE WHEN CAST(:retry3 AS bigint) IS NULL THEN NULL ELSE sealed END "
    "WHERE id = :id AND status = 'pending' AND claimed_by = :node";

constexpr const char* kNextDue =
    "SELECT extract(epoch FROM min(next_attempt_at))::bigint FROM outbox WHERE status = 'pending'";

OutboxMessage Read(const soci::row& r) {
  OutboxMessage m;
  m.id = r.get<long long>(0);
  if (r.get_indicator(1) != soci::i_null) m.case_id = r.get<long long>(1);
  // The columns' CHECK constraints admit only the enums' words.
  m.channel = ParseOutboxChannel(r.get<std::string>(2)).value_or(OutboxChannel::kEmail);
  m.recipient = r.get<std::string>(3);
  m.subject = r.get<std::string>(4);
  m.body = r.get<std::string>(5);
  m.idempotency_key = r.get<std::string>(6);
  m.status = ParseOutboxStatus(r.get<std::string>(7)).value_or(OutboxStatus::kDead);
  m.attempts = r.get<int>(8);
  if (r.get_indicator(9) != soci::i_null) m.last_error = r.get<std::string>(9);
  m.created_at = FromEpoch(r.get<long long>(10));
  if (r.get_indicator(11) != soci::i_null) m.sent_at = FromEpoch(r.get<long long>(11));
  m.next_attempt_at = FromEpoch(r.get<long long>(12));
  if (r.get_indicator(13) != soci::i_null) m.sealed = r.get<std::string>(13);
  const std::string files = r.get<std::string>(14);
  for (std::size_t at = 0; at < files.size();) {
    const std::size_t comma = std::min(files.find(',', at), files.size());
    m.attachment_ids.push_back(std::stoll(files.substr(at, comma - at)));
    at = comma + 1;
  }
  return m;
}

}  // namespace

void InsertOutbox(Tx& tx, const std::vector<OutboxMessage>& messages) {
  soci::session& sql = Sql(tx);
  if (messages.empty()) return;
  PgArray c, ch, r, su, b, k, st, e, n, sl, f;
  for (const auto& m : messages) {
    if (m.case_id) {
      c.Add(static_cast<long long>(*m.case_id));
    } else {
      c.AddNull();
    }
    ch.Add(std::string(Name(m.channel)));
    r.Add(m.recipient);
    su.Add(m.subject);
    b.Add(m.body);
    k.Add(m.idempotency_key);
    st.Add(std::string(Name(m.status)));
    e.Add(m.last_error);
    n.Add(static_cast<long long>(Epoch(m.next_attempt_at)));
    sl.Add(m.sealed.empty() ? std::nullopt : std::optional<std::string>(m.sealed));
    std::string files;
    for (const auto id : m.attachment_ids) files += (files.empty() ? "" : ",") + std::to_string(id);
    f.Add(files);
  }
  const std::string cs = c.str(), chs = ch.str(), rs = r.str(), ss = su.str(), bs = b.str(), ks = k.str(),
                    sts = st.str(), es = e.str(), ns = n.str(), sls = sl.str(), fs = f.str();
  sql << kInsert, soci::use(cs, "c"), soci::use(chs, "ch"), soci::use(rs, "r"), soci::use(ss, "s"),
      soci::use(bs, "b"), soci::use(ks, "k"), soci::use(sts, "st"), soci::use(es, "e"), soci::use(ns, "n"),
      soci::use(sls, "sl"), soci::use(fs, "f");
}

void NotifyOutbox(Tx& tx) { Sql(tx) << std::string("SELECT pg_notify('") + kOutboxChannel + "', '')"; }

std::vector<OutboxMessage> ClaimOutbox(Tx& tx, const std::string& node, Timestamp now, int limit,
                                       int lease_seconds) {
  soci::session& sql = Sql(tx);
  const long long at = Epoch(now);
  std::vector<OutboxMessage> claimed;
  // One UPDATE ... RETURNING: atomic without a transaction of its own.
  soci::rowset<soci::row> rows = (sql.prepare << kClaim, soci::use(node, "node"), soci::use(lease_seconds, "lease"),
                                  soci::use(at, "now"), soci::use(limit, "limit"));
  for (const auto& r : rows) claimed.push_back(Read(r));
  return claimed;
}

bool MarkSent(Tx& tx, std::int64_t id, const std::string& node, Timestamp now) {
  soci::session& sql = Sql(tx);
  const long long at = Epoch(now), mid = id;
  soci::statement st = (sql.prepare << kSent, soci::use(at, "now"), soci::use(mid, "id"), soci::use(node, "node"));
  st.execute(true);
  return st.get_affected_rows() == 1;
}

bool MarkFailed(Tx& tx, std::int64_t id, const std::string& node, const std::string& error,
                std::optional<Timestamp> retry_at) {
  soci::session& sql = Sql(tx);
  const long long mid = id;
  long long retry = retry_at ? Epoch(*retry_at) : 0;
  soci::indicator ind1 = retry_at ? soci::i_ok : soci::i_null, ind2 = ind1, ind3 = ind1;
  soci::statement st = (sql.prepare << kFailed, soci::use(error, "error"), soci::use(retry, ind1, "retry1"),
                        soci::use(retry, ind2, "retry2"), soci::use(retry, ind3, "retry3"), soci::use(mid, "id"),
                        soci::use(node, "node"));
  st.execute(true);
  return st.get_affected_rows() == 1;
}

std::vector<std::int64_t> RenewClaim(Tx& tx, const std::vector<std::int64_t>& ids, const std::string& node,
                                     int lease_seconds) {
  PgArray array;
  for (auto id : ids) array.Add(static_cast<long long>(id));
  const std::string list = array.str();
  soci::rowset<long long> rows =
      (Sql(tx).prepare << "UPDATE outbox SET claimed_until = now() + make_interval(secs => :lease) "
                          "WHERE id = ANY(CAST(:ids AS bigint[])) AND claimed_by = :node AND status = 'pending' "
                          "RETURNING id",
       soci::use(lease_seconds, "lease"), soci::use(list, "ids"), soci::use(node, "node"));
  std::vector<std::int64_t> held;
  for (long long id : rows) held.push_back(id);
  return held;
}

std::optional<Timestamp> NextOutboxDue(Tx& tx) {
  soci::session& sql = Sql(tx);
  long long due = 0;
  soci::indicator ind = soci::i_null;
  sql << kNextDue, soci::into(due, ind);
  if (ind == soci::i_null) return std::nullopt;
  return FromEpoch(due);
}

std::vector<OutboxMessage> ListOutbox(Tx& tx, const std::vector<OutboxStatus>& statuses,
                                      const std::optional<std::string>& office, std::optional<std::int64_t> before_id,
                                      int limit) {
  soci::session& sql = Sql(tx);
  PgArray status_array;
  for (const auto st : statuses) status_array.Add(std::string(Name(st)));
  const std::string array = status_array.str();
  soci::indicator s_ind = statuses.empty() ? soci::i_null : soci::i_ok, s_ind2 = s_ind;
  long long before = before_id.value_or(0);
  soci::indicator b_ind = before_id ? soci::i_ok : soci::i_null, b_ind2 = b_ind;
  const std::string o = office.value_or("");
  soci::indicator o_ind = office ? soci::i_ok : soci::i_null, o_ind2 = o_ind;
  const std::string query = std::string(kColumns) +
                            " WHERE (CAST(:s1 AS text[]) IS NULL OR status = ANY(CAST(:s2 AS text[])))"
                            " AND (CAST(:o1 AS text) IS NULL OR case_id IN (SELECT id FROM cases WHERE office = :o2))"
                            " AND (CAST(:b1 AS bigint) IS NULL OR id < :b2) ORDER BY id DESC LIMIT :limit";
  soci::rowset<soci::row> rows =
      (sql.prepare << query, soci::use(array, s_ind, "s1"), soci::use(array, s_ind2, "s2"), soci::use(o, o_ind, "o1"),
       soci::use(o, o_ind2, "o2"), soci::use(before, b_ind, "b1"), soci::use(before, b_ind2, "b2"),
       soci::use(limit, "limit"));
  std::vector<OutboxMessage> out;
  for (const auto& r : rows) out.push_back(Read(r));
  return out;
}

}  // namespace petitiond::store
