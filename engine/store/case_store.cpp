#include "engine/store/case_store.hpp"

#include <soci/soci.h>

#include <boost/json.hpp>
#include <map>
#include <sstream>

#include "engine/error.hpp"
#include "engine/store/database.hpp"

namespace petitiond::store {
namespace {

constexpr const char* kNextPublicNo = "SELECT nextval('case_public_seq')";

constexpr const char* kInsertCase =
    "INSERT INTO cases (public_no, channel, workflow_name, workflow_version, state, office, category, subject, "
    "body, petitioner, assignee, overdue, priority, external_ref, access_code_hash, received_at) "
    "VALUES (:public_no, :channel, :workflow_name, :workflow_version, :state, :office, :category, :subject, "
    ":body, CAST(:petitioner AS jsonb), :assignee, (:overdue <> 0), :priority, :external_ref, :access_code_hash, "
    "to_timestamp(:received_at)) RETURNING id, extract(epoch FROM created_at)::bigint";

constexpr const char* kCaseColumns =
    "SELECT id, public_no, channel, workflow_name, workflow_version, state, office, category, subject, body, "
    "petitioner::text, confidential::int, assignee, overdue::int, priority, row_version, external_ref, "
    "extract(epoch FROM received_at)::bigint, extract(epoch FROM created_at)::bigint, "
    "extract(epoch FROM updated_at)::bigint FROM cases";

constexpr const char* kClockColumns =
    "SELECT case_id, name, extract(epoch FROM started_at)::bigint, extract(epoch FROM due_at)::bigint, "
    "extract(epoch FROM paused_at)::bigint, paused_seconds, extract(epoch FROM stopped_at)::bigint, extensions, "
    "array_to_string(fired, ','), calendar_incomplete::int, pending_extension->>'requested_by', "
    "(pending_extension->>'requested_at')::bigint, pending_extension->>'reason' FROM clocks";

constexpr const char* kUpdateCase =
    "UPDATE cases SET state = :state, assignee = :assignee, overdue = (:overdue <> 0), priority = :priority, "
    "row_version = row_version + 1, updated_at = now() WHERE id = :id AND row_version = :expected";

constexpr const char* kNextSeq = "SELECT coalesce(max(seq), 0) FROM case_events WHERE case_id = :id";

constexpr const char* kInsertEvent =
    "INSERT INTO case_events (case_id, seq, event, from_state, to_state, actor, at, data, comment) "
    "VALUES (:case_id, :seq, :event, :from_state, :to_state, :actor, to_timestamp(:at), CAST(:data AS jsonb), "
    ":comment)";

constexpr const char* kUpsertClock =
    "INSERT INTO clocks (case_id, name, started_at, due_at, paused_at, paused_seconds, stopped_at, extensions, "
    "fired, calendar_incomplete, pending_extension) VALUES (:case_id, :name, to_timestamp(:started_at), "
    "to_timestamp(:due_at), to_timestamp(:paused_at), :paused_seconds, to_timestamp(:stopped_at), :extensions, "
    "CAST(:fired AS integer[]), (:incomplete <> 0), CAST(:pending AS jsonb)) "
    "ON CONFLICT (case_id, name) DO UPDATE SET due_at = EXCLUDED.due_at, paused_at = EXCLUDED.paused_at, "
    "paused_seconds = EXCLUDED.paused_seconds, stopped_at = EXCLUDED.stopped_at, "
    "extensions = EXCLUDED.extensions, fired = EXCLUDED.fired, calendar_incomplete = EXCLUDED.calendar_incomplete, "
    "pending_extension = EXCLUDED.pending_extension";

constexpr const char* kDropPendingTimers =
    "DELETE FROM timers WHERE case_id = :case_id AND clock = :clock AND fired_at IS NULL";

constexpr const char* kInsertTimer =
    "INSERT INTO timers (case_id, clock, rule, due_at) VALUES (:case_id, :clock, :rule, to_timestamp(:due_at))";

// One wake-up per transaction, whatever the number of timers (delivered on commit).
constexpr const char* kNotifyTimers = "SELECT pg_notify('petitiond_timers', '')";

constexpr const char* kEvents =
    "SELECT seq, event, from_state, to_state, actor, extract(epoch FROM at)::bigint, data::text, comment "
    "FROM case_events WHERE case_id = :id ORDER BY seq";

constexpr const char* kAccessCodeHash = "SELECT access_code_hash FROM cases WHERE public_no = :public_no";

template <typename T>
std::optional<T> Opt(const soci::row& r, std::size_t i) {
  if (r.get_indicator(i) == soci::i_null) return std::nullopt;
  return r.get<T>(i);
}

std::optional<Timestamp> OptTime(const soci::row& r, std::size_t i) {
  auto v = Opt<long long>(r, i);
  if (!v) return std::nullopt;
  return FromEpoch(*v);
}

CaseRecord ReadCase(const soci::row& r) {
  CaseRecord c;
  c.id = r.get<long long>(0);
  c.public_no = r.get<std::string>(1);
  c.channel = r.get<std::string>(2);
  c.workflow_name = r.get<std::string>(3);
  c.workflow_version = r.get<int>(4);
  c.state.state = r.get<std::string>(5);
  c.office = r.get<std::string>(6);
  c.category = Opt<std::string>(r, 7);
  c.subject = r.get<std::string>(8);
  c.body = r.get<std::string>(9);
  c.petitioner_json = r.get<std::string>(10);
  c.confidential = r.get<int>(11) != 0;
  c.state.assignee = Opt<std::string>(r, 12);
  c.state.overdue = r.get<int>(13) != 0;
  c.state.priority = r.get<int>(14);
  c.row_version = r.get<long long>(15);
  c.external_ref = Opt<std::string>(r, 16);
  c.received_at = FromEpoch(r.get<long long>(17));
  c.created_at = FromEpoch(r.get<long long>(18));
  c.updated_at = FromEpoch(r.get<long long>(19));
  c.state.office = c.office;
  c.state.received_at = c.received_at;
  return c;
}

ClockState ReadClock(const soci::row& r) {
  ClockState k;
  k.name = r.get<std::string>(1);
  k.started_at = FromEpoch(r.get<long long>(2));
  k.due_at = FromEpoch(r.get<long long>(3));
  k.paused_at = OptTime(r, 4);
  k.paused_seconds = r.get<long long>(5);
  k.stopped_at = OptTime(r, 6);
  k.extensions = r.get<int>(7);
  std::stringstream fired(r.get<std::string>(8));
  for (std::string item; std::getline(fired, item, ',');) {
    if (!item.empty()) k.fired.push_back(std::stoi(item));
  }
  k.calendar_incomplete = r.get<int>(9) != 0;
  if (r.get_indicator(10) != soci::i_null) {
    k.pending_extension = ExtensionRequest{r.get<std::string>(10), FromEpoch(r.get<long long>(11)),
                                           r.get<std::string>(12)};
  }
  return k;
}

// Attaches clocks to cases with one query for all of them (no query per row).
void LoadClocks(soci::session& sql, std::vector<CaseRecord>& cases) {
  if (cases.empty()) return;
  std::string ids;
  std::map<std::int64_t, CaseRecord*> by_id;
  for (auto& c : cases) {
    ids += (ids.empty() ? "" : ",") + std::to_string(c.id);
    by_id[c.id] = &c;
  }
  const std::string id_array = "{" + ids + "}";
  const std::string query = std::string(kClockColumns) +
                            " WHERE case_id = ANY(CAST(:ids AS bigint[])) ORDER BY case_id, started_at, name";
  soci::rowset<soci::row> rows = (sql.prepare << query, soci::use(id_array, "ids"));
  for (const auto& r : rows) by_id[r.get<long long>(0)]->state.clocks.push_back(ReadClock(r));
}

std::string ToJson(const std::map<std::string, std::string>& data) {
  boost::json::object o;
  for (const auto& [k, v] : data) o[k] = v;
  return boost::json::serialize(o);
}

std::string IntArray(const std::vector<int>& v) {
  std::string s = "{";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
  return s + "}";
}

// Events, clocks and timers of an Outcome; the case row is written by the caller.
void WriteOutcomeRows(soci::session& sql, std::int64_t case_id, const Outcome& out) {
  long long seq = 0;
  sql << kNextSeq, soci::use(case_id, "id"), soci::into(seq);
  for (const auto& e : out.events) {
    ++seq;
    const int seq_int = static_cast<int>(seq);
    std::string from = e.from;
    soci::indicator from_ind = e.from.empty() ? soci::i_null : soci::i_ok;
    std::string comment = e.comment;
    soci::indicator comment_ind = e.comment.empty() ? soci::i_null : soci::i_ok;
    const long long at = Epoch(e.at);
    const std::string data = ToJson(e.data);
    sql << kInsertEvent, soci::use(case_id, "case_id"), soci::use(seq_int, "seq"), soci::use(e.event, "event"),
        soci::use(from, from_ind, "from_state"), soci::use(e.to, "to_state"), soci::use(e.actor, "actor"),
        soci::use(at, "at"), soci::use(data, "data"), soci::use(comment, comment_ind, "comment");
  }
  for (const auto& k : out.next.clocks) {
    const long long started = Epoch(k.started_at);
    const long long due = Epoch(k.due_at);
    long long paused = k.paused_at ? Epoch(*k.paused_at) : 0;
    soci::indicator paused_ind = k.paused_at ? soci::i_ok : soci::i_null;
    long long stopped = k.stopped_at ? Epoch(*k.stopped_at) : 0;
    soci::indicator stopped_ind = k.stopped_at ? soci::i_ok : soci::i_null;
    const long long paused_seconds = k.paused_seconds;
    const std::string fired = IntArray(k.fired);
    const int incomplete = k.calendar_incomplete ? 1 : 0;
    std::string pending;
    soci::indicator pending_ind = soci::i_null;
    if (k.pending_extension) {
      pending = ToJson({{"requested_by", k.pending_extension->requested_by},
                        {"requested_at", std::to_string(Epoch(k.pending_extension->requested_at))},
                        {"reason", k.pending_extension->reason}});
      pending_ind = soci::i_ok;
    }
    sql << kUpsertClock, soci::use(case_id, "case_id"), soci::use(k.name, "name"), soci::use(started, "started_at"),
        soci::use(due, "due_at"), soci::use(paused, paused_ind, "paused_at"),
        soci::use(paused_seconds, "paused_seconds"), soci::use(stopped, stopped_ind, "stopped_at"),
        soci::use(k.extensions, "extensions"), soci::use(fired, "fired"), soci::use(incomplete, "incomplete"),
        soci::use(pending, pending_ind, "pending");
  }
  for (const auto& clock : out.rescheduled_clocks) {
    sql << kDropPendingTimers, soci::use(case_id, "case_id"), soci::use(clock, "clock");
  }
  for (const auto& t : out.timers) {
    const long long due = Epoch(t.due_at);
    sql << kInsertTimer, soci::use(case_id, "case_id"), soci::use(t.clock, "clock"), soci::use(t.rule, "rule"),
        soci::use(due, "due_at");
  }
  if (!out.timers.empty()) sql << kNotifyTimers;
}

}  // namespace

CaseRecord InsertCase(soci::session& sql, const NewCase& c, const Outcome& out) {
  long long seq = 0;
  sql << kNextPublicNo, soci::into(seq);
  // ROC year of receipt (民國 = Gregorian - 1911), then a running number.
  const int roc_year =
      static_cast<int>(std::chrono::year_month_day(TaipeiDate(c.received_at)).year()) - 1911;
  char public_no[32];
  std::snprintf(public_no, sizeof public_no, "%d-%06lld", roc_year, seq);

  CaseRecord rec;
  static_cast<CaseFields&>(rec) = c;
  rec.public_no = public_no;
  rec.row_version = 1;
  rec.state = out.next;

  std::string category = c.category.value_or("");
  soci::indicator category_ind = c.category ? soci::i_ok : soci::i_null;
  std::string assignee = out.next.assignee.value_or("");
  soci::indicator assignee_ind = out.next.assignee ? soci::i_ok : soci::i_null;
  std::string external_ref = c.external_ref.value_or("");
  soci::indicator external_ref_ind = c.external_ref ? soci::i_ok : soci::i_null;
  const int overdue = out.next.overdue ? 1 : 0;
  const long long received = Epoch(c.received_at);
  long long id = 0;
  long long created = 0;
  sql << kInsertCase, soci::use(rec.public_no, "public_no"), soci::use(c.channel, "channel"),
      soci::use(c.workflow_name, "workflow_name"), soci::use(c.workflow_version, "workflow_version"),
      soci::use(out.next.state, "state"), soci::use(c.office, "office"),
      soci::use(category, category_ind, "category"), soci::use(c.subject, "subject"), soci::use(c.body, "body"),
      soci::use(c.petitioner_json, "petitioner"), soci::use(assignee, assignee_ind, "assignee"),
      soci::use(overdue, "overdue"), soci::use(out.next.priority, "priority"),
      soci::use(external_ref, external_ref_ind, "external_ref"), soci::use(c.access_code_hash, "access_code_hash"),
      soci::use(received, "received_at"), soci::into(id), soci::into(created);
  rec.id = id;
  rec.created_at = rec.updated_at = FromEpoch(created);
  WriteOutcomeRows(sql, rec.id, out);
  return rec;
}

std::optional<CaseRecord> LoadCase(soci::session& sql, std::int64_t id, bool lock) {
  const std::string query = std::string(kCaseColumns) + " WHERE id = :id" + (lock ? " FOR UPDATE" : "");
  soci::rowset<soci::row> rows = (sql.prepare << query, soci::use(id, "id"));
  std::vector<CaseRecord> found;
  for (const auto& r : rows) found.push_back(ReadCase(r));
  if (found.empty()) return std::nullopt;
  LoadClocks(sql, found);
  return std::move(found.front());
}

void SaveOutcome(soci::session& sql, std::int64_t id, std::int64_t expected_version, const Outcome& out) {
  std::string assignee = out.next.assignee.value_or("");
  soci::indicator assignee_ind = out.next.assignee ? soci::i_ok : soci::i_null;
  const int overdue = out.next.overdue ? 1 : 0;
  const long long expected = expected_version;
  soci::statement st = (sql.prepare << kUpdateCase, soci::use(out.next.state, "state"),
                        soci::use(assignee, assignee_ind, "assignee"), soci::use(overdue, "overdue"),
                        soci::use(out.next.priority, "priority"), soci::use(id, "id"),
                        soci::use(expected, "expected"));
  st.execute(true);
  if (st.get_affected_rows() != 1) {
    throw DomainError(ErrorKind::kPreconditionFailed,
                      "case " + std::to_string(id) + " was changed by someone else (expected version " +
                          std::to_string(expected_version) + "); reload it and try again");
  }
  WriteOutcomeRows(sql, id, out);
}

std::vector<EventRow> LoadEvents(soci::session& sql, std::int64_t id) {
  std::vector<EventRow> events;
  soci::rowset<soci::row> rows = (sql.prepare << kEvents, soci::use(id, "id"));
  for (const auto& r : rows) {
    EventRow e;
    e.seq = r.get<int>(0);
    e.event = r.get<std::string>(1);
    e.from = Opt<std::string>(r, 2);
    e.to = r.get<std::string>(3);
    e.actor = r.get<std::string>(4);
    e.at = FromEpoch(r.get<long long>(5));
    e.data_json = r.get<std::string>(6);
    e.comment = Opt<std::string>(r, 7);
    events.push_back(std::move(e));
  }
  return events;
}

std::vector<CaseRecord> ListCases(soci::session& sql, const CaseFilter& f) {
  // One fixed query; an absent filter binds NULL and its predicate is folded away at
  // planning time. Each value is bound under two names because SOCI's PostgreSQL
  // backend binds a repeated name only once.
  static const std::string query = std::string(kCaseColumns) +
                                   " WHERE (CAST(:s1 AS text) IS NULL OR state = :s2)"
                                   " AND (CAST(:c1 AS text) IS NULL OR channel = :c2)"
                                   " AND (CAST(:o1 AS text) IS NULL OR office = :o2)"
                                   " AND (CAST(:a1 AS text) IS NULL OR assignee = :a2)"
                                   " AND (CAST(:v1 AS int) IS NULL OR overdue = (CAST(:v2 AS int) <> 0))"
                                   " AND (CAST(:b1 AS bigint) IS NULL OR id < :b2)"
                                   " ORDER BY id DESC LIMIT :limit";
  auto text = [](const std::optional<std::string>& v) { return v.value_or(""); };
  auto ind = [](bool present) { return present ? soci::i_ok : soci::i_null; };
  std::string state = text(f.state), channel = text(f.channel), office = text(f.office), assignee = text(f.assignee);
  soci::indicator s_ind = ind(f.state.has_value()), c_ind = ind(f.channel.has_value()),
                  o_ind = ind(f.office.has_value()), a_ind = ind(f.assignee.has_value()),
                  v_ind = ind(f.overdue.has_value()), b_ind = ind(f.before_id.has_value());
  soci::indicator s_ind2 = s_ind, c_ind2 = c_ind, o_ind2 = o_ind, a_ind2 = a_ind, v_ind2 = v_ind, b_ind2 = b_ind;
  int overdue = f.overdue.value_or(false) ? 1 : 0;
  long long before = f.before_id.value_or(0);
  const int limit = f.limit;
  soci::rowset<soci::row> rows =
      (sql.prepare << query, soci::use(state, s_ind, "s1"), soci::use(state, s_ind2, "s2"),
       soci::use(channel, c_ind, "c1"), soci::use(channel, c_ind2, "c2"), soci::use(office, o_ind, "o1"),
       soci::use(office, o_ind2, "o2"), soci::use(assignee, a_ind, "a1"), soci::use(assignee, a_ind2, "a2"),
       soci::use(overdue, v_ind, "v1"), soci::use(overdue, v_ind2, "v2"), soci::use(before, b_ind, "b1"),
       soci::use(before, b_ind2, "b2"), soci::use(limit, "limit"));
  std::vector<CaseRecord> cases;
  for (const auto& r : rows) cases.push_back(ReadCase(r));
  LoadClocks(sql, cases);
  return cases;
}

std::optional<std::string> AccessCodeHash(soci::session& sql, const std::string& public_no) {
  std::string hash;
  soci::indicator ind = soci::i_null;
  sql << kAccessCodeHash, soci::use(public_no, "public_no"), soci::into(hash, ind);
  if (!sql.got_data()) return std::nullopt;
  return hash;
}

}  // namespace petitiond::store
