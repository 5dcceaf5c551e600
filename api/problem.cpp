#include "api/problem.hpp"

#include <boost/json.hpp>

namespace petitiond::api {
namespace {

struct KindInfo {
  int status;
  const char* slug;
  const char* title;
};

KindInfo Info(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalid: return {400, "invalid-request", "The request is malformed"};
    case ErrorKind::kUnauthorized: return {401, "unauthorized", "Sign-in required"};
    case ErrorKind::kForbidden: return {403, "forbidden", "Your role does not allow this"};
    case ErrorKind::kNotFound: return {404, "not-found", "Not found"};
    case ErrorKind::kConflict: return {409, "conflict", "Not allowed in the current state"};
    case ErrorKind::kPreconditionFailed: return {412, "stale-version", "The case changed since you read it"};
    case ErrorKind::kUnprocessable: return {422, "missing-data", "Required data is missing"};
    case ErrorKind::kUnavailable: return {503, "unavailable", "Service temporarily unavailable"};
    case ErrorKind::kTooManyRequests: return {429, "too-many-requests", "Too many attempts"};
    case ErrorKind::kInternal: break;
  }
  return {500, "internal", "Internal error"};
}

}  // namespace

Response Problem(int status, std::string_view slug, std::string_view title, std::string detail,
                 const std::vector<std::string>& errors) {
  boost::json::object o;
  o["type"] = "/problems/" + std::string(slug);
  o["title"] = title;
  o["status"] = status;
  o["detail"] = std::move(detail);
  if (!errors.empty()) {
    boost::json::array list;
    for (const auto& e : errors) list.emplace_back(e);
    o["errors"] = std::move(list);
  }
  Response r;
  r.status = status;
  r.content_type = "application/problem+json";
  r.body = boost::json::serialize(o);
  if (status == 503) r.headers.emplace_back("Retry-After", "1");
  return r;
}

Response ProblemResponse(const Error& error) {
  const KindInfo info = Info(error.kind);
  // Internal details (SQL, library messages) stay in the log, not in the response;
  // Api::Handle puts a request id in their place.
  return Problem(info.status, info.slug, info.title, error.message, error.details);
}

}  // namespace petitiond::api
