#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "api/http_types.hpp"
#include "engine/machine.hpp"

namespace petitiond::store {
class Database;
}
namespace petitiond::runtime {
class AuthService;
class CaseService;
}  // namespace petitiond::runtime

namespace petitiond::api {

// Routes a request to its handler and turns every failure into problem+json. Blocking
// (database, argon2id): the server calls it on a worker thread.
//
// Routes (JSON API v1; docs in README.md):
//   GET  /healthz, GET /readyz
//   POST /api/v1/sessions
//   POST /api/v1/cases, GET /api/v1/cases, GET /api/v1/cases/{id}
//   POST /api/v1/cases/{id}/events (If-Match), GET /api/v1/cases/{id}/events
//   POST /api/v1/calendar/closures (admin), GET /api/v1/outbox, GET /metrics
//
// Thread safety: Handle may be called concurrently.
class Api {
 public:
  Api(store::Database& db, runtime::AuthService& auth, runtime::CaseService& cases)
      : db_(db), auth_(auth), cases_(cases) {}

  Response Handle(const Request& request);

 private:
  Response Route(const Request& request);
  Actor Authenticate(const Request& request);
  Response Ready();
  Response Login(const Request& request);
  Response CreateCase(const Request& request);
  Response GetCase(const Request& request, std::int64_t id);
  Response ListCases(const Request& request);
  Response PostEvent(const Request& request, std::int64_t id);
  Response ListEvents(const Request& request, std::int64_t id);
  Response CloseOffice(const Request& request);
  Response ListOutbox(const Request& request);

  store::Database& db_;
  runtime::AuthService& auth_;
  runtime::CaseService& cases_;
};

}  // namespace petitiond::api
