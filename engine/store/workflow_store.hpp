#pragma once

#include "engine/store/database.hpp"

#include <string>
#include <vector>

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

}  // namespace petitiond::store
