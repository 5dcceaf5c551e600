#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "api/http_types.hpp"
#include "engine/machine.hpp"
#include "engine/time.hpp"

namespace petitiond::store {
class Database;
}
namespace petitiond::runtime {
class AuthService;
class CaseService;
class IntakeService;
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
//   POST /api/v1/intake/hotline (HMAC-signed 1999 dispatch), GET /api/v1/intake
//   POST /public/mailbox, GET /public/mailbox/confirm?token= (no sign-in)
//
// Thread safety: Handle may be called concurrently.
struct ChannelSettings {
  std::string hotline_secret;  // config hotline.secret; empty: the webhook answers 401
  int confirm_days = 7;        // config mailbox.confirm_days
  std::string public_url = "http://127.0.0.1:8080";
};

class Api {
 public:
  // REQUIRES: all references outlive the Api.
  Api(store::Database& db, runtime::AuthService& auth, runtime::CaseService& cases, runtime::IntakeService& intake,
      const Clock& clock, ChannelSettings channels = {})
      : db_(db), auth_(auth), cases_(cases), intake_(intake), clock_(clock), channels_(std::move(channels)) {}

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
  Response HotlineWebhook(const Request& request);
  Response ListIntake(const Request& request);
  Response MailboxForm(const Request& request);
  Response ConfirmMailbox(const Request& request);

  store::Database& db_;
  runtime::AuthService& auth_;
  runtime::CaseService& cases_;
  runtime::IntakeService& intake_;
  const Clock& clock_;
  ChannelSettings channels_;
};

}  // namespace petitiond::api
