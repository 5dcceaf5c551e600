#include "engine/runtime/services/case_service.hpp"
#include "engine/runtime/security/policy.hpp"


#include <algorithm>
#include <map>
#include <set>

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "engine/runtime/security/auth.hpp"
#include "engine/runtime/services/metrics.hpp"
#include "engine/handling.hpp"
#include "engine/store/calendar_store.hpp"
#include "engine/store/database.hpp"
#include "engine/store/intake_store.hpp"
#include "engine/store/outbox_store.hpp"
#include "engine/store/timer_store.hpp"
#include "engine/store/user_store.hpp"

namespace petitiond::runtime {
namespace {

DomainError NotFound(std::int64_t id) {
  return DomainError(ErrorKind::kNotFound, "case " + std::to_string(id) + " does not exist");
}

// Event data with identity keys dropped (a confidential case's trail, for those who may
// not see its petitioner).
std::string RedactIdentity(const std::string& data_json) {
  boost::json::value v;
  try {
    v = boost::json::parse(data_json);
  } catch (const std::exception&) {
    return "{}";
  }
  if (!v.is_object()) return "{}";
  auto& o = v.as_object();
  for (const char* key : {"name", "phone", "email", "address", "petitioner", "contact"}) o.erase(key);
  return boost::json::serialize(o);
}

}  // namespace

std::vector<std::shared_ptr<const Workflow>> CaseService::LatestWorkflows() {
  std::vector<std::shared_ptr<const Workflow>> out;
  for (const auto& name : workflows_.Names()) {
    if (auto wf = workflows_.Latest(name)) out.push_back(std::move(wf));
  }
  return out;
}

bool CaseService::CanSee(const Actor& actor, const store::CaseRecord& c) const {
  return InScope(actor, c.office);
}

std::shared_ptr<const Workflow> CaseService::WorkflowOf(const store::CaseRecord& c) {
  return WorkflowOf(c.workflow_name, c.workflow_version, c.id);
}

std::shared_ptr<const Workflow> CaseService::WorkflowOf(const std::string& name, int version, std::int64_t case_id) {
  auto wf = workflows_.Find(name, version);
  if (!wf) {
    throw DomainError(ErrorKind::kInternal, "case " + std::to_string(case_id) + " uses workflow " + name + " v" +
                                                std::to_string(version) + ", which is not deployed");
  }
  return wf;
}

CaseView CaseService::View(const Actor& actor, store::CaseRecord record) {
  if (record.confidential && !SeesIdentity(actor)) record.petitioner = RedactedPetitioner();
  const auto calendar = calendar_.Get();
  const Machine machine(*calendar);
  CaseView v;
  v.now = clock_.Now();
  const auto wf = WorkflowOf(record);
  v.allowed_events = machine.AllowedEvents(*wf, record.state, actor);
  for (const auto& e : v.allowed_events) {
    auto& keys = v.requires_data[e];
    if (e == kRequestExtension) {
      keys = {"clock", "reason"};
    } else if (e == kApproveExtension || e == kDenyExtension) {
      keys = {"clock"};
    } else if (e == kReturnDraft) {
      keys = {"reason"};
    } else if (e == kApproveDraft) {
      // What the drafted step needs: the console shows the draft's text there to edit.
      if (const TransitionDef* t = wf->FindTransition(record.state.state, record.state.draft->event)) keys = t->require;
    } else {
      for (const auto& t : wf->transitions) {
        if (t.on == e && std::find(t.from.begin(), t.from.end(), record.state.state) != t.from.end()) keys = t.require;
      }
    }
  }
  for (const auto& k : record.state.clocks) v.workdays_left.push_back(machine.WorkdaysLeft(k, record.office, v.now));
  v.record = std::move(record);
  return v;
}

void CaseService::Persist(store::Tx& tx, const Workflow& wf, store::CaseRecord& rec, const Outcome& out,
                          bool inserted_already) {
  if (!inserted_already) {
    store::SaveOutcome(tx, rec.id, rec.row_version, out, WakeBefore());
    rec.row_version += 1;
    rec.next_due_at = store::NextDue(out.next);
  }
  rec.state = out.next;
  ContactCache contacts;
  const auto survey = OfferSurvey(tx, wf, rec, out, notify_, clock_.Now());
  auto messages = PlanNotifications(tx, wf, rec, out, notify_, clock_.Now(), contacts, survey);
  if (!messages.empty()) {
    store::InsertOutbox(tx, messages);
    store::NotifyOutbox(tx);
  }
  NoteIncompleteDeadlines(rec, out);
}

void CaseService::NoteIncompleteDeadlines(const store::CaseRecord& rec, const Outcome& out) {
  // Every (re)computed due date that ran past the calendar data is logged and counted.
  for (const auto& k : out.next.clocks) {
    const bool recomputed = std::find(out.rescheduled_clocks.begin(), out.rescheduled_clocks.end(), k.name) !=
                            out.rescheduled_clocks.end();
    if (recomputed && k.calendar_incomplete && k.Running()) {
      GlobalMetrics().calendar_incomplete_deadlines += 1;
      spdlog::warn("case {} clock {}: due {} was counted through days with no calendar data (Monday-Friday assumed)",
                   rec.public_no, k.name, FormatTimestamp(k.due_at));
    }
  }
}

CreatedCase CaseService::Create(const Actor& actor, const CreateCaseInput& in) {
  std::pair<store::CaseRecord, std::string> made;
  db_.Transact([&](store::Tx& tx) {
    made = CreateIn(tx, actor, in);
  });
  return CreatedCase{View(actor, std::move(made.first)), made.second};
}

std::pair<store::CaseRecord, std::string> CaseService::CreateIn(store::Tx& tx, const Actor& actor,
                                                                const CreateCaseInput& in,
                                                                const store::IntakeLink* intake,
                                                                std::optional<std::int64_t>* intake_id) {
  Error invalid{ErrorKind::kInvalid, "the case is incomplete", {}};
  if (!IsKnown(KnownChannels(), in.channel)) {
    invalid.details.push_back("channel must be one of hotline, mailbox, news, counter");
  }
  if (in.office.empty()) invalid.details.push_back("office is required");
  if (in.subject.empty()) invalid.details.push_back("subject is required");
  if (in.body.empty()) invalid.details.push_back("body is required");
  if (!invalid.details.empty()) throw DomainError(invalid);

  std::shared_ptr<const Workflow> wf =
      in.workflow ? workflows_.Latest(*in.workflow) : workflows_.DefaultFor(in.channel);
  if (!wf) {
    throw DomainError(ErrorKind::kUnprocessable, in.workflow ? "workflow '" + *in.workflow + "' is not deployed"
                                                             : "no workflow serves channel '" + in.channel + "'");
  }
  const Timestamp now = clock_.Now();
  const Timestamp received = in.received_at.value_or(now);
  // Petitions are not older than the 1999 hotline and not from tomorrow; a year-1
  // received_at made every view walk 740,000 calendar days.
  static const Timestamp kEarliest = TaipeiStartOfDay(std::chrono::sys_days(std::chrono::year(1999) / 1 / 1));
  if (received < kEarliest || received > now + std::chrono::hours(24)) {
    throw DomainError(ErrorKind::kInvalid, "received_at must lie between 1999-01-01 and a day from now");
  }
  const std::string access_code = codes_.New();
  store::NewCase row;
  row.channel = in.channel;
  row.workflow_name = wf->name;
  row.workflow_version = wf->version;
  row.office = in.office;
  row.category = in.category;
  row.subject = in.subject;
  row.body = in.body;
  row.petitioner = in.petitioner;
  row.external_ref = in.external_ref;
  row.received_at = received;
  row.access_code_hash = codes_.Hash(access_code);
  row.confidential = in.confidential;
  row.origin = in.origin;
  if (intake) row.intake = *intake;
  row.wake_schedulers_before = WakeBefore();
  std::map<std::string, std::string> data = in.created_data;
  data["channel"] = in.channel;
  data["office"] = in.office;
  if (in.confidential) data["confidential"] = "true";
  const auto calendar = calendar_.Get();
  Outcome out = Machine(*calendar).Start(*wf, actor, in.office, received, data);
  out.next.priority = in.priority;
  store::CaseRecord rec = store::InsertCase(tx, row, out, intake_id);
  Persist(tx, *wf, rec, out, /*inserted_already=*/true);
  return {std::move(rec), access_code};
}

// Reads run outside a transaction: the log row is written before the data is returned,
// and if it cannot be written the read fails.
void CaseService::LogReads(store::Tx& tx, const Actor& actor, const std::vector<const store::CaseRecord*>& records,
                           const std::string& route) {
  std::vector<std::int64_t> ids;
  for (const auto* r : records) {
    if (r->confidential) ids.push_back(r->id);
  }
  store::InsertAccessLog(tx, ids, actor.login, route, "read", std::nullopt, clock_.Now());
}

CaseView CaseService::Get(const Actor& actor, std::int64_t id, const std::string& route) {
  std::optional<store::CaseRecord> rec;
  db_.Run([&](store::Tx& tx) {
    rec = store::LoadCase(tx, id, false);
    if (!rec || !CanSee(actor, *rec)) throw NotFound(id);
    LogReads(tx, actor, {&*rec}, route);
  });
  return View(actor, std::move(*rec));
}

CaseView CaseService::SetConfidential(const Actor& actor, std::int64_t id, bool confidential,
                                      const std::string& reason) {
  if (reason.empty()) throw DomainError(ErrorKind::kInvalid, "reason is required: the change is audited");
  store::CaseRecord result;
  db_.Transact([&](store::Tx& tx) {
    auto rec = store::LoadCase(tx, id, /*lock=*/true);
    if (!rec || !CanSee(actor, *rec)) throw NotFound(id);
    if (!confidential && !SeesIdentity(actor)) {
      throw DomainError(ErrorKind::kForbidden, "only the director or the privacy officer may lift confidentiality");
    }
    if (rec->confidential != confidential) {
      store::SetConfidential(tx, rec->id, confidential);
      rec->confidential = confidential;
      RecordIn(tx, *rec,
               AuditEvent{confidential ? "confidential_set" : "confidential_lifted", rec->state.state,
                          rec->state.state, actor.login, clock_.Now(), {{"reason", reason}}, ""});
    }
    result = std::move(*rec);
  });
  return View(actor, std::move(result));
}

RevealedIdentity CaseService::Reveal(const Actor& actor, std::int64_t id, const std::string& reason,
                                     const std::string& route) {
  if (!SeesIdentity(actor)) {
    throw DomainError(ErrorKind::kForbidden, "only the director or the privacy officer may reveal an identity");
  }
  if (reason.empty()) throw DomainError(ErrorKind::kInvalid, "reason is required: revealing is audited");
  RevealedIdentity out;
  db_.Transact([&](store::Tx& tx) {
    auto rec = store::LoadCase(tx, id, /*lock=*/true);
    if (!rec || !CanSee(actor, *rec)) throw NotFound(id);
    out.at = clock_.Now();
    RecordIn(tx, *rec,
             AuditEvent{"identity_revealed", rec->state.state, rec->state.state, actor.login, out.at,
                        {{"reason", reason}}, ""});
    store::InsertAccessLog(tx, {rec->id}, actor.login, route, "reveal", reason, out.at);
    out.case_id = rec->id;
    out.public_no = rec->public_no;
    out.petitioner = rec->petitioner;
  });
  return out;
}

std::vector<store::AccessLogEntry> CaseService::AccessLog(const Actor& actor, store::AccessLogFilter filter) {
  if (!SeesAllOffices(actor) && !actor.HasRole("privacy_officer")) {
    throw DomainError(ErrorKind::kForbidden, "the access log is for the director, the privacy officer and admins");
  }
  filter.office = OfficeScope(actor);
  std::vector<store::AccessLogEntry> rows;
  db_.Run([&](store::Tx& tx) { rows = store::ListAccessLog(tx, filter); });
  return rows;
}

CaseView CaseService::Apply(const Actor& actor, std::int64_t id, std::int64_t expected_version,
                            const Command& command) {
  store::CaseRecord result;
  db_.Transact([&](store::Tx& tx) {
    auto rec = store::LoadCase(tx, id, /*lock=*/true);
    if (!rec || !CanSee(actor, *rec)) throw NotFound(id);
    if (rec->row_version != expected_version) {
      throw DomainError(ErrorKind::kPreconditionFailed,
                        "case " + std::to_string(id) + " changed since you read it (now version " +
                            std::to_string(rec->row_version) + "); reload it and try again");
    }
    ApplyIn(tx, actor, *rec, command);
    result = std::move(*rec);
  });
  return View(actor, std::move(result));
}

CaseView CaseService::Comment(const Actor& actor, std::int64_t id, const std::string& text) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw DomainError(Error{ErrorKind::kInvalid, "a comment needs its text", {"comment is required"}});
  }
  if (text.size() > 10000) throw DomainError(ErrorKind::kInvalid, "a comment is at most 10,000 bytes");
  store::CaseRecord result;
  db_.Transact([&](store::Tx& tx) {
    auto rec = store::LoadCase(tx, id, /*lock=*/true);
    if (!rec || !CanSee(actor, *rec)) throw NotFound(id);
    RecordIn(tx, *rec, AuditEvent{"comment", rec->state.state, rec->state.state, actor.login, clock_.Now(), {}, text});
    result = std::move(*rec);
  });
  return View(actor, std::move(result));
}

