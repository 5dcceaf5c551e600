#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "api/http_types.hpp"
#include "api/route.hpp"
#include "engine/language.hpp"
#include "engine/time.hpp"

namespace petitiond::runtime {
class AccountService;
class AuthService;
class CaseService;
class HealthService;
class IdempotencyService;
class IntakeService;
class Open311Service;
class OutboxService;
class PublicStatus;
class ReplyTemplateService;
class WorkflowMigrationService;
class StatsService;
class SurveyService;
}  // namespace petitiond::runtime

namespace petitiond::api {

// A configured news feed (config news.feeds), for the admin's status page.
struct FeedSetting {
  std::string url;
  std::string office;
  long long interval_seconds = 0;
};
struct ChannelSettings {
  std::string hotline_secret;  // config hotline.secret; empty: the webhook answers 401
  int confirm_days = 7;        // config mailbox.confirm_days
  std::string public_url = "http://127.0.0.1:8080";
  std::vector<FeedSetting> feeds;  // config news.feeds
};

// What the handlers reach data through: runtime services only, never the store.
// REQUIRES: every reference outlives the Api.
struct Services {
  runtime::AuthService& auth;
  runtime::CaseService& cases;
  runtime::IntakeService& intake;
  runtime::OutboxService& outbox;
  runtime::HealthService& health;
  runtime::IdempotencyService& idempotency;
  runtime::AccountService& accounts;
  runtime::PublicStatus& public_status;
  runtime::SurveyService& surveys;
  runtime::StatsService& stats;
  runtime::Open311Service& open311;
  runtime::ReplyTemplateService& templates;
  runtime::WorkflowMigrationService& migrations;
  const Clock& clock;
  ChannelSettings channels;
};

// The JSON API: the route table (one file of handlers per resource under api/), the
// router derived from it, and the one place failures become problem+json. Blocking
// (database, argon2id): the server calls Handle on a worker thread.
//
// Thread safety: Handle may be called concurrently.
class Api {
 public:
  explicit Api(Services services);
  // The handlers hold references into the Api: it stays where it was built.
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  Response Handle(const Request& request) const;
  const RouteTable& routes() const { return table_; }
  // The largest body `method target` may carry (its route's max_body); 0: the
  // server's default. `target` may carry a query.
  std::size_t BodyLimit(std::string_view method, std::string_view target) const;

 private:
  Response Dispatch(const Request& request) const;

  Services s_;
  RouteTable table_;
};

// The console's session cookie and the CSRF token bound to its session.
inline constexpr const char* kSessionCookie = "petitiond_session";
std::optional<std::string> SessionCookie(const Request& request);
std::optional<std::string> CookieValue(const Request& request, std::string_view cookie);
// The public pages' language: ?lang=, else the remembered choice (cookie
// petitiond_lang, set by the pages' switch), else Accept-Language; zh-Hant-TW by default.
inline constexpr const char* kLanguageCookie = "petitiond_lang";
Language RequestLanguage(const Request& request);
std::string LanguageCookieHeader(const Request& request, Language language);
std::string CsrfToken(const std::string& session_token);
bool SameSecret(const std::string& a, const std::string& b);  // constant time
// Set-Cookie for a session (empty token: the cookie is cleared). Secure when the
// request came over TLS (X-Forwarded-Proto: https from the proxy in front).
std::string SessionCookieHeader(const Request& request, const std::string& token, int max_age);

// Adds each resource's routes; one function per file under api/.
void AddHealthRoutes(RouteTable& t, const Services& s);
void AddSessionRoutes(RouteTable& t, const Services& s);
void AddUserRoutes(RouteTable& t, const Services& s);
void AddCaseRoutes(RouteTable& t, const Services& s);
void AddAttachmentRoutes(RouteTable& t, const Services& s);
void AddReplyTemplateRoutes(RouteTable& t, const Services& s);
void AddWorkflowMigrationRoutes(RouteTable& t, const Services& s);
void AddCalendarRoutes(RouteTable& t, const Services& s);
void AddOutboxRoutes(RouteTable& t, const Services& s);
void AddIntakeRoutes(RouteTable& t, const Services& s);
void AddPublicRoutes(RouteTable& t, const Services& s);
void AddStatsRoutes(RouteTable& t, const Services& s);
void AddOpen311Routes(RouteTable& t, const Services& s);
// The console and the public pages (web/, compiled in).
void AddWebRoutes(RouteTable& t);
// GET /api/v1/openapi.json, generated from the finished table.
void AddOpenApiRoute(RouteTable& t);
// The OpenAPI 3.1 document of every route in `t`.
boost::json::object OpenApiDocument(const RouteTable& t);

}  // namespace petitiond::api
