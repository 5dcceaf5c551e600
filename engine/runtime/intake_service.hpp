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
#include "engine/runtime/case_service.hpp"
#include "engine/runtime/sealer.hpp"
#include "engine/runtime/rate_limit.hpp"
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

// What became of one input.
struct IntakeResult {
  std::int64_t intake_id = 0;
  IntakeStatus status = IntakeStatus::kAccepted;
  std::optional<std::string> reason;
  std::optional<store::CaseRecord> record;  // the case made, or the existing one
  std::string access_code;                  // only for a new case
  std::vector<store::PetitionerCase> possible_duplicates;
};

// The intake pipeline (DESIGN.md "Data flow"): every input is stored raw in intake_raw,
// deduplicated by (channel, external_ref), checked against the registered-only rules,
// routed by routing.yaml and turned into a case, all in one transaction, with its
// outcome recorded on the raw row. Blocking (database): call from worker threads.
class IntakeService {
 public:
  IntakeService(store::Database& db, CaseService& cases, const Clock& clock, IntakeOptions options = {})
      : db_(db),
        cases_(cases),
        clock_(clock),
        options_(options),
        sealer_(options.outbox_sealer ? options.outbox_sealer : &own_sealer_),
        forms_by_address_(clock, options.form_per_address_hour, std::chrono::hours(1)),
        routing_(std::make_shared<Routing>()) {}

  void SetRouting(Routing routing);
  CaseService& cases() { return cases_; }
  // Seals the secrets of the mails this service writes (access codes, confirmation
  // links); the dispatcher opens them with the same Sealer. REQUIRES: outlives the
  // service; set before use. Default: a key of this process only.
  const Sealer& outbox_sealer() const { return *sealer_; }
  std::shared_ptr<const Routing> routing() const;

  // A case from `in`, or the existing case for its (channel, external_ref). `actor` is
  // the staff member for staff intake, Actor::System() for connectors. Staff create
  // cases of their own office only (kForbidden otherwise; an office left out is
  // theirs), directors and admins of any. Domain errors (bad office, no workflow) are
  // stored as rejected and rethrown.
  IntakeResult Submit(const Actor& actor, const Intake& in);
  // A signed webhook's input: Submit, once per signature. The same signature again
  // within `window` (the signature's own validity) is a replay: it stores nothing and
  // answers with the case its reference already made (status duplicate), or
  // kConflict if there is none.
  IntakeResult SubmitSigned(const Intake& in, const std::string& signature, std::chrono::seconds window);
  // Keeps an input the connector could not read: stored raw as rejected with `reason`.
  std::int64_t Reject(const Intake& in, const std::string& reason);

  // The public mailbox form: stores the submission as pending and returns a token for
  // the confirmation link, valid until `expires`. Confirm turns it into a case once.
  // A confirmation mail with `confirm_url` + token goes to the sender through the outbox.
  // TooManyRequests past IntakeOptions' form limits (`client`: the sender's address);
  // a refused submission stores nothing and mails nobody.
  std::pair<std::int64_t, std::string> SubmitPending(const Intake& in, Timestamp expires,
                                                     const std::string& confirm_url, const std::string& client = "");
  // The case for a confirmed submission (once; a second click returns the same case).
  // `reparse` turns the stored raw submission back into its Intake. kNotFound for an
  // unknown token, kConflict once it has expired.
  IntakeResult Confirm(const std::string& token, const std::function<Intake(const std::string& raw)>& reparse);

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
  mutable std::mutex mu_;
  std::shared_ptr<const Routing> routing_;
};

// JSON of a petitioner as cases.petitioner stores it.
std::string PetitionerJson(const Petitioner& p);

}  // namespace petitiond::runtime