void CaseService::ApplyIn(store::Tx& tx, const Actor& actor, store::CaseRecord& rec, const Command& command) {
  const auto wf = WorkflowOf(rec);
  if (const TransitionDef* t = wf->FindTransition(rec.state.state, command.event);
      t && wf->OutcomeOfEntering(rec.state.state, t->to) == CaseOutcome::kMerged) {
    Merge(tx, actor, rec, command);
    return;
  }
  CheckAttachmentIds(tx, rec, command.data);
  const Timestamp now = clock_.Now();
  const auto calendar = calendar_.Get();
  Outcome out = Machine(*calendar).Apply(*wf, rec.state, command, actor, now).ValueOrThrow();
  if (out.next.assignee != rec.state.assignee && out.next.assignee) CheckAssignee(tx, rec, *out.next.assignee);
  MeasureReplies(tx, *wf, *calendar, rec, out);
  Persist(tx, *wf, rec, out, /*inserted_already=*/false);
  rec.updated_at = now;
}

// The statistics (migrations/0014) take a reply's handling time from its audit event,
// measured here once, on the calendar in force when the reply was given.
void CaseService::MeasureReplies(store::Tx& tx, const Workflow& wf, const BusinessCalendar& calendar,
                                 const store::CaseRecord& rec, Outcome& out) {
  for (auto& e : out.events) {
    if (e.counts_as != EventMeaning::kReply) continue;
    std::vector<StateEntry> entries;
    for (const auto& past : store::LoadEvents(tx, rec.id)) {
      if (past.from.value_or("") != past.to) entries.push_back({past.to, past.at});
    }
    const int days = HandlingWorkdays(calendar, wf, rec.office, rec.state.received_at, entries, e.at);
    e.data["handling_workdays"] = std::to_string(days);
  }
}

