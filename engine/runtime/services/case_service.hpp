#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/attachment.hpp"
#include "engine/calendar.hpp"
#include "engine/machine.hpp"
#include "engine/store/attachment_store.hpp"
#include "engine/store/calendar_store.hpp"
#include "engine/store/case_store.hpp"
#include "engine/time.hpp"
#include "engine/runtime/security/auth.hpp"
#include "engine/runtime/services/calendar_holder.hpp"
#include "engine/runtime/services/notifications.hpp"
#include "engine/runtime/services/workflow_registry.hpp"

namespace petitiond::store {
class Database;
}
namespace petitiond::runtime {

struct CreateCaseInput {
  std::optional<std::string> workflow;  // default: the workflow whose channels list `channel`
  std::string channel;
  std::string office;
  std::optional<std::string> category;
  std::string subject;
  std::string body;
  Petitioner petitioner;
  std::optional<Timestamp> received_at;  // default: now
  std::optional<std::string> external_ref;
  int priority = 0;  // from routing.yaml
  bool confidential = false;  // asked for, or a whistle-blowing category (routing.yaml)
  Origin origin = Origin::kStaff;
  // More for the `created` event's data, e.g. a mail's Date: header (mail_date).
  std::map<std::string, std::string> created_data = {};
};

// A revealed identity (CaseService::Reveal).
struct RevealedIdentity {
  std::int64_t case_id = 0;
  std::string public_no;
  Petitioner petitioner;
  Timestamp at{};
};

// A case as a caller may see it now.
struct CaseView {
  store::CaseRecord record;
  std::vector<std::string> allowed_events;  // for the caller, in the current state
  // The data keys each allowed event requires (the console's form for it).
  std::map<std::string, std::vector<std::string>> requires_data;
  std::vector<int> workdays_left;           // per clock of record.state.clocks (Machine::WorkdaysLeft)
  Timestamp now{};
};

// Who else has a case page open (CaseService::Touch), and the case's version now.
struct Presence {
  std::vector<std::string> others;  // logins, seen within CaseService::kPresenceFresh
  std::int64_t version = 0;         // a page that holds an older version is stale
};

struct CreatedCase {
  CaseView view;
  std::string access_code;  // shown once; only its hash is stored
};

// What a CaseService is built with beyond its collaborators, all given at construction.
struct CaseServiceOptions {
  // Notices: webhooks, and the survey link of reply notices (public_url, sealer).
  NotifyConfig notify;
  // Access codes: a keyed hash when a key is set (fast), argon2id otherwise.
  AccessCodes codes;
  // What staff uploads and the mailbox form accept (config attachments).
  AttachmentPolicy attachments{};
  // How often the schedulers wake up on their own (Scheduler::Options::max_sleep): a
  // change arming a timer due later than that sends no NOTIFY.
  std::chrono::milliseconds scheduler_wake_interval{5000};
};

// Application layer over the pure machine: load, decide, persist in one transaction.
// Blocking (database): call from worker threads.
//
// Visibility: directors and admins see every office; everyone else sees the cases of
// their own office. A case outside the caller's view is reported as not found.
class CaseService {
 public:
  // REQUIRES: all arguments (and options.notify.sealer) outlive the service.
  CaseService(store::Database& db, WorkflowRegistry& workflows, CalendarHolder& calendar, const Clock& clock,
              CaseServiceOptions options = {})
      : db_(db),
        workflows_(workflows),
        calendar_(calendar),
        clock_(clock),
        notify_(std::move(options.notify)),
        wake_interval_(options.scheduler_wake_interval),
        codes_(std::move(options.codes)),
        attachments_(std::move(options.attachments)) {}

