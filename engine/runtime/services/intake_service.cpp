#include "engine/digest.hpp"
#include "engine/runtime/services/intake_service.hpp"
#include "engine/contact.hpp"
#include "engine/runtime/security/policy.hpp"
#include "engine/runtime/security/privacy.hpp"


#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "engine/similarity.hpp"
#include "engine/runtime/security/auth.hpp"
#include "engine/store/attachment_store.hpp"
#include "engine/store/database.hpp"
#include "engine/store/migrator.hpp"
#include "engine/store/outbox_store.hpp"

namespace petitiond::runtime {
namespace {

// Longer references are stored as their digest (a btree entry holds ~2,700 bytes).
constexpr std::size_t kMaxExternalRef = 512;

// The UNIQUE (channel, external_ref) of migrations/0001_core.sql.
constexpr const char* kCasesExternalRef = "cases_channel_external_ref_key";

bool Allowed(const Actor& a) { return a.HasRole("supervisor") || a.HasRole("director") || a.HasRole("admin"); }

// A mail from template `t`: `vars` rendered now; the `secrets`' {{name}} variables stay in
// the stored text and their values are sealed for the dispatcher to fill in at send time.
store::OutboxMessage Mail(std::optional<std::int64_t> case_id, const std::string& to, const Template& t,
                          const std::map<std::string, std::string>& vars,
                          const std::map<std::string, std::string>& secrets, const Sealer& sealer, std::string key,
                          Timestamp now) {
  store::OutboxMessage m;
  m.case_id = case_id;
  m.channel = OutboxChannel::kEmail;
  m.recipient = to;
  m.subject = RenderTemplate(t.subject, vars);
  m.body = RenderTemplate(t.body, vars);
  if (!secrets.empty()) {
    boost::json::object o;
    for (const auto& [k, v] : secrets) o[k] = v;
    m.sealed = sealer.Seal(boost::json::serialize(o));
  }
  m.idempotency_key = std::move(key);
  m.next_attempt_at = now;
  return m;
}

}  // namespace

const Intake& IntakeService::Normalise(const Intake& in, const Actor& actor, std::optional<Intake>& changed) const {
  // A copy only when something must change (a raw mail may be megabytes).
  auto change = [&]() -> Intake& {
    if (!changed) changed = in;
    return *changed;
  };
  // Staff who name no office create in their own; directors and admins leave it to
  // routing.yaml.
  if (!in.office && !actor.roles.empty() && !SeesAllOffices(actor)) change().office = actor.office;
  // One petitioner, however the number was written (repeats and search compare it so).
  if (!in.petitioner.phone.empty() && NormalPhone(in.petitioner.phone) != in.petitioner.phone) {
    change().petitioner.phone = NormalPhone(in.petitioner.phone);
  }
  if (in.external_ref && in.external_ref->size() > kMaxExternalRef) {
    // A feed GUID or Message-ID too long for the unique index: its digest identifies
    // it as well, and the raw input keeps the original.
    change().external_ref = "sha256:" + Sha256Hex(*in.external_ref);
  }
  return changed ? *changed : in;
}

IntakeResult IntakeService::Take(const Received& received, const ChannelPolicy& policy) {
  std::optional<Intake> changed;
  const Intake& in = Normalise(received.intake, policy.actor, changed);
  if (!policy.actor.roles.empty() && in.office && !InScope(policy.actor, *in.office)) {
    throw DomainError(ErrorKind::kForbidden, "staff of " + policy.actor.office + " create cases of " +
                                                 policy.actor.office +
                                                 " only; a director or admin can create one for another office");
  }
  if (policy.signature) {
    if (auto replay = Replayed(in, *policy.signature)) return std::move(*replay);
  }
  if (policy.confirm_first) CheckFormLimits(in, *policy.confirm_first);
  if (received.error) return Refuse(in, *received.error, std::nullopt);
  if (policy.confirm_first) return Hold(in, *policy.confirm_first);
  IntakeResult result = Pipeline(in, policy);
  // After the case is committed: a failure before leaves the signature usable for the
  // platform's retry.
  if (policy.signature && !result.refused) RememberSignature(*policy.signature);
  return result;
}

IntakeResult IntakeService::Pipeline(const Intake& in, const ChannelPolicy& policy) {
  IntakeResult result;
  std::optional<std::int64_t> held;  // the raw row of a confirmed form
  // Errors past this point are the input's (the store's errors arrive translated, from
  // Transact); a confirmation's own checks before it are not.
  bool in_pipeline = false;
  try {
    db_.Transact([&](store::Tx& tx) {
      if (policy.confirmed_by) {
        const std::string hash = Sha256Hex(*policy.confirmed_by);
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
          throw DomainError(ErrorKind::kConflict, "this confirmation link expired on " +
                                                      FormatTimestamp(c->expires_at) + "; please send the form again");
        }
        held = c->intake_id;
        store::MarkConfirmed(tx, hash, now);
      }
      in_pipeline = true;
      result = SubmitIn(tx, policy.actor, in, held);
    });
    return result;
  } catch (const store::UniqueViolation& e) {
    // Another node made the case for this reference between our check and our insert:
    // then this input is its duplicate, and a second try finds it.
    if (in.external_ref && e.constraint() == kCasesExternalRef) return Pipeline(in, policy);
    if (in_pipeline) Refuse(in, e.error(), held);
    throw;  // the database's words are for the log, not for the caller
  } catch (const DomainError& e) {
    const ErrorKind kind = e.error().kind;
    if (!in_pipeline || kind == ErrorKind::kUnavailable || kind == ErrorKind::kInternal) throw;
    if (dynamic_cast<const store::StoreError*>(&e)) {
      Refuse(in, e.error(), held);
      throw;
    }
    return Refuse(in, e.error(), held);
  }
}

