#include "engine/store/open311_store.hpp"

#include "engine/store/pg_array.hpp"
#include "engine/store/session.hpp"

namespace petitiond::store {

namespace {

Open311Client ClientOf(const soci::row& r) {
  Open311Client c;
  c.id = r.get<long long>(0);
  c.name = r.get<std::string>(1);
  c.created_by = r.get<std::string>(2);
  c.created_at = FromEpoch(r.get<long long>(3));
  if (r.get_indicator(4) == soci::i_ok) c.revoked_at = FromEpoch(r.get<long long>(4));
  return c;
}

constexpr const char* kClientColumns =
    "SELECT id, name, created_by, extract(epoch FROM created_at)::bigint, extract(epoch FROM revoked_at)::bigint "
    "FROM open311_clients ";

}  // namespace

std::int64_t InsertOpen311Client(Tx& tx, const std::string& name, const std::string& key_hash,
                                 const std::string& created_by, Timestamp now) {
  long long id = 0;
  const long long at = Epoch(now);
  Sql(tx) << "INSERT INTO open311_clients (name, key_hash, created_by, created_at) "
             "VALUES (:n, :h, :by, to_timestamp(:at)) RETURNING id",
      soci::use(name, "n"), soci::use(key_hash, "h"), soci::use(created_by, "by"), soci::use(at, "at"),
      soci::into(id);
  return id;
}

std::optional<Open311Client> FindOpen311Client(Tx& tx, const std::string& key_hash) {
  soci::rowset<soci::row> rows = (Sql(tx).prepare << std::string(kClientColumns) +
                                                         "WHERE key_hash = :h AND revoked_at IS NULL",
                                  soci::use(key_hash, "h"));
  for (const auto& r : rows) return ClientOf(r);
  return std::nullopt;
}

std::vector<Open311Client> ListOpen311Clients(Tx& tx) {
  std::vector<Open311Client> out;
  soci::rowset<soci::row> rows = (Sql(tx).prepare << std::string(kClientColumns) + "ORDER BY id");
  for (const auto& r : rows) out.push_back(ClientOf(r));
  return out;
}

std::optional<Open311Client> RevokeOpen311Client(Tx& tx, std::int64_t id, Timestamp now) {
  const long long cid = id, at = Epoch(now);
  soci::rowset<soci::row> rows =
      (Sql(tx).prepare << "UPDATE open311_clients SET revoked_at = to_timestamp(:at) WHERE id = :id AND revoked_at "
                          "IS NULL RETURNING id, name, created_by, extract(epoch FROM created_at)::bigint, "
                          "extract(epoch FROM revoked_at)::bigint",
       soci::use(at, "at"), soci::use(cid, "id"));
  for (const auto& r : rows) return ClientOf(r);
  return std::nullopt;
}

std::vector<Open311Request> ListOpen311Requests(Tx& tx, const Open311Filter& f) {
  PgArray nos;
  for (const auto& n : f.public_nos) nos.Add(n);
  const std::string nos_text = nos.str(), category = f.category.value_or("");
  const long long start = f.start ? Epoch(*f.start) : 0, end = f.end ? Epoch(*f.end) : 0;
  const int finished = f.closed ? (*f.closed ? 1 : 0) : -1, limit = f.limit;
  soci::indicator nos_ind = f.public_nos.empty() ? soci::i_null : soci::i_ok, nos_ind2 = nos_ind;
  soci::rowset<soci::row> rows =
      (Sql(tx).prepare
           << "SELECT c.id, c.public_no, c.state, c.office, c.category, extract(epoch FROM c.received_at)::bigint, "
              "extract(epoch FROM c.updated_at)::bigint, "
              "extract(epoch FROM k.due_at)::bigint, "
              "encode(i.raw, 'hex'), "
              "(c.outcome IS NOT NULL)::int, c.workflow_name, c.workflow_version "
              "FROM intake_raw i JOIN cases c ON c.id = i.case_id "
              // expected_datetime: the latest due date of a clock still running (as /track shows it)
              "LEFT JOIN LATERAL (SELECT max(due_at) AS due_at FROM clocks WHERE case_id = c.id "
              "AND stopped_at IS NULL) k ON true "
              "WHERE i.source = :source AND i.source LIKE 'open311 %' AND i.status <> 'rejected' "
              "AND (CAST(:nos AS text[]) IS NULL OR c.public_no = ANY(CAST(:nos2 AS text[]))) "
              "AND (:cat = '' OR c.category = :cat2) "
              "AND (:start = 0 OR c.received_at >= to_timestamp(:start2)) "
              "AND (:end = 0 OR c.received_at <= to_timestamp(:end2)) "
              "AND (:finished < 0 OR (c.outcome IS NOT NULL)::int = :finished2) "
              "ORDER BY i.id DESC LIMIT :limit",
       soci::use(f.source, "source"), soci::use(nos_text, nos_ind, "nos"), soci::use(nos_text, nos_ind2, "nos2"),
       soci::use(category, "cat"), soci::use(category, "cat2"), soci::use(start, "start"),
       soci::use(start, "start2"), soci::use(end, "end"), soci::use(end, "end2"), soci::use(finished, "finished"),
       soci::use(finished, "finished2"), soci::use(limit, "limit"));
  std::vector<Open311Request> out;
  for (const auto& r : rows) {
    Open311Request q;
    q.case_id = r.get<long long>(0);
    q.public_no = r.get<std::string>(1);
    q.state = r.get<std::string>(2);
    q.office = r.get<std::string>(3);
    if (r.get_indicator(4) == soci::i_ok) q.category = r.get<std::string>(4);
    q.received_at = FromEpoch(r.get<long long>(5));
    q.updated_at = FromEpoch(r.get<long long>(6));
    if (r.get_indicator(7) == soci::i_ok) q.response_due = FromEpoch(r.get<long long>(7));
    q.raw = BytesFromHex(r.get<std::string>(8));
    q.closed = r.get<int>(9) != 0;
    q.workflow_name = r.get<std::string>(10);
    q.workflow_version = r.get<int>(11);
    out.push_back(std::move(q));
  }
  return out;
}

}  // namespace petitiond::store
