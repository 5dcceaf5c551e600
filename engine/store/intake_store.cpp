#include "engine/store/intake_store.hpp"
#include "engine/digest.hpp"
#include "engine/store/session.hpp"

#include <soci/soci.h>

#include "engine/store/case_store.hpp"
#include "engine/store/pg_array.hpp"

namespace petitiond::store {
namespace {

// bytea travels as hex text: decode(:p, 'hex') going in (HexBytes), encode(col, 'hex') out.

soci::indicator Ind(bool present) { return present ? soci::i_ok : soci::i_null; }

template <typename T>
std::optional<T> Opt(const soci::row& r, std::size_t i) {
  if (r.get_indicator(i) == soci::i_null) return std::nullopt;
  return r.get<T>(i);
}

constexpr const char* kIntakeColumns =
    "SELECT i.id, i.channel, i.source, i.external_ref, i.content_type, octet_length(i.raw), i.status, i.reason, "
    "i.case_id, c.public_no, extract(epoch FROM i.received_at)::bigint, i.warnings FROM intake_raw i "
    "LEFT JOIN cases c ON c.id = i.case_id";

IntakeRow ReadIntake(const soci::row& r) {
  IntakeRow row;
  row.id = r.get<long long>(0);
  row.channel = r.get<std::string>(1);
  row.source = r.get<std::string>(2);
  row.external_ref = Opt<std::string>(r, 3);
  row.content_type = r.get<std::string>(4);
  row.raw_size = r.get<int>(5);
  // The column's CHECK constraint admits only the enum's words.
  row.status = ParseIntakeStatus(r.get<std::string>(6)).value_or(IntakeStatus::kRejected);
  row.reason = Opt<std::string>(r, 7);
  if (auto c = Opt<long long>(r, 8)) row.case_id = *c;
  row.public_no = Opt<std::string>(r, 9);
  row.received_at = Timestamp(std::chrono::seconds(r.get<long long>(10)));
  row.warnings = Opt<std::string>(r, 11);
  return row;
}

std::vector<PetitionerCase> ReadCases(soci::rowset<soci::row>& rows) {
  std::vector<PetitionerCase> out;
  for (const auto& r : rows) {
    out.push_back(PetitionerCase{r.get<long long>(0), r.get<std::string>(1), r.get<std::string>(2),
                                 r.get<std::string>(3), Timestamp(std::chrono::seconds(r.get<long long>(4)))});
  }
  return out;
}

}  // namespace

std::int64_t InsertIntake(Tx& tx, const Intake& in, IntakeStatus status_value,
                          const std::optional<std::string>& reason, std::optional<std::int64_t> case_id) {
  soci::session& sql = Sql(tx);
  const std::string raw = HexBytes(in.raw), ref = in.external_ref.value_or(""), why = reason.value_or(""),
                    status(Name(status_value));
  const long long cid = case_id.value_or(0);
  soci::indicator ref_ind = Ind(in.external_ref.has_value()), why_ind = Ind(reason.has_value()),
                  cid_ind = Ind(case_id.has_value());
  long long id = 0;
  const std::optional<std::string> warnings = in.WarningsText();
  const std::string warn = warnings.value_or("");
  soci::indicator warn_ind = Ind(warnings.has_value());
  sql << "INSERT INTO intake_raw (channel, source, external_ref, content_type, raw, status, reason, case_id, "
         "warnings) VALUES (:channel, :source, :ref, :ct, decode(:raw, 'hex'), :status, :reason, :case_id, :warn) "
         "RETURNING id",
      soci::use(in.channel, "channel"), soci::use(in.source, "source"), soci::use(ref, ref_ind, "ref"),
      soci::use(in.content_type, "ct"), soci::use(raw, "raw"), soci::use(status, "status"),
      soci::use(why, why_ind, "reason"), soci::use(cid, cid_ind, "case_id"), soci::use(warn, warn_ind, "warn"),
      soci::into(id);
  return id;
}

void SetIntakeOutcome(Tx& tx, std::int64_t id, IntakeStatus status_value,
                      const std::optional<std::string>& reason, std::optional<std::int64_t> case_id) {
  soci::session& sql = Sql(tx);
  const std::string why = reason.value_or(""), status(Name(status_value));
  const long long cid = case_id.value_or(0), iid = id;
  soci::indicator why_ind = Ind(reason.has_value()), cid_ind = Ind(case_id.has_value());
  sql << "UPDATE intake_raw SET status = :status, reason = :reason, case_id = :case_id WHERE id = :id",
      soci::use(status, "status"), soci::use(why, why_ind, "reason"), soci::use(cid, cid_ind, "case_id"),
      soci::use(iid, "id");
}

std::vector<IntakeRow> ListIntake(Tx& tx, const IntakeFilter& f) {
  soci::session& sql = Sql(tx);
  PgArray statuses;
  for (const auto s : f.statuses) statuses.Add(std::string(Name(s)));
  const std::string st = statuses.str(), channel = f.channel.value_or(""), office = f.office.value_or("");
  const long long before = f.before_id.value_or(0);
  soci::indicator st1 = Ind(!f.statuses.empty()), st2 = st1, ch1 = Ind(f.channel.has_value()), ch2 = ch1,
                  b1 = Ind(f.before_id.has_value()), b2 = b1, o1 = Ind(f.office.has_value()), o2 = o1;
  const int limit = f.limit;
  soci::rowset<soci::row> rows =
      (sql.prepare << std::string(kIntakeColumns) +
                          " WHERE (CAST(:s1 AS text[]) IS NULL OR i.status = ANY(CAST(:s2 AS text[])))"
                          " AND (CAST(:c1 AS text) IS NULL OR i.channel = :c2)"
                          " AND (CAST(:o1 AS text) IS NULL OR c.office = :o2)"
                          " AND (CAST(:b1 AS bigint) IS NULL OR i.id < :b2) ORDER BY i.id DESC LIMIT :limit",
       soci::use(st, st1, "s1"), soci::use(st, st2, "s2"), soci::use(channel, ch1, "c1"),
       soci::use(channel, ch2, "c2"), soci::use(office, o1, "o1"), soci::use(office, o2, "o2"), soci::use(before, b1, "b1"), soci::use(before, b2, "b2"),
       soci::use(limit, "limit"));
  std::vector<IntakeRow> out;
  for (const auto& r : rows) out.push_back(ReadIntake(r));
  return out;
}

std::optional<IntakeRow> LoadIntake(Tx& tx, std::int64_t id, bool lock) {
  soci::session& sql = Sql(tx);
  const long long iid = id;
  soci::rowset<soci::row> rows =
      (sql.prepare << std::string(kIntakeColumns) + " WHERE i.id = :id" + (lock ? " FOR UPDATE OF i" : ""),
       soci::use(iid, "id"));
  for (const auto& r : rows) return ReadIntake(r);
  return std::nullopt;
}

std::string LoadIntakeRaw(Tx& tx, std::int64_t id) {
  soci::session& sql = Sql(tx);
  const long long iid = id;
  std::string hex;
  sql << "SELECT encode(raw, 'hex') FROM intake_raw WHERE id = :id", soci::use(iid, "id"), soci::into(hex);
  return BytesFromHex(hex);
}

SentConfirmations ConfirmationsTo(Tx& tx, const std::string& email, Timestamp since) {
  const long long s = Epoch(since);
  SentConfirmations out;
  long long oldest = 0;
  soci::indicator ind = soci::i_null;
  Sql(tx) << "SELECT count(*), extract(epoch FROM min(next_attempt_at))::bigint FROM outbox "
             "WHERE lower(recipient) = lower(:r) AND next_attempt_at >= to_timestamp(:s) "
             "AND idempotency_key LIKE 'petitiond:intake:%:confirm'",
      soci::use(email, "r"), soci::use(s, "s"), soci::into(out.count), soci::into(oldest, ind);
  if (ind != soci::i_null) out.oldest = FromEpoch(oldest);
  return out;
}

bool WebhookSeen(Tx& tx, const std::string& signature_hash, Timestamp since) {
  const long long s = Epoch(since);
  int n = 0;
  Sql(tx) << "SELECT count(*) FROM webhook_signatures WHERE signature_hash = :h AND seen_at >= to_timestamp(:s)",
      soci::use(signature_hash, "h"), soci::use(s, "s"), soci::into(n);
  return n > 0;
}

void RememberWebhook(Tx& tx, const std::string& signature_hash, Timestamp now, Timestamp since) {
  const long long at = Epoch(now), s = Epoch(since);
  Sql(tx) << "DELETE FROM webhook_signatures WHERE seen_at < to_timestamp(:s)", soci::use(s, "s");
  Sql(tx) << "INSERT INTO webhook_signatures (signature_hash, seen_at) VALUES (:h, to_timestamp(:at)) "
             "ON CONFLICT (signature_hash) DO UPDATE SET seen_at = excluded.seen_at",
      soci::use(signature_hash, "h"), soci::use(at, "at");
}

std::optional<std::int64_t> FindCaseByRef(Tx& tx, const std::string& channel,
                                          const std::string& external_ref) {
  soci::session& sql = Sql(tx);
  long long id = 0;
  soci::indicator ind = soci::i_null;
  sql << "SELECT id FROM cases WHERE channel = :channel AND external_ref = :ref", soci::use(channel, "channel"),
      soci::use(external_ref, "ref"), soci::into(id, ind);
  if (!sql.got_data() || ind == soci::i_null) return std::nullopt;
  return id;
}

std::vector<PetitionerCase> CasesOfPetitioner(Tx& tx, const std::string& phone, const std::string& email,
                                              const std::string& office, Timestamp since) {
  soci::session& sql = Sql(tx);
  const long long t = std::chrono::duration_cast<std::chrono::seconds>(since.time_since_epoch()).count();
  // Two index scans (phone, e-mail) rather than one OR the planner cannot index. One
  // round trip: bulk into vectors instead of a prepared rowset (every intake runs it).
  std::vector<long long> ids(20), received(20);
  std::vector<std::string> nos(20), subjects(20), states(20);
  sql << "SELECT id, public_no, subject, state, extract(epoch FROM received_at)::bigint FROM cases "
         "WHERE id IN (SELECT id FROM cases WHERE :phone <> '' AND petitioner ->> 'phone' = :phone2 "
         "AND petitioner ->> 'phone' <> '' AND received_at >= to_timestamp(:t1) UNION "
         "SELECT id FROM cases WHERE :email <> '' AND lower(petitioner ->> 'email') = lower(:email2) "
         "AND petitioner ->> 'email' <> '' AND received_at >= to_timestamp(:t2)) "
         "AND merged_into IS NULL AND NOT confidential AND office = :office ORDER BY id DESC LIMIT 20",
      soci::use(phone, "phone"), soci::use(phone, "phone2"), soci::use(t, "t1"), soci::use(email, "email"),
      soci::use(email, "email2"), soci::use(t, "t2"), soci::use(office, "office"), soci::into(ids), soci::into(nos), soci::into(subjects),
      soci::into(states), soci::into(received);
  std::vector<PetitionerCase> out;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    out.push_back(PetitionerCase{ids[i], nos[i], subjects[i], states[i], Timestamp(std::chrono::seconds(received[i]))});
  }
  return out;
}

