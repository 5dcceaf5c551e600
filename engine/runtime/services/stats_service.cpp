#include "engine/runtime/services/stats_service.hpp"

#include "engine/error.hpp"
#include "engine/runtime/security/policy.hpp"
#include "engine/store/stats_store.hpp"

namespace petitiond::runtime {

namespace {

void CheckPeriod(stats::Month from, stats::Month to) {
  if (to < from) throw DomainError(ErrorKind::kInvalid, "from must not be after to");
  if (stats::MonthsBetween(from, to) >= StatsService::kMaxMonths) {
    throw DomainError(ErrorKind::kInvalid,
                      "a report covers at most " + std::to_string(StatsService::kMaxMonths) + " months");
  }
}

}  // namespace

stats::Report StatsService::Report(const Actor& actor, const StatsQuery& q) const {
  CheckPeriod(q.from, q.to);
  std::optional<std::string> office = q.office;
  if (!SeesAllOffices(actor)) {
    if (office && *office != actor.office) {
      throw DomainError(ErrorKind::kForbidden, "supervisors see the figures of their own office (" + actor.office + ")");
    }
    office = actor.office;
  }
  // Only the grouping's own key column, and the channel for the channel trend.
  store::StatsDims dims;
  dims.office = q.group_by == stats::GroupBy::kOffice;
  dims.category = q.group_by == stats::GroupBy::kCategory;
  stats::Rollups rollups;
  db_.Run([&](store::Tx& tx) {
    rollups = store::LoadRollups(tx, stats::FirstMonthNeeded(q.from, q.to), q.from, q.to, office, dims);
  });
  stats::Report report = stats::BuildReport(rollups, q.from, q.to, q.group_by);
  report.office = office;
  return report;
}

std::vector<stats::KeyFigures> StatsService::MonthlyRows(stats::Month from, stats::Month to) const {
  CheckPeriod(from, to);
  stats::Rollups rollups;
  store::StatsDims dims;
  dims.open = false;
  db_.Run([&](store::Tx& tx) { rollups = store::LoadRollups(tx, from, from, to, std::nullopt, dims); });
  return stats::PerKey(rollups, from, to);
}

}  // namespace petitiond::runtime
