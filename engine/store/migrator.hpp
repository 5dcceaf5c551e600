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

// Grants the role `serve` connects as exactly what serving needs, after revoking what it
// had: no ownership, no TRUNCATE, no UPDATE or DELETE on the audit trail, so the serve
// role cannot disable the append-only triggers. Every table of the schema must have a
// decision here (kConflict names the one that has none), so a new migration's table
// cannot silently be left out or over-granted. The role must already exist.
void GrantServeRole(Tx& tx, const std::string& role);

// Whether the connected role could bypass the audit trail's triggers (a superuser or a
// member of the role that owns case_events); `serve` warns when it is.
bool ConnectedAsOwner(Tx& tx);

}  // namespace petitiond::store
