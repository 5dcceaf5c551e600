#pragma once

// The store's own access to the connection behind a Tx. Included only by engine/store
// .cpp files (and by tests and benchmarks that seed data with raw SQL); the rooms above
// the store neither include it nor link SOCI.

#include <soci/soci.h>

#include <string>

#include "engine/store/database.hpp"

struct pg_conn;  // libpq's PGconn

namespace petitiond::store {

inline soci::session& Sql(Tx& tx) { return tx.sql_; }

// Runs a multi-statement SQL script (a migration) on the session's own connection with
// libpq's simple protocol, bypassing SOCI's parameter parsing. Throws StoreError.
void ExecScript(soci::session& sql, const std::string& script);

// The raw libpq connection of a session.
::pg_conn* RawConnection(soci::session& sql);

// Lower-case hex of `bytes`: how bytea values travel (decode(:p, 'hex')).
std::string HexBytes(const std::string& bytes);

// Maps the exception being handled (call only inside a catch block) to a StoreError.
[[noreturn]] void RethrowAsDomainError();

}  // namespace petitiond::store
