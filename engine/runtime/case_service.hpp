#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/calendar.hpp"
#include "engine/machine.hpp"
#include "engine/store/case_store.hpp"
#include "engine/store/timer_store.hpp"
#include "engine/time.hpp"
#include "engine/runtime/workflow_registry.hpp"

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
  std::string petitioner_json = "{}";
  std::optional<Timestamp> received_at;  // default: now
  std::optional<std::string> external_ref;
};

// A case as a caller may see it now.
struct CaseView {
  store::CaseRecord record;
  std::vector<std::string> allowed_events;  // for the caller, in the current state
  Timestamp now{};
};

struct CreatedCase {
  CaseView view;
  std::string access_code;  // shown once; only its hash is stored
};

// Application layer over the pure machine: load, decide, persist in one transaction.
// Blocking (database): call from worker threads.
//
// Visibility: directors and admins see every office; everyone else sees the cases of
// their own office. A case outside the caller's view is reported as not found.
class CaseService {
 public:
  // REQUIRES: all arguments outlive the service.
  CaseService(store::Database& db, WorkflowRegistry& workflows, const BusinessCalendar& calendar,
              const Clock& clock)
      : db_(db), workflows_(workflows), machine_(calendar), clock_(clock) {}

  // kInvalid for a bad channel or missing subject/body/office; kUnprocessable if no
  // workflow serves the channel; kConflict if (channel, external_ref) already exists.
  CreatedCase Create(const Actor& actor, const CreateCaseInput& input);

  CaseView Get(const Actor& actor, std::int64_t id);

  // Applies an event if the case is still at `expected_version` (kPreconditionFailed
  // otherwise); the machine's rejections pass through (kConflict, kForbidden,
  // kUnprocessable).
  CaseView Apply(const Actor& actor, std::int64_t id, std::int64_t expected_version, const Command& command);

  std::vector<store::EventRow> Events(const Actor& actor, std::int64_t id);

  std::vector<CaseView> List(const Actor& actor, store::CaseFilter filter);

  // Fires one claimed timer in its own transaction: case row lock, timer marked fired
  // (only if `node` still holds it), escalation applied. Returns true if this call
  // fired it; false if another node did or its lease moved on.
  bool FireTimer(const store::ClaimedTimer& timer, const std::string& node);

  const Machine& machine() const { return machine_; }

 private:
  bool CanSee(const Actor& actor, const store::CaseRecord& c) const;
  CaseView View(const Actor& actor, store::CaseRecord record);
  std::shared_ptr<const Workflow> WorkflowOf(const store::CaseRecord& c);

  store::Database& db_;
  WorkflowRegistry& workflows_;
  Machine machine_;
  const Clock& clock_;
};

}  // namespace petitiond::runtime
