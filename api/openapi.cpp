// GET /api/v1/openapi.json: the OpenAPI 3.1 document, derived from the route table.
#include <boost/json.hpp>

#include <algorithm>
#include <cctype>

#include "api/api.hpp"
#include "api/json_io.hpp"
#include "api/schemas.hpp"

namespace petitiond::api {
namespace json = boost::json;
namespace {

json::value Schema(const std::string& text) { return json::parse(text); }

json::object Content(const std::string& type, const std::string& schema) {
  return json::object{{type, json::object{{"schema", Schema(schema)}}}};
}

std::string Reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 303: return "See the page at Location";
    case 304: return "Not modified (If-None-Match)";
    case 400: return "The request is malformed: every problem is listed in `errors`";
    case 401: return "No valid session (or signature): sign in first";
    case 403: return "Not allowed for the caller's roles or office";
    case 404: return "No such resource (or not in the caller's office)";
    case 409: return "Conflicts with the resource's state";
    case 412: return "The resource changed since it was read (If-Match)";
    case 413: return "The body is too large";
    case 422: return "Well-formed, but the data cannot be taken (`errors` names each field)";
    case 428: return "If-Match is required";
    case 429: return "Too many attempts: wait for Retry-After";
    case 503: return "Unavailable";
    default: return "Answer";
  }
}

// "GET /api/v1/cases/{id}/events" -> "getCasesByIdEvents": camelCase, URL-safe and
// unique per method and path (RouteTableTest checks), for generated clients.
std::string OperationId(const Route& r) {
  std::string id;
  for (char c : r.method) id += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto words = Segments(r.pattern);
  std::size_t first = 0;
  if (words.size() >= 2 && words[0] == "api" && words[1] == "v1") first = 2;
  if (words.size() == first) id += "Root";
  for (std::size_t i = first; i < words.size(); ++i) {
    std::string_view w = words[i];
    if (w.size() > 2 && w.front() == '{') {
      id += "By";
      w = w.substr(1, w.size() - 2);
    }
    bool upper = true;
    for (char c : w) {
      if (!std::isalnum(static_cast<unsigned char>(c))) {
        upper = true;
        continue;
      }
      id += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
      upper = false;
    }
  }
  return id;
}

json::object Operation(const Route& r) {
  json::object op{{"summary", r.summary}, {"operationId", OperationId(r)}, {"tags", json::array{r.tag}}};
  json::array params;
  for (const auto& seg : Segments(r.pattern)) {
    if (seg.size() > 2 && seg.front() == '{') {
      params.push_back(json::object{{"name", std::string(seg.substr(1, seg.size() - 2))},
                                    {"in", "path"},
                                    {"required", true},
                                    {"schema", json::object{{"type", "string"}}}});
    }
  }
  for (const auto& q : r.query) {
    json::object p{{"name", q.name}, {"in", "query"}, {"required", false}, {"schema", Schema(q.schema)}};
    if (!q.description.empty()) p["description"] = q.description;
    params.push_back(std::move(p));
  }
  if (r.method == "POST" && r.pattern.find("{id}/events") != std::string::npos) {
    params.push_back(json::object{{"name", "If-Match"}, {"in", "header"}, {"required", true},
                                  {"schema", json::object{{"type", "string"}}}});
  }
  if (r.idempotent_create) {
    params.push_back(json::object{{"name", "Idempotency-Key"},
                                  {"in", "header"},
                                  {"required", false},
                                  {"description", "a retry with the same key and body within 24 h returns the first answer"},
                                  {"schema", json::object{{"type", "string"}, {"maxLength", 200}}}});
  }
  if (!params.empty()) op["parameters"] = std::move(params);
  if (!r.request_schema.empty()) {
    json::object content = Content(r.request_content_type, r.request_schema);
    if (r.pattern == "/public/mailbox") {
      content["application/x-www-form-urlencoded"] = json::object{{"schema", Schema(r.request_schema)}};
    }
    op["requestBody"] = json::object{{"required", true}, {"content", std::move(content)}};
  }
  json::object responses;
  responses[std::to_string(r.status)] =
      json::object{{"description", Reason(r.status)}, {"content", Content(r.response_content_type, r.response_schema)}};
  for (int other : r.other_statuses) {
    if (other >= 300 && other < 400) {  // a redirect: where to, no body
      responses[std::to_string(other)] = json::object{
          {"description", Reason(other)},
          {"headers", json::object{{"Location", json::object{{"schema", json::object{{"type", "string"}}}}}}}};
      continue;
    }
    responses[std::to_string(other)] =
        json::object{{"description", Reason(other)}, {"content", Content(r.response_content_type, r.response_schema)}};
  }
  // Open311 answers errors in its own format (GeoReport v2); everything else as RFC 9457.
  const bool open311 = r.pattern.rfind("/open311/", 0) == 0;
  const json::object problem = open311 ? Content("application/json", schemas::kOpen311Errors)
                                       : Content("application/problem+json", schemas::kProblem);
  for (int status : DocumentedErrors(r)) {
    responses[std::to_string(status)] = json::object{{"description", Reason(status)}, {"content", problem}};
  }
  responses["default"] = json::object{{"description", "Another problem: 503 unavailable, 500 internal (RFC 9457)"},
                                      {"content", Content("application/problem+json", schemas::kProblem)}};
  op["responses"] = std::move(responses);
  switch (r.who.kind) {
    case Who::Kind::kPublic: op["security"] = json::array{}; break;
    case Who::Kind::kApiKey:
      op["security"] = json::array{};
      op["x-api-key"] = "api_key (query or form field): an Open311 client's key, made by an admin";
      break;
    case Who::Kind::kSigned:
      op["security"] = json::array{};
      op["x-signature"] = "X-Timestamp and X-Signature: sha256=HMAC-SHA256(secret, \"<timestamp>.<body>\")";
      break;
    case Who::Kind::kRoles: {
      json::array roles;
      for (const auto& role : r.who.roles) roles.emplace_back(role);
      op["x-roles"] = std::move(roles);
      break;
    }
  }
  return op;
}

}  // namespace

json::object OpenApiDocument(const RouteTable& t) {
  json::object paths;
  for (const auto& r : t.routes()) {
    std::string method = r.method;
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!paths.contains(r.pattern)) paths[r.pattern] = json::object{};
    paths[r.pattern].as_object()[method] = Operation(r);
  }
  json::object components{{"schemas", json::parse(schemas::Components())},
                          {"securitySchemes", json::object{{"bearer", json::object{{"type", "http"}, {"scheme", "bearer"}}}}}};
  return json::object{{"openapi", "3.1.0"},
                      {"info", json::object{{"title", "petitiond"},
                                            {"version", "1"},
                                            {"license", json::object{{"name", "All rights reserved (petitiond maintainers)"},
                                                                     {"identifier", "LicenseRef-petitiond"}}},
                                            {"description", "Petitions and complaints (陳情) workflow API. Staff see "
                                                            "their own office; directors and admins see all."}}},
                      {"servers", json::array{json::object{{"url", "/"}}}},
                      {"security", json::array{json::object{{"bearer", json::array{}}}}},
                      {"paths", std::move(paths)},
                      {"components", std::move(components)}};
}

void AddOpenApiRoute(RouteTable& t) {
  t.Add({.method = "GET",
         .pattern = "/api/v1/openapi.json",
         .who = Who::Public(),
         .handler = [&t](Context&) { return Json(200, OpenApiDocument(t)); },
         .summary = "This document",
         .tag = "meta",
         .response_schema = schemas::kOpenApi});
}

}  // namespace petitiond::api
