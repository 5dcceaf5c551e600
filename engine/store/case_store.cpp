#include "engine/store/case_store.hpp"
#include "engine/store/session.hpp"

#include <soci/soci.h>

#include <boost/json.hpp>
#include <map>
#include <sstream>

#include "engine/error.hpp"
#include "engine/store/database.hpp"
#include "engine/store/pg_array.hpp"

namespace petitiond::store {
namespace {

constexpr const char* kNextPublicNo = "SELECT nextval('case_public_seq')";

constexpr const char* kInsertCase =
    "INSERT INTO cases (public_no, channel, workflow_name, workflow_version, state, office, category, subject, "
    "body, petitioner, assignee, overdue, priority, external_ref, access_code_hash, received_at, last_seq) "
    "VALUES (:public_no, :channel, :workflow_name, :workflow_version, :state, :office, :category, :subject, "
    ":body, CAST(:petitioner AS jsonb), :assignee, (:overdue <> 0), :priority, :external_ref, :access_code_hash, "
    "to_timestamp(:received_at), :last_seq) RETURNING id, extract(epoch FROM created_at)::bigint";

constexpr const char* kCaseColumns =
    "SELECT id, public_no, channel, workflow_name, workflow_version, state, office, category, subject, body, "
    "petitioner::text, confidential::int, assignee, overdue::int, priority, row_version, external_ref, "
    "extract(epoch FROM received_at)::bigint, extract(epoch FROM created_at)::bigint, "
    "extract(epoch FROM updated_at)::bigint, merged_into FROM cases";

constexpr const char* kClockColumns =
    "SELECT case_id, name, extract(epoch FROM started_at)::bigint, extract(epoch FROM due_at)::bigint, "
    "extract(epoch FROM paused_at)::bigint, paused_seconds, extract(epoch FROM stopped_at)::bigint, extensions, "
    "array_to_string(fired, ','), calendar_incomplete::int, pending_extension->>'requested_by', "
    "(pending_extension->>'requested_at')::bigint, pending_extension->>'reason' FROM clocks";

// Batched writers: each binds whole columns as arrays and writes every row of a batch
// in one statement (unnest), so firing 200 timers costs a handful of round trips.
constexpr const char* kUpdateCases =
    "UPDATE cases SET state = u.state, assignee = u.assignee, overdue = u.overdue, priority = u.priority, "
    "row_version = cases.row_version + 1, updated_at = now(), last_seq = cases.last_seq + u.nevents "
    "FROM unnest(CAST(:ids AS bigint[]), CAST(:versions AS bigint[]), CAST(:states AS text[]), "
    "CAST(:assignees AS text[]), CAST(:overdue AS boolean[]), CAST(:priorities AS integer[]), "
    "CAST(:nevents AS integer[])) AS u(id, version, state, assignee, overdue, priority, nevents) "
    "WHERE cases.id = u.id AND cases.row_version = u.version AND cases.id = ANY(CAST(:ids2 AS bigint[])) "
    "RETURNING cases.id, cases.last_seq - u.nevents";

constexpr const char* kInsertEvents =
    "INSERT INTO case_events (case_id, seq, event, from_state, to_state, actor, at, data, comment) "
    "SELECT c, s, e, f, t, a, to_timestamp(at), CAST(d AS jsonb), cm FROM unnest(CAST(:c AS bigint[]), "
    "CAST(:s AS integer[]), CAST(:e AS text[]), CAST(:f AS text[]), CAST(:t AS text[]), CAST(:a AS text[]), "
    "CAST(:at AS bigint[]), CAST(:d AS text[]), CAST(:cm AS text[])) AS u(c, s, e, f, t, a, at, d, cm)";

constexpr const char* kUpsertClocks =
    "INSERT INTO clocks (case_id, name, started_at, due_at, paused_at, paused_seconds, stopped_at, extensions, "
    "fired, calendar_incomplete, pending_extension) "
    "SELECT c, n, to_timestamp(st), to_timestamp(du), to_timestamp(pa), ps, to_timestamp(sp), ex, "
    "CAST(fi AS integer[]), inc, CAST(pe AS jsonb) FROM unnest(CAST(:c AS bigint[]), CAST(:n AS text[]), "
    "CAST(:st AS bigint[]), CAST(:du AS bigint[]), CAST(:pa AS bigint[]), CAST(:ps AS bigint[]), "
    "CAST(:sp AS bigint[]), CAST(:ex AS integer[]), CAST(:fi AS text[]), CAST(:inc AS boolean[]), "
    "CAST(:pe AS text[])) AS u(c, n, st, du, pa, ps, sp, ex, fi, inc, pe) "
    "ON CONFLICT (case_id, name) DO UPDATE SET due_at = EXCLUDED.due_at, paused_at = EXCLUDED.paused_at, "
    "paused_seconds = EXCLUDED.paused_seconds, stopped_at = EXCLUDED.stopped_at, "
    "extensions = EXCLUDED.extensions, fired = EXCLUDED.fired, calendar_incomplete = EXCLUDED.calendar_incomplete, "
    "pending_extension = EXCLUDED.pending_extension";

constexpr const char* kDropPendingTimers =
    "DELETE FROM timers t USING unnest(CAST(:c AS bigint[]), CAST(:k AS text[])) AS u(c, k) "
    "WHERE t.case_id = u.c AND t.clock = u.k AND t.case_id = ANY(CAST(:c2 AS bigint[]))";

constexpr const char* kInsertTimers =
    "INSERT INTO timers (case_id, clock, rule, due_at) SELECT c, k, r, to_timestamp(d) "
    "FROM unnest(CAST(:c AS bigint[]), CAST(:k AS text[]), CAST(:r AS integer[]), CAST(:d AS bigint[])) "
    "AS u(c, k, r, d)";

// One wake-up per transaction, whatever the number of timers (delivered on commit).
const std::string kNotifyTimers = std::string("SELECT pg_notify('") + kTimersChannel + "', '')";

constexpr const char* kEvents =
    "SELECT seq, event, from_state, to_state, actor, extract(epoch FROM at)::bigint, data::text, comment "
    "FROM case_events WHERE case_id = :id ORDER BY seq";


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
  if (auto m = Opt<long long>(r, 20)) c.merged_into = *m;
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
  PgArray ids;
  std::map<std::int64_t, CaseRecord*> by_id;
  for (auto& c : cases) {
    ids.Add(static_cast<long long>(c.id));
    by_id[c.id] = &c;
  }
  const std::string id_array = ids.str();
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

std::optional<std::string> OptEpoch(const std::optional<Timestamp>& t) {
  if (!t) return std::nullopt;
  return std::to_string(Epoch(*t));
}

// One case's Outcome and the number of its last audit event before it.
struct OutcomeRows {
  std::int64_t case_id;
  int last_seq;
  const Outcome* outcome;
};

// Events, clocks and timers of a batch of Outcomes; case rows (and their last_seq) are
// written by the caller.
void WriteOutcomeRows(soci::session& sql, const std::vector<OutcomeRows>& batch) {
  std::map<std::int64_t, int> seq;
  for (const auto& b : batch) seq[b.case_id] = b.last_seq;
  PgArray ec, es, ee, ef, et, ea, eat, ed, ecm;
  PgArray kc, kn, kst, kdu, kpa, kps, ksp, kex, kfi, kinc, kpe;
  PgArray dc, dk, tc, tk, tr, td;
  for (const auto& [id, last_seq, out] : batch) {
    const long long case_id = id;
    for (const auto& e : out->events) {
      ec.Add(case_id);
      es.Add(++seq[id]);
      ee.Add(e.event);
      ef.Add(e.from.empty() ? std::nullopt : std::optional(e.from));
      et.Add(e.to);
      ea.Add(e.actor);
      eat.Add(static_cast<long long>(Epoch(e.at)));
      ed.Add(ToJson(e.data));
      ecm.Add(e.comment.empty() ? std::nullopt : std::optional(e.comment));
    }
    for (const auto& k : out->next.clocks) {
      kc.Add(case_id);
      kn.Add(k.name);
      kst.Add(static_cast<long long>(Epoch(k.started_at)));
      kdu.Add(static_cast<long long>(Epoch(k.due_at)));
      kpa.Add(OptEpoch(k.paused_at));
      kps.Add(static_cast<long long>(k.paused_seconds));
      ksp.Add(OptEpoch(k.stopped_at));
      kex.Add(k.extensions);
      kfi.Add(IntArray(k.fired));
      kinc.Add(k.calendar_incomplete);
      if (k.pending_extension) {
        kpe.Add(ToJson({{"requested_by", k.pending_extension->requested_by},
                        {"requested_at", std::to_string(Epoch(k.pending_extension->requested_at))},
                        {"reason", k.pending_extension->reason}}));
      } else {
        kpe.AddNull();
      }
    }
    for (const auto& clock : out->rescheduled_clocks) {
      dc.Add(case_id);
      dk.Add(clock);
    }
    for (const auto& t : out->timers) {
      tc.Add(case_id);
      tk.Add(t.clock);
      tr.Add(t.rule);
      td.Add(static_cast<long long>(Epoch(t.due_at)));
    }
  }
  if (!ec.empty()) {
    const std::string c = ec.str(), s = es.str(), e = ee.str(), f = ef.str(), t = et.str(), a = ea.str(),
                      at = eat.str(), d = ed.str(), cm = ecm.str();
    sql << kInsertEvents, soci::use(c, "c"), soci::use(s, "s"), soci::use(e, "e"), soci::use(f, "f"),
        soci::use(t, "t"), soci::use(a, "a"), soci::use(at, "at"), soci::use(d, "d"), soci::use(cm, "cm");
  }
  if (!kc.empty()) {
    const std::string c = kc.str(), n = kn.str(), st = kst.str(), du = kdu.str(), pa = kpa.str(), ps = kps.str(),
                      sp = ksp.str(), ex = kex.str(), fi = kfi.str(), inc = kinc.str(), pe = kpe.str();
    sql << kUpsertClocks, soci::use(c, "c"), soci::use(n, "n"), soci::use(st, "st"), soci::use(du, "du"),
        soci::use(pa, "pa"), soci::use(ps, "ps"), soci::use(sp, "sp"), soci::use(ex, "ex"), soci::use(fi, "fi"),
        soci::use(inc, "inc"), soci::use(pe, "pe");
  }
  if (!dc.empty()) {
    const std::string c = dc.str(), k = dk.str();
    sql << kDropPendingTimers, soci::use(c, "c"), soci::use(c, "c2"), soci::use(k, "k");
  }
  if (!tc.empty()) {
    const std::string c = tc.str(), k = tk.str(), r = tr.str(), d = td.str();
    sql << kInsertTimers, soci::use(c, "c"), soci::use(k, "k"), soci::use(r, "r"), soci::use(d, "d");
    sql << kNotifyTimers;
  }
}

}  // namespace

CaseRecord InsertCase(Tx& tx, const NewCase& c, const Outcome& out) {
  soci::session& sql = Sql(tx);
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
  const int last_seq = static_cast<int>(out.events.size());
  long long id = 0;
  long long created = 0;
  sql << kInsertCase, soci::use(rec.public_no, "public_no"), soci::use(c.channel, "channel"),
      soci::use(c.workflow_name, "workflow_name"), soci::use(c.workflow_version, "workflow_version"),
      soci::use(out.next.state, "state"), soci::use(c.office, "office"),
      soci::use(category, category_ind, "category"), soci::use(c.subject, "subject"), soci::use(c.body, "body"),
      soci::use(c.petitioner_json, "petitioner"), soci::use(assignee, assignee_ind, "assignee"),
      soci::use(overdue, "overdue"), soci::use(out.next.priority, "priority"),
      soci::use(external_ref, external_ref_ind, "external_ref"), soci::use(c.access_code_hash, "access_code_hash"),
      soci::use(received, "received_at"), soci::use(last_seq, "last_seq"), soci::into(id), soci::into(created);
  rec.id = id;
  rec.created_at = rec.updated_at = FromEpoch(created);
  WriteOutcomeRows(sql, {{rec.id, 0, &out}});
  return rec;
}

std::optional<CaseRecord> LoadCase(Tx& tx, std::int64_t id, bool lock) {
  soci::session& sql = Sql(tx);
  const std::string query = std::string(kCaseColumns) + " WHERE id = :id" + (lock ? " FOR UPDATE" : "");
  soci::rowset<soci::row> rows = (sql.prepare << query, soci::use(id, "id"));
  std::vector<CaseRecord> found;
  for (const auto& r : rows) found.push_back(ReadCase(r));
  if (found.empty()) return std::nullopt;
  LoadClocks(sql, found);
  return std::move(found.front());
}

void SaveOutcome(Tx& tx, std::int64_t id, std::int64_t expected_version, const Outcome& out) {
  SaveOutcomes(tx, {OutcomeToSave{id, expected_version, &out}});
}

void SaveOutcomes(Tx& tx, const std::vector<OutcomeToSave>& batch) {
  soci::session& sql = Sql(tx);
  if (batch.empty()) return;
  PgArray ids, versions, states, assignees, overdue, priorities, nevents;
  std::map<std::int64_t, const Outcome*> outcomes;
  for (const auto& b : batch) {
    ids.Add(static_cast<long long>(b.case_id));
    versions.Add(static_cast<long long>(b.expected_version));
    states.Add(b.outcome->next.state);
    assignees.Add(b.outcome->next.assignee);
    overdue.Add(b.outcome->next.overdue);
    priorities.Add(b.outcome->next.priority);
    nevents.Add(static_cast<int>(b.outcome->events.size()));
    outcomes[b.case_id] = b.outcome;
  }
  const std::string i = ids.str(), v = versions.str(), st = states.str(), a = assignees.str(), o = overdue.str(),
                    p = priorities.str(), n = nevents.str();
  std::vector<OutcomeRows> rows;
  {
    soci::rowset<soci::row> updated =
        (sql.prepare << kUpdateCases, soci::use(i, "ids"), soci::use(i, "ids2"), soci::use(v, "versions"), soci::use(st, "states"),
         soci::use(a, "assignees"), soci::use(o, "overdue"), soci::use(p, "priorities"), soci::use(n, "nevents"));
    for (const auto& r : updated) {
      const auto id = static_cast<std::int64_t>(r.get<long long>(0));
      rows.push_back({id, r.get<int>(1), outcomes.at(id)});
    }
  }
  if (rows.size() != batch.size()) {
    throw DomainError(ErrorKind::kPreconditionFailed,
                      batch.size() == 1 ? "case " + std::to_string(batch[0].case_id) +
                                              " was changed by someone else (expected version " +
                                              std::to_string(batch[0].expected_version) + "); reload it and try again"
                                        : "a case in the batch was changed by someone else");
  }
  WriteOutcomeRows(sql, rows);
}

std::vector<CaseRecord> LoadCases(Tx& tx, const std::vector<std::int64_t>& ids, RowLock lock) {
  soci::session& sql = Sql(tx);
  PgArray array;
  for (auto id : ids) array.Add(static_cast<long long>(id));
  const std::string id_array = array.str();
  // Sorted by id: concurrent batches take row locks in one order and cannot deadlock.
  const char* suffix = lock == RowLock::kWait ? " FOR UPDATE" : lock == RowLock::kSkipLocked ? " FOR UPDATE SKIP LOCKED" : "";
  const std::string query =
      std::string(kCaseColumns) + " WHERE id = ANY(CAST(:ids AS bigint[])) ORDER BY id" + suffix;
  std::vector<CaseRecord> found;
  {
    soci::rowset<soci::row> rows = (sql.prepare << query, soci::use(id_array, "ids"));
    for (const auto& r : rows) found.push_back(ReadCase(r));
  }
  LoadClocks(sql, found);
  return found;
}

std::vector<EventRow> LoadEvents(Tx& tx, std::int64_t id) {
  soci::session& sql = Sql(tx);
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

std::vector<CaseRecord> ListCases(Tx& tx, const CaseFilter& f) {
  soci::session& sql = Sql(tx);
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


}  // namespace petitiond::store
