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




// A new case with its first events, clocks and timers, and optionally the raw input
// that made it, in one statement: one round trip for the whole intake write.
constexpr const char* kInsertCaseWithRows =
    "WITH n AS (SELECT nextval('case_public_seq') AS v), "
    "c AS (INSERT INTO cases (public_no, channel, workflow_name, workflow_version, state, office, category, "
    "subject, body, petitioner, assignee, overdue, priority, external_ref, access_code_hash, received_at, "
    "last_seq, next_due_at, confidential, origin, finished_at) "
    "SELECT CAST(:roc AS int) || '-' || CASE WHEN n.v < 1000000 THEN lpad(n.v::text, 6, '0') ELSE n.v::text END, "
    ":channel, :workflow_name, :workflow_version, :state, :office, :category, :subject, :body, "
    "CAST(:petitioner AS jsonb), :assignee, (:overdue <> 0), :priority, :external_ref, :access_code_hash, "
    "to_timestamp(:received_at), :last_seq, coalesce(to_timestamp(CAST(:next_due AS bigint)), 'infinity'), "
    "(CAST(:confidential AS int) <> 0), :origin, to_timestamp(CAST(:finished_at AS bigint)) FROM n "
    "RETURNING id, public_no, extract(epoch FROM created_at)::bigint AS created), "
    "ev AS (INSERT INTO case_events (case_id, seq, event, from_state, to_state, actor, at, data, comment, "
    "counts_as, outcome) "
    "SELECT c.id, s, e, f, t, a, to_timestamp(at), CAST(d AS jsonb), cm, ca, oc FROM c, unnest(CAST(:es AS integer[]), "
    "CAST(:ee AS text[]), CAST(:ef AS text[]), CAST(:et AS text[]), CAST(:ea AS text[]), CAST(:eat AS bigint[]), "
    "CAST(:ed AS text[]), CAST(:ecm AS text[]), CAST(:eca AS text[]), CAST(:eoc AS text[])) "
    "AS u(s, e, f, t, a, at, d, cm, ca, oc)), "
    "ck AS (INSERT INTO clocks (case_id, name, started_at, due_at, paused_at, paused_seconds, stopped_at, "
    "extensions, fired, calendar_incomplete, pending_extension) "
    "SELECT c.id, n, to_timestamp(st), to_timestamp(du), to_timestamp(pa), ps, to_timestamp(sp), ex, "
    "CAST(fi AS integer[]), inc, CAST(pe AS jsonb) FROM c, unnest(CAST(:kn AS text[]), CAST(:kst AS bigint[]), "
    "CAST(:kdu AS bigint[]), CAST(:kpa AS bigint[]), CAST(:kps AS bigint[]), CAST(:ksp AS bigint[]), "
    "CAST(:kex AS integer[]), CAST(:kfi AS text[]), CAST(:kinc AS boolean[]), CAST(:kpe AS text[])) "
    "AS u(n, st, du, pa, ps, sp, ex, fi, inc, pe)), "
    "tm AS (INSERT INTO timers (case_id, clock, rule, due_at) SELECT c.id, k, r, to_timestamp(d) "
    "FROM c, unnest(CAST(:tk AS text[]), CAST(:tr AS integer[]), CAST(:td AS bigint[])) AS u(k, r, d)), "
    "raw AS (INSERT INTO intake_raw (channel, source, external_ref, content_type, raw, status, reason, case_id, "
    "warnings) SELECT :ichannel, :isource, :iref, :ict, decode(:iraw, 'hex'), :istatus, :ireason, c.id, :iwarn FROM c "
    "WHERE CAST(:with_intake AS int) <> 0 RETURNING id) "
    "SELECT c.id, c.public_no, c.created, (SELECT id FROM raw) FROM c";

// The columns ReadCase reads, with `body` as given: the column, or '' for queue pages.
std::string CaseColumns(std::string_view body = "body", std::string_view extra = "") {
  return "SELECT id, public_no, channel, workflow_name, workflow_version, state, office, category, subject, " +
         std::string(body) +
         ", petitioner::text, confidential::int, assignee, overdue::int, priority, row_version, external_ref, "
         "extract(epoch FROM received_at)::bigint, extract(epoch FROM created_at)::bigint, "
         "extract(epoch FROM updated_at)::bigint, merged_into, "
         "CASE WHEN next_due_at = 'infinity' THEN NULL ELSE extract(epoch FROM next_due_at)::bigint END, "
         "outcome, origin, draft::text" + std::string(extra) + " FROM cases";
}

constexpr const char* kClockColumns =
    "SELECT case_id, name, extract(epoch FROM started_at)::bigint, extract(epoch FROM due_at)::bigint, "
    "extract(epoch FROM paused_at)::bigint, paused_seconds, extract(epoch FROM stopped_at)::bigint, extensions, "
    "array_to_string(fired, ','), calendar_incomplete::int, pending_extension->>'requested_by', "
    "(pending_extension->>'requested_at')::bigint, pending_extension->>'reason' FROM clocks";