IntakeResult IntakeService::Refuse(const Intake& in, Error why, std::optional<std::int64_t> intake_id) {
  IntakeResult r;
  r.status = IntakeStatus::kRejected;
  r.refused = std::move(why);
  r.reason = Received{{}, r.refused}.Reason();
  bool again = false;
  db_.Run([&](store::Tx& tx) {
    // A polled source offers a bad input again each round (a feed item): kept once.
    if (!intake_id && in.external_ref && store::RejectedBefore(tx, in.channel, *in.external_ref)) {
      again = true;
      return;
    }
    r.intake_id = RecordOutcome(tx, in, intake_id, r, std::nullopt);
  });
  if (!again) spdlog::warn("intake {} from {} rejected: {}", in.channel, in.source, *r.reason);
  return r;
}

IntakeService::HeldInput IntakeService::Held(const std::string& token) {
  HeldInput held;
  db_.Run([&](store::Tx& tx) {
    auto c = store::LockConfirmation(tx, Sha256Hex(token));
    if (!c) throw DomainError(ErrorKind::kNotFound, "this confirmation link is not valid");
    held.raw = store::LoadIntakeRaw(tx, c->intake_id);
    if (auto row = store::LoadIntake(tx, c->intake_id, false)) held.content_type = row->content_type;
  });
  return held;
}

std::int64_t IntakeService::RecordOutcome(store::Tx& tx, const Intake& in, std::optional<std::int64_t> intake_id,
                                          const IntakeResult& r, std::optional<std::int64_t> case_id) {
  if (intake_id) {
    store::SetIntakeOutcome(tx, *intake_id, r.status, r.reason, case_id);
    return *intake_id;
  }
  return store::InsertIntake(tx, in, r.status, r.reason, case_id);
}

std::optional<IntakeResult> IntakeService::AsDuplicate(store::Tx& tx, const Intake& in,
                                                       std::optional<std::int64_t> intake_id) {
  if (!in.external_ref) return std::nullopt;
  auto existing = store::FindCaseByRef(tx, in.channel, *in.external_ref);
  if (!existing) return std::nullopt;
  IntakeResult r;
  r.status = IntakeStatus::kDuplicate;
  r.record = store::LoadCase(tx, *existing, false);
  r.reason = "already received as case " + r.record->public_no;
  r.intake_id = RecordOutcome(tx, in, intake_id, r, *existing);
  return r;
}

