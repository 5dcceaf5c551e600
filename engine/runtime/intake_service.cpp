#include "engine/digest.hpp"
#include "engine/runtime/intake_service.hpp"


#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "engine/similarity.hpp"
#include "engine/runtime/auth.hpp"
#include "engine/store/database.hpp"
#include "engine/store/migrator.hpp"
#include "engine/store/outbox_store.hpp"

namespace petitiond::runtime {
namespace {

// The UNIQUE (channel, external_ref) of migrations/0001_core.sql.
constexpr const char* kCasesExternalRef = "cases_channel_external_ref_key";

bool Allowed(const Actor& a) { return a.HasRole("supervisor") || a.HasRole("director") || a.HasRole("admin"); }

store::OutboxMessage Mail(std::optional<std::int64_t> case_id, const std::string& to, std::string subject,
                          std::string body, std::string key, Timestamp now) {
  store::OutboxMessage m;
  m.case_id = case_id;
  m.channel = "email";
  m.recipient = to;
  m.subject = std::move(subject);
  m.body = std::move(body);
  m.idempotency_key = std::move(key);
  m.next_attempt_at = now;
  return m;
}

}  // namespace

std::string PetitionerJson(const Petitioner& p) {
  boost::json::object o;
  if (!p.name.empty()) o["name"] = p.name;
  if (!p.phone.empty()) o["phone"] = p.phone;
  if (!p.email.empty()) o["email"] = p.email;
  if (!p.address.empty()) o["address"] = p.address;
  return boost::json::serialize(o);
}

void IntakeService::SetRouting(Routing routing) {
  auto next = std::make_shared<const Routing>(std::move(routing));
  std::lock_guard lock(mu_);
  routing_ = std::move(next);
}

std::shared_ptr<const Routing> IntakeService::routing() const {
  std::lock_guard lock(mu_);
  return routing_;
}

IntakeResult IntakeService::Submit(const Actor& actor, const Intake& in) {
  IntakeResult result;
  try {
    try {
      db_.Transact([&](store::Tx& tx) {
        const auto id = store::InsertIntake(tx, in, "pending", std::nullopt, std::nullopt);
        result = SubmitIn(tx, actor, in, id);
      });
      return result;
    } catch (const store::UniqueViolation& e) {
      // Another node made the case for this reference between our check and our
      // insert: then this input is its duplicate, and a second try finds it.
      if (!in.external_ref || e.constraint() != kCasesExternalRef) throw;
    }
    return Submit(actor, in);
  } catch (const DomainError& e) {
    const ErrorKind kind = e.error().kind;
    if (kind == ErrorKind::kUnavailable || kind == ErrorKind::kInternal) throw;
    std::string reason = e.what();
    for (const auto& d : e.error().details) reason += "; " + d;
    Reject(in, reason);
    throw;
  }
}

IntakeResult IntakeService::SubmitIn(store::Tx& tx, const Actor& actor, const Intake& in,
                                     std::int64_t intake_id) {
  IntakeResult r;
  r.intake_id = intake_id;
  const Timestamp now = clock_.Now();
  if (in.external_ref) {
    if (auto existing = store::FindCaseByRef(tx, in.channel, *in.external_ref)) {
      r.status = "duplicate";
      r.record = store::LoadCase(tx, *existing, false);
      r.reason = "already received as case " + r.record->public_no;
      store::SetIntakeOutcome(tx, intake_id, r.status, r.reason, *existing);
      return r;
    }
  }
  const auto routing = this->routing();
  const RouteRule* rule = routing->Find(in);
  CreateCaseInput c;
  c.channel = in.channel;
  c.workflow = in.workflow ? in.workflow : rule ? rule->to.workflow : std::nullopt;
  c.office = in.office ? *in.office : rule && rule->to.office ? *rule->to.office : routing->default_office;
  c.category = rule && rule->to.category ? rule->to.category : in.category;
  c.priority = rule ? rule->to.priority : 0;
  c.subject = in.subject.empty() ? "（無主旨）" : in.subject;
  c.body = in.body.empty() ? "（無內容）" : in.body;
  c.petitioner_json = PetitionerJson(in.petitioner);
  c.received_at = in.received_at;
  c.external_ref = in.external_ref;

  if (in.channel == "news") {
    // Later reports on the same story attach to its open case.
    for (const auto& open : store::RecentCases(tx, "news", c.office, now - options_.news_story_window)) {
      if (Similarity(open.subject, in.subject) < options_.same_story) continue;
      auto rec = store::LoadCase(tx, open.id, /*lock=*/true);
      if (!rec || cases_.IsFinal(*rec)) continue;
      cases_.RecordIn(tx, *rec,
                      AuditEvent{"news_item_attached", rec->state.state, rec->state.state, "system", now,
                                 {{"title", in.subject}, {"link", in.external_ref.value_or("")}, {"intake_id",
                                  std::to_string(intake_id)}}, ""});
      r.status = "merged";
      r.reason = "same story as case " + rec->public_no + " (taken in within " +
                 std::to_string(options_.news_story_window.count() / 3600) + " h)";
      store::SetIntakeOutcome(tx, intake_id, r.status, r.reason, rec->id);
      r.record = std::move(rec);
      return r;
    }
  }

  const auto registered_only = RegisteredOnlyReason(in);
  r.possible_duplicates = PossibleDuplicates(tx, in);
  auto [rec, code] = cases_.CreateIn(tx, actor, c);
  r.access_code = code;
  r.status = "accepted";
  if (registered_only) {
    try {
      Command cmd{"register_only", {{"reason", *registered_only}}, ""};
      // The rule of law applies itself: the system acts with the roles the transition names.
      Actor system = Actor::System();
      system.roles = KnownRoles();
      cases_.ApplyIn(tx, system, rec, cmd);
      r.status = "registered_only";
      r.reason = *registered_only;
    } catch (const DomainError& e) {
      // The workflow cannot register only: the case stays open for staff, never dropped.
      spdlog::warn("case {}: {} but its workflow cannot register it only: {}", rec.public_no, *registered_only,
                   e.what());
      r.reason = *registered_only + " (left open: " + e.what() + ")";
    }
  }
  if (!r.possible_duplicates.empty()) {
    std::string list;
    for (const auto& d : r.possible_duplicates) list += (list.empty() ? "" : ", ") + d.public_no;
    r.reason = (r.reason ? *r.reason + "; " : std::string()) + "possible repeat of " + list;
  }
  store::SetIntakeOutcome(tx, intake_id, r.status, r.reason, rec.id);
  if (!in.attachments.empty()) store::InsertAttachments(tx, rec.id, intake_id, in.attachments);
  if (in.channel == "mailbox" && !in.petitioner.email.empty() && r.status == "accepted") {
    // The acceptance notice (DOMAIN.md): the case number and the access code that
    // lets the petitioner look the case up. A registered-only case gets its own notice
    // from the workflow's register_only transition instead.
    store::InsertOutbox(
        tx, {Mail(rec.id, in.petitioner.email, "【受理通知】主任信箱案件 " + rec.public_no,
                   "您好：您寄至主任信箱的「" + c.subject + "」已受理。\n案件編號：" + rec.public_no +
                       "\n查詢密碼：" + code + "\n請以案件編號及查詢密碼查詢處理進度。\n",
                   "petitiond:intake:" + std::to_string(intake_id) + ":accepted", now)});
    store::NotifyOutbox(tx);
  }
  r.record = std::move(rec);
  return r;
}

std::vector<store::PetitionerCase> IntakeService::PossibleDuplicates(store::Tx& tx, const Intake& in) {
  std::vector<store::PetitionerCase> out;
  if (in.petitioner.phone.empty() && in.petitioner.email.empty()) return out;
  for (auto& c : store::CasesOfPetitioner(tx, in.petitioner.phone, in.petitioner.email,
                                          clock_.Now() - options_.duplicate_window)) {
    if (Similarity(c.subject, in.subject) >= options_.similar_subject) out.push_back(std::move(c));
  }
  return out;
}

std::int64_t IntakeService::Reject(const Intake& in, const std::string& reason) {
  std::int64_t id = 0;
  db_.Run([&](store::Tx& tx) { id = store::InsertIntake(tx, in, "rejected", reason, std::nullopt); });
  spdlog::warn("intake {} from {} rejected: {}", in.channel, in.source, reason);
  return id;
}

std::pair<std::int64_t, std::string> IntakeService::SubmitPending(const Intake& in, Timestamp expires,
                                                                  const std::string& confirm_url) {
  const std::string token = NewToken();
  std::int64_t id = 0;
  db_.Transact([&](store::Tx& tx) {
    id = store::InsertIntake(tx, in, "pending", "waiting for the sender to confirm the e-mail address",
                             std::nullopt);
    store::InsertConfirmation(tx, Sha256Hex(token), id, expires);
    const std::string link = confirm_url + (confirm_url.find('?') == std::string::npos ? "?" : "&") + "token=" + token;
    store::InsertOutbox(tx, {Mail(std::nullopt, in.petitioner.email, "【主任信箱】請確認您的電子郵件地址",
                                   "您好：我們收到您寄給主任信箱的「" + in.subject +
                                       "」。請於期限 " + FormatTimestamp(expires) +
                                       " 前開啟下列連結確認，確認後才會受理：\n" + link + "\n",
                                   "petitiond:intake:" + std::to_string(id) + ":confirm", clock_.Now())});
    store::NotifyOutbox(tx);
  });
  return {id, token};
}

IntakeResult IntakeService::Confirm(const std::string& token,
                                    const std::function<Intake(const std::string& raw)>& reparse) {
  IntakeResult result;
  db_.Transact([&](store::Tx& tx) {
    const std::string hash = Sha256Hex(token);
    auto c = store::LockConfirmation(tx, hash);
    if (!c) throw DomainError(ErrorKind::kNotFound, "this confirmation link is not valid");
    const auto row = store::LoadIntake(tx, c->intake_id, /*lock=*/true);
    if (c->confirmed && row && row->case_id) {
      result.intake_id = row->id;
      result.status = row->status;
      result.reason = "already confirmed";
      result.record = store::LoadCase(tx, *row->case_id, false);
      return;
    }
    const Timestamp now = clock_.Now();
    if (now > c->expires_at) {
      throw DomainError(ErrorKind::kConflict, "this confirmation link expired on " + FormatTimestamp(c->expires_at) +
                                                  "; please send the form again");
    }
    Intake in = reparse(store::LoadIntakeRaw(tx, c->intake_id));
    store::MarkConfirmed(tx, hash, now);
    result = SubmitIn(tx, Actor::System(), in, c->intake_id);
  });
  return result;
}

std::vector<store::IntakeRow> IntakeService::List(const Actor& actor, const store::IntakeFilter& filter) {
  if (!Allowed(actor)) {
    throw DomainError(ErrorKind::kForbidden, "the intake log is for supervisors, directors and admins");
  }
  std::vector<store::IntakeRow> rows;
  db_.Run([&](store::Tx& tx) { rows = store::ListIntake(tx, filter); });
  return rows;
}

}  // namespace petitiond::runtime
