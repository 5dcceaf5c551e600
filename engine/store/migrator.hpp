#pragma once

#include "engine/store/database.hpp"

#include <string>
#include <vector>

#include "engine/embedded.hpp"

namespace petitiond::store {

struct MigrationStatus {
  std::vector<std::string> applied_now;  // names applied by this call
  std::vector<std::string> pending;      // names not yet applied (Status only)
};

// Applies the migrations not yet recorded in schema_migrations, in name order, each in
// its own transaction, under a session advisory lock so concurrent callers apply each
// file once. Throws DomainError(kConflict) and applies nothing if an applied file's
// checksum differs from the binary's copy (landed migrations are never edited), or if
// the database has a migration this binary does not know (it is newer than we are).
MigrationStatus Migrate(Tx& tx, const std::vector<EmbeddedFile>& migrations);

// Reads which migrations are pending, without applying any. Same consistency checks.
MigrationStatus CheckMigrations(Tx& tx, const std::vector<EmbeddedFile>& migrations);


}  // namespace petitiond::store
