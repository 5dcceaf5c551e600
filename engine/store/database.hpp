#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_set>
#include <utility>
#include <string_view>
#include <vector>

#include "engine/error.hpp"
#include "engine/time.hpp"

namespace soci {
class connection_pool;
class session;
}  // namespace soci

namespace petitiond::store {

// The NOTIFY channels nodes use to wake each other (LISTEN in Listener).
inline constexpr const char* kTimersChannel = "petitiond_timers";      // a timer due sooner than awaited
inline constexpr const char* kOutboxChannel = "petitiond_outbox";      // new outbox rows
inline constexpr const char* kCalendarChannel = "petitiond_calendar";  // a closure: reload the calendar

// Database failures the rooms above react to. All are DomainErrors, so code that only
// needs the HTTP meaning keeps catching DomainError; code that must tell them apart
// catches the type. Raised only by the store: SQLSTATE is read there and nowhere else.
class StoreError : public DomainError {
 public:
  StoreError(ErrorKind kind, std::string message, std::string sqlstate)
      : DomainError(kind, std::move(message)), sqlstate_(std::move(sqlstate)) {}
  const std::string& sqlstate() const { return sqlstate_; }

 private:
  std::string sqlstate_;
};
// 23505; kConflict. constraint(): the violated constraint's name, e.g. "cases_channel_external_ref_key".
class UniqueViolation : public StoreError {
 public:
  UniqueViolation(std::string message, std::string constraint)
      : StoreError(ErrorKind::kConflict, std::move(message), "23505"), constraint_(std::move(constraint)) {}
  const std::string& constraint() const { return constraint_; }

 private:
  std::string constraint_;
};
// 40001, 40P01: the transaction lost a race and may be retried; kConflict.
class SerializationFailure : public StoreError {
  using StoreError::StoreError;
};
// Class 08, 57P01-03, or no connection at all; kUnavailable.
class ConnectionLost : public StoreError {
  using StoreError::StoreError;
};
// 57014 (statement_timeout, lock_timeout, cancel); kUnavailable.
class StatementTimeout : public StoreError {
  using StoreError::StoreError;
};
// No pooled connection came free within DatabaseOptions::lease_timeout; kUnavailable.
class PoolExhausted : public StoreError {
  using StoreError::StoreError;
};

// Converts DATABASE_URL (a libpq URI such as postgresql://u@h:5432/db?host=/run or a
// key=value conninfo) into key=value form: SOCI 4.0.3 mangles URIs (STYLE.md, traps).
// Returns kInvalid with libpq's message if libpq cannot parse it.
Result<std::string> ToConninfo(std::string_view database_url);

struct DatabaseOptions {
  std::size_t pool_size = 4;
  std::chrono::seconds connect_timeout{5};
  std::chrono::milliseconds statement_timeout{30000};  // 0: none (migrations)
  std::chrono::milliseconds lease_timeout{2000};       // waiting longer for a connection: PoolExhausted
  std::chrono::seconds keepalive_idle{30};              // TCP keepalives; dead peers found in about a minute
};

// `conninfo` plus what every petitiond connection sets unless the URL says otherwise:
// application_name=petitiond, connect_timeout, TCP keepalives and statement_timeout.
std::string WithSessionDefaults(const std::string& conninfo, const DatabaseOptions& options);

class Database;
class PreparedSql;
// The statements prepared on one pooled connection (ExecPrepared), by name.
using PreparedNames = std::unordered_set<std::string>;

// A unit of work: one leased connection, inside a transaction (Database::Transact) or
// not (Database::Run). Opaque above the store: services hand it to store functions and
// never see SOCI. Lives only as long as the callback that received it.
class Tx {
 public:
  Tx(const Tx&) = delete;
  Tx& operator=(const Tx&) = delete;
  bool in_transaction() const { return in_transaction_; }

 private:
  friend class Database;
  friend class Listener;
  friend soci::session& Sql(Tx& tx);  // engine/store/session.hpp: the store's own access
  friend std::vector<std::vector<std::optional<std::string>>> ExecPrepared(
      Tx& tx, const PreparedSql& statement,
      const std::vector<std::pair<std::string_view, std::optional<std::string>>>& values);
  Tx(soci::session& sql, bool in_transaction, PreparedNames* prepared = nullptr)
      : sql_(sql), in_transaction_(in_transaction), prepared_(prepared) {}
  soci::session& sql_;
  bool in_transaction_;
  PreparedNames* prepared_;  // none: ExecPrepared plans each time (the Listener's connection)
};

// A fixed pool of PostgreSQL connections. Blocking: use it from worker threads, never
// from I/O threads (STYLE.md 7).
//
// Thread safety: Run() and Transact() may be called from any number of threads; each
// call holds one pooled connection for its duration, so at most pool_size() calls run at
// once and the rest wait up to lease_timeout for a connection.
class Database {
 public:
  // Opens `pool_size` connections. Throws ConnectionLost if the server cannot be
  // reached, DomainError(kInvalid) for a malformed URL.
  Database(std::string_view database_url, DatabaseOptions options);
  Database(std::string_view database_url, std::size_t pool_size)
      : Database(database_url, DatabaseOptions{.pool_size = pool_size}) {}
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  std::size_t pool_size() const { return options_.pool_size; }
  const std::string& conninfo() const { return conninfo_; }
  const DatabaseOptions& options() const { return options_; }

  // Runs fn on a pooled connection without a transaction: each statement commits alone.
  // For reads and single writes. Errors leave as the StoreError types above (unique
  // violation and serialization failure kConflict, lost connection, timeout and a full
  // pool kUnavailable, the rest kInternal); a lost connection is reopened for the pool.
  void Run(const std::function<void(Tx&)>& fn);
  // Runs fn in one transaction: committed when fn returns, rolled back when it throws.
  void Transact(const std::function<void(Tx&)>& fn);

 private:
  void Lease(const std::function<void(soci::session&, PreparedNames&)>& fn);

  std::string conninfo_;
  DatabaseOptions options_;
  std::unique_ptr<soci::connection_pool> pool_;
  // Per pooled connection, by its position; emptied when the connection is reopened.
  std::vector<PreparedNames> prepared_;
};

// A connection of its own that LISTENs on `channels` (the constants above) for a
// background loop. Not thread-safe: one owner thread.
class Listener {
 public:
  // Connects and LISTENs. Throws ConnectionLost.
  Listener(const Database& db, const std::vector<std::string>& channels);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // The socket to poll for readability.
  int socket() const;
  // The channels notified since the last call. Throws ConnectionLost if the
  // connection broke.
  std::set<std::string> Drain();
  // Runs fn on the listening connection (cheap reads between waits).
  void Run(const std::function<void(Tx&)>& fn);

 private:
  std::unique_ptr<soci::session> sql_;
};

// Binds an optional timestamp as epoch seconds for to_timestamp(:x).
inline long long Epoch(Timestamp t) { return t.time_since_epoch().count(); }
inline Timestamp FromEpoch(long long s) { return Timestamp(std::chrono::seconds(s)); }

}  // namespace petitiond::store