// Batched writers: each binds whole columns as arrays and writes every row of a batch
// in one statement (unnest), so firing 200 timers costs a handful of round trips.
// The overdue ones among them are copied into, or brought up to date in, overdue_cases
// (migrations/0017) from the rows just written: a case enters when first marked, then
// follows its deadline and finish; rows that say the same are left alone.
constexpr const char* kUpdateCases =
    "WITH w AS (UPDATE cases SET state = u.state, assignee = u.assignee, overdue = u.overdue, priority = u.priority, "
    "row_version = cases.row_version + 1, updated_at = now(), last_seq = cases.last_seq + u.nevents, "
    "next_due_at = coalesce(to_timestamp(u.next_due), 'infinity'), outcome = u.outcome, draft = CAST(u.draft AS jsonb), "
    "finished_at = coalesce(cases.finished_at, to_timestamp(u.finished_at)) "
    "FROM unnest(CAST(:ids AS bigint[]), CAST(:versions AS bigint[]), CAST(:states AS text[]), "
    "CAST(:assignees AS text[]), CAST(:overdue AS boolean[]), CAST(:priorities AS integer[]), "
    "CAST(:nevents AS integer[]), CAST(:nextdue AS bigint[]), CAST(:outcomes AS text[]), CAST(:drafts AS text[]), "
    "CAST(:finished AS bigint[])) "
    "AS u(id, version, state, assignee, overdue, priority, nevents, next_due, outcome, draft, finished_at) "
    "WHERE cases.id = u.id AND cases.row_version = u.version AND cases.id = ANY(CAST(:ids2 AS bigint[])) "
    "RETURNING cases.id, cases.last_seq - u.nevents AS seq, cases.overdue, cases.office, cases.channel, "
    "cases.category, cases.received_at, cases.next_due_at, cases.outcome), "
    "o AS (INSERT INTO overdue_cases AS o (case_id, office, channel, category, received_at, next_due_at, finished) "
    "SELECT id, office, channel, category, received_at, next_due_at, outcome IS NOT NULL FROM w WHERE overdue "
    "ON CONFLICT (case_id) DO UPDATE SET next_due_at = EXCLUDED.next_due_at, finished = EXCLUDED.finished "
    "WHERE o.next_due_at <> EXCLUDED.next_due_at OR o.finished <> EXCLUDED.finished) "
    "SELECT id, seq FROM w";

constexpr const char* kInsertEvents =
    "INSERT INTO case_events (case_id, seq, event, from_state, to_state, actor, at, data, comment, counts_as, "
    "outcome) "
    "SELECT c, s, e, f, t, a, to_timestamp(at), CAST(d AS jsonb), cm, ca, oc FROM unnest(CAST(:c AS bigint[]), "
    "CAST(:s AS integer[]), CAST(:e AS text[]), CAST(:f AS text[]), CAST(:t AS text[]), CAST(:a AS text[]), "
    "CAST(:at AS bigint[]), CAST(:d AS text[]), CAST(:cm AS text[]), CAST(:ca AS text[]), CAST(:oc AS text[])) "
    "AS u(c, s, e, f, t, a, at, d, cm, ca, oc)";

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
  c.petitioner = PetitionerFromJson(r.get<std::string>(10));
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
  c.next_due_at = OptTime(r, 21);
  if (auto o = Opt<std::string>(r, 22)) c.state.outcome = ParseCaseOutcome(*o);
  c.origin = ParseOrigin(r.get<std::string>(23)).value_or(Origin::kStaff);
  if (auto d = Opt<std::string>(r, 24)) c.state.draft = DraftFromJson(*d);
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

// The events, clocks and timers of a batch of Outcomes as array literals, one per
// column, for the unnest() writers.
struct OutcomeArrays {
  PgArray ec, es, ee, ef, et, ea, eat, ed, ecm, eca, eoc;
  PgArray kc, kn, kst, kdu, kpa, kps, ksp, kex, kfi, kinc, kpe;
  PgArray dc, dk, tc, tk, tr, td;
  std::optional<Timestamp> earliest_timer;
};