std::optional<IntakeResult> IntakeService::AsSameStory(store::Tx& tx, const Intake& in, const std::string& office,
                                                       std::optional<std::int64_t> intake_id) {
  if (in.channel != "news") return std::nullopt;
  const Timestamp now = clock_.Now();
  for (const auto& open : store::RecentCases(tx, "news", office, now - options_.news_story_window)) {
    if (Similarity(open.subject, in.subject) < options_.same_story) continue;
    auto rec = store::LoadCase(tx, open.id, /*lock=*/true);
    if (!rec || cases_.IsFinal(*rec)) continue;
    IntakeResult r;
    r.status = IntakeStatus::kMerged;
    r.reason = "same story as case " + rec->public_no + " (taken in within " +
               std::to_string(options_.news_story_window.count() / 3600) + " h)";
    r.intake_id = RecordOutcome(tx, in, intake_id, r, rec->id);
    cases_.RecordIn(tx, *rec,
                    AuditEvent{"news_item_attached", rec->state.state, rec->state.state, "system", now,
                               {{"title", in.subject},
                                {"link", in.external_ref.value_or("")},
                                {"intake_id", std::to_string(r.intake_id)}},
                               ""});
    r.record = std::move(rec);
    return r;
  }
  return std::nullopt;
}

CreateCaseInput IntakeService::Route(const Intake& in) const {
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
  c.petitioner = in.petitioner;
  c.received_at = in.received_at;
  if (in.date_header) c.created_data["mail_date"] = *in.date_header;
  c.external_ref = in.external_ref;
  c.confidential = in.confidential || routing->ConfidentialCategory(c.category);
  c.origin = in.origin;
  return c;
}

void IntakeService::RegisterOnly(store::Tx& tx, store::CaseRecord& rec, const std::string& why, IntakeResult& r) {
  try {
    // The workflow's step into a final state of outcome registered_only, whatever it is called.
    const TransitionDef* t = cases_.WorkflowOf(rec)->TransitionTo(rec.state.state, CaseOutcome::kRegisteredOnly);
    if (!t) {
      throw DomainError(ErrorKind::kConflict, "no transition from '" + rec.state.state +
                                                  "' leads to a final state with outcome registered_only");
    }
    Command cmd{t->on, {{"reason", why}}, ""};
    // The rule of law applies itself: the system acts with the roles the transition names.
    Actor system = Actor::System();
    system.roles = KnownRoles();
    cases_.ApplyIn(tx, system, rec, cmd);
    r.status = IntakeStatus::kRegisteredOnly;
    r.reason = why;
  } catch (const DomainError& e) {
    // The workflow cannot register only: the case stays open for staff, never dropped.
    spdlog::warn("case {}: registered-only input, but its workflow cannot register it only: {}", rec.public_no,
                 e.what());
    r.reason = why + " (left open: " + e.what() + ")";
  }
}

void IntakeService::SendAcceptance(store::Tx& tx, const Intake& in, const store::CaseRecord& rec,
                                   const IntakeResult& r) {
  // The acceptance notice (DOMAIN.md): the case number and the access code that lets
  // the petitioner look the case up, rendered from the workflow's "accepted" template.
  const auto wf = cases_.WorkflowOf(rec);
  const Template& t = wf->TemplateFor("accepted", in.petitioner.language);
  const std::map<std::string, std::string> vars = {
      {"public_no", rec.public_no}, {"subject", rec.subject}, {"office", rec.office}};
  store::InsertOutbox(tx, {Mail(rec.id, in.petitioner.email, t, vars, {{"access_code", r.access_code}}, *sealer_,
                                "petitiond:intake:" + std::to_string(r.intake_id) + ":accepted", clock_.Now())});
  store::NotifyOutbox(tx);
}

