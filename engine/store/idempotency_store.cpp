#include "engine/store/idempotency_store.hpp"

#include <boost/json.hpp>

#include "engine/store/session.hpp"

namespace petitiond::store {
namespace {

constexpr const char* kClaim =
    "INSERT INTO idempotency_keys AS k (principal, key, request_hash, created_at) "
    "VALUES (:principal, :key, :hash, to_timestamp(:now)) "
    "ON CONFLICT (principal, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, "
    "created_at = EXCLUDED.created_at, status = NULL, content_type = NULL, headers = NULL, body = NULL "
    "WHERE k.created_at < to_timestamp(:expired) OR (k.status IS NULL AND k.created_at < to_timestamp(:abandoned)) "
    "RETURNING 1";

constexpr const char* kExisting =
    "SELECT request_hash, status, coalesce(content_type, ''), coalesce(headers::text, '[]'), coalesce(body, '') "
    "FROM idempotency_keys WHERE principal = :principal AND key = :key";

constexpr const char* kSave =
    "UPDATE idempotency_keys SET status = :status, content_type = :type, headers = CAST(:headers AS jsonb), "
    "body = :body WHERE principal = :principal AND key = :key";

constexpr const char* kRelease =
    "DELETE FROM idempotency_keys WHERE principal = :principal AND key = :key AND status IS NULL";

constexpr const char* kPurge = "DELETE FROM idempotency_keys WHERE created_at < to_timestamp(:before)";

}  // namespace

KeyClaim ClaimIdempotencyKey(Tx& tx, const std::string& principal, const std::string& key,
                             const std::string& request_hash, Timestamp now, Timestamp expired_before,
                             Timestamp abandoned_before) {
  soci::session& sql = Sql(tx);
  const long long at = Epoch(now), expired = Epoch(expired_before), abandoned = Epoch(abandoned_before);
  int claimed = 0;
  soci::indicator ind = soci::i_null;
  sql << kClaim, soci::use(principal, "principal"), soci::use(key, "key"), soci::use(request_hash, "hash"),
      soci::use(at, "now"), soci::use(expired, "expired"), soci::use(abandoned, "abandoned"), soci::into(claimed, ind);
  KeyClaim c;
  if (sql.got_data() && ind == soci::i_ok) return c;
  std::string hash, type, headers, body;
  int status = 0;
  soci::indicator status_ind = soci::i_null;
  sql << kExisting, soci::use(principal, "principal"), soci::use(key, "key"), soci::into(hash),
      soci::into(status, status_ind), soci::into(type), soci::into(headers), soci::into(body);
  if (!sql.got_data()) {
    // Released between our insert attempt and this read: the caller may simply retry.
    c.kind = KeyClaim::Kind::kInProgress;
    return c;
  }
  if (hash != request_hash) {
    c.kind = KeyClaim::Kind::kMismatch;
    return c;
  }
  if (status_ind != soci::i_ok) {
    c.kind = KeyClaim::Kind::kInProgress;
    return c;
  }
  c.kind = KeyClaim::Kind::kReplay;
  StoredResponse r;
  r.status = status;
  r.content_type = type;
  r.body = body;
  const boost::json::value parsed = boost::json::parse(headers);
  for (const auto& h : parsed.as_array()) {
    const auto& pair = h.as_array();
    r.headers.emplace_back(std::string(pair.at(0).as_string()), std::string(pair.at(1).as_string()));
  }
  c.response = std::move(r);
  return c;
}

void SaveIdempotentResponse(Tx& tx, const std::string& principal, const std::string& key, const StoredResponse& r) {
  boost::json::array headers;
  for (const auto& [name, value] : r.headers) headers.push_back(boost::json::array{name, value});
  const std::string headers_text = boost::json::serialize(headers);
  Sql(tx) << kSave, soci::use(r.status, "status"), soci::use(r.content_type, "type"),
      soci::use(headers_text, "headers"), soci::use(r.body, "body"), soci::use(principal, "principal"),
      soci::use(key, "key");
}

void ReleaseIdempotencyKey(Tx& tx, const std::string& principal, const std::string& key) {
  Sql(tx) << kRelease, soci::use(principal, "principal"), soci::use(key, "key");
}

int PurgeIdempotencyKeys(Tx& tx, Timestamp before) {
  const long long b = Epoch(before);
  soci::statement st = (Sql(tx).prepare << kPurge, soci::use(b, "before"));
  st.execute(true);
  return static_cast<int>(st.get_affected_rows());
}

}  // namespace petitiond::store
