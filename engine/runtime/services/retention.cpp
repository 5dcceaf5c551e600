#include "engine/runtime/services/retention.hpp"

#include <spdlog/spdlog.h>

#include <map>

#include "engine/contact.hpp"
#include "engine/store/database.hpp"
#include "engine/store/digest_store.hpp"
#include "engine/store/retention_store.hpp"

namespace petitiond::runtime {
namespace {

constexpr int kBatch = 100;  // finished cases read at a time; each is made anonymous in its own transaction
constexpr std::chrono::hours kRunsAt{2};  // Taipei time of the daily run

}  // namespace

RetentionReport RetentionService::Run(const Actor& actor, bool dry_run) {
  if (!actor.HasRole("admin")) throw DomainError(ErrorKind::kForbidden, "retention runs are for admins");
  return Sweep(actor.login, dry_run);
}

Timestamp RetentionService::RunDue() {
  const Timestamp now = clock_.Now();
  const auto today = TaipeiDate(now);
  const Timestamp due = TaipeiStartOfDay(today) + kRunsAt;
  if (now < due) return due;
  if (!policy_.empty()) {
    bool mine = false;
    // The claim commits at once: a node that dies mid-sweep leaves the rest for the next
    // day (each case is its own transaction, so nothing is half done).
    db_.Transact([&](store::Tx& tx) { mine = store::ClaimDailyRun(tx, "retention", today, node_); });
    if (mine) {
      const auto r = Sweep("system", false);
      spdlog::info("retention: {} case(s) made anonymous, {} raw input(s) cleared", r.anonymized, r.inputs);
    }
  }
  return TaipeiStartOfDay(today + std::chrono::days(1)) + kRunsAt;
}

RetentionReport RetentionService::Sweep(const std::string& actor, bool dry_run) {
  RetentionReport report;
  report.dry_run = dry_run;
  const Timestamp now = clock_.Now();
  std::map<std::string, int> by_rule;
  if (const auto shortest = policy_.Shortest()) {
    std::optional<std::pair<Timestamp, std::int64_t>> after;
    while (true) {
      std::vector<store::FinishedCase> batch;
      db_.Run([&](store::Tx& tx) { batch = store::FinishedCasesBefore(tx, now - *shortest, after, kBatch); });
      if (batch.empty()) break;
      after = std::pair{batch.back().finished_at, batch.back().id};
      std::vector<std::pair<const store::FinishedCase*, std::string>> due;
      for (const auto& c : batch) {
        const auto applied = policy_.For(c.workflow_name, c.category);
        if (!applied || !applied->rule.after_closed || c.finished_at > now - *applied->rule.after_closed) continue;
        due.emplace_back(&c, applied->name);
      }
      for (const auto& entry : due) {
        const store::FinishedCase* c = entry.first;  // named: the lambda captures them (clang < 16)
        const std::string& rule = entry.second;
        bool done = dry_run;
        if (!dry_run) {
          db_.Transact([&](store::Tx& tx) { done = store::AnonymizeCase(tx, c->id, rule, actor, now); });
        }
        if (!done) continue;
        by_rule[rule] += 1;
        report.anonymized += 1;
      }
    }
  }
  if (policy_.unlinked_inputs) {
    db_.Transact([&](store::Tx& tx) {
      report.inputs = store::ClearUnlinkedInputs(tx, now - *policy_.unlinked_inputs, dry_run);
    });
  }
  for (const auto& [rule, n] : by_rule) report.by_rule.push_back({rule, n});
  return report;
}

PetitionerExport RetentionService::Export(const Actor& actor, const std::optional<std::string>& phone,
                                          const std::optional<std::string>& email, const std::string& route) {
  if (!actor.HasRole("admin") && !actor.HasRole("privacy_officer")) {
    throw DomainError(ErrorKind::kForbidden, "exports for a petitioner are for admins and the privacy officer");
  }
  if ((!phone || phone->empty()) && (!email || email->empty())) {
    throw DomainError(ErrorKind::kInvalid, "give --phone or --email of the petitioner");
  }
  const std::optional<std::string> normal =
      phone && !phone->empty() ? std::optional(NormalPhone(*phone)) : std::nullopt;
  PetitionerExport out;
  out.at = clock_.Now();
  db_.Transact([&](store::Tx& tx) {
    const auto ids = store::CasesOfPetitioner(tx, normal, email && !email->empty() ? email : std::nullopt);
    for (auto& c : store::LoadCases(tx, ids, store::RowLock::kNone)) {
      // The privacy officer answers for their own office; an admin for every office.
      if (!actor.HasRole("admin") && c.office != actor.office) continue;
      PetitionerExport::Case item;
      item.events = store::LoadEvents(tx, c.id);
      item.files = store::ListAttachments(tx, c.id);
      item.record = std::move(c);
      out.cases.push_back(std::move(item));
    }
    std::vector<std::int64_t> exported;
    for (const auto& c : out.cases) exported.push_back(c.record.id);
    store::InsertAccessLog(tx, exported, actor.login, route, "export", std::nullopt, out.at);
  });
  return out;
}

}  // namespace petitiond::runtime