void CaseService::CheckAttachmentIds(store::Tx& tx, const store::CaseRecord& rec,
                                     const std::map<std::string, std::string>& data) {
  const auto it = data.find(kAttachmentsKey);
  if (it == data.end() || it->second.empty()) return;
  const auto ids = ParseIdList(it->second);
  if (!ids) {
    throw DomainError(Error{ErrorKind::kUnprocessable, "attachments must list ids of the case's files, e.g. 12,15",
                            {kAttachmentsKey}});
  }
  const auto files = store::ListAttachments(tx, rec.id);
  for (const auto id : *ids) {
    if (std::none_of(files.begin(), files.end(), [&](const store::AttachmentRow& f) { return f.id == id; })) {
      throw DomainError(Error{ErrorKind::kUnprocessable, "case " + rec.public_no + " has no file " + std::to_string(id),
                              {kAttachmentsKey}});
    }
  }
}

void CaseService::CheckAssignee(store::Tx& tx, const store::CaseRecord& rec, const std::string& login) {
  const auto user = store::FindUser(tx, login);
  if (!user || user->disabled || user->office != rec.office ||
      std::find(user->roles.begin(), user->roles.end(), "handler") == user->roles.end()) {
    throw DomainError(ErrorKind::kUnprocessable, "assignee '" + login + "' is not an active handler of office " +
                                                     rec.office);
  }
}

