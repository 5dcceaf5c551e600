#pragma once

#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "engine/routing.hpp"
#include "engine/workflow.hpp"

namespace petitiond::store {
class Database;
}

namespace petitiond::runtime {

// Every deployed workflow version, parsed once. Cases keep the version they started
// with; new cases take the latest version.
//
// Thread safety: lookups are safe from any thread; Reload takes a writer lock.
class WorkflowRegistry {
 public:
  explicit WorkflowRegistry(store::Database& db) : db_(db) {}

  // Validates every *.yaml file in `dir` (all errors of all files at once, thrown as
  // DomainError(kInvalid) with details) and deploys the versions the database lacks,
  // in one transaction. A version already deployed with other content is kConflict.
  // Returns "name vN" for each file.
  std::vector<std::string> DeployDirectory(const std::string& dir);
  // The same for the workflow files `paths` (petitiond workflow deploy): all validated,
  // every error at once (kInvalid: `what`, details FILE:LINE:COL), then deployed in one
  // transaction.
  std::vector<std::string> DeployFiles(const std::vector<std::string>& paths,
                                       const std::string& what = "the workflow files are invalid");

  // Reads every deployed version from the database. A version stored before labels and
  // meanings were declared inherits them from the latest version (InheritVocabulary).
  void Reload();
  // Records every version's declared meanings in the database and gives finished cases
  // their outcome where it was not yet recorded (DeployDirectory does this).
  void RecordMeanings();

  // nullptr if unknown even after a reload (another node may have deployed it).
  std::shared_ptr<const Workflow> Find(const std::string& name, int version);
  std::shared_ptr<const Workflow> Latest(const std::string& name);
  // The latest version of the workflow whose `channels:` lists `channel`.
  std::shared_ptr<const Workflow> DefaultFor(const std::string& channel);
  // Names of every deployed workflow.
  std::vector<std::string> Names();

 private:
  store::Database& db_;
  std::shared_mutex mu_;
  std::map<std::pair<std::string, int>, std::shared_ptr<const Workflow>> by_version_;  // guarded by mu_
};

// Reads and validates workflow files without a database (petitiond validate).
// Returns every error line ("FILE:LINE:COL: sentence"); empty means all valid.
// routing.yaml files among `paths` are checked as routing files.
std::vector<std::string> ValidateWorkflowFiles(const std::vector<std::string>& paths);

// A workflows directory may hold routing.yaml (engine/routing.hpp) beside the workflows.
inline constexpr const char* kRoutingFile = "routing.yaml";
bool IsRoutingFile(const std::string& path);
// DIR/routing.yaml checked against the deployed workflows (kInvalid with FILE:LINE:COL
// details); no file: no rules, every channel goes to its default workflow.
Routing LoadRoutingFile(const std::string& dir, WorkflowRegistry& registry);

}  // namespace petitiond::runtime
