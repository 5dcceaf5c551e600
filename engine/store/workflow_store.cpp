#include "engine/store/workflow_store.hpp"
#include "engine/store/session.hpp"

#include <soci/soci.h>

#include "engine/error.hpp"

namespace petitiond::store {
namespace {

constexpr const char* kAll = "SELECT name, version, yaml, checksum FROM workflows ORDER BY name, version";
constexpr const char* kChecksum = "SELECT checksum FROM workflows WHERE name = :name AND version = :version";
// Several nodes starting at once deploy the same files: the first insert wins, the
// others find its row and compare checksums.
constexpr const char* kInsert =
    "INSERT INTO workflows (name, version, yaml, checksum) VALUES (:name, :version, :yaml, :checksum) "
    "ON CONFLICT (name, version) DO NOTHING";

}  // namespace

std::vector<WorkflowRow> LoadWorkflowRows(Tx& tx) {
  soci::session& sql = Sql(tx);
  std::vector<WorkflowRow> out;
  soci::rowset<soci::row> rows = (sql.prepare << kAll);
  for (const auto& r : rows) {
    out.push_back(WorkflowRow{r.get<std::string>(0), r.get<int>(1), r.get<std::string>(2), r.get<std::string>(3)});
  }
  return out;
}

void DeployWorkflowRow(Tx& tx, const WorkflowRow& row) {
  soci::session& sql = Sql(tx);
  sql << kInsert, soci::use(row.name, "name"), soci::use(row.version, "version"), soci::use(row.yaml, "yaml"),
      soci::use(row.checksum, "checksum");
  std::string existing;
  sql << kChecksum, soci::use(row.name, "name"), soci::use(row.version, "version"), soci::into(existing);
  if (existing != row.checksum) {
    throw DomainError(ErrorKind::kConflict, "workflow " + row.name + " version " + std::to_string(row.version) +
                                                " is already deployed with different content; a deployed version "
                                                "is immutable, so give the change a new version number");
  }
}

}  // namespace petitiond::store