  // kInvalid for a bad channel or missing subject/body/office; kUnprocessable if no
  // workflow serves the channel; kConflict if (channel, external_ref) already exists.
  CreatedCase Create(const Actor& actor, const CreateCaseInput& input);
  // Create's work inside the caller's transaction (the intake pipeline's); the view is
  // left to the caller (View).
  // `intake`, when given, is stored in the case's own statement and its id put in
  // *intake_id.
  std::pair<store::CaseRecord, std::string> CreateIn(store::Tx& tx, const Actor& actor, const CreateCaseInput& input,
                                                     const store::IntakeLink* intake = nullptr,
                                                     std::optional<std::int64_t>* intake_id = nullptr);
  // Applies `command` to `rec` (loaded with its row lock) inside the caller's transaction.
  void ApplyIn(store::Tx& tx, const Actor& actor, store::CaseRecord& rec, const Command& command);
  // Appends an audit event that changes nothing else (a news item attached to its story).
  void RecordIn(store::Tx& tx, store::CaseRecord& rec, AuditEvent event);
  // Whether the case sits in a final state of its workflow.
  bool IsFinal(const store::CaseRecord& rec);
  // The latest version of every deployed workflow (the admin's diagrams).
  std::vector<std::shared_ptr<const Workflow>> LatestWorkflows();
  // The workflow version the case is pinned to; kInternal if it is not deployed.
  std::shared_ptr<const Workflow> WorkflowOf(const store::CaseRecord& c);
  std::shared_ptr<const Workflow> WorkflowOf(const std::string& name, int version, std::int64_t case_id);

  const AccessCodes& access_codes() const { return codes_; }
  CaseView View(const Actor& actor, store::CaseRecord record);

  // Reads record an access-log row, in the same transaction, for every confidential
  // case they return; `route` names the caller's route ("GET /api/v1/cases/{id}").
  CaseView Get(const Actor& actor, std::int64_t id, const std::string& route = "api");

  // Applies an event if the case is still at `expected_version` (kPreconditionFailed
  // otherwise); the machine's rejections pass through (kConflict, kForbidden,
  // kUnprocessable).
  CaseView Apply(const Actor& actor, std::int64_t id, std::int64_t expected_version, const Command& command);

  std::vector<store::EventRow> Events(const Actor& actor, std::int64_t id, const std::string& route = "api");

  // A comment (加註) on the case's trail: a `comment` event that changes nothing else,
  // by anyone who may see the case, in any state. kInvalid for an empty text.
  CaseView Comment(const Actor& actor, std::int64_t id, const std::string& text);

  // Files (engine/runtime/services/case_files.cpp), scoped like the case: kNotFound for
  // a case the caller may not see. A confidential case's list is logged as a read, and
  // each download of one of its files as a `download`, before the bytes are returned.
  std::vector<store::AttachmentRow> Attachments(const Actor& actor, std::int64_t id, const std::string& route);
  store::AttachmentRow Attachment(const Actor& actor, std::int64_t id, std::int64_t attachment_id,
                                  const std::string& route);
  // Staff uploads: checked against the policy by content (kInvalid listing every
  // problem, nothing stored), then stored with an `attachment_added` event each, in
  // one transaction. Returns the case's files after the upload, without bytes.
  std::vector<store::AttachmentRow> AddAttachments(const Actor& actor, std::int64_t id,
                                                   std::vector<petitiond::Attachment> files);
  // An open case page says it is still open (every few seconds): the caller is marked
  // as having the case open now, and gets the others who had it open within
  // kPresenceFresh with the case's version. Leave: the page was closed. kNotFound for a
  // case the caller may not see. Nothing here is audited: it is a hint between staff.
  static constexpr std::chrono::seconds kPresenceFresh{45};
  Presence Touch(const Actor& actor, std::int64_t id);
  void Leave(const Actor& actor, std::int64_t id);

  // kNotFound unless the caller may see case `id` (nothing is logged): what a route
  // checks before it reads a body meant for that case.
  void RequireVisible(const Actor& actor, std::int64_t id);
  const AttachmentPolicy& attachment_policy() const { return attachments_; }

  std::vector<CaseView> List(const Actor& actor, store::CaseFilter filter, const std::string& route = "api");

