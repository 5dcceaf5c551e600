#include "engine/store/database.hpp"

#include <libpq-fe.h>
#include <sodium.h>
#include <soci/connection-pool.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include "engine/store/session.hpp"

namespace petitiond::store {
namespace {

// "duplicate key value violates unique constraint "cases_pkey"" -> cases_pkey. SOCI
// does not hand over libpq's PG_DIAG_CONSTRAINT_NAME, so the name comes from the
// server's message; the SQLSTATE alone decides that it is a unique violation.
std::string ConstraintName(const std::string& message) {
  const auto key = message.find("constraint \"");
  if (key == std::string::npos) return {};
  const auto start = key + 12;
  const auto end = message.find('"', start);
  return end == std::string::npos ? std::string() : message.substr(start, end - start);
}

bool HasKey(const std::string& conninfo, std::string_view key) {
  return conninfo.find(std::string(key) + "=") != std::string::npos;
}

}  // namespace

Result<std::string> ToConninfo(std::string_view database_url) {
  char* err = nullptr;
  PQconninfoOption* options = PQconninfoParse(std::string(database_url).c_str(), &err);
  if (!options) {
    std::string why = err ? err : "out of memory";
    if (err) PQfreemem(err);
    while (!why.empty() && why.back() == '\n') why.pop_back();
    return Error{ErrorKind::kInvalid, "DATABASE_URL is not a libpq URI or conninfo: " + why, {}};
  }
  std::string out;
  for (PQconninfoOption* o = options; o->keyword; ++o) {
    if (!o->val || !*o->val) continue;
    std::string value;
    for (const char* c = o->val; *c; ++c) {
      if (*c == '\\' || *c == '\'') value += '\\';
      value += *c;
    }
    out += (out.empty() ? "" : " ") + std::string(o->keyword) + "='" + value + "'";
  }
  PQconninfoFree(options);
  return out;
}

std::string WithSessionDefaults(const std::string& conninfo, const DatabaseOptions& o) {
  std::string out = conninfo;
  auto add = [&](std::string_view key, const std::string& value) {
    if (!HasKey(conninfo, key)) out += " " + std::string(key) + "='" + value + "'";
  };
  add("application_name", "petitiond");
  add("connect_timeout", std::to_string(std::max<long long>(1, o.connect_timeout.count())));
  add("keepalives", "1");
  add("keepalives_idle", std::to_string(o.keepalive_idle.count()));
  add("keepalives_interval", "10");
  add("keepalives_count", "3");
  // Planning for a server of many short requests (docs/decisions.md "Search: ..."):
  // no parallel workers (a worker's start costs more than the few hundred rows any
  // request reads, and on a small machine workers queue behind the other requests),
  // and random reads priced as what they are with the data in memory or on SSD, so an
  // office's rows are walked through their own index.
  std::string options = "-c max_parallel_workers_per_gather=0 -c random_page_cost=1.1";
  if (o.statement_timeout.count() > 0) {
    options = "-c statement_timeout=" + std::to_string(o.statement_timeout.count()) + " " + options;
  }
  add("options", options);
  return out;
}

Database::Database(std::string_view database_url, DatabaseOptions options)
    : conninfo_(WithSessionDefaults(ToConninfo(database_url).ValueOrThrow(), options)), options_(options) {
  pool_ = std::make_unique<soci::connection_pool>(options_.pool_size);
  prepared_.resize(options_.pool_size);
  try {
    for (std::size_t i = 0; i < options_.pool_size; ++i) pool_->at(i).open(soci::postgresql, conninfo_);
  } catch (...) {
    RethrowAsDomainError();
  }
}

Database::~Database() = default;

void Database::Lease(const std::function<void(soci::session&, PreparedNames&)>& fn) {
  std::size_t pos = 0;
  if (!pool_->try_lease(pos, static_cast<int>(options_.lease_timeout.count()))) {
    throw PoolExhausted(ErrorKind::kUnavailable,
                        "all " + std::to_string(options_.pool_size) + " database connections are busy", "");
  }
  struct GiveBack {
    soci::connection_pool& pool;
    std::size_t pos;
    ~GiveBack() { pool.give_back(pos); }
  } give_back{*pool_, pos};
  soci::session& sql = pool_->at(pos);
  PreparedNames& prepared = prepared_[pos];
  try {
    // A session whose reconnect failed while the server was down is closed: open it
    // again first (a connection error here is a 503, and the next lease tries again).
    if (!sql.is_connected()) {
      prepared.clear();
      sql.reconnect();
    }
    fn(sql, prepared);
  } catch (...) {
    try {
      RethrowAsDomainError();
    } catch (const ConnectionLost&) {
      // A broken connection stays broken: reopen it so the pool heals (a new
      // connection has none of the old one's prepared statements).
      prepared.clear();
      try {
        sql.reconnect();
      } catch (...) {
      }
      throw;
    }
  }
}

void Database::Run(const std::function<void(Tx&)>& fn) {
  Lease([&](soci::session& sql, PreparedNames& prepared) {
    Tx tx(sql, false, &prepared);
    fn(tx);
  });
}

void Database::Transact(const std::function<void(Tx&)>& fn) {
  Lease([&](soci::session& sql, PreparedNames& prepared) {
    soci::transaction transaction(sql);  // rolls back in its destructor unless committed
    Tx tx(sql, true, &prepared);
    fn(tx);
    transaction.commit();
  });
}

Listener::Listener(const Database& db, const std::vector<std::string>& channels) {
  try {
    sql_ = std::make_unique<soci::session>(soci::postgresql, db.conninfo());
    for (const auto& ch : channels) *sql_ << "LISTEN " + ch;
  } catch (...) {
    RethrowAsDomainError();
  }
}

Listener::~Listener() = default;

int Listener::socket() const { return PQsocket(RawConnection(*sql_)); }

std::set<std::string> Listener::Drain() {
  PGconn* conn = RawConnection(*sql_);
  if (PQconsumeInput(conn) == 0) throw ConnectionLost(ErrorKind::kUnavailable, PQerrorMessage(conn), "");
  std::set<std::string> notified;
  while (PGnotify* n = PQnotifies(conn)) {
    notified.insert(n->relname);
    PQfreemem(n);
  }
  return notified;
}

void Listener::Run(const std::function<void(Tx&)>& fn) {
  try {
    Tx tx(*sql_, false);
    fn(tx);
  } catch (...) {
    RethrowAsDomainError();
  }
}

std::string HexBytes(const std::string& bytes) {
  std::string hex(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  hex.pop_back();
  return hex;
}

std::string BytesFromHex(const std::string& hex) {
  std::string bytes(hex.size() / 2, '\0');
  std::size_t len = 0;
  sodium_hex2bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), hex.data(), hex.size(), nullptr, &len,
                 nullptr);
  bytes.resize(len);
  return bytes;
}