void CaseService::Merge(store::Tx& tx, const Actor& actor, store::CaseRecord& rec, Command command) {
  const auto it = command.data.find("into");
  std::int64_t into_id = 0;
  try {
    std::size_t used = 0;
    into_id = it == command.data.end() ? 0 : std::stoll(it->second, &used);
    if (used != it->second.size()) into_id = 0;
  } catch (const std::exception&) {
    into_id = 0;
  }
  if (into_id <= 0) throw DomainError(ErrorKind::kUnprocessable, "merge needs data.into: the id of the surviving case");
  if (into_id == rec.id) throw DomainError(ErrorKind::kConflict, "a case cannot be merged into itself");
  // The surviving case is locked too. Two opposite merges at once (A into B, B into A)
  // would deadlock; PostgreSQL aborts one of them, and the pair cannot both succeed anyway.
  auto into = store::LoadCase(tx, into_id, /*lock=*/true);
  if (!into || !CanSee(actor, *into)) throw NotFound(into_id);
  if (IsFinal(*into)) {
    throw DomainError(ErrorKind::kConflict, "case " + into->public_no + " is closed; merge into an open case");
  }
  if (into->merged_into) {
    throw DomainError(ErrorKind::kConflict, "case " + into->public_no + " was itself merged into another case");
  }
  command.data["into_public_no"] = into->public_no;
  const Timestamp now = clock_.Now();
  const auto calendar = calendar_.Get();
  const auto wf = WorkflowOf(rec);
  Outcome out = Machine(*calendar).Apply(*wf, rec.state, command, actor, now).ValueOrThrow();
  Persist(tx, *wf, rec, out, /*inserted_already=*/false);
  store::SetMergedInto(tx, rec.id, into->id);
  rec.merged_into = into->id;
  rec.updated_at = now;
  RecordIn(tx, *into,
           AuditEvent{"merged_in", into->state.state, into->state.state, actor.login, now,
                      {{"case_id", std::to_string(rec.id)}, {"public_no", rec.public_no}}, command.comment});
}

