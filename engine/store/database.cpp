#include "engine/store/database.hpp"

#include <libpq-fe.h>
#include <soci/connection-pool.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

namespace petitiond::store {

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

Database::Database(std::string_view database_url, std::size_t pool_size)
    : conninfo_(ToConninfo(database_url).ValueOrThrow()), pool_size_(pool_size) {
  pool_ = std::make_unique<soci::connection_pool>(pool_size_);
  try {
    for (std::size_t i = 0; i < pool_size_; ++i) {
      pool_->at(i).open(soci::postgresql, conninfo_);
    }
  } catch (...) {
    RethrowAsDomainError();
  }
}

Database::~Database() = default;

void Database::Run(const std::function<void(soci::session&)>& fn) {
  soci::session sql(*pool_);  // waits for a free pooled session; returns it on scope exit
  try {
    fn(sql);
  } catch (...) {
    try {
      RethrowAsDomainError();
    } catch (const DomainError& e) {
      // A broken connection stays broken: reconnect it so the pool heals.
      if (e.error().kind == ErrorKind::kUnavailable) {
        try {
          sql.reconnect();
        } catch (...) {
        }
      }
      throw;
    }
  }
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
  throw DomainError(sqlstate.rfind("08", 0) == 0 ? ErrorKind::kUnavailable : ErrorKind::kInternal,
                    "SQL script failed (" + sqlstate + "): " + message);
}

void RethrowAsDomainError() {
  try {
    throw;
  } catch (const DomainError&) {
    throw;
  } catch (const soci::postgresql_soci_error& e) {
    const std::string state = e.sqlstate();
    if (state == "23505") throw DomainError(ErrorKind::kConflict, e.get_error_message());
    if (state == "40001" || state == "40P01") {
      throw DomainError(ErrorKind::kConflict, "concurrent update, try again: " + e.get_error_message());
    }
    if (state.rfind("08", 0) == 0 || state == "57P01" || state == "57P03") {
      throw DomainError(ErrorKind::kUnavailable, "database unavailable: " + e.get_error_message());
    }
    throw DomainError(ErrorKind::kInternal, "database error " + state + ": " + e.get_error_message());
  } catch (const soci::soci_error& e) {
    // No SQLSTATE: the connection itself failed (server down, socket gone).
    const std::string what = e.get_error_message();
    if (what.find("onnect") != std::string::npos || what.find("server closed") != std::string::npos ||
        what.find("no connection") != std::string::npos) {
      throw DomainError(ErrorKind::kUnavailable, "database unavailable: " + what);
    }
    throw DomainError(ErrorKind::kInternal, "database error: " + what);
  }
}

}  // namespace petitiond::store
