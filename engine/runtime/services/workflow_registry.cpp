#include "engine/digest.hpp"
#include "engine/runtime/services/workflow_registry.hpp"


#include <algorithm>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>

#include <spdlog/spdlog.h>

#include "engine/runtime/services/files.hpp"
#include "engine/store/database.hpp"
#include "engine/store/migrator.hpp"
#include "engine/store/workflow_store.hpp"

namespace petitiond::runtime {
std::vector<std::string> ValidateWorkflowFiles(const std::vector<std::string>& paths) {
  std::vector<std::string> errors;
  for (const auto& path : paths) {
    std::string text;
    try {
      text = ReadFileText(path);
    } catch (const DomainError&) {
      errors.push_back(path + ":1:1: cannot be read");
      continue;
    }
    if (IsRoutingFile(path)) {
      auto routing = LoadRouting(text, path);
      if (!routing) errors.insert(errors.end(), routing.error().details.begin(), routing.error().details.end());
      continue;
    }
    auto wf = LoadWorkflow(text, path);
    if (!wf) errors.insert(errors.end(), wf.error().details.begin(), wf.error().details.end());
  }
  return errors;
}

bool IsRoutingFile(const std::string& path) { return std::filesystem::path(path).filename() == kRoutingFile; }

Routing LoadRoutingFile(const std::string& dir, WorkflowRegistry& registry) {
  const auto path = (std::filesystem::path(dir) / kRoutingFile).string();
  if (!std::filesystem::exists(path)) return Routing{};
  std::set<std::string> names;
  for (const auto& name : registry.Names()) names.insert(name);
  return LoadRouting(ReadFileText(path), path, names).ValueOrThrow();
}

std::vector<std::string> WorkflowRegistry::DeployDirectory(const std::string& dir) {
  std::vector<std::string> paths;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml" && !IsRoutingFile(entry.path().string())) {
      paths.push_back(entry.path().string());
    }
  }
  if (ec) throw DomainError(ErrorKind::kInvalid, "workflows directory " + dir + ": " + ec.message());
  std::sort(paths.begin(), paths.end());
  if (paths.empty()) throw DomainError(ErrorKind::kInvalid, "workflows directory " + dir + " has no *.yaml files");
  return DeployFiles(paths, "workflows in " + dir + " are invalid");
}

std::vector<std::string> WorkflowRegistry::DeployFiles(const std::vector<std::string>& paths,
                                                        const std::string& what) {
  Reload();  // what is deployed now, for the channel check below
  Error invalid{ErrorKind::kInvalid, what, {}};
  std::vector<std::pair<Workflow, store::WorkflowRow>> loaded;
  std::map<std::string, std::string> channel_owner;
  for (const auto& path : paths) {
    std::string text;
    try {
      text = ReadFileText(path);
    } catch (const DomainError&) {
      invalid.details.push_back(path + ":1:1: cannot be read");
      continue;
    }
    auto wf = LoadWorkflow(text, path);
    if (!wf) {
      invalid.details.insert(invalid.details.end(), wf.error().details.begin(), wf.error().details.end());
      continue;
    }
    for (const auto& ch : wf->channels) {
      auto [it, inserted] = channel_owner.emplace(ch, wf->name);
      if (!inserted && it->second != wf->name) {
        invalid.details.push_back(path + ":1:1: channel '" + ch + "' is already the default of workflow '" +
                                  it->second + "'; a channel has one default workflow");
      }
    }
    loaded.emplace_back(wf.value(), store::WorkflowRow{wf->name, wf->version, text, Sha256Hex(text)});
  }
  // A channel the files give a workflow must not be another deployed workflow's default
  // (that one's latest version, unless these files change it too).
  for (const auto& name : Names()) {
    if (std::any_of(loaded.begin(), loaded.end(), [&](const auto& l) { return l.first.name == name; })) continue;
    const auto latest = Latest(name);
    for (const auto& ch : latest ? latest->channels : std::vector<std::string>{}) {
      if (auto it = channel_owner.find(ch); it != channel_owner.end()) {
        invalid.details.push_back(it->second + ": channel '" + ch + "' is already the default of deployed workflow '" +
                                  name + "'; a channel has one default workflow");
      }
    }
  }
  if (!invalid.details.empty()) throw DomainError(invalid);

  std::vector<std::string> deployed;
  db_.Transact([&](store::Tx& tx) {
    for (const auto& [wf, row] : loaded) {
      store::DeployWorkflowRow(tx, row);
      deployed.push_back(wf.name + " v" + std::to_string(wf.version));
    }
  });
  Reload();
  RecordMeanings();
  return deployed;
}

