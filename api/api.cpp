#include "api/api.hpp"

#include <algorithm>

#include "engine/digest.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <ctime>

#include "api/problem.hpp"
#include "engine/store/database.hpp"
#include "engine/runtime/security/auth.hpp"
#include "engine/runtime/services/idempotency.hpp"

namespace petitiond::api {
namespace {

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

Api::Api(Services services) : s_(std::move(services)) {
  AddHealthRoutes(table_, s_);
  AddSessionRoutes(table_, s_);
  AddUserRoutes(table_, s_);
  AddCaseRoutes(table_, s_);
  AddAttachmentRoutes(table_, s_);
  AddReplyTemplateRoutes(table_, s_);
  AddWorkflowMigrationRoutes(table_, s_);
  AddCalendarRoutes(table_, s_);
  AddOutboxRoutes(table_, s_);
  AddIntakeRoutes(table_, s_);
  AddPublicRoutes(table_, s_);
  AddStatsRoutes(table_, s_);
  AddOpen311Routes(table_, s_);
  AddWebRoutes(table_);
  AddOpenApiRoute(table_);
}

namespace {

// Ties an answer the caller sees to the log line that holds the details.
std::string RequestId() {
  static std::atomic<std::uint64_t> next{0};
  static const std::uint64_t start = static_cast<std::uint64_t>(std::time(nullptr)) << 20;
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(start + ++next));
  return buf;
}

// What a caller is told when the database refused: never its message, which may quote
// SQL, constraint names or values.
std::string StoreMessage(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kConflict: return "someone changed the same data at the same moment; please try again";
    case ErrorKind::kUnavailable: return "the database is unavailable; please try again shortly";
    default: return "an internal error occurred";
  }
}

}  // namespace

Response Api::Handle(const Request& request) const {
  // HEAD is GET without the body (RFC 9110 9.3.2), for every GET route: the same
  // status and headers; the server leaves the body out and keeps its Content-Length.
  if (request.method == "HEAD") {
    Request get = request;
    get.method = "GET";
    return Handle(get);
  }
  try {
    Response r = Dispatch(request);
    // Lists the console polls: an ETag of the body, and 304 when nothing changed (the
    // browser's cache revalidates by itself). Not where a route set its own ETag (a
    // case's version, used for If-Match).
    if (request.method == "GET" && r.status == 200 && r.content_type == "application/json" &&
        std::none_of(r.headers.begin(), r.headers.end(), [](const auto& h) { return h.first == "ETag"; })) {
      const std::string tag = "\"" + ContentTagHex(r.body) + "\"";
      if (request.Header("if-none-match").value_or("") == tag) {
        Response not_modified;
        not_modified.status = 304;
        not_modified.headers.emplace_back("ETag", tag);
        return not_modified;
      }
      r.headers.emplace_back("ETag", tag);
      if (std::none_of(r.headers.begin(), r.headers.end(), [](const auto& h) { return h.first == "Cache-Control"; })) {
        r.headers.emplace_back("Cache-Control", "private, no-cache");
      }
    }
    return r;
  } catch (const TooManyRequests& e) {
    Response r = ProblemResponse(e.error());
    r.headers.emplace_back("Retry-After", std::to_string(e.retry_after().count()));
    return r;
  } catch (const store::StoreError& e) {
    const std::string id = RequestId();
    spdlog::error("{} {} [request {}]: {}", request.method, request.path, id, e.what());
    return ProblemResponse(Error{e.error().kind, StoreMessage(e.error().kind) + " (request " + id + ")", {}});
  } catch (const DomainError& e) {
    if (e.error().kind == ErrorKind::kInternal || e.error().kind == ErrorKind::kUnavailable) {
      const std::string id = RequestId();
      spdlog::error("{} {} [request {}]: {}", request.method, request.path, id, e.what());
      Error shown = e.error();
      if (shown.kind == ErrorKind::kInternal) shown.message = "an internal error occurred (request " + id + ")";
      return ProblemResponse(shown);
    }
    return ProblemResponse(e.error());
  } catch (const std::exception& e) {
    const std::string id = RequestId();
    spdlog::error("{} {} [request {}]: unexpected: {}", request.method, request.path, id, e.what());
    return ProblemResponse(Error{ErrorKind::kInternal, "an internal error occurred (request " + id + ")", {}});
  }
}

std::size_t Api::BodyLimit(std::string_view method, std::string_view target) const {
  const auto match = table_.Find(method, target.substr(0, target.find('?')));
  return match.route ? match.route->max_body : 0;
}

Response Api::Dispatch(const Request& request) const {
  auto match = table_.Find(request.method, request.path);
  if (!match.route) {
    if (match.allowed.empty()) throw DomainError(ErrorKind::kNotFound, "no resource at " + request.path);
    if (std::count(match.allowed.begin(), match.allowed.end(), "GET")) match.allowed.push_back("HEAD");
    Response r = Problem(405, "method-not-allowed", "Method not allowed", "allowed here: " + Join(match.allowed));
    r.headers.emplace_back("Allow", Join(match.allowed));
    return r;
  }
  const Route& route = *match.route;
  Context ctx{request, std::nullopt, std::move(match.params), "", route.method + " " + route.pattern};
  if (route.who.NeedsSession()) {
    const std::string header = request.Header("authorization").value_or("");
    constexpr std::string_view kBearer = "Bearer ";
    if (header.size() > kBearer.size() && header.compare(0, kBearer.size(), kBearer) == 0) {
      ctx.token = header.substr(kBearer.size());
    } else if (auto cookie = SessionCookie(request)) {
      // The console's cookie: a change must also carry the session's CSRF token, which
      // another site's page cannot read (SameSite=Strict is the first guard).
      ctx.token = *cookie;
      if (request.method != "GET" && request.method != "HEAD" &&
          !SameSecret(request.Header("x-csrf-token").value_or(""), CsrfToken(ctx.token))) {
        throw DomainError(ErrorKind::kForbidden, "the request lacks the page's CSRF token (X-CSRF-Token); reload it");
      }
    } else {
      throw DomainError(ErrorKind::kUnauthorized, "sign in first: send Authorization: Bearer <token>");
    }
    ctx.actor = s_.auth.Authenticate(ctx.token);
    if (!route.who.Allows(*ctx.actor)) {
      throw DomainError(ErrorKind::kForbidden, route.method + " " + route.pattern + " is for " +
                                                   Join(route.who.roles));
    }
  }
  const auto key = request.Header("idempotency-key");
  if (!route.idempotent_create || !key) return route.handler(ctx);
  // Keys are scoped to the caller; a public route's keys to the route.
  const std::string principal = ctx.actor ? "user:" + ctx.actor->login : "public:" + route.pattern;
  const std::string content_type = request.Header("content-type").value_or("");
  store::StoredResponse stored = s_.idempotency.Run(
      principal, *key, request.method + "\n" + request.path + "\n" + content_type + "\n" + request.body, [&] {
        Response r = route.handler(ctx);
        return store::StoredResponse{r.status, r.content_type, r.headers, r.body};
      });
  Response r;
  r.status = stored.status;
  r.content_type = stored.content_type;
  r.headers = std::move(stored.headers);
  r.body = std::move(stored.body);
  return r;
}

}  // namespace petitiond::api