IntakeResult IntakeService::SubmitIn(store::Tx& tx, const Actor& actor, const Intake& in,
                                     std::optional<std::int64_t> intake_id) {
  if (auto dup = AsDuplicate(tx, in, intake_id)) return std::move(*dup);
  const CreateCaseInput c = Route(in);
  if (auto merged = AsSameStory(tx, in, c.office, intake_id)) return std::move(*merged);

  IntakeResult r;
  r.status = IntakeStatus::kAccepted;
  r.possible_duplicates = PossibleDuplicates(tx, in, c.office);
  if (!r.possible_duplicates.empty()) {
    std::string list;
    for (const auto& d : r.possible_duplicates) list += (list.empty() ? "" : ", ") + d.public_no;
    r.reason = "possible repeat of " + list;
  }
  const auto registered_only = RegisteredOnlyReason(in);
  // The common case writes the raw input with the case, in the case's one statement;
  // a registered-only input learns its outcome only after its transition.
  std::optional<store::IntakeLink> link;
  if (!registered_only && !intake_id) link = store::IntakeLink{&in, r.status, r.reason};
  std::optional<std::int64_t> stored_id;
  auto [rec, code] = cases_.CreateIn(tx, actor, c, link ? &*link : nullptr, &stored_id);
  r.access_code = code;
  if (registered_only) {
    const auto dup_reason = r.reason;
    RegisterOnly(tx, rec, *registered_only, r);
    if (dup_reason) r.reason = *r.reason + "; " + *dup_reason;
  }
  r.intake_id = stored_id ? *stored_id : RecordOutcome(tx, in, intake_id, r, rec.id);
  for (const auto& file : in.attachments) {
    store::InsertAttachment(tx, rec.id, r.intake_id, file, "intake", rec.received_at);
  }
  // A registered-only case gets its own notice from the register_only transition.
  if (in.channel == "mailbox" && !in.petitioner.email.empty() && r.status == IntakeStatus::kAccepted) {
    SendAcceptance(tx, in, rec, r);
  }
  r.record = std::move(rec);
  return r;
}

std::vector<store::PetitionerCase> IntakeService::Repeats(const Actor& actor, const std::string& phone,
                                                         const std::string& email, const std::string& office) {
  if (!InScope(actor, office)) throw DomainError(ErrorKind::kForbidden, "repeats are looked up in your own office");
  const std::string p = phone.empty() || PhoneProblem(phone) ? "" : NormalPhone(phone);
  const std::string e = email.empty() || EmailProblem(email) ? "" : email;
  std::vector<store::PetitionerCase> out;
  if (p.empty() && e.empty()) return out;
  db_.Run([&](store::Tx& tx) {
    out = store::CasesOfPetitioner(tx, p, e, office, clock_.Now() - options_.duplicate_window);
  });
  return out;
}

std::vector<store::PetitionerCase> IntakeService::PossibleDuplicates(store::Tx& tx, const Intake& in,
                                                                     const std::string& office) {
  std::vector<store::PetitionerCase> out;
  if (in.petitioner.phone.empty() && in.petitioner.email.empty()) return out;
  for (auto& c : store::CasesOfPetitioner(tx, in.petitioner.phone, in.petitioner.email, office,
                                          clock_.Now() - options_.duplicate_window)) {
    if (Similarity(c.subject, in.subject) >= options_.similar_subject) out.push_back(std::move(c));
  }
  return out;
}

std::optional<IntakeResult> IntakeService::Replayed(const Intake& in, const ChannelPolicy::Signature& s) {
  const std::string hash = Sha256Hex(s.value);
  const Timestamp since = clock_.Now() - 2 * s.window;  // either side of the server's clock
  std::optional<IntakeResult> replay;
  db_.Run([&](store::Tx& tx) {
    if (!store::WebhookSeen(tx, hash, since)) return;
    IntakeResult r;
    r.status = IntakeStatus::kDuplicate;
    r.reason = "a replay of a signed request already received";
    if (in.external_ref) {
      if (auto id = store::FindCaseByRef(tx, in.channel, *in.external_ref)) r.record = store::LoadCase(tx, *id, false);
    }
    replay = std::move(r);
  });
  if (replay && !replay->record) throw DomainError(ErrorKind::kConflict, "this signed request was already received");
  return replay;
}

