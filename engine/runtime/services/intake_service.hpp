#pragma once

#include <chrono>
#include <functional>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engine/intake.hpp"
#include "engine/routing.hpp"
#include "engine/runtime/services/case_service.hpp"
#include "engine/runtime/security/sealer.hpp"
#include "engine/runtime/security/rate_limit.hpp"
#include "engine/store/intake_store.hpp"

namespace petitiond::runtime {

struct IntakeOptions {
  // Same petitioner (phone or e-mail) on a similar subject within this window: a
  // possible repeated petition, shown to staff, merged by a supervisor.
  std::chrono::seconds duplicate_window{30 * 86400};
  double similar_subject = 0.4;  // engine/similarity.hpp
  // A news item on a story that already has an open case within this window attaches
  // to that case instead of opening a new one.
  std::chrono::seconds news_story_window{86400};
  double same_story = 0.3;
  // The public mailbox form: submissions per client address per hour, and
  // confirmation mails per recipient per day (counted in the outbox, across nodes).
  int form_per_address_hour = 10;
  int form_per_recipient_day = 5;
  // Seals the secrets of the mails it queues (access codes, confirmation links); one
  // of its own (no key) when none is given. REQUIRES: outlives the service.
  const Sealer* outbox_sealer = nullptr;
};

// What a channel's door adds to the common steps (IntakeService::Take).
struct ChannelPolicy {
  // Who takes the input in: a staff member (the staff form) or Actor::System() (every
  // connector). Staff create cases of their own office only.
  Actor actor = Actor::System();
  // A signed webhook's signature, valid for `window` (the signature's own validity).
  // The same signature again within it is a replay: nothing is stored, and the answer
  // is the case its reference already made (status duplicate), or kConflict.
  struct Signature {
    std::string value;
    std::chrono::seconds window{};
  };
  std::optional<Signature> signature{};
  // The public form: the input is held as pending, and a mail to the sender carries the
  // link `confirm_url`?token=..., valid until `expires`; the case is made only when it is
  // followed. `client` is the sender's network address, for the per-address limit.
  struct ConfirmFirst {
    Timestamp expires{};
    std::string confirm_url;
    std::string client;
  };
  std::optional<ConfirmFirst> confirm_first{};
  // A followed confirmation link: the token it carried. The input is the held one read
  // again (IntakeService::Held); its raw row is kept, not stored twice.
  std::optional<std::string> confirmed_by{};
};

// What became of one input.
struct IntakeResult {
  std::int64_t intake_id = 0;
  IntakeStatus status = IntakeStatus::kAccepted;
  std::optional<std::string> reason;
  // Why the input was refused (status rejected): the connector's error or the
  // pipeline's; the HTTP answer or the import report shows it.
  std::optional<Error> refused;
  std::optional<store::CaseRecord> record;  // the case made, or the existing one; none when rejected or pending
  std::string access_code;                  // only for a new case
  std::vector<store::PetitionerCase> possible_duplicates;
};

// The intake pipeline (docs/architecture.md "Intake"): the one door of every channel.
// Each input goes through the same steps in the same order: its raw bytes are kept in
// intake_raw, it is validated, deduplicated by (channel, external_ref), routed by
// routing.yaml, made a case (or merged into the same news story), checked against the
// registered-only rules, and its notices are planned, all in one transaction, with the
// outcome recorded on the raw row. Blocking (database): call from worker threads.
class IntakeService {
 public:
  // `routing`: routing.yaml, loaded and checked against the deployed workflows.
  IntakeService(store::Database& db, CaseService& cases, const Clock& clock, Routing routing,
                IntakeOptions options = {})
      : db_(db),
        cases_(cases),
        clock_(clock),
        options_(options),
        sealer_(options.outbox_sealer ? options.outbox_sealer : &own_sealer_),
        forms_by_address_(db, clock, "form_address", options.form_per_address_hour, std::chrono::hours(1)),
        routing_(std::make_shared<const Routing>(std::move(routing))) {}

  CaseService& cases() { return cases_; }
  // Every polled feed's last fetch, last error and items taken (admins only).
  std::vector<store::FeedStatus> FeedStatuses(const Actor& actor);
  // Seals the secrets of the mails this service writes (access codes, confirmation
  // links); the dispatcher opens them with the same Sealer. REQUIRES: outlives the
  // service; set before use. Default: a key of this process only.
  const Sealer& outbox_sealer() const { return *sealer_; }
  std::shared_ptr<const Routing> routing() const { return routing_; }

