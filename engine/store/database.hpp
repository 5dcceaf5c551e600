#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "engine/error.hpp"
#include "engine/time.hpp"

struct pg_conn;  // libpq's PGconn

namespace soci {
class connection_pool;
class session;
}  // namespace soci

namespace petitiond::store {

// Converts DATABASE_URL (a libpq URI such as postgresql://u@h:5432/db?host=/run or a
// key=value conninfo) into key=value form: SOCI 4.0.3 mangles URIs (STYLE.md, traps).
// Returns kInvalid with libpq's message if libpq cannot parse it.
Result<std::string> ToConninfo(std::string_view database_url);

// A fixed pool of PostgreSQL sessions. Blocking: use it from worker threads, never
// from I/O threads (STYLE.md 7).
//
// Thread safety: Run() may be called from any number of threads; each call holds one
// pooled session for its duration, so at most pool_size() calls run at once and the
// rest wait for a session.
class Database {
 public:
  // Opens `pool_size` sessions. Throws DomainError(kUnavailable) if the server cannot
  // be reached, kInvalid for a malformed URL.
  Database(std::string_view database_url, std::size_t pool_size);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  std::size_t pool_size() const { return pool_size_; }
  const std::string& conninfo() const { return conninfo_; }

  // Runs fn with a pooled session. SOCI and PostgreSQL errors leave as DomainError:
  // unique violation (23505) and serialization failures are kConflict, connection
  // failures kUnavailable, the rest kInternal.
  void Run(const std::function<void(soci::session&)>& fn);

 private:
  std::string conninfo_;
  std::size_t pool_size_;
  std::unique_ptr<soci::connection_pool> pool_;
};

// Runs a multi-statement SQL script (a migration) on the session's own connection with
// libpq's simple protocol, bypassing SOCI's parameter parsing. Throws DomainError.
void ExecScript(soci::session& sql, const std::string& script);

// The raw libpq connection of a session (for LISTEN/NOTIFY).
::pg_conn* RawConnection(soci::session& sql);

// Maps the exception being handled (call only inside a catch block) to a DomainError.
[[noreturn]] void RethrowAsDomainError();

// Binds an optional timestamp as epoch seconds for to_timestamp(:x).
inline long long Epoch(Timestamp t) { return t.time_since_epoch().count(); }
inline Timestamp FromEpoch(long long s) { return Timestamp(std::chrono::seconds(s)); }

}  // namespace petitiond::store