std::vector<PetitionerCase> RecentCases(Tx& tx, const std::string& channel, const std::string& office,
                                        Timestamp since) {
  soci::session& sql = Sql(tx);
  const long long t = std::chrono::duration_cast<std::chrono::seconds>(since.time_since_epoch()).count();
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT id, public_no, subject, state, extract(epoch FROM received_at)::bigint FROM cases "
                      "WHERE channel = :channel AND office = :office AND created_at >= to_timestamp(:t) "
                      "AND merged_into IS NULL ORDER BY id DESC LIMIT 200",
       soci::use(channel, "channel"), soci::use(office, "office"), soci::use(t, "t"));
  return ReadCases(rows);
}

void SetMergedInto(Tx& tx, std::int64_t id, std::int64_t into) {
  soci::session& sql = Sql(tx);
  const long long a = id, b = into;
  sql << "UPDATE cases SET merged_into = :into WHERE id = :id", soci::use(b, "into"), soci::use(a, "id");
}

std::vector<Petitioner> MergedPetitioners(Tx& tx, std::int64_t id) {
  soci::session& sql = Sql(tx);
  const long long cid = id;
  std::vector<Petitioner> out;
  soci::rowset<std::string> rows =
      (sql.prepare << "SELECT petitioner::text FROM cases WHERE merged_into = :id ORDER BY id", soci::use(cid, "id"));
  for (const auto& p : rows) out.push_back(PetitionerFromJson(p));
  return out;
}

