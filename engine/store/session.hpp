#pragma once

// The store's own access to the connection behind a Tx. Included only by engine/store
// .cpp files (and by tests and benchmarks that seed data with raw SQL); the rooms above
// the store neither include it nor link SOCI.

#include <soci/soci.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/store/database.hpp"

struct pg_conn;  // libpq's PGconn

namespace petitiond::store {

inline soci::session& Sql(Tx& tx) { return tx.sql_; }

// Runs a multi-statement SQL script (a migration) on the session's own connection with
// libpq's simple protocol, bypassing SOCI's parameter parsing. Throws StoreError.
void ExecScript(soci::session& sql, const std::string& script);

// The raw libpq connection of a session.
::pg_conn* RawConnection(soci::session& sql);

// A statement PostgreSQL plans once per pooled connection: prepared under `name` (libpq
// PQprepare) the first time a connection runs it, executed by name after (planning a
// large CTE costs more than running it). `query` uses SOCI's :name placeholders.
// For the hot paths only (the intake's insert); everything else goes through SOCI.
class PreparedSql {
 public:
  PreparedSql(std::string name, std::string_view query);
  const std::string& name() const { return name_; }
  const std::string& sql() const { return sql_; }                       // with $1, $2, ...
  const std::vector<std::string>& params() const { return params_; }  // the names, by position

 private:
  std::string name_, sql_;
  std::vector<std::string> params_;
};

// Parameter values by placeholder name, as text; nullopt is NULL.
using SqlParams = std::vector<std::pair<std::string_view, std::optional<std::string>>>;
// The result rows as text; nullopt is NULL.
using SqlRows = std::vector<std::vector<std::optional<std::string>>>;
// Runs `statement` on the Tx's connection. Throws the StoreError types (database.hpp).
SqlRows ExecPrepared(Tx& tx, const PreparedSql& statement, const SqlParams& values);

// Lower-case hex of `bytes`: how bytea values travel (decode(:p, 'hex')).
std::string HexBytes(const std::string& bytes);
// The bytes of encode(col, 'hex').
std::string BytesFromHex(const std::string& hex);

// Maps the exception being handled (call only inside a catch block) to a StoreError.
[[noreturn]] void RethrowAsDomainError();

}  // namespace petitiond::store