PGconn* RawConnection(soci::session& sql) {
  return static_cast<soci::postgresql_session_backend*>(sql.get_backend())->conn_;
}

void ExecScript(soci::session& sql, const std::string& script) {
  PGresult* res = PQexec(RawConnection(sql), script.c_str());
  const ExecStatusType status = PQresultStatus(res);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
    PQclear(res);
    return;
  }
  const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
  const std::string message = PQresultErrorMessage(res);
  const std::string sqlstate = state ? state : "";
  PQclear(res);
  if (sqlstate.rfind("08", 0) == 0) throw ConnectionLost(ErrorKind::kUnavailable, "SQL script failed: " + message, sqlstate);
  throw StoreError(ErrorKind::kInternal, "SQL script failed (" + sqlstate + "): " + message, sqlstate);
}

namespace {

// The typed error for a failed statement with SQLSTATE `state`.
[[noreturn]] void ThrowForState(const std::string& state, std::string message) {
  // PostgreSQL's first line only: its DETAIL quotes the row's values (a petitioner's
  // phone in a unique violation), which must not reach a log.
  if (const auto detail = message.find("\nDETAIL:"); detail != std::string::npos) message.resize(detail);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  if (state == "23505") throw UniqueViolation(message, ConstraintName(message));
  if (state == "40001" || state == "40P01") {
    throw SerializationFailure(ErrorKind::kConflict, "concurrent update, try again: " + message, state);
  }
  if (state == "57014") throw StatementTimeout(ErrorKind::kUnavailable, "database statement timed out", state);
  if (state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03") {
    throw ConnectionLost(ErrorKind::kUnavailable, "database unavailable: " + message, state);
  }
  throw StoreError(ErrorKind::kInternal, "database error " + state + ": " + message, state);
}

// A libpq result that is cleared however the scope is left.
struct Result_ {
  PGresult* res;
  ~Result_() { PQclear(res); }
};

void CheckResult(PGconn* conn, PGresult* res) {
  const ExecStatusType status = PQresultStatus(res);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return;
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  if (!state || PQstatus(conn) != CONNECTION_OK) {
    throw ConnectionLost(ErrorKind::kUnavailable, std::string("database unavailable: ") + PQerrorMessage(conn),
                         state ? state : "");
  }
  ThrowForState(state, PQresultErrorMessage(res));
}

}  // namespace

