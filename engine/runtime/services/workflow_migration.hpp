#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/machine.hpp"
#include "engine/time.hpp"

namespace petitiond::store {
class Database;
}
namespace petitiond::runtime {

class CalendarHolder;
class WorkflowRegistry;

// Which running cases to move, and how (petitiond workflow migrate, the admin's
// POST /api/v1/workflows/{name}/migrations).
struct MigrationRequest {
  std::string workflow;
  int from = 0;
  int to = 0;
  std::map<std::string, std::string> state_map;  // old state -> new; unmapped states keep their name
  bool dry_run = true;
  int batch = 100;  // cases per transaction
};

struct MigrationReport {
  // Per (old state, new state): how many cases move (dry run) or moved.
  struct Move {
    std::string from_state;
    std::string to_state;
    int cases = 0;
  };
  // A case that would break, and why (one sentence per reason).
  struct Refusal {
    std::int64_t case_id = 0;
    std::string public_no;
    std::string state;
    std::vector<std::string> reasons;
  };
  std::vector<Move> moves;
  std::vector<Refusal> refused;
  int moved = 0;          // cases moved (0 in a dry run)
  int batches = 0;        // transactions committed
  long long finished = 0;  // finished cases of the old version: they stay where they are
};

// Moves the running cases of one workflow version to a later one, in batches of one
// transaction each: each case is locked, checked (Machine::Migrate), moved with its
// clocks, timers and escalations recomputed, and audited (`workflow_migrated`), or
// left where it is and reported when it would break. A crash loses at most the batch
// in flight, which rolls back whole; running it again moves what is left. Finished
// cases stay on their version. kForbidden unless the actor is an admin; kInvalid for
// an unknown version or one that is not later. Blocking (database).
class WorkflowMigrationService {
 public:
  // REQUIRES: all arguments outlive the service.
  WorkflowMigrationService(store::Database& db, WorkflowRegistry& workflows, CalendarHolder& calendar,
                           const Clock& clock)
      : db_(db), workflows_(workflows), calendar_(calendar), clock_(clock) {}

  MigrationReport Migrate(const Actor& actor, const MigrationRequest& request);

 private:
  store::Database& db_;
  WorkflowRegistry& workflows_;
  CalendarHolder& calendar_;
  const Clock& clock_;
};

}  // namespace petitiond::runtime
