#pragma once

#include "engine/store/database.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/intake.hpp"
#include "engine/status.hpp"
#include "engine/machine.hpp"
#include "engine/time.hpp"

namespace petitiond::store {

// What a case is about, as given at intake.
struct CaseFields {
  std::string channel;
  std::string workflow_name;
  int workflow_version = 0;
  std::string office;
  std::optional<std::string> category;
  std::string subject;
  std::string body;
  Petitioner petitioner;  // cases.petitioner: jsonb {name, phone, email, address}
  std::optional<std::string> external_ref;
  Timestamp received_at{};
  bool confidential = false;  // the petitioner's identity is shown only to director and privacy officer
  Origin origin = Origin::kStaff;  // the door it came in by (cases.origin)
};

// The raw input that made a case, stored with its outcome in the case's own statement.
// cases.petitioner as stored: an object of the non-empty parts.
std::string PetitionerToJson(const Petitioner& p);
// The stored object back; what is not such an object reads as no petitioner.
Petitioner PetitionerFromJson(const std::string& json);

struct IntakeLink {
  const Intake* input = nullptr;  // REQUIRES: outlives the InsertCase call
  IntakeStatus status = IntakeStatus::kAccepted;  // accepted, registered_only
  std::optional<std::string> reason;
};

struct NewCase : CaseFields {
  std::string access_code_hash;
  std::optional<IntakeLink> intake;
  // NOTIFY the schedulers only if a timer of the case falls due before this instant
  // (their next regular wake-up); the default always notifies.
  Timestamp wake_schedulers_before = Timestamp::max();
};

// A case row with its clocks. `state` carries what the machine reads and writes.
struct CaseRecord : CaseFields {
  std::int64_t id = 0;
  std::string public_no;
  std::int64_t row_version = 0;
  std::optional<std::int64_t> merged_into;  // set by a merge (併案): the surviving case
  Timestamp created_at{};
  Timestamp updated_at{};
  // The earliest due date of a running, unpaused clock (cases.next_due_at); none when no
  // clock runs. Kept by the store on every write; the key of sort=due lists.
  std::optional<Timestamp> next_due_at;
  CaseState state;
  // In a search list (CaseFilter::search): how many of the terms its subject holds.
  int search_rank = 0;
};

// When the Outcome finishes the case (cases.finished_at): the time of its event that
// enters a final state; none if it does not finish it.
std::optional<Timestamp> FinishedAt(const Outcome& out);

// cases.draft as stored (a JSON object), and back; what does not parse is no draft.
std::string DraftToJson(const Draft& d);
std::optional<Draft> DraftFromJson(const std::string& json);

// What cases.next_due_at holds for `s`.
std::optional<Timestamp> NextDue(const CaseState& s);

struct EventRow {
  int seq = 0;
  std::string event;
  std::optional<std::string> from;
  std::string to;
  std::string actor;
  Timestamp at{};
  std::string data_json;
  std::optional<std::string> comment;
};

struct CaseFilter {
  std::optional<std::string> state;
  std::optional<std::string> channel;
  std::optional<std::string> office;
  std::optional<std::string> assignee;
  std::optional<bool> overdue;
  std::optional<bool> confidential;
  std::optional<bool> draft;  // true: a step waits for sign-off (cases.draft)
  enum class Order {
    kNewest,     // id descending
    kDue,        // earliest next_due_at (overdue cases have the earliest), then id
    kRelevance,  // a search's: most terms in the subject first, then newest, among
                 // the newest kRelevanceWindow matches (sort=newest pages through all)
  };
  static constexpr int kRelevanceWindow = 200;
  Order order = Order::kNewest;
  bool summary = false;                   // body left out (queue pages)
  std::optional<std::int64_t> before_id;  // kNewest cursor: ids below this one
  struct After {                          // kDue cursor: the last row shown
    std::optional<Timestamp> due_at;
    std::int64_t id = 0;
  };
  std::optional<After> after;
  struct AfterRank {  // kRelevance cursor: the last row shown
    int rank = 0;
    std::int64_t id = 0;
  };
  std::optional<AfterRank> after_rank;
  // Free text (migrations/0018): every term must occur in the case's subject, body,
  // replies, public number or petitioner (name, phone, e-mail, address), compared in
  // the normal form of petitiond_search_norm. Terms are as typed, phone numbers in
  // their normal form (NormalPhone).
  struct Search {
    std::vector<std::string> terms;
    // A confidential petitioner's identity is searched too (those who may see it);
    // otherwise such a case cannot be found by its petitioner at all.
    bool identities = false;
  };
  std::optional<Search> search;
  int limit = 50;
};

// Every function runs on the caller's session and inside the caller's transaction:
// the caller decides what is atomic (DESIGN.md: one transaction per state change).

// Inserts the case, the Outcome's events, clocks and timers. Returns the stored record
// (id, public_no and row_version 1 filled in).
// One statement. `intake_id`, when given, receives the id of the stored raw input.
CaseRecord InsertCase(Tx& tx, const NewCase& c, const Outcome& out,
                      std::optional<std::int64_t>* intake_id = nullptr);

// Loads a case and its clocks; `lock` takes the row lock (SELECT ... FOR UPDATE).
std::optional<CaseRecord> LoadCase(Tx& tx, std::int64_t id, bool lock);

// Persists an Outcome for case `id` if its row_version is still `expected_version`,
// then bumps it. Throws DomainError(kPreconditionFailed) if another change came first.
// Timers due before `wake_schedulers_before` NOTIFY the schedulers (see NewCase).
void SaveOutcome(Tx& tx, std::int64_t id, std::int64_t expected_version, const Outcome& out,
                 Timestamp wake_schedulers_before = Timestamp::max());

// The same for many cases at once, set-based (one statement per table). Throws
// kPreconditionFailed if any case moved on; the caller's transaction then rolls back.
struct OutcomeToSave {
  std::int64_t case_id = 0;
  std::int64_t expected_version = 0;
  const Outcome* outcome = nullptr;
};
void SaveOutcomes(Tx& tx, const std::vector<OutcomeToSave>& batch,
                  Timestamp wake_schedulers_before = Timestamp::max());

// Loads cases and their clocks, ordered by id. kWait takes their row locks in that
// order; kSkipLocked leaves out the cases another transaction holds right now.
enum class RowLock { kNone, kWait, kSkipLocked };
std::vector<CaseRecord> LoadCases(Tx& tx, const std::vector<std::int64_t>& ids, RowLock lock);

std::vector<EventRow> LoadEvents(Tx& tx, std::int64_t id);

// Moving running cases to another version of their workflow (petitiond workflow migrate).
// The ids of the unfinished cases of workflow `name` version `version` above
// `after_id`, ascending, at most `limit`.
std::vector<std::int64_t> RunningCasesOf(Tx& tx, const std::string& name, int version, std::int64_t after_id,
                                         int limit);
// How many cases of (name, version) have finished: they stay on that version.
long long FinishedCasesOf(Tx& tx, const std::string& name, int version);
// The clocks of each case's pending timers.
std::map<std::int64_t, std::vector<std::string>> PendingTimerClocks(Tx& tx, const std::vector<std::int64_t>& ids);
// Pins the cases to `version` of their workflow (their Outcomes are saved by the caller).
void SetWorkflowVersion(Tx& tx, const std::vector<std::int64_t>& ids, int version);

// A case's office and row_version without the rest (what a page that polls needs).
struct CaseStamp {
  std::string office;
  std::int64_t row_version = 0;
};
std::optional<CaseStamp> LoadCaseStamp(Tx& tx, std::int64_t id);

// The id and access-code hash of the case numbered `public_no` (the public status page).
std::optional<std::pair<std::int64_t, std::string>> CaseByPublicNo(Tx& tx, const std::string& public_no);

// The confidential cases among `ids`.
std::set<std::int64_t> ConfidentialAmong(Tx& tx, const std::vector<std::int64_t>& ids);

// Marks the case confidential or not (the caller appends the audit event).
void SetConfidential(Tx& tx, std::int64_t id, bool confidential);

// The access log of confidential cases (migration 0010; append-only).
struct AccessLogEntry {
  std::int64_t id = 0;
  std::int64_t case_id = 0;
  std::string public_no;
  std::string login;
  std::string route;
  std::string action;  // read, reveal
  std::optional<std::string> reason;
  Timestamp at{};
};
void InsertAccessLog(Tx& tx, const std::vector<std::int64_t>& case_ids, const std::string& login,
                     const std::string& route, const std::string& action, const std::optional<std::string>& reason,
                     Timestamp at);
struct AccessLogFilter {
  std::optional<std::int64_t> case_id;
  std::optional<std::string> login;
  std::optional<std::string> office;  // the cases' office; nullopt: every office
  std::optional<std::int64_t> before_id;
  int limit = 50;
};
std::vector<AccessLogEntry> ListAccessLog(Tx& tx, const AccessLogFilter& filter);

// In filter.order; at most filter.limit rows (clocks included).
std::vector<CaseRecord> ListCases(Tx& tx, const CaseFilter& filter);


}  // namespace petitiond::store