void WorkflowRegistry::RecordMeanings() {
  std::vector<std::shared_ptr<const Workflow>> all;
  {
    std::shared_lock lock(mu_);
    for (const auto& [key, wf] : by_version_) all.push_back(wf);
  }
  std::int64_t given = 0;
  db_.Transact([&](store::Tx& tx) {
    for (const auto& wf : all) given += store::RecordWorkflowMeanings(tx, *wf);
  });
  if (given > 0) spdlog::info("{} finished cases were given the outcome their workflow declares", given);
}

void WorkflowRegistry::Reload() {
  std::vector<store::WorkflowRow> rows;
  db_.Run([&](store::Tx& tx) { rows = store::LoadWorkflowRows(tx); });
  std::map<std::pair<std::string, int>, Workflow> loaded;
  for (const auto& row : rows) {
    auto wf = LoadWorkflow(row.yaml, row.name + " v" + std::to_string(row.version), WorkflowRules::kStored);
    if (!wf) {
      // Rows are validated before they are stored; one that fails now means the
      // validator changed. Refuse to guess how its running cases should move.
      throw DomainError(ErrorKind::kInternal, "deployed workflow " + row.name + " v" + std::to_string(row.version) +
                                                  " no longer validates: " + wf.error().details.front());
    }
    loaded[{row.name, row.version}] = std::move(wf.value());
  }
  std::map<std::string, const Workflow*> latest;
  for (const auto& [key, wf] : loaded) latest[key.first] = &wf;  // map order: versions ascending
  std::map<std::pair<std::string, int>, std::shared_ptr<const Workflow>> parsed;
  for (auto it = loaded.begin(); it != loaded.end(); ++it) {
    const Workflow* newest = latest.at(it->first.first);
    if (newest != &it->second) InheritVocabulary(it->second, *newest);
    for (auto& s : it->second.states) {
      if (!s.final || s.outcome) continue;
      // Stored before outcomes were declared, and no newer version names this state.
      spdlog::warn("workflow {} v{}: final state '{}' declares no outcome; counted as answered", it->first.first,
                   it->first.second, s.name);
      s.outcome = CaseOutcome::kAnswered;
    }
    parsed[it->first] = std::make_shared<const Workflow>(it->second);
  }
  std::unique_lock lock(mu_);
  by_version_ = std::move(parsed);
}

std::shared_ptr<const Workflow> WorkflowRegistry::Find(const std::string& name, int version) {
  {
    std::shared_lock lock(mu_);
    auto it = by_version_.find({name, version});
    if (it != by_version_.end()) return it->second;
  }
  Reload();
  std::shared_lock lock(mu_);
  auto it = by_version_.find({name, version});
  return it == by_version_.end() ? nullptr : it->second;
}

std::shared_ptr<const Workflow> WorkflowRegistry::Latest(const std::string& name) {
  std::shared_lock lock(mu_);
  std::shared_ptr<const Workflow> latest;
  for (const auto& [key, wf] : by_version_) {
    if (key.first == name) latest = wf;  // map order: versions ascending
  }
  return latest;
}

std::shared_ptr<const Workflow> WorkflowRegistry::DefaultFor(const std::string& channel) {
  std::shared_lock lock(mu_);
  // Only each workflow's latest version speaks for it: a channel dropped in v2 is dropped.
  std::map<std::string, std::shared_ptr<const Workflow>> latest;
  for (const auto& [key, wf] : by_version_) latest[key.first] = wf;
  for (const auto& [name, wf] : latest) {
    if (std::find(wf->channels.begin(), wf->channels.end(), channel) != wf->channels.end()) return wf;
  }
  return nullptr;
}

std::vector<std::string> WorkflowRegistry::Names() {
  std::shared_lock lock(mu_);
  std::vector<std::string> names;
  for (const auto& [key, wf] : by_version_) {
    if (names.empty() || names.back() != key.first) names.push_back(key.first);
  }
  return names;
}

}  // namespace petitiond::runtime