OutcomeArrays BuildArrays(const std::vector<OutcomeRows>& batch) {
  OutcomeArrays a;
  std::map<std::int64_t, int> seq;
  for (const auto& b : batch) seq[b.case_id] = b.last_seq;
  for (const auto& [id, last_seq, out] : batch) {
    const long long case_id = id;
    for (const auto& e : out->events) {
      a.ec.Add(case_id);
      a.es.Add(++seq[id]);
      a.ee.Add(e.event);
      a.ef.Add(e.from.empty() ? std::nullopt : std::optional(e.from));
      a.et.Add(e.to);
      a.ea.Add(e.actor);
      a.eat.Add(static_cast<long long>(Epoch(e.at)));
      a.ed.Add(ToJson(e.data));
      a.ecm.Add(e.comment.empty() ? std::nullopt : std::optional(e.comment));
      a.eca.Add(e.counts_as ? std::optional(std::string(Name(*e.counts_as))) : std::nullopt);
      a.eoc.Add(e.outcome ? std::optional(std::string(Name(*e.outcome))) : std::nullopt);
    }
    for (const auto& k : out->next.clocks) {
      a.kc.Add(case_id);
      a.kn.Add(k.name);
      a.kst.Add(static_cast<long long>(Epoch(k.started_at)));
      a.kdu.Add(static_cast<long long>(Epoch(k.due_at)));
      a.kpa.Add(OptEpoch(k.paused_at));
      a.kps.Add(static_cast<long long>(k.paused_seconds));
      a.ksp.Add(OptEpoch(k.stopped_at));
      a.kex.Add(k.extensions);
      a.kfi.Add(IntArray(k.fired));
      a.kinc.Add(k.calendar_incomplete);
      if (k.pending_extension) {
        a.kpe.Add(ToJson({{"requested_by", k.pending_extension->requested_by},
                          {"requested_at", std::to_string(Epoch(k.pending_extension->requested_at))},
                          {"reason", k.pending_extension->reason}}));
      } else {
        a.kpe.AddNull();
      }
    }
    for (const auto& clock : out->rescheduled_clocks) {
      a.dc.Add(case_id);
      a.dk.Add(clock);
    }
    for (const auto& t : out->timers) {
      a.tc.Add(case_id);
      a.tk.Add(t.clock);
      a.tr.Add(t.rule);
      a.td.Add(static_cast<long long>(Epoch(t.due_at)));
      if (!a.earliest_timer || t.due_at < *a.earliest_timer) a.earliest_timer = t.due_at;
    }
  }
  return a;
}

// Wakes the schedulers only for a timer due before their next regular wake-up: a case
// received today escalates days later, and a NOTIFY per case would serialise commits.
void NotifyTimersIfSoon(soci::session& sql, const OutcomeArrays& a, Timestamp wake_before) {
  if (a.earliest_timer && *a.earliest_timer < wake_before) sql << kNotifyTimers;
}

// Events, clocks and timers of a batch of Outcomes; case rows (and their last_seq) are
// written by the caller.
void WriteOutcomeRows(soci::session& sql, const std::vector<OutcomeRows>& batch, Timestamp wake_before) {
  const OutcomeArrays a = BuildArrays(batch);
  if (!a.ec.empty()) {
    const std::string c = a.ec.str(), s = a.es.str(), e = a.ee.str(), f = a.ef.str(), t = a.et.str(), ac = a.ea.str(),
                      at = a.eat.str(), d = a.ed.str(), cm = a.ecm.str(), ca = a.eca.str(), oc = a.eoc.str();
    sql << kInsertEvents, soci::use(c, "c"), soci::use(s, "s"), soci::use(e, "e"), soci::use(f, "f"),
        soci::use(t, "t"), soci::use(ac, "a"), soci::use(at, "at"), soci::use(d, "d"), soci::use(cm, "cm"),
        soci::use(ca, "ca"), soci::use(oc, "oc");
  }
  if (!a.kc.empty()) {
    const std::string c = a.kc.str(), n = a.kn.str(), st = a.kst.str(), du = a.kdu.str(), pa = a.kpa.str(),
                      ps = a.kps.str(), sp = a.ksp.str(), ex = a.kex.str(), fi = a.kfi.str(), inc = a.kinc.str(),
                      pe = a.kpe.str();
    sql << kUpsertClocks, soci::use(c, "c"), soci::use(n, "n"), soci::use(st, "st"), soci::use(du, "du"),
        soci::use(pa, "pa"), soci::use(ps, "ps"), soci::use(sp, "sp"), soci::use(ex, "ex"), soci::use(fi, "fi"),
        soci::use(inc, "inc"), soci::use(pe, "pe");
  }
  if (!a.dc.empty()) {
    const std::string c = a.dc.str(), k = a.dk.str();
    sql << kDropPendingTimers, soci::use(c, "c"), soci::use(c, "c2"), soci::use(k, "k");
  }
  if (!a.tc.empty()) {
    const std::string c = a.tc.str(), k = a.tk.str(), r = a.tr.str(), d = a.td.str();
    sql << kInsertTimers, soci::use(c, "c"), soci::use(k, "k"), soci::use(r, "r"), soci::use(d, "d");
    NotifyTimersIfSoon(sql, a, wake_before);
  }
}

}  // namespace

std::string PetitionerToJson(const Petitioner& p) {
  boost::json::object o;
  if (!p.name.empty()) o["name"] = p.name;
  if (!p.phone.empty()) o["phone"] = p.phone;
  if (!p.email.empty()) o["email"] = p.email;
  if (!p.address.empty()) o["address"] = p.address;
  if (p.language != Language::kZhHantTw) o["language"] = LanguageTag(p.language);
  return boost::json::serialize(o);
}