std::map<std::int64_t, std::vector<Petitioner>> MergedPetitioners(Tx& tx, const std::vector<std::int64_t>& ids) {
  soci::session& sql = Sql(tx);
  std::map<std::int64_t, std::vector<Petitioner>> out;
  if (ids.empty()) return out;
  PgArray array;
  for (auto id : ids) array.Add(static_cast<long long>(id));
  const std::string a = array.str();
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT merged_into, petitioner::text FROM cases WHERE merged_into = ANY(CAST(:ids AS bigint[])) "
                      "ORDER BY id",
       soci::use(a, "ids"));
  for (const auto& r : rows) out[r.get<long long>(0)].push_back(PetitionerFromJson(r.get<std::string>(1)));
  return out;
}

void InsertConfirmation(Tx& tx, const std::string& token_hash, std::int64_t intake_id, Timestamp expires) {
  soci::session& sql = Sql(tx);
  const long long iid = intake_id;
  const long long t = std::chrono::duration_cast<std::chrono::seconds>(expires.time_since_epoch()).count();
  sql << "INSERT INTO mailbox_confirmations (token_hash, intake_id, expires_at) VALUES (:h, :i, to_timestamp(:t))",
      soci::use(token_hash, "h"), soci::use(iid, "i"), soci::use(t, "t");
}

