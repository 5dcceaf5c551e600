#include "engine/store/migrator.hpp"
#include "engine/store/session.hpp"

#include <soci/soci.h>

#include <map>

#include "engine/digest.hpp"
#include "engine/error.hpp"
#include "engine/store/database.hpp"

namespace petitiond::store {
namespace {

constexpr const char* kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())";
// Any constant works; it only has to be the same for every petitiond process.
constexpr const char* kLock = "SELECT pg_advisory_lock(7411999001)";
constexpr const char* kUnlock = "SELECT pg_advisory_unlock(7411999001)";
constexpr const char* kApplied = "SELECT name, checksum FROM schema_migrations ORDER BY name";
constexpr const char* kRecord = "INSERT INTO schema_migrations (name, checksum) VALUES (:name, :checksum)";
constexpr const char* kHasTable = "SELECT count(*) FROM pg_tables WHERE tablename = 'schema_migrations'";

std::map<std::string, std::string> Applied(soci::session& sql) {
  std::map<std::string, std::string> applied;
  soci::rowset<soci::row> rows = (sql.prepare << kApplied);
  for (const auto& r : rows) applied[r.get<std::string>(0)] = r.get<std::string>(1);
  return applied;
}

MigrationStatus Compare(const std::map<std::string, std::string>& applied, const std::vector<EmbeddedFile>& files) {
  MigrationStatus status;
  std::map<std::string, bool> known;
  for (const auto& f : files) {
    const std::string name(f.name);
    known[name] = true;
    auto it = applied.find(name);
    if (it == applied.end()) {
      status.pending.push_back(name);
    } else if (it->second != Sha256Hex(f.bytes)) {
      throw DomainError(ErrorKind::kConflict, "migration " + name +
                                                  " was changed after it was applied (checksum differs); landed "
                                                  "migrations must never be edited: add a new one instead");
    }
  }
  for (const auto& [name, sum] : applied) {
    if (!known.count(name)) {
      throw DomainError(ErrorKind::kConflict, "the database has migration " + name +
                                                  " that this petitiond does not know; it is older than the schema");
    }
  }
  return status;
}

}  // namespace

MigrationStatus CheckMigrations(Tx& tx, const std::vector<EmbeddedFile>& files) {
  soci::session& sql = Sql(tx);
  long long has_table = 0;
  sql << kHasTable, soci::into(has_table);
  return Compare(has_table ? Applied(sql) : std::map<std::string, std::string>{}, files);
}

MigrationStatus Migrate(Tx& tx, const std::vector<EmbeddedFile>& files) {
  soci::session& sql = Sql(tx);
  sql << kLock;
  struct Unlock {
    soci::session& sql;
    ~Unlock() {
      try {
        sql << kUnlock;
      } catch (...) {
        // The lock dies with the session if the connection is gone.
      }
    }
  } unlock{sql};
  sql << "SET client_min_messages = warning";  // no NOTICE for the table that already exists
  sql << kCreateTable;
  MigrationStatus status = Compare(Applied(sql), files);
  for (const auto& name : status.pending) {
    const EmbeddedFile* file = nullptr;
    for (const auto& f : files) {
      if (f.name == name) file = &f;
    }
    soci::transaction one(sql);
    ExecScript(sql, std::string(file->bytes));
    const std::string checksum = Sha256Hex(file->bytes);
    sql << kRecord, soci::use(name, "name"), soci::use(checksum, "checksum");
    one.commit();
    status.applied_now.push_back(name);
  }
  status.pending.clear();
  return status;
}

}  // namespace petitiond::store