PreparedSql::PreparedSql(std::string name, std::string_view query) : name_(std::move(name)) {
  // SOCI's placeholder rule: ':' + identifier, not part of a '::' cast, outside quotes.
  bool quoted = false;
  for (std::size_t i = 0; i < query.size(); ++i) {
    const char ch = query[i];
    if (ch == '\'') quoted = !quoted;
    const auto ident = [&](std::size_t at) {
      return at < query.size() && (std::isalnum(static_cast<unsigned char>(query[at])) || query[at] == '_');
    };
    if (quoted || ch != ':' || (i > 0 && query[i - 1] == ':') || (i + 1 < query.size() && query[i + 1] == ':') ||
        !ident(i + 1)) {
      sql_ += ch;
      continue;
    }
    std::size_t end = i + 1;
    while (ident(end)) ++end;
    const std::string param(query.substr(i + 1, end - i - 1));
    auto at = std::find(params_.begin(), params_.end(), param);
    if (at == params_.end()) at = params_.insert(params_.end(), param);
    sql_ += "$" + std::to_string(at - params_.begin() + 1);
    i = end - 1;
  }
}

SqlRows ExecPrepared(Tx& tx, const PreparedSql& statement, const SqlParams& values) {
  PGconn* conn = RawConnection(tx.sql_);
  std::vector<const char*> params(statement.params().size(), nullptr);
  for (std::size_t i = 0; i < params.size(); ++i) {
    bool found = false;
    for (const auto& [name, value] : values) {
      if (name != statement.params()[i]) continue;
      params[i] = value ? value->c_str() : nullptr;
      found = true;
      break;
    }
    if (!found) throw StoreError(ErrorKind::kInternal, statement.name() + ": no value for :" + statement.params()[i], "");
  }
  const int n = static_cast<int>(params.size());
  PGresult* res = nullptr;
  if (tx.prepared_) {
    if (!tx.prepared_->count(statement.name())) {
      Result_ prepared{PQprepare(conn, statement.name().c_str(), statement.sql().c_str(), n, nullptr)};
      CheckResult(conn, prepared.res);
      tx.prepared_->insert(statement.name());
    }
    res = PQexecPrepared(conn, statement.name().c_str(), n, params.data(), nullptr, nullptr, 0);
  } else {
    res = PQexecParams(conn, statement.sql().c_str(), n, nullptr, params.data(), nullptr, nullptr, 0);
  }
  Result_ result{res};
  CheckResult(conn, res);
  SqlRows rows(static_cast<std::size_t>(PQntuples(res)));
  const int columns = PQnfields(res);
  for (int r = 0; r < PQntuples(res); ++r) {
    auto& row = rows[static_cast<std::size_t>(r)];
    row.reserve(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      if (PQgetisnull(res, r, c)) row.emplace_back(std::nullopt);
      else row.emplace_back(std::string(PQgetvalue(res, r, c), static_cast<std::size_t>(PQgetlength(res, r, c))));
    }
  }
  return rows;
}

void RethrowAsDomainError() {
  try {
    throw;
  } catch (const DomainError&) {
    throw;
  } catch (const soci::postgresql_soci_error& e) {
    ThrowForState(e.sqlstate(), e.get_error_message());
  } catch (const soci::soci_error& e) {
    // No SQLSTATE: the connection itself failed (server down, socket gone).
    if (e.get_error_category() == soci::soci_error::connection_error) {
      throw ConnectionLost(ErrorKind::kUnavailable, "database unavailable: " + e.get_error_message(), "");
    }
    const std::string what = e.get_error_message();
    if (what.find("server closed") != std::string::npos || what.find("no connection") != std::string::npos ||
        what.find("not connected") != std::string::npos ||
        what.find("Cannot establish connection") != std::string::npos) {
      throw ConnectionLost(ErrorKind::kUnavailable, "database unavailable: " + what, "");
    }
    throw StoreError(ErrorKind::kInternal, "database error: " + what, "");
  }
}

}  // namespace petitiond::store