std::optional<Confirmation> LockConfirmation(Tx& tx, const std::string& token_hash) {
  soci::session& sql = Sql(tx);
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT intake_id, extract(epoch FROM expires_at)::bigint, confirmed_at IS NOT NULL "
                      "FROM mailbox_confirmations WHERE token_hash = :h FOR UPDATE",
       soci::use(token_hash, "h"));
  for (const auto& r : rows) {
    return Confirmation{r.get<long long>(0), Timestamp(std::chrono::seconds(r.get<long long>(1))),
                        r.get<int>(2) != 0};
  }
  return std::nullopt;
}

void MarkConfirmed(Tx& tx, const std::string& token_hash, Timestamp at) {
  soci::session& sql = Sql(tx);
  const long long t = std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count();
  sql << "UPDATE mailbox_confirmations SET confirmed_at = to_timestamp(:t) WHERE token_hash = :h",
      soci::use(t, "t"), soci::use(token_hash, "h");
}

bool RejectedBefore(Tx& tx, const std::string& channel, const std::string& external_ref) {
  long long n = 0;
  Sql(tx) << "SELECT count(*) FROM intake_raw WHERE channel = :c AND external_ref = :r AND status = 'rejected'",
      soci::use(channel, "c"), soci::use(external_ref, "r"), soci::into(n);
  return n > 0;
}

FeedState LoadFeedState(Tx& tx, const std::string& url) {
  soci::session& sql = Sql(tx);
  FeedState s;
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT etag, last_modified FROM news_feeds WHERE url = :u", soci::use(url, "u"));
  for (const auto& r : rows) {
    s.etag = Opt<std::string>(r, 0);
    s.last_modified = Opt<std::string>(r, 1);
  }
  return s;
}

void SaveFeedState(Tx& tx, const std::string& url, const FeedState& s, const std::optional<std::string>& error,
                   Timestamp at, int items_taken) {
  soci::session& sql = Sql(tx);
  const std::string etag = s.etag.value_or(""), lm = s.last_modified.value_or(""), err = error.value_or("");
  soci::indicator e_ind = Ind(s.etag.has_value()), l_ind = Ind(s.last_modified.has_value()),
                  x_ind = Ind(error.has_value());
  const long long t = std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count();
  const int ok = error ? 0 : 1;
  sql << "INSERT INTO news_feeds (url, etag, last_modified, polled_at, last_error, last_success_at, items_taken) "
         "VALUES (:u, :e, :l, to_timestamp(:t), :x, CASE WHEN :ok1 = 1 THEN to_timestamp(:t2) END, :n1) "
         "ON CONFLICT (url) DO UPDATE SET etag = EXCLUDED.etag, "
         "last_modified = EXCLUDED.last_modified, polled_at = EXCLUDED.polled_at, last_error = EXCLUDED.last_error, "
         "last_success_at = coalesce(EXCLUDED.last_success_at, news_feeds.last_success_at), "
         "items_taken = news_feeds.items_taken + :n2",
      soci::use(url, "u"), soci::use(etag, e_ind, "e"), soci::use(lm, l_ind, "l"), soci::use(t, "t"),
      soci::use(err, x_ind, "x"), soci::use(ok, "ok1"), soci::use(t, "t2"), soci::use(items_taken, "n1"),
      soci::use(items_taken, "n2");
}

std::string KeepFeedDocument(Tx& tx, const std::string& url, const std::string& body, Timestamp at) {
  const std::string sha = Sha256Hex(body), hex = HexBytes(body);
  const long long t = std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count();
  Sql(tx) << "INSERT INTO feed_documents (sha256, url, fetched_at, body) VALUES (:s, :u, to_timestamp(:t), "
             "decode(:b, 'hex')) ON CONFLICT (sha256) DO NOTHING",
      soci::use(sha, "s"), soci::use(url, "u"), soci::use(t, "t"), soci::use(hex, "b");
  return "sha256:" + sha;
}

std::vector<FeedStatus> ListFeedStatuses(Tx& tx) {
  soci::rowset<soci::row> rows =
      (Sql(tx).prepare << "SELECT url, extract(epoch FROM polled_at)::bigint, extract(epoch FROM last_success_at)::bigint, "
                          "last_error, items_taken FROM news_feeds ORDER BY url");
  std::vector<FeedStatus> out;
  for (const auto& r : rows) {
    FeedStatus f;
    f.url = r.get<std::string>(0);
    if (auto v = Opt<long long>(r, 1)) f.polled_at = Timestamp(std::chrono::seconds(*v));
    if (auto v = Opt<long long>(r, 2)) f.last_success_at = Timestamp(std::chrono::seconds(*v));
    f.last_error = Opt<std::string>(r, 3);
    f.items_taken = r.get<long long>(4);
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace petitiond::store
