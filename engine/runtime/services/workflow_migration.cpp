#include "engine/runtime/services/workflow_migration.hpp"

#include <spdlog/spdlog.h>

#include "engine/runtime/services/calendar_holder.hpp"
#include "engine/runtime/services/workflow_registry.hpp"
#include "engine/store/case_store.hpp"
#include "engine/store/database.hpp"

namespace petitiond::runtime {

MigrationReport WorkflowMigrationService::Migrate(const Actor& actor, const MigrationRequest& r) {
  if (!actor.HasRole("admin")) throw DomainError(ErrorKind::kForbidden, "moving running cases needs the admin role");
  const auto from = workflows_.Find(r.workflow, r.from);
  const auto to = workflows_.Find(r.workflow, r.to);
  Error invalid{ErrorKind::kInvalid, "the migration is not possible", {}};
  if (!from) invalid.details.push_back("workflow " + r.workflow + " v" + std::to_string(r.from) + " is not deployed");
  if (!to) invalid.details.push_back("workflow " + r.workflow + " v" + std::to_string(r.to) + " is not deployed");
  if (r.to <= r.from) invalid.details.push_back("--to must be a later version than --from");
  for (const auto& [old_state, new_state] : r.state_map) {
    if (from && !from->FindState(old_state)) {
      invalid.details.push_back("--map " + old_state + "=" + new_state + ": v" + std::to_string(r.from) +
                                " has no state '" + old_state + "'");
    }
    if (to && !to->FindState(new_state)) {
      invalid.details.push_back("--map " + old_state + "=" + new_state + ": v" + std::to_string(r.to) +
                                " has no state '" + new_state + "'");
    }
  }
  if (r.batch < 1 || r.batch > 1000) invalid.details.push_back("batch must be 1 to 1000 cases");
  if (!invalid.details.empty()) throw DomainError(invalid);

  MigrationReport report;
  std::map<std::pair<std::string, std::string>, int> moves;
  const auto count = [&](const store::CaseRecord& c, const Outcome& out) { ++moves[{c.state.state, out.next.state}]; };
  const auto refuse = [&](const store::CaseRecord& c, const Error& e) {
    report.refused.push_back({c.id, c.public_no, c.state.state, e.details});
  };
  std::int64_t after = 0;
  while (true) {
    std::vector<std::int64_t> ids;
    int batch_moved = 0;
    const auto step = [&](store::Tx& tx) {
      ids = store::RunningCasesOf(tx, r.workflow, r.from, after, r.batch);
      if (ids.empty()) return;
      // Locked in id order (a dry run reads without locks): nothing else changes them
      // between the check and the move.
      auto cases = store::LoadCases(tx, ids, r.dry_run ? store::RowLock::kNone : store::RowLock::kWait);
      const auto timers = store::PendingTimerClocks(tx, ids);
      const auto calendar = calendar_.Get();
      const Machine machine(*calendar);
      const Timestamp now = clock_.Now();
      std::vector<Outcome> outcomes;
      outcomes.reserve(cases.size());
      std::vector<store::OutcomeToSave> saves;
      std::vector<std::int64_t> moved_ids;
      for (const auto& c : cases) {
        // A case changed by someone else since the ids were read is checked as it is now.
        if (c.workflow_version != r.from || c.state.outcome) continue;
        const auto t = timers.find(c.id);
        auto out = machine.Migrate(*from, *to, c.state, r.state_map,
                                   t == timers.end() ? std::vector<std::string>{} : t->second, actor, now);
        if (!out) {
          refuse(c, out.error());
          continue;
        }
        count(c, out.value());
        outcomes.push_back(std::move(out.value()));
        saves.push_back({c.id, c.row_version, &outcomes.back()});
        moved_ids.push_back(c.id);
      }
      if (r.dry_run) return;
      store::SetWorkflowVersion(tx, moved_ids, r.to);
      store::SaveOutcomes(tx, saves);
      batch_moved = static_cast<int>(moved_ids.size());
    };
    if (r.dry_run) {
      db_.Run(step);
    } else {
      db_.Transact(step);
    }
    if (ids.empty()) break;
    after = ids.back();
    if (!r.dry_run) {
      report.moved += batch_moved;
      report.batches += 1;
      spdlog::info("workflow {} v{} -> v{}: batch {} moved {} case(s)", r.workflow, r.from, r.to, report.batches,
                   batch_moved);
    }
  }
  for (const auto& [states, n] : moves) report.moves.push_back({states.first, states.second, n});
  db_.Run([&](store::Tx& tx) { report.finished = store::FinishedCasesOf(tx, r.workflow, r.from); });
  if (!r.dry_run) {
    spdlog::info("workflow {} v{} -> v{} by {}: {} moved, {} refused, {} finished stay", r.workflow, r.from, r.to,
                 actor.login, report.moved, report.refused.size(), report.finished);
  }
  return report;
}

}  // namespace petitiond::runtime