  // Marks a case confidential (anyone who may see it) or lifts it (director and privacy
  // officer only: kForbidden otherwise), audited with `reason` (required). A no-op
  // when the case already is as asked.
  CaseView SetConfidential(const Actor& actor, std::int64_t id, bool confidential, const std::string& reason);
  // The petitioner's identity of a case, for the director and the privacy officer
  // (kForbidden otherwise) with a reason (kInvalid if empty): an `identity_revealed`
  // event on the case's trail and a `reveal` row in the access log, one transaction.
  RevealedIdentity Reveal(const Actor& actor, std::int64_t id, const std::string& reason, const std::string& route);
  // The access log: director and admin every office; the privacy officer their own.
  // kForbidden for other roles.
  std::vector<store::AccessLogEntry> AccessLog(const Actor& actor, store::AccessLogFilter filter);

  // Fires up to `limit` due timers in one transaction: the timers are locked (SKIP
  // LOCKED, so nodes sharing the database take disjoint batches), their cases locked
  // in id order (skipping cases being changed right now), the escalations applied and
  // written set-based with their notices, and the fired timers deleted. A node that
  // dies mid-batch rolls back and another node fires the same timers: each fires
  // exactly once. If a batch fails, its timers are fired one by one and one that still
  // fails is postponed, so it cannot block the rest. Returns how many fired.
  int FireDueTimers(int limit);

  // Closes `office` on `date` (typhoon day): records the closure, moves the due dates
  // of the office's running clocks that counted that day, audits each move on its
  // case, and tells every node to reload the calendar; all in one transaction.
  // kForbidden unless admin; kConflict if already closed or not a working day there.
  // Returns the number of cases whose deadlines moved.
  int CloseOffice(const Actor& actor, const std::string& office, std::chrono::sys_days date,
                  const std::string& reason);
  // The closures recorded from `from` on (of `office`; every office when empty),
  // latest first. kForbidden unless admin.
  std::vector<store::ClosureRow> Closures(const Actor& actor, const std::string& office, std::chrono::sys_days from);

 private:
  int FireBatch(int limit);
  void NoteIncompleteDeadlines(const store::CaseRecord& rec, const Outcome& out);
  // Saves an Outcome with the outbox messages it causes (same transaction).
  void Persist(store::Tx& tx, const Workflow& wf, store::CaseRecord& rec, const Outcome& out,
               bool inserted_already);
  bool CanSee(const Actor& actor, const store::CaseRecord& c) const;
  // Logs `read` rows for the confidential cases among `records`.
  void LogReads(store::Tx& tx, const Actor& actor, const std::vector<const store::CaseRecord*>& records,
                const std::string& route);
  // The built-in "merge" (併案): `rec` ends in the workflow's merge transition and
  // points at data["into"], whose audit trail records it; one transaction.
  // kUnprocessable unless `login` is an active user of the case's office with the
  // handler role.
  static void MeasureReplies(store::Tx& tx, const Workflow& wf, const BusinessCalendar& calendar,
                             const store::CaseRecord& rec, Outcome& out);
  static void CheckAssignee(store::Tx& tx, const store::CaseRecord& rec, const std::string& login);
  // kUnprocessable unless data's `attachments` (if any) lists files of the case.
  static void CheckAttachmentIds(store::Tx& tx, const store::CaseRecord& rec,
                                 const std::map<std::string, std::string>& data);
  void Merge(store::Tx& tx, const Actor& actor, store::CaseRecord& rec, Command command);
  Timestamp WakeBefore() const { return clock_.Now() + std::chrono::duration_cast<std::chrono::seconds>(wake_interval_); }

  store::Database& db_;
  WorkflowRegistry& workflows_;
  CalendarHolder& calendar_;
  const Clock& clock_;
  NotifyConfig notify_;
  std::chrono::milliseconds wake_interval_;
  AccessCodes codes_;
  AttachmentPolicy attachments_;
};

}  // namespace petitiond::runtime