void CaseService::RecordIn(store::Tx& tx, store::CaseRecord& rec, AuditEvent event) {
  Outcome out;
  out.next = rec.state;
  out.events.push_back(std::move(event));
  store::SaveOutcome(tx, rec.id, rec.row_version, out);
  rec.row_version += 1;
}

bool CaseService::IsFinal(const store::CaseRecord& rec) {
  const StateDef* s = WorkflowOf(rec)->FindState(rec.state.state);
  return s && s->final;
}

std::vector<store::EventRow> CaseService::Events(const Actor& actor, std::int64_t id, const std::string& route) {
  std::vector<store::EventRow> events;
  bool redact = false;
  db_.Run([&](store::Tx& tx) {
    auto rec = store::LoadCase(tx, id, false);
    if (!rec || !CanSee(actor, *rec)) throw NotFound(id);
    LogReads(tx, actor, {&*rec}, route);
    redact = rec->confidential && !SeesIdentity(actor);
    events = store::LoadEvents(tx, id);
  });
  if (redact) {
    for (auto& e : events) e.data_json = RedactIdentity(e.data_json);
  }
  return events;
}

std::vector<CaseView> CaseService::List(const Actor& actor, store::CaseFilter filter, const std::string& route) {
  if (!SeesAllOffices(actor)) {
    if (filter.office && *filter.office != actor.office) return {};
    filter.office = actor.office;
  }
  // A confidential petitioner can be found by name, phone or address only by those who
  // may see who they are; for everyone else the identity is not in the searched text.
  if (filter.search) filter.search->identities = SeesIdentity(actor);
  std::vector<store::CaseRecord> rows;
  db_.Run([&](store::Tx& tx) {
    rows = store::ListCases(tx, filter);
    std::vector<const store::CaseRecord*> shown;
    for (const auto& r : rows) shown.push_back(&r);
    LogReads(tx, actor, shown, route);
  });
  std::vector<CaseView> views;
  views.reserve(rows.size());
  for (auto& r : rows) views.push_back(View(actor, std::move(r)));
  return views;
}

