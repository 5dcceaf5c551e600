#include "engine/store/workflow_store.hpp"
#include "engine/store/session.hpp"

#include <soci/soci.h>

#include "engine/error.hpp"
#include "engine/store/pg_array.hpp"

namespace petitiond::store {
namespace {

constexpr const char* kAll = "SELECT name, version, yaml, checksum FROM workflows ORDER BY name, version";
constexpr const char* kChecksum = "SELECT checksum FROM workflows WHERE name = :name AND version = :version";
// Several nodes starting at once deploy the same files: the first insert wins, the
// others find its row and compare checksums.
constexpr const char* kInsert =
    "INSERT INTO workflows (name, version, yaml, checksum) VALUES (:name, :version, :yaml, :checksum) "
    "ON CONFLICT (name, version) DO NOTHING";

// Only rows that are new or say something else come back: those are the states whose
// finished cases need their outcome (a version deployed before meanings were declared,
// or one that inherits a meaning a newer version declared).
constexpr const char* kUpsertMeanings =
    "INSERT INTO workflow_meanings (workflow_name, workflow_version, kind, name, meaning) "
    "SELECT :name, :version, k, n, m FROM unnest(CAST(:kinds AS text[]), CAST(:names AS text[]), "
    "CAST(:meanings AS text[])) AS u(k, n, m) "
    "ON CONFLICT (workflow_name, workflow_version, kind, name) DO UPDATE SET meaning = EXCLUDED.meaning "
    "WHERE workflow_meanings.meaning IS DISTINCT FROM EXCLUDED.meaning RETURNING kind, name";

// The overdue ones among them are finished in overdue_cases too (migrations/0017 copied
// them before their outcome was known).
constexpr const char* kBackfillOutcomes =
    "WITH b AS (UPDATE cases SET outcome = m.meaning FROM workflow_meanings m "
    "WHERE m.workflow_name = :name AND m.workflow_version = :version AND m.kind = 'state' "
    "AND m.name = ANY(CAST(:states AS text[])) AND cases.workflow_name = m.workflow_name "
    "AND cases.workflow_version = m.workflow_version AND cases.state = m.name "
    "AND cases.outcome IS DISTINCT FROM m.meaning RETURNING cases.id), "
    "o AS (UPDATE overdue_cases SET finished = true FROM b WHERE overdue_cases.case_id = b.id) "
    "SELECT count(*) FROM b";

}  // namespace

std::int64_t RecordWorkflowMeanings(Tx& tx, const Workflow& wf) {
  soci::session& sql = Sql(tx);
  PgArray kinds, names, meanings;
  for (const auto& s : wf.states) {
    if (!s.final || !s.outcome) continue;
    kinds.Add(std::string("state"));
    names.Add(s.name);
    meanings.Add(std::string(Name(*s.outcome)));
  }
  const auto add_event = [&](const EventDef& e) {
    if (!e.counts_as) return;
    kinds.Add(std::string("event"));
    names.Add(e.name);
    meanings.Add(std::string(Name(*e.counts_as)));
  };
  for (const auto& e : wf.events) add_event(e);
  for (const auto& e : BuiltinEvents()) add_event(e);
  if (kinds.empty()) return 0;
  const std::string k = kinds.str(), n = names.str(), m = meanings.str();
  PgArray changed;
  {
    soci::rowset<soci::row> rows = (sql.prepare << kUpsertMeanings, soci::use(wf.name, "name"),
                                    soci::use(wf.version, "version"), soci::use(k, "kinds"), soci::use(n, "names"),
                                    soci::use(m, "meanings"));
    for (const auto& r : rows) {
      if (r.get<std::string>(0) == "state") changed.Add(r.get<std::string>(1));
    }
  }
  if (changed.empty()) return 0;
  const std::string states = changed.str();
  long long given = 0;
  sql << kBackfillOutcomes, soci::use(wf.name, "name"), soci::use(wf.version, "version"), soci::use(states, "states"),
      soci::into(given);
  return given;
}

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
