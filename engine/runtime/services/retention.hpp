#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/machine.hpp"
#include "engine/retention.hpp"
#include "engine/store/attachment_store.hpp"
#include "engine/store/case_store.hpp"
#include "engine/time.hpp"

namespace petitiond::store {
class Database;
}
namespace petitiond::runtime {

// What a retention run did, or would do (dry run).
struct RetentionReport {
  struct ByRule {
    std::string rule;  // RetentionPolicy::Applied::name
    int cases = 0;
  };
  std::vector<ByRule> by_rule;
  int anonymized = 0;        // cases made anonymous (due ones in a dry run)
  long long inputs = 0;      // unlinked raw inputs cleared (or due)
  bool dry_run = false;
};

// A data-subject access request's answer: every case of the petitioner with its trail
// and the names of its files.
struct PetitionerExport {
  struct Case {
    store::CaseRecord record;
    std::vector<store::EventRow> events;
    std::vector<store::AttachmentRow> files;  // without their bytes
  };
  std::vector<Case> cases;
  Timestamp at{};
};

// Personal data kept only as long as the retention schedule says (個人資料保護法;
// docs/retention.md). Each finished case whose period (RetentionPolicy) has passed
// since it closed is made anonymous in its own transaction (store::AnonymizeCase:
// the petitioner and every free text go, the figures stay, an `anonymized` event
// says what went and by which rule), and raw inputs that never became a case lose
// their bytes. Runs daily in serve (claimed per day in daily_runs, so one node runs
// it) and on demand (`petitiond retention [--dry-run]`). Blocking (database).
class RetentionService {
 public:
  // REQUIRES: db and clock outlive the service.
  RetentionService(store::Database& db, const Clock& clock, RetentionPolicy policy, std::string node)
      : db_(db), clock_(clock), policy_(std::move(policy)), node_(std::move(node)) {}

  // kForbidden unless the actor is an admin.
  RetentionReport Run(const Actor& actor, bool dry_run);
  // Today's run at 02:00 Taipei if no node has run it yet; returns when it is next due.
  Timestamp RunDue();
  // Every case of the petitioner with this phone (any way of writing it) or e-mail
  // address, for their access request (個資法 §10). kForbidden unless the actor is an
  // admin or the privacy officer; kInvalid without either key. Each exported case is
  // logged in the access log as an `export`, in the same transaction as the read.
  PetitionerExport Export(const Actor& actor, const std::optional<std::string>& phone,
                          const std::optional<std::string>& email, const std::string& route);

  const RetentionPolicy& policy() const { return policy_; }

 private:
  RetentionReport Sweep(const std::string& actor, bool dry_run);

  store::Database& db_;
  const Clock& clock_;
  RetentionPolicy policy_;
  std::string node_;
};

}  // namespace petitiond::runtime