int CaseService::FireDueTimers(int limit) {
  try {
    return FireBatch(limit);
  } catch (const DomainError& e) {
    if (limit == 1) throw;
    // One bad case must not hold back the rest: fire one by one, and move a timer that
    // still fails out of the way (it is retried later and logged each time).
    spdlog::warn("a batch of up to {} timers failed ({}); firing them one by one", limit, e.what());
    int fired = 0;
    for (int i = 0; i < limit; ++i) {
      try {
        const int n = FireBatch(1);
        if (n == 0) break;
        fired += n;
      } catch (const DomainError& one) {
        db_.Transact([&](store::Tx& tx) {
          const Timestamp now = clock_.Now();
          auto stuck = store::LockDueTimers(tx, now, 1);
          if (!stuck.empty()) {
            store::PostponeTimer(tx, stuck[0].id, now + std::chrono::minutes(5));
            spdlog::error("timer {} of case {} failed: {}; retrying in 5 minutes", stuck[0].id, stuck[0].case_id,
                          one.what());
          }
        });
      }
    }
    return fired;
  }
}

int CaseService::FireBatch(int limit) {
  int fired = 0;
  db_.Transact([&](store::Tx& tx) {
    const Timestamp now = clock_.Now();
    const auto timers = store::LockDueTimers(tx, now, limit);
    if (timers.empty()) return;
    std::vector<std::int64_t> case_ids;
    for (const auto& t : timers) case_ids.push_back(t.case_id);
    std::sort(case_ids.begin(), case_ids.end());
    case_ids.erase(std::unique(case_ids.begin(), case_ids.end()), case_ids.end());
    // Cases someone is changing right now are skipped, not waited for: their timers stay
    // for the next round, and this transaction never waits while holding timer locks.
    auto records = store::LoadCases(tx, case_ids, store::RowLock::kSkipLocked);
    std::map<std::int64_t, store::CaseRecord*> by_id;
    for (auto& r : records) by_id[r.id] = &r;

    // Several timers of one case in a batch chain into one Outcome.
    const auto calendar = calendar_.Get();
    const Machine machine(*calendar);
    std::map<std::int64_t, Outcome> combined;
    std::vector<std::int64_t> done;
    for (const auto& t : timers) {
      if (!by_id.count(t.case_id)) continue;
      done.push_back(t.id);
      store::CaseRecord& rec = *by_id[t.case_id];
      auto existing = combined.find(rec.id);
      const CaseState& current = existing == combined.end() ? rec.state : existing->second.next;
      auto out = machine.Escalate(*WorkflowOf(rec), current, t.rule, now);
      if (!out) continue;  // the clock stopped or paused since: nothing to do
      if (existing == combined.end()) {
        combined.emplace(rec.id, std::move(*out));
        continue;
      }
      Outcome& acc = existing->second;
      acc.next = std::move(out->next);
      acc.events.insert(acc.events.end(), out->events.begin(), out->events.end());
      acc.timers.insert(acc.timers.end(), out->timers.begin(), out->timers.end());
      acc.notifications.insert(acc.notifications.end(), out->notifications.begin(), out->notifications.end());
    }
    // Fired timers go before the Outcomes arm any follow-ups (repeating reminders).
    store::DeleteTimers(tx, done);
    std::vector<store::OutcomeToSave> saves;
    for (const auto& [id, out] : combined) saves.push_back({id, by_id[id]->row_version, &out});
    store::SaveOutcomes(tx, saves, WakeBefore());
    ContactCache contacts;
    if (std::any_of(combined.begin(), combined.end(), [](const auto& c) {
          return std::any_of(c.second.notifications.begin(), c.second.notifications.end(), [](const Notification& n) {
            return std::find(n.targets.begin(), n.targets.end(), "petitioner") != n.targets.end();
          });
        })) {
      std::vector<std::int64_t> ids;
      for (const auto& [id, out] : combined) ids.push_back(id);
      contacts.merged_petitioners = store::MergedPetitioners(tx, ids);  // one query for the batch
    }
    std::vector<store::OutboxMessage> notices;
    for (const auto& [id, out] : combined) {
      store::CaseRecord& rec = *by_id[id];
      rec.row_version += 1;
      rec.state = out.next;
      auto planned = PlanNotifications(tx, *WorkflowOf(rec), rec, out, notify_, now, contacts);
      notices.insert(notices.end(), std::make_move_iterator(planned.begin()), std::make_move_iterator(planned.end()));
    }
    if (!notices.empty()) {
      store::InsertOutbox(tx, notices);
      store::NotifyOutbox(tx);
    }
    fired = static_cast<int>(done.size());
  });
  GlobalMetrics().timers_fired += static_cast<std::uint64_t>(fired);
  return fired;
}