  // Takes one input in: a case from it, the existing case for its (channel,
  // external_ref) (status duplicate), or, when the connector or the pipeline refuses
  // it, its raw bytes stored as rejected with `refused` set. Inputs are never lost:
  // only what is no fault of the input throws, and then nothing is stored:
  // kForbidden (staff naming another office; directors and admins may), a webhook
  // replay with no case (kConflict), the form's limits (TooManyRequests), an unknown or
  // expired confirmation (kNotFound, kConflict), kUnavailable and kInternal. A store
  // error no input explains (an unexpected unique violation) is stored as rejected and
  // rethrown, so the caller answers without the database's words.
  // A followed confirmation answers with the same case every time.
  IntakeResult Take(const Received& in, const ChannelPolicy& policy = {});
  // The raw submission held for the confirmation `token` and its content type, for its
  // connector to read again; kNotFound for an unknown token.
  struct HeldInput {
    std::string raw;
    std::string content_type;
  };
  HeldInput Held(const std::string& token);

  // Recent cases (the duplicate window) of a petitioner, by phone or e-mail, in
  // `office`: the hotline form shows them while the number is typed. The caller's own
  // office unless they see every office (kForbidden otherwise); confidential cases are
  // never listed; an unusable phone or address lists nothing.
  std::vector<store::PetitionerCase> Repeats(const Actor& actor, const std::string& phone, const std::string& email,
                                             const std::string& office);

  // intake_raw rows; supervisors, directors and admins only, scoped to the caller's
  // office (runtime/policy.hpp).
  // Inputs of confidential cases: source and external_ref read 保密 unless the caller
  // sees identities, whose reads are then logged under `route`.
  std::vector<store::IntakeRow> List(const Actor& actor, store::IntakeFilter filter, const std::string& route = "api");

 private:
  // The input as the pipeline takes it: staff's own office when they name none, an
  // over-long external reference as its digest. A copy only when something changes.
  const Intake& Normalise(const Intake& in, const Actor& actor, std::optional<Intake>& changed) const;
  // A replay of a signed request: the answer it already had, or nullopt.
  std::optional<IntakeResult> Replayed(const Intake& in, const ChannelPolicy::Signature& s);
  void RememberSignature(const ChannelPolicy::Signature& s);
  // The form's limits (TooManyRequests), checked before anything is stored.
  void CheckFormLimits(const Intake& in, const ChannelPolicy::ConfirmFirst& f);
  IntakeResult Hold(const Intake& in, const ChannelPolicy::ConfirmFirst& f);
  // Stores the raw input as rejected (on its held row, if it has one).
  IntakeResult Refuse(const Intake& in, Error why, std::optional<std::int64_t> intake_id);
  // The pipeline in one transaction, retried once when another node made the case for
  // the same reference concurrently.
  IntakeResult Pipeline(const Intake& in, const ChannelPolicy& policy);
  // The pipeline's steps, inside the caller's transaction. `intake_id` is the raw row
  // already stored (a confirmed web form); otherwise the raw input is stored here, once,
  // with its outcome.
  IntakeResult SubmitIn(store::Tx& tx, const Actor& actor, const Intake& in, std::optional<std::int64_t> intake_id);
  std::optional<IntakeResult> AsDuplicate(store::Tx& tx, const Intake& in, std::optional<std::int64_t> intake_id);
  std::optional<IntakeResult> AsSameStory(store::Tx& tx, const Intake& in, const std::string& office,
                                          std::optional<std::int64_t> intake_id);
  CreateCaseInput Route(const Intake& in) const;
  void RegisterOnly(store::Tx& tx, store::CaseRecord& rec, const std::string& why, IntakeResult& r);
  void SendAcceptance(store::Tx& tx, const Intake& in, const store::CaseRecord& rec, const IntakeResult& r);
  std::int64_t RecordOutcome(store::Tx& tx, const Intake& in, std::optional<std::int64_t> intake_id,
                             const IntakeResult& r, std::optional<std::int64_t> case_id);
  // Earlier cases of the same petitioner in `office`: a case's duplicates are its own
  // office's business, and an answer naming other offices' cases would let anyone
  // signed in probe whether a phone number has petitioned anywhere.
  std::vector<store::PetitionerCase> PossibleDuplicates(store::Tx& tx, const Intake& in, const std::string& office);

  store::Database& db_;
  CaseService& cases_;
  const Clock& clock_;
  IntakeOptions options_;
  Sealer own_sealer_;
  const Sealer* sealer_;
  RateLimit forms_by_address_;
  const std::shared_ptr<const Routing> routing_;
};

}  // namespace petitiond::runtime
