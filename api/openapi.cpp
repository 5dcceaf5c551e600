// GET /api/v1/openapi.json: the OpenAPI 3.1 document, derived from the route table.
#include <boost/json.hpp>

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
    case 503: return "Unavailable";
    default: return "Answer";
  }
}

json::object Operation(const Route& r) {
  json::object op{{"summary", r.summary}, {"operationId", r.method + " " + r.pattern}, {"tags", json::array{r.tag}}};
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
    responses[std::to_string(other)] =
        json::object{{"description", Reason(other)}, {"content", Content(r.response_content_type, r.response_schema)}};
  }
  responses["default"] = json::object{{"description", "Problem (RFC 9457)"},
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