int CaseService::CloseOffice(const Actor& actor, const std::string& office, std::chrono::sys_days date,
                             const std::string& reason) {
  if (!actor.HasRole("admin")) throw DomainError(ErrorKind::kForbidden, "closing an office needs the admin role");
  if (office.empty() || reason.empty()) throw DomainError(ErrorKind::kInvalid, "office and reason are required");
  int moved = 0;
  std::optional<BusinessCalendar> closed;
  db_.Transact([&](store::Tx& tx) {
    // Read the calendar inside the transaction: the closure must apply to what is stored.
    BusinessCalendar calendar = store::LoadCalendar(tx);
    if (!calendar.IsWorkday(date, office)) {
      throw DomainError(ErrorKind::kConflict, office + " does not work on " + store::IsoDate(date) +
                                                  " already; there is nothing to close");
    }
    store::InsertClosure(tx, office, date, reason, actor.login);
    calendar.AddClosure(office, date, reason);
    const Machine machine(calendar);
    const Timestamp now = clock_.Now();
    // One read and one write per table for all of the office's affected cases.
    auto records = store::LoadCases(tx, store::CasesWithClocksSpanning(tx, office, date), store::RowLock::kWait);
    std::vector<Outcome> outcomes;
    outcomes.reserve(records.size());
    std::vector<store::OutcomeToSave> saves;
    for (const auto& rec : records) {
      if (auto out = machine.ApplyClosure(*WorkflowOf(rec), rec.state, date, reason, actor, now)) {
        outcomes.push_back(std::move(*out));
        saves.push_back({rec.id, rec.row_version, &outcomes.back()});
        NoteIncompleteDeadlines(rec, outcomes.back());
      }
    }
    store::SaveOutcomes(tx, saves, WakeBefore());
    moved = static_cast<int>(saves.size());
    store::NotifyCalendarChanged(tx);
    closed = std::move(calendar);
  });
  calendar_.Set(std::move(*closed));  // only once the closure is committed
  spdlog::info("{} closed {} on {} ({}): {} case(s) recomputed", actor.login, office, store::IsoDate(date), reason,
               moved);
  return moved;
}

std::vector<store::ClosureRow> CaseService::Closures(const Actor& actor, const std::string& office,
                                                    std::chrono::sys_days from) {
  if (!actor.HasRole("admin")) throw DomainError(ErrorKind::kForbidden, "closures are managed by admins");
  std::vector<store::ClosureRow> rows;
  db_.Run([&](store::Tx& tx) { rows = store::ListClosures(tx, office, from); });
  return rows;
}

}  // namespace petitiond::runtime
