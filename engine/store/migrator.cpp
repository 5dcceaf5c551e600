#include "engine/store/migrator.hpp"
#include "engine/store/session.hpp"

#include <soci/soci.h>

#include <cctype>
#include <map>
#include <vector>

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

// What the serve role may do per table. SELECT everywhere; the audit trail and the
// access log take INSERT only; rows that expire are deleted by serve.
enum class Grant { kRead, kAppend, kWrite, kWriteDelete };
const std::map<std::string, Grant>& ServeGrants() {
  static const std::map<std::string, Grant> grants = {
      {"schema_migrations", Grant::kRead},       {"case_events", Grant::kAppend},
      {"case_access_log", Grant::kAppend},       {"account_events", Grant::kAppend},
      {"cases", Grant::kWrite},
      {"clocks", Grant::kWrite},                 {"users", Grant::kWrite},
      {"outbox", Grant::kWrite},                 {"intake_raw", Grant::kWrite},
      {"mailbox_confirmations", Grant::kWrite},  {"news_feeds", Grant::kWrite},
      {"workflows", Grant::kWrite},              {"calendar_days", Grant::kWrite},
      {"office_closures", Grant::kWrite},        {"case_attachments", Grant::kWrite},
      {"surveys", Grant::kWrite},                {"workflow_meanings", Grant::kWrite},
      {"overdue_cases", Grant::kWrite},
      // Maintained by owner-run triggers (migrations/0014); serve only reads them.
      {"stats_monthly", Grant::kRead},           {"stats_clocks", Grant::kRead},
      {"stats_handling", Grant::kRead},
      {"case_search", Grant::kRead},  // kept by owner-run triggers (migrations/0018)
      {"open311_clients", Grant::kWrite},        {"daily_runs", Grant::kWrite},
      {"reply_templates", Grant::kWriteDelete},  {"case_presence", Grant::kWriteDelete},
      {"rate_events", Grant::kWriteDelete},      {"feed_documents", Grant::kWrite},
      {"timers", Grant::kWriteDelete},           {"sessions", Grant::kWriteDelete},
      {"idempotency_keys", Grant::kWriteDelete}, {"webhook_signatures", Grant::kWriteDelete},
  };
  return grants;
}

const char* Privileges(Grant g) {
  switch (g) {
    case Grant::kRead: return "SELECT";
    case Grant::kAppend: return "SELECT, INSERT";
    case Grant::kWrite: return "SELECT, INSERT, UPDATE";
    case Grant::kWriteDelete: return "SELECT, INSERT, UPDATE, DELETE";
  }
  return "SELECT";
}

}  // namespace

void GrantServeRole(Tx& tx, const std::string& role) {
  const bool plain = !role.empty() && role.size() <= 63 && (std::islower(static_cast<unsigned char>(role[0])) || role[0] == '_') &&
                     role.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos;
  if (!plain) throw DomainError(ErrorKind::kInvalid, "--serve-role must be a lower-case role name, not '" + role + "'");
  soci::session& sql = Sql(tx);
  long long exists = 0;
  sql << "SELECT count(*) FROM pg_roles WHERE rolname = :r", soci::use(role, "r"), soci::into(exists);
  if (!exists) {
    throw DomainError(ErrorKind::kInvalid, "role " + role + " does not exist; create it first (CREATE ROLE " + role +
                                                 " LOGIN PASSWORD '...')");
  }
  std::vector<std::string> tables(200);
  sql << "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename", soci::into(tables);
  for (const auto& t : tables) {
    if (!ServeGrants().count(t)) {
      throw DomainError(ErrorKind::kConflict, "table " + t + " has no grant decision for the serve role (ServeGrants in engine/store/migrator.cpp)");
    }
  }
  std::string schema;
  sql << "SELECT quote_ident(current_schema())", soci::into(schema);
  const std::string to = "\"" + role + "\"";
  soci::transaction one(sql);
  sql << "REVOKE ALL ON ALL TABLES IN SCHEMA " + schema + " FROM " + to;
  sql << "REVOKE ALL ON ALL SEQUENCES IN SCHEMA " + schema + " FROM " + to;
  sql << "GRANT USAGE ON SCHEMA " + schema + " TO " + to;
  for (const auto& t : tables) {
    sql << "GRANT " + std::string(Privileges(ServeGrants().at(t))) + " ON " + schema + "." + t + " TO " + to;
  }
  sql << "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA " + schema + " TO " + to;
  // Functions that run as the owner for serve (SECURITY DEFINER, not executable by PUBLIC).
  for (const char* f : {"petitiond_anonymize_case(bigint, text, text, timestamptz)"}) {
    sql << "GRANT EXECUTE ON FUNCTION " + schema + "." + f + " TO " + to;
  }
  one.commit();
}

bool ConnectedAsOwner(Tx& tx) {
  int owner = 0;
  Sql(tx) << "SELECT CASE WHEN (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) "
             "OR pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = 'case_events'::regclass), 'USAGE') "
             "THEN 1 ELSE 0 END",
      soci::into(owner);
  return owner != 0;
}

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