Petitioner PetitionerFromJson(const std::string& json) {
  Petitioner p;
  boost::json::error_code ec;
  const auto v = boost::json::parse(json, ec);
  if (ec || !v.is_object()) return p;
  const auto& o = v.as_object();
  auto part = [&](const char* key, std::string& out) {
    if (const auto* s = o.if_contains(key); s && s->is_string()) out = std::string(s->as_string());
  };
  part("name", p.name);
  part("phone", p.phone);
  part("email", p.email);
  part("address", p.address);
  std::string language;
  part("language", language);
  p.language = ParseLanguage(language).value_or(Language::kZhHantTw);
  return p;
}

std::optional<Timestamp> FinishedAt(const Outcome& out) {
  std::optional<Timestamp> at;
  for (const auto& e : out.events) {
    if (e.outcome) at = e.at;
  }
  return at;
}

std::string DraftToJson(const Draft& d) {
  boost::json::object data;
  for (const auto& [k, v] : d.data) data[k] = v;
  return boost::json::serialize(boost::json::object{{"event", d.event},
                                                    {"data", std::move(data)},
                                                    {"comment", d.comment},
                                                    {"by", d.by},
                                                    {"at", Epoch(d.at)},
                                                    {"role", d.role}});
}

std::optional<Draft> DraftFromJson(const std::string& json) {
  boost::json::error_code ec;
  const auto v = boost::json::parse(json, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto& o = v.as_object();
  const auto text = [&](const char* key) {
    const auto* s = o.if_contains(key);
    return s && s->is_string() ? std::string(s->as_string()) : std::string();
  };
  Draft d;
  d.event = text("event");
  d.comment = text("comment");
  d.by = text("by");
  d.role = text("role");
  if (const auto* at = o.if_contains("at"); at && at->is_int64()) d.at = FromEpoch(at->as_int64());
  if (const auto* data = o.if_contains("data"); data && data->is_object()) {
    for (const auto& kv : data->as_object()) {
      if (kv.value().is_string()) d.data[std::string(kv.key())] = std::string(kv.value().as_string());
    }
  }
  if (d.event.empty() || d.role.empty()) return std::nullopt;
  return d;
}

std::optional<Timestamp> NextDue(const CaseState& s) {
  std::optional<Timestamp> due;
  for (const auto& k : s.clocks) {
    if (k.Running() && !k.Paused() && (!due || k.due_at < *due)) due = k.due_at;
  }
  return due;
}

CaseRecord InsertCase(Tx& tx, const NewCase& c, const Outcome& out, std::optional<std::int64_t>* intake_id) {
  soci::session& sql = Sql(tx);
  // ROC year of receipt (民國 = Gregorian - 1911); the running number comes from the
  // sequence inside the statement.
  const int roc_year = static_cast<int>(std::chrono::year_month_day(TaipeiDate(c.received_at)).year()) - 1911;
  CaseRecord rec;
  static_cast<CaseFields&>(rec) = c;
  rec.row_version = 1;
  rec.state = out.next;
  rec.next_due_at = NextDue(out.next);

  using std::to_string;
  const auto opt = [](const std::optional<std::string>& v) { return v; };
  // Events, clocks and timers take the new id from the INSERT's RETURNING (the 0 in
  // their case-id column is never used).
  const OutcomeArrays a = BuildArrays({{0, 0, &out}});
  // The raw input, when given, is stored with its final outcome in the same statement.
  const bool with_intake = c.intake.has_value();
  const Intake* in = with_intake ? c.intake->input : nullptr;
  static const PreparedSql kInsert("petitiond_insert_case", kInsertCaseWithRows);
  const SqlRows rows = ExecPrepared(
      tx, kInsert,
      {{"roc", to_string(roc_year)},
       {"channel", c.channel},
       {"workflow_name", c.workflow_name},
       {"workflow_version", to_string(c.workflow_version)},
       {"state", out.next.state},
       {"office", c.office},
       {"category", opt(c.category)},
       {"subject", c.subject},
       {"body", c.body},
       {"petitioner", PetitionerToJson(c.petitioner)},
       {"assignee", opt(out.next.assignee)},
       {"overdue", out.next.overdue ? "1" : "0"},
       {"priority", to_string(out.next.priority)},
       {"external_ref", opt(c.external_ref)},
       {"access_code_hash", c.access_code_hash},
       {"received_at", to_string(Epoch(c.received_at))},
       {"last_seq", to_string(out.events.size())},
       {"next_due", rec.next_due_at ? std::optional(to_string(Epoch(*rec.next_due_at))) : std::nullopt},
       {"confidential", c.confidential ? "1" : "0"},
       {"origin", std::string(Name(c.origin))},
       {"finished_at", FinishedAt(out) ? std::optional(to_string(Epoch(*FinishedAt(out)))) : std::nullopt},
       {"es", a.es.str()}, {"ee", a.ee.str()}, {"ef", a.ef.str()}, {"et", a.et.str()}, {"ea", a.ea.str()},
       {"eat", a.eat.str()}, {"ed", a.ed.str()}, {"ecm", a.ecm.str()}, {"eca", a.eca.str()}, {"eoc", a.eoc.str()},
       {"kn", a.kn.str()}, {"kst", a.kst.str()}, {"kdu", a.kdu.str()}, {"kpa", a.kpa.str()}, {"kps", a.kps.str()},
       {"ksp", a.ksp.str()}, {"kex", a.kex.str()}, {"kfi", a.kfi.str()}, {"kinc", a.kinc.str()},
       {"kpe", a.kpe.str()}, {"tk", a.tk.str()}, {"tr", a.tr.str()}, {"td", a.td.str()},
       {"with_intake", with_intake ? "1" : "0"},
       {"ichannel", with_intake ? in->channel : ""},
       {"isource", with_intake ? in->source : ""},
       {"iref", with_intake ? in->external_ref : std::nullopt},
       {"ict", with_intake ? in->content_type : ""},
       {"iraw", with_intake ? HexBytes(in->raw) : ""},
       {"istatus", with_intake ? std::string(Name(c.intake->status)) : ""},
       {"ireason", with_intake ? c.intake->reason : std::nullopt},
       {"iwarn", with_intake ? in->WarningsText() : std::nullopt}});
  if (rows.size() != 1 || !rows[0][0] || !rows[0][1] || !rows[0][2]) {
    throw StoreError(ErrorKind::kInternal, "the case insert returned no row", "");
  }
  rec.id = std::stoll(*rows[0][0]);
  rec.public_no = *rows[0][1];
  rec.created_at = rec.updated_at = FromEpoch(std::stoll(*rows[0][2]));
  if (intake_id) *intake_id = rows[0][3] ? std::optional<std::int64_t>(std::stoll(*rows[0][3])) : std::nullopt;
  NotifyTimersIfSoon(sql, a, c.wake_schedulers_before);
  return rec;
}

std::optional<CaseRecord> LoadCase(Tx& tx, std::int64_t id, bool lock) {
  soci::session& sql = Sql(tx);
  const std::string query = CaseColumns() + " WHERE id = :id" + (lock ? " FOR UPDATE" : "");
  soci::rowset<soci::row> rows = (sql.prepare << query, soci::use(id, "id"));
  std::vector<CaseRecord> found;
  for (const auto& r : rows) found.push_back(ReadCase(r));
  if (found.empty()) return std::nullopt;
  LoadClocks(sql, found);
  return std::move(found.front());
}

void SaveOutcome(Tx& tx, std::int64_t id, std::int64_t expected_version, const Outcome& out,
                 Timestamp wake_schedulers_before) {
  SaveOutcomes(tx, {OutcomeToSave{id, expected_version, &out}}, wake_schedulers_before);
}

void SaveOutcomes(Tx& tx, const std::vector<OutcomeToSave>& batch, Timestamp wake_schedulers_before) {
  soci::session& sql = Sql(tx);
  if (batch.empty()) return;
  PgArray ids, versions, states, assignees, overdue, priorities, nevents, next_due, finished, drafts, finished_at;
  std::map<std::int64_t, const Outcome*> outcomes;
  for (const auto& b : batch) {
    ids.Add(static_cast<long long>(b.case_id));
    versions.Add(static_cast<long long>(b.expected_version));
    states.Add(b.outcome->next.state);
    assignees.Add(b.outcome->next.assignee);
    overdue.Add(b.outcome->next.overdue);
    priorities.Add(b.outcome->next.priority);
    const auto& outcome = b.outcome->next.outcome;
    finished.Add(outcome ? std::optional(std::string(Name(*outcome))) : std::nullopt);
    const auto& draft = b.outcome->next.draft;
    drafts.Add(draft ? std::optional(DraftToJson(*draft)) : std::nullopt);
    if (auto at = FinishedAt(*b.outcome)) {
      finished_at.Add(Epoch(*at));
    } else {
      finished_at.AddNull();
    }
    nevents.Add(static_cast<int>(b.outcome->events.size()));
    if (auto due = NextDue(b.outcome->next)) {
      next_due.Add(Epoch(*due));
    } else {
      next_due.AddNull();
    }
    outcomes[b.case_id] = b.outcome;
  }
  const std::string i = ids.str(), v = versions.str(), st = states.str(), a = assignees.str(), o = overdue.str(),
                    p = priorities.str(), n = nevents.str(), nd = next_due.str(), fo = finished.str(),
                    dr = drafts.str(), fa = finished_at.str();
  std::vector<OutcomeRows> rows;
  {
    soci::rowset<soci::row> updated =
        (sql.prepare << kUpdateCases, soci::use(i, "ids"), soci::use(i, "ids2"), soci::use(v, "versions"), soci::use(st, "states"),
         soci::use(a, "assignees"), soci::use(o, "overdue"), soci::use(p, "priorities"), soci::use(n, "nevents"),
         soci::use(nd, "nextdue"), soci::use(fo, "outcomes"), soci::use(dr, "drafts"), soci::use(fa, "finished"));
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
  WriteOutcomeRows(sql, rows, wake_schedulers_before);
}

std::vector<CaseRecord> LoadCases(Tx& tx, const std::vector<std::int64_t>& ids, RowLock lock) {
  soci::session& sql = Sql(tx);
  PgArray array;
  for (auto id : ids) array.Add(static_cast<long long>(id));
  const std::string id_array = array.str();
  // Sorted by id: concurrent batches take row locks in one order and cannot deadlock.
  const char* suffix = lock == RowLock::kWait ? " FOR UPDATE" : lock == RowLock::kSkipLocked ? " FOR UPDATE SKIP LOCKED" : "";
  const std::string query =
      CaseColumns() + " WHERE id = ANY(CAST(:ids AS bigint[])) ORDER BY id" + suffix;
  std::vector<CaseRecord> found;
  {
    soci::rowset<soci::row> rows = (sql.prepare << query, soci::use(id_array, "ids"));
    for (const auto& r : rows) found.push_back(ReadCase(r));
  }
  LoadClocks(sql, found);
  return found;
}

std::vector<std::int64_t> RunningCasesOf(Tx& tx, const std::string& name, int version, std::int64_t after_id,
                                         int limit) {
  const long long after = after_id;
  soci::rowset<long long> rows =
      (Sql(tx).prepare << "SELECT id FROM cases WHERE workflow_name = :name AND workflow_version = :version "
                          "AND outcome IS NULL AND id > :after ORDER BY id LIMIT :limit",
       soci::use(name, "name"), soci::use(version, "version"), soci::use(after, "after"), soci::use(limit, "limit"));
  std::vector<std::int64_t> ids;
  for (const auto id : rows) ids.push_back(id);
  return ids;
}

long long FinishedCasesOf(Tx& tx, const std::string& name, int version) {
  long long n = 0;
  Sql(tx) << "SELECT count(*) FROM cases WHERE workflow_name = :name AND workflow_version = :version "
             "AND outcome IS NOT NULL",
      soci::use(name, "name"), soci::use(version, "version"), soci::into(n);
  return n;
}

std::map<std::int64_t, std::vector<std::string>> PendingTimerClocks(Tx& tx, const std::vector<std::int64_t>& ids) {
  std::map<std::int64_t, std::vector<std::string>> out;
  if (ids.empty()) return out;
  PgArray array;
  for (const auto id : ids) array.Add(static_cast<long long>(id));
  const std::string text = array.str();
  soci::rowset<soci::row> rows = (Sql(tx).prepare << "SELECT DISTINCT case_id, clock FROM timers "
                                                     "WHERE case_id = ANY(CAST(:ids AS bigint[])) ORDER BY 1, 2",
                                  soci::use(text, "ids"));
  for (const auto& r : rows) out[r.get<long long>(0)].push_back(r.get<std::string>(1));
  return out;
}

void SetWorkflowVersion(Tx& tx, const std::vector<std::int64_t>& ids, int version) {
  if (ids.empty()) return;
  PgArray array;
  for (const auto id : ids) array.Add(static_cast<long long>(id));
  const std::string text = array.str();
  Sql(tx) << "UPDATE cases SET workflow_version = :version WHERE id = ANY(CAST(:ids AS bigint[]))",
      soci::use(version, "version"), soci::use(text, "ids");
}

std::optional<CaseStamp> LoadCaseStamp(Tx& tx, std::int64_t id) {
  const long long key = id;
  soci::rowset<soci::row> rows =
      (Sql(tx).prepare << "SELECT office, row_version FROM cases WHERE id = :id", soci::use(key, "id"));
  for (const auto& r : rows) return CaseStamp{r.get<std::string>(0), r.get<long long>(1)};
  return std::nullopt;
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
  // Only the predicates given are in the text, so each shape of list gets a plan that
  // uses its index (migrations 0001, 0005, 0006). Each value is bound where its
  // predicate is written, never spliced.
  soci::statement st(sql);
  st.alloc();
  std::string state = f.state.value_or(""), channel = f.channel.value_or(""), office = f.office.value_or(""),
              assignee = f.assignee.value_or("");
  long long before = f.before_id.value_or(0), after = f.after ? f.after->id : 0;
  int after_rank = f.after_rank ? f.after_rank->rank : 0;
  long long after_rank_id = f.after_rank ? f.after_rank->id : 0;
  long long due = f.after && f.after->due_at ? Epoch(*f.after->due_at) : 0;
  soci::indicator due_ind = f.after && f.after->due_at ? soci::i_ok : soci::i_null;
  int limit = f.limit;
  std::string where;
  auto cond = [&](const char* predicate) { where += (where.empty() ? " WHERE " : " AND ") + std::string(predicate); };
  if (f.state) cond("state = :state"), st.exchange(soci::use(state, "state"));
  if (f.channel) cond("channel = :channel"), st.exchange(soci::use(channel, "channel"));
  if (f.office) cond("office = :office"), st.exchange(soci::use(office, "office"));
  // Overdue cases come from their own table (migrations/0017), whose index gives an
  // office's in deadline order; its columns are renamed so the case's stay unambiguous.
  const bool from_overdue = f.overdue && *f.overdue;
  std::string join;
  if (from_overdue) {
    join = " JOIN (SELECT case_id AS o_id, office AS o_office, next_due_at AS o_due FROM overdue_cases) o "
           "ON o.o_id = cases.id";
    if (f.office) cond("o_office = :o_office"), st.exchange(soci::use(office, "o_office"));
  }
  // A search: the index finds the cases with every pair of characters of the terms,
  // then each term must occur in the text itself (one strpos per term, cheap and
  // constant-folded). Each use of a value is a bind parameter of its own (SOCI binds a
  // name once), hence the numbered names.
  std::string terms, rank_column, window_rank;
  std::vector<std::string> term_values;
  if (f.search) {
    PgArray array;
    for (const auto& t : f.search->terms) array.Add(t);
    terms = array.str();
    term_values = f.search->terms;
    int uses = 0;
    const auto all_terms = [&] {
      const std::string name = "terms" + std::to_string(++uses);
      st.exchange(soci::use(terms, name));
      return "petitiond_search_terms(CAST(:" + name + " AS text[]))";
    };
    const auto term = [&](std::size_t i) {
      const std::string name = "term" + std::to_string(++uses);
      st.exchange(soci::use(term_values[i], name));
      return "petitiond_search_norm(CAST(:" + name + " AS text))";
    };
    const std::string text = f.search->identities ? "(s_open || ' ' || s_secret)" : "s_open";
    std::string index = "s_grams @> petitiond_terms_grams(" + all_terms() + ")";
    if (f.search->identities) {
      index = "(" + index + " OR (s_confidential AND (s_grams || s_secret_grams) @> petitiond_terms_grams(" +
              all_terms() + ")))";
    }
    join += " JOIN (SELECT case_id AS s_id, office AS s_office, confidential AS s_confidential, subject AS s_subject, "
            "open_text AS s_open, secret_text AS s_secret, grams AS s_grams, secret_grams AS s_secret_grams "
            "FROM case_search) s ON s.s_id = cases.id";
    cond(index.c_str());
    if (f.office) cond("s_office = :s_office"), st.exchange(soci::use(office, "s_office"));
    for (std::size_t i = 0; i < term_values.size(); ++i) cond(("strpos(" + text + ", " + term(i) + ") > 0").c_str());
    if (f.order == CaseFilter::Order::kRelevance) {
      // How many of the terms the subject holds.
      std::string rank;
      for (std::size_t i = 0; i < term_values.size(); ++i) {
        rank += (i ? " + " : "") + std::string("(strpos(s_subject, ") + term(i) + ") > 0)::int";
      }
      rank_column = ", (" + rank + ") AS search_rank";
    }
  }
  if (f.assignee) cond("assignee = :assignee"), st.exchange(soci::use(assignee, "assignee"));
  if (f.overdue && !*f.overdue) cond("NOT overdue");
  if (f.confidential) cond(*f.confidential ? "confidential" : "NOT confidential");
  if (f.draft) cond(*f.draft ? "draft IS NOT NULL" : "draft IS NULL");
  std::string order;
  if (f.order == CaseFilter::Order::kDue) {
    // Earliest deadline first: a case past its deadline has the earliest of all.
    if (f.after) {
      cond(from_overdue ? "(o_due, o_id) > (coalesce(to_timestamp(CAST(:due AS bigint)), 'infinity'), :after)"
                        : "(next_due_at, id) > (coalesce(to_timestamp(CAST(:due AS bigint)), 'infinity'), :after)");
      st.exchange(soci::use(due, due_ind, "due"));
      st.exchange(soci::use(after, "after"));
    }
    order = from_overdue ? " ORDER BY o_due, o_id" : " ORDER BY next_due_at, id";
  } else if (f.order == CaseFilter::Order::kRelevance && f.search) {
    order = " ORDER BY search_rank DESC, id DESC";
  } else {
    if (f.before_id) cond("id < :before"), st.exchange(soci::use(before, "before"));
    order = " ORDER BY id DESC";
  }
  if (f.order == CaseFilter::Order::kRelevance && f.search && f.after_rank) {
    st.exchange(soci::use(after_rank, "after_rank"));
    st.exchange(soci::use(after_rank_id, "after_id"));
  }
  st.exchange(soci::use(limit, "limit"));
  std::string query = CaseColumns(f.summary ? "''::text" : "body", rank_column) + join + where + order + " LIMIT :limit";
  if (f.order == CaseFilter::Order::kRelevance && f.search) {
    // Ranked among the newest kRelevanceWindow matches: the newest are found by walking
    // the cases newest first, so a common word costs no more than a rare one; the rank
    // is named in the select list, so the page is taken from the ranked rows.
    query = "SELECT * FROM (" + CaseColumns(f.summary ? "''::text" : "body", rank_column) + join + where +
            " ORDER BY s_id DESC LIMIT " + std::to_string(CaseFilter::kRelevanceWindow) + ") ranked" +
            (f.after_rank ? " WHERE (search_rank, id) < (CAST(:after_rank AS int), :after_id)" : "") + order +
            " LIMIT :limit";
  }
  st.prepare(query);
  soci::row row;
  st.exchange(soci::into(row));
  st.define_and_bind();
  st.execute(false);
  std::vector<CaseRecord> cases;
  while (st.fetch()) {
    cases.push_back(ReadCase(row));
    if (!rank_column.empty()) cases.back().search_rank = row.get<int>(25);
  }
  LoadClocks(sql, cases);
  return cases;
}

std::optional<std::pair<std::int64_t, std::string>> CaseByPublicNo(Tx& tx, const std::string& public_no) {
  soci::rowset<soci::row> rows = (Sql(tx).prepare << "SELECT id, access_code_hash FROM cases WHERE public_no = :n",
                                  soci::use(public_no, "n"));
  for (const auto& r : rows) return std::make_pair<std::int64_t, std::string>(r.get<long long>(0), r.get<std::string>(1));
  return std::nullopt;
}

std::set<std::int64_t> ConfidentialAmong(Tx& tx, const std::vector<std::int64_t>& ids) {
  std::set<std::int64_t> out;
  if (ids.empty()) return out;
  PgArray array;
  for (const auto id : ids) array.Add(std::to_string(id));
  const std::string text = array.str();
  soci::rowset<long long> rows = (Sql(tx).prepare << "SELECT id FROM cases WHERE id = ANY(CAST(:ids AS bigint[])) "
                                                     "AND confidential",
                                  soci::use(text, "ids"));
  for (const auto id : rows) out.insert(id);
  return out;
}

void SetConfidential(Tx& tx, std::int64_t id, bool confidential) {
  const int flag = confidential ? 1 : 0;
  const long long case_id = id;
  Sql(tx) << "UPDATE cases SET confidential = (:f <> 0) WHERE id = :id", soci::use(flag, "f"), soci::use(case_id, "id");
}

void InsertAccessLog(Tx& tx, const std::vector<std::int64_t>& case_ids, const std::string& login,
                     const std::string& route, const std::string& action, const std::optional<std::string>& reason,
                     Timestamp at) {
  if (case_ids.empty()) return;
  PgArray ids;
  for (const auto id : case_ids) ids.Add(std::to_string(id));
  const std::string array = ids.str(), why = reason.value_or("");
  soci::indicator why_ind = reason ? soci::i_ok : soci::i_null;
  const long long when = at.time_since_epoch().count();
  Sql(tx) << "INSERT INTO case_access_log (case_id, login, route, action, reason, at) "
             "SELECT u, :login, :route, :action, :reason, to_timestamp(:at) FROM unnest(CAST(:ids AS bigint[])) AS u",
      soci::use(login, "login"), soci::use(route, "route"), soci::use(action, "action"),
      soci::use(why, why_ind, "reason"), soci::use(when, "at"), soci::use(array, "ids");
}

std::vector<AccessLogEntry> ListAccessLog(Tx& tx, const AccessLogFilter& f) {
  soci::session& sql = Sql(tx);
  const long long cid = f.case_id.value_or(0), before = f.before_id.value_or(0);
  const std::string login = f.login.value_or(""), office = f.office.value_or("");
  soci::indicator c1 = f.case_id ? soci::i_ok : soci::i_null, c2 = c1, l1 = f.login ? soci::i_ok : soci::i_null,
                  l2 = l1, o1 = f.office ? soci::i_ok : soci::i_null, o2 = o1,
                  b1 = f.before_id ? soci::i_ok : soci::i_null, b2 = b1;
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT a.id, a.case_id, c.public_no, a.login, a.route, a.action, a.reason, "
                      "extract(epoch FROM a.at)::bigint FROM case_access_log a JOIN cases c ON c.id = a.case_id "
                      "WHERE (CAST(:c1 AS bigint) IS NULL OR a.case_id = :c2) "
                      "AND (CAST(:l1 AS text) IS NULL OR a.login = :l2) "
                      "AND (CAST(:o1 AS text) IS NULL OR c.office = :o2) "
                      "AND (CAST(:b1 AS bigint) IS NULL OR a.id < :b2) ORDER BY a.id DESC LIMIT :limit",
       soci::use(cid, c1, "c1"), soci::use(cid, c2, "c2"), soci::use(login, l1, "l1"), soci::use(login, l2, "l2"),
       soci::use(office, o1, "o1"), soci::use(office, o2, "o2"), soci::use(before, b1, "b1"),
       soci::use(before, b2, "b2"), soci::use(f.limit, "limit"));
  std::vector<AccessLogEntry> out;
  for (const auto& r : rows) {
    AccessLogEntry e;
    e.id = r.get<long long>(0);
    e.case_id = r.get<long long>(1);
    e.public_no = r.get<std::string>(2);
    e.login = r.get<std::string>(3);
    e.route = r.get<std::string>(4);
    e.action = r.get<std::string>(5);
    if (r.get_indicator(6) != soci::i_null) e.reason = r.get<std::string>(6);
    e.at = FromEpoch(r.get<long long>(7));
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace petitiond::store
