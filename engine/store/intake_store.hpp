#pragma once

#include "engine/store/database.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/intake.hpp"
#include "engine/status.hpp"
#include "engine/time.hpp"

namespace petitiond::store {

// One row of intake_raw, without the raw bytes (raw_size tells how many).
struct IntakeRow {
  std::int64_t id = 0;
  std::string channel;
  std::string source;
  std::optional<std::string> external_ref;
  std::string content_type;
  std::int64_t raw_size = 0;
  IntakeStatus status = IntakeStatus::kPending;
  std::optional<std::string> reason;
  std::optional<std::int64_t> case_id;
  std::optional<std::string> public_no;
  Timestamp received_at{};
  std::optional<std::string> warnings;  // defects the connector read past
};

struct IntakeFilter {
  std::vector<IntakeStatus> statuses;  // empty: all
  std::optional<std::string> channel;
  // Only inputs that became (or joined) a case of this office; inputs with no case
  // (rejected, waiting for confirmation) have no office and are left out.
  std::optional<std::string> office;
  std::optional<std::int64_t> before_id;
  int limit = 50;
};

// A case of the same petitioner, for duplicate detection.
struct PetitionerCase {
  std::int64_t id = 0;
  std::string public_no;
  std::string subject;
  std::string state;
  Timestamp received_at{};
};

// Every function runs in the caller's transaction.
// Whether an input of `channel` with this reference was stored as rejected already.
bool RejectedBefore(Tx& tx, const std::string& channel, const std::string& external_ref);

std::int64_t InsertIntake(Tx& tx, const Intake& in, IntakeStatus status,
                          const std::optional<std::string>& reason, std::optional<std::int64_t> case_id);
void SetIntakeOutcome(Tx& tx, std::int64_t id, IntakeStatus status,
                      const std::optional<std::string>& reason, std::optional<std::int64_t> case_id);
std::vector<IntakeRow> ListIntake(Tx& tx, const IntakeFilter& f);
std::optional<IntakeRow> LoadIntake(Tx& tx, std::int64_t id, bool lock);
std::string LoadIntakeRaw(Tx& tx, std::int64_t id);

// The case already made from (channel, external_ref), if any.
std::optional<std::int64_t> FindCaseByRef(Tx& tx, const std::string& channel,
                                          const std::string& external_ref);
// Cases of `office` since `since` whose petitioner has this phone or e-mail (either
// may be empty). Confidential cases are left out: typing a phone number must not tell
// staff that its owner blew a whistle.
std::vector<PetitionerCase> CasesOfPetitioner(Tx& tx, const std::string& phone, const std::string& email,
                                              const std::string& office, Timestamp since);
// Cases of `channel` and `office` taken in since `since` (created_at: a report may be
// older than the moment it was found), newest first.
std::vector<PetitionerCase> RecentCases(Tx& tx, const std::string& channel, const std::string& office,
                                        Timestamp since);
void SetMergedInto(Tx& tx, std::int64_t id, std::int64_t into);
// Petitioners of the cases merged into `id`.
std::vector<Petitioner> MergedPetitioners(Tx& tx, std::int64_t id);
// The same for a batch of cases, in one query: surviving case id -> petitioners.
std::map<std::int64_t, std::vector<Petitioner>> MergedPetitioners(Tx& tx, const std::vector<std::int64_t>& ids);

// Mailbox form confirmations (token hashes only).
void InsertConfirmation(Tx& tx, const std::string& token_hash, std::int64_t intake_id, Timestamp expires);
struct Confirmation {
  std::int64_t intake_id = 0;
  Timestamp expires_at{};
  bool confirmed = false;
};
std::optional<Confirmation> LockConfirmation(Tx& tx, const std::string& token_hash);
void MarkConfirmed(Tx& tx, const std::string& token_hash, Timestamp at);

// Signed webhooks already taken (replay protection). Seen: true if `signature_hash`
// was recorded after `since`. Remember records it and forgets rows older than `since`.
bool WebhookSeen(Tx& tx, const std::string& signature_hash, Timestamp since);
void RememberWebhook(Tx& tx, const std::string& signature_hash, Timestamp now, Timestamp since);

// Confirmation mails of the mailbox form queued for `email` since `since` (by their
// first attempt time), and the oldest of them (outbox_confirmations, migration 0009).
struct SentConfirmations {
  int count = 0;
  std::optional<Timestamp> oldest;
};
SentConfirmations ConfirmationsTo(Tx& tx, const std::string& email, Timestamp since);

// News feed conditional-GET state.
struct FeedState {
  std::optional<std::string> etag;
  std::optional<std::string> last_modified;
};
FeedState LoadFeedState(Tx& tx, const std::string& url);
void SaveFeedState(Tx& tx, const std::string& url, const FeedState& s, const std::optional<std::string>& error,
                   Timestamp at, int items_taken = 0);
// Keeps a fetched feed document once; returns "sha256:<hex>".
std::string KeepFeedDocument(Tx& tx, const std::string& url, const std::string& body, Timestamp at);
// Every feed's last poll, for the admin's page.
struct FeedStatus {
  std::string url;
  std::optional<Timestamp> polled_at;
  std::optional<Timestamp> last_success_at;
  std::optional<std::string> last_error;
  long long items_taken = 0;
};
std::vector<FeedStatus> ListFeedStatuses(Tx& tx);

}  // namespace petitiond::store