void IntakeService::RememberSignature(const ChannelPolicy::Signature& s) {
  const Timestamp now = clock_.Now();
  db_.Run([&](store::Tx& tx) { store::RememberWebhook(tx, Sha256Hex(s.value), now, now - 2 * s.window); });
}

void IntakeService::CheckFormLimits(const Intake& in, const ChannelPolicy::ConfirmFirst& f) {
  if (!f.client.empty()) {
    if (auto wait = forms_by_address_.Wait(f.client)) {
      throw TooManyRequests("too many forms from this address; please try again later", *wait);
    }
  }
  if (in.petitioner.email.empty()) return;  // a form the connector refused: stored as rejected, mails nobody
  const Timestamp now = clock_.Now();
  store::SentConfirmations sent;
  db_.Run([&](store::Tx& tx) { sent = store::ConfirmationsTo(tx, in.petitioner.email, now - std::chrono::hours(24)); });
  if (sent.count >= options_.form_per_recipient_day) {
    // The office's mail server must not become a way to flood someone's inbox.
    const auto wait = std::chrono::duration_cast<std::chrono::seconds>(*sent.oldest + std::chrono::hours(24) - now);
    throw TooManyRequests("this address has received today's confirmation links; please use one of them or "
                          "try again tomorrow",
                          std::max(wait, std::chrono::seconds(1)));
  }
}

IntakeResult IntakeService::Hold(const Intake& in, const ChannelPolicy::ConfirmFirst& f) {
  if (!f.client.empty()) forms_by_address_.Hit(f.client);
  const std::string token = NewToken();
  IntakeResult r;
  r.status = IntakeStatus::kPending;
  r.reason = "waiting for the sender to confirm the e-mail address";
  db_.Transact([&](store::Tx& tx) {
    r.intake_id = store::InsertIntake(tx, in, r.status, r.reason, std::nullopt);
    store::InsertConfirmation(tx, Sha256Hex(token), r.intake_id, f.expires);
    // The page opens in the language the form was written in.
    const std::string link = f.confirm_url + (f.confirm_url.find('?') == std::string::npos ? "?" : "&") +
                             "token=" + token + "&lang=" + std::string(LanguageTag(in.petitioner.language));
    const Template& t = DefaultTemplate("confirm_email", in.petitioner.language);
    const std::map<std::string, std::string> vars = {{"subject", in.subject},
                                                      {"expires_at", FormatTimestamp(f.expires)}};
    store::InsertOutbox(tx, {Mail(std::nullopt, in.petitioner.email, t, vars, {{"link", link}}, *sealer_,
                                  "petitiond:intake:" + std::to_string(r.intake_id) + ":confirm", clock_.Now())});
    store::NotifyOutbox(tx);
  });
  return r;
}

std::vector<store::IntakeRow> IntakeService::List(const Actor& actor, store::IntakeFilter filter,
                                                  const std::string& route) {
  if (!Allowed(actor)) {
    throw DomainError(ErrorKind::kForbidden, "the intake log is for supervisors, directors and admins");
  }
  filter.office = OfficeScope(actor);
  std::vector<store::IntakeRow> rows;
  db_.Run([&](store::Tx& tx) {
    rows = store::ListIntake(tx, filter);
    std::vector<std::int64_t> ids;
    for (const auto& r : rows) {
      if (r.case_id) ids.push_back(*r.case_id);
    }
    const auto hide = CasesToRedact(tx, actor, ids, route, clock_.Now());
    for (auto& r : rows) {
      if (r.case_id && hide.count(*r.case_id)) {
        r.source = kRedacted;
        r.external_ref = kRedacted;
      }
    }
  });
  return rows;
}

std::vector<store::FeedStatus> IntakeService::FeedStatuses(const Actor& actor) {
  if (!actor.HasRole("admin")) throw DomainError(ErrorKind::kForbidden, "the feeds' status is for admins");
  std::vector<store::FeedStatus> out;
  db_.Run([&](store::Tx& tx) { out = store::ListFeedStatuses(tx); });
  return out;
}

}  // namespace petitiond::runtime
