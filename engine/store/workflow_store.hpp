#pragma once

#include "engine/store/database.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include "engine/workflow.hpp"

namespace petitiond::store {

struct WorkflowRow {
  std::string name;
  int version = 0;
  std::string yaml;
  std::string checksum;
};

std::vector<WorkflowRow> LoadWorkflowRows(Tx& tx);
// Inserts the version, or does nothing if the same (name, version, checksum) exists.
// Throws DomainError(kConflict) if that version exists with different content:
// a deployed workflow is immutable.
void DeployWorkflowRow(Tx& tx, const WorkflowRow& row);

// Records what `wf`'s final states and events mean (workflow_meanings), and gives the
// cases already finished in a state whose outcome is new or changed that outcome.
// Returns how many cases were given one. REQUIRES: the version is deployed.
std::int64_t RecordWorkflowMeanings(Tx& tx, const Workflow& wf);

}  // namespace petitiond::store
