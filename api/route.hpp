#pragma once

#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_types.hpp"
#include "engine/machine.hpp"

namespace petitiond::api {

// Who may call a route. The router enforces it before the handler runs: 401 without a
// valid session, 403 for a role outside the set. Office scope is the services' job.
struct Who {
  enum class Kind {
    kPublic,  // anyone, no sign-in (status page, mailbox form, health)
    kSigned,  // no session: the handler verifies a shared-secret signature (webhooks)
    kApiKey,  // no session: the handler checks an Open311 client's api_key (403 without)
    kRoles,   // signed-in staff holding any of `roles`
  };
  Kind kind = Kind::kRoles;
  std::vector<std::string> roles;

  static Who Public() { return {Kind::kPublic, {}}; }
  static Who Signed() { return {Kind::kSigned, {}}; }
  static Who ApiKey() { return {Kind::kApiKey, {}}; }
  static Who Roles(std::initializer_list<std::string> roles) { return {Kind::kRoles, roles}; }
  // Every role engine/workflow.hpp knows: any signed-in staff member.
  static Who Staff();

  bool NeedsSession() const { return kind == Kind::kRoles; }
  bool Allows(const Actor& actor) const;
};

// What a handler gets: the request, the caller (for kRoles routes), path parameters.
struct Context {
  const Request& request;
  std::optional<Actor> actor;
  std::map<std::string, std::string> params;  // {id} in the pattern -> "7"
  std::string token;                           // the caller's bearer token (kRoles routes)
  std::string route;                           // "GET /api/v1/cases/{id}", for the access log

  // REQUIRES: the route is kRoles (the router has authenticated the caller).
  const Actor& caller() const { return *actor; }
  const std::string& Param(const std::string& name) const { return params.at(name); }
};

using Handler = std::function<Response(Context&)>;

struct QueryParam {
  std::string name;
  std::string schema;  // JSON Schema text, e.g. {"type":"string","enum":["true","false"]}
  std::string description;
};

// One route, declared once: the router, the authorization check and the OpenAPI
// document are all derived from these fields.
struct Route {
  std::string method{};   // "GET", "POST", "DELETE"
  std::string pattern{};  // "/api/v1/cases/{id}/events"; {name} matches one segment
  Who who{};
  Handler handler{};
  std::string summary{};
  std::string tag{};                  // OpenAPI tag: the resource
  std::vector<QueryParam> query{};    // accepted query parameters
  std::string request_schema{};       // JSON Schema text of the body; empty: no body
  std::string request_content_type = "application/json";
  int status = 200;                   // the success status
  std::string response_schema{};      // JSON Schema text of the success body
  std::string response_content_type = "application/json";
  std::vector<int> other_statuses{};  // documented non-error answers (e.g. 200 beside 201)
  // Error answers this route gives beyond those its shape implies (400 for a bad
  // request, 401/403 for who may call, 404 for a path parameter, 413 for a body):
  // 409, 412, 422, 428, 429 ... The OpenAPI document lists them all.
  std::vector<int> errors{};
  bool idempotent_create = false;     // honours Idempotency-Key (a POST that creates)
  std::size_t max_body = 0;           // bytes a body may have; 0: the server's default (1 MiB)
};

// The table and its matcher. Immutable once the Api is built; safe to read concurrently.
class RouteTable {
 public:
  void Add(Route route);
  const std::vector<Route>& routes() const { return routes_; }

  struct Match {
    const Route* route = nullptr;                // null: no route for this method
    std::map<std::string, std::string> params;
    std::vector<std::string> allowed;            // methods the path has (empty: unknown path)
  };
  Match Find(std::string_view method, std::string_view path) const;

 private:
  std::vector<Route> routes_;
  std::vector<std::vector<std::string>> patterns_;  // routes_[i].pattern split once, at Add
};

// Every error status a route documents (and the API tests hold it to): 400 for a
// request it cannot take, 401/403 for who may call it, 404 for a path parameter, 413
// for a body, and the route's own `errors`; ascending.
std::vector<int> DocumentedErrors(const Route& r);

// Splits "/api/v1/cases/7" into {"api","v1","cases","7"}; empty segments dropped.
std::vector<std::string_view> Segments(std::string_view path);

}  // namespace petitiond::api
