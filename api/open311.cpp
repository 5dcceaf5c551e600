// Open311 GeoReport v2 under /open311/v2/ (https://wiki.open311.org/GeoReport_v2):
// services and their definitions from routing.yaml's categories; service requests
// posted and read back by clients holding an admin-made API key. JSON or XML by the
// path's extension; errors in the specification's format, not problem+json.
#include <boost/json.hpp>
#include <pugixml.hpp>

#include <cmath>
#include <sstream>
#include <variant>

#include "api/api.hpp"
#include "api/json_io.hpp"
#include "api/problem.hpp"
#include "api/schemas.hpp"
#include "connectors/connector.hpp"
#include "engine/runtime/services/open311.hpp"

namespace petitiond::api {
namespace json = boost::json;
namespace {

enum class Format { kJson, kXml };

// One Open311 record: its fields in the specification's order.
using Value = std::variant<std::nullptr_t, std::string, double, bool, std::int64_t>;
using Record = std::vector<std::pair<std::string, Value>>;

json::value ToJson(const Value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return json::value(*s);
  if (const auto* d = std::get_if<double>(&v)) return json::value(*d);
  if (const auto* b = std::get_if<bool>(&v)) return json::value(*b);
  if (const auto* i = std::get_if<std::int64_t>(&v)) return json::value(*i);
  return nullptr;
}
json::object ToJson(const Record& r) {
  json::object o;
  for (const auto& [k, v] : r) o[k] = ToJson(v);
  return o;
}

std::string XmlText(const Value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* d = std::get_if<double>(&v)) {
    std::ostringstream out;
    out.precision(10);
    out << *d;
    return out.str();
  }
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  return "";
}
void AppendRecord(pugi::xml_node parent, const char* name, const Record& r) {
  pugi::xml_node item = parent.append_child(name);
  for (const auto& [k, v] : r) item.append_child(k.c_str()).text().set(XmlText(v).c_str());
}
// A document that opens with <?xml version="1.0" encoding="utf-8"?>.
void Declare(pugi::xml_document& doc) {
  pugi::xml_node decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "utf-8";
}

std::string Serialize(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
  return out.str();
}

Response Reply(int status, Format f, const char* root, const char* item, const std::vector<Record>& records) {
  Response r;
  r.status = status;
  if (f == Format::kJson) {
    json::array list;
    for (const auto& rec : records) list.push_back(ToJson(rec));
    r.content_type = "application/json; charset=utf-8";
    r.body = TidyJson(list);
  } else {
    pugi::xml_document doc;
    Declare(doc);
    pugi::xml_node list = doc.append_child(root);
    for (const auto& rec : records) AppendRecord(list, item, rec);
    r.content_type = "text/xml; charset=utf-8";
    r.body = Serialize(doc);
  }
  return r;
}

// The specification's error answer: [{code, description}] or <errors><error>.
Response ErrorReply(int status, Format f, const std::vector<std::string>& descriptions) {
  std::vector<Record> errors;
  for (const auto& d : descriptions) errors.push_back({{"code", static_cast<std::int64_t>(status)}, {"description", d}});
  return Reply(status, f, "errors", "error", errors);
}

// "services.json" -> ("services", kJson); nullopt for another extension.
std::optional<std::pair<std::string, Format>> Split(const std::string& file) {
  const auto dot = file.rfind('.');
  if (dot == std::string::npos) return std::nullopt;
  const std::string ext = file.substr(dot + 1);
  if (ext == "json") return std::make_pair(file.substr(0, dot), Format::kJson);
  if (ext == "xml") return std::make_pair(file.substr(0, dot), Format::kXml);
  return std::nullopt;
}

// Runs `body`, answering its domain errors in the specification's format. Failures of
// the server itself (database, internal) go on to Api::Handle, which logs them.
Response Guard(Format f, const std::function<Response()>& body) {
  try {
    return body();
  } catch (const TooManyRequests& e) {
    Response r = ErrorReply(429, f, {e.what()});
    r.headers.emplace_back("Retry-After", std::to_string(e.retry_after().count()));
    return r;
  } catch (const DomainError& e) {
    int status = 0;
    switch (e.error().kind) {
      case ErrorKind::kInvalid:
      case ErrorKind::kUnprocessable: status = 400; break;
      case ErrorKind::kUnauthorized:
      case ErrorKind::kForbidden: status = 403; break;  // GeoReport v2: 403 for an invalid api_key
      case ErrorKind::kNotFound: status = 404; break;
      case ErrorKind::kConflict: status = 409; break;
      default: throw;
    }
    std::vector<std::string> lines;
    if (e.error().details.empty()) lines.push_back(e.what());
    for (const auto& d : e.error().details) lines.push_back(d);
    return ErrorReply(status, f, lines);
  }
}

Record ServiceRecord(const Category& c) {
  return {{"service_code", c.code},    {"service_name", c.name}, {"description", c.description},
          {"metadata", false},         {"type", std::string("realtime")}, {"keywords", std::string("")},
          {"group", c.group}};
}

std::map<std::string, std::string> ParseForm(const std::string& body) {
  auto form = connectors::ParseUrlEncoded(body);
  if (!form) throw DomainError(ErrorKind::kInvalid, "the body is not application/x-www-form-urlencoded");
  return std::move(*form);
}

std::optional<double> Coordinate(const std::map<std::string, std::string>& form, const char* key) {
  const auto it = form.find(key);
  if (it == form.end() || it->second.empty()) return std::nullopt;
  try {
    std::size_t used = 0;
    const double v = std::stod(it->second, &used);
    if (used == it->second.size() && std::isfinite(v)) return v;
  } catch (const std::exception&) {
  }
  throw DomainError(ErrorKind::kInvalid, std::string(key) + " must be a decimal number");
}

// `codes`: category name -> service_code.
Record RequestRecord(const std::map<std::string, std::string>& codes, const store::Open311Request& q) {
  std::map<std::string, std::string> form;
  try {
    form = ParseForm(q.raw);
  } catch (const DomainError&) {
    // Kept raw as it came; its fields are simply not repeated.
  }
  const auto field = [&](const char* key) -> Value {
    const auto it = form.find(key);
    if (it == form.end() || it->second.empty()) return nullptr;
    return it->second;
  };
  const auto number = [&](const char* key) -> Value {
    try {
      if (auto v = Coordinate(form, key)) return *v;
    } catch (const DomainError&) {
    }
    return nullptr;
  };
  const std::string name = q.category.value_or("");
  const auto code = codes.find(name);
  return {{"service_request_id", q.public_no},
          {"status", std::string(q.closed ? "closed" : "open")},
          {"status_notes", q.status_note},
          {"service_name", name},
          {"service_code", code == codes.end() ? std::string() : code->second},
          {"description", field("description")},
          {"agency_responsible", q.office},
          {"service_notice", std::string("依規定於 6 個工作天內答覆；以案件編號查詢進度")},
          {"requested_datetime", FormatTimestamp(q.received_at)},
          {"updated_datetime", FormatTimestamp(q.updated_at)},
          {"expected_datetime", q.response_due ? Value(FormatTimestamp(*q.response_due)) : Value(nullptr)},
          {"address", field("address_string")},
          {"address_id", field("address_id")},
          {"zipcode", nullptr},
          {"lat", number("lat")},
          {"long", number("long")},
          {"media_url", field("media_url")}};
}

std::optional<Timestamp> DateParam(const Request& req, const char* key) {
  const auto v = QueryValue(req, key);
  if (!v) return std::nullopt;
  const auto t = ParseTimestamp(*v);
  if (!t) Invalid(std::string(key) + " must be a w3 date-time such as 2026-11-01T00:00:00+08:00");
  return t;
}

std::string ApiKey(const Request& req) {
  if (auto key = QueryValue(req, "api_key")) return *key;
  return "";
}

Response ListRequests(runtime::Open311Service& open311, const Clock& clock, const Request& req, Format f,
                      std::optional<std::string> only) {
  const auto client = open311.Authenticate(ApiKey(req), req.client);
  store::Open311Filter filter;
  std::string ids = only.value_or(QueryValue(req, "service_request_id").value_or(""));
  for (std::size_t start = 0; !ids.empty() && start <= ids.size();) {
    const auto comma = ids.find(',', start);
    const std::string id = ids.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!id.empty()) filter.public_nos.push_back(id);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (filter.public_nos.size() > 100) Invalid("at most 100 service_request_id values at once");
  if (filter.public_nos.empty()) {
    if (auto code = QueryValue(req, "service_code")) {
      const auto service = open311.Service(*code);
      if (!service) Invalid("service_code '" + *code + "' is not a service of this office");
      filter.category = service->name;
    }
    filter.start = DateParam(req, "start_date");
    filter.end = DateParam(req, "end_date");
    // The specification's default window: the last 90 days.
    if (!filter.start && !filter.end) filter.start = clock.Now() - std::chrono::days(90);
    if (auto status = QueryValue(req, "status")) {
      if (*status != "open" && *status != "closed") Invalid("status must be open or closed");
      filter.closed = *status == "closed";
    }
  }
  std::vector<Record> records;
  std::map<std::string, std::string> codes;
  for (const auto& c : open311.Services()) codes[c.name] = c.code;
  for (const auto& q : open311.Requests(client, filter)) records.push_back(RequestRecord(codes, q));
  if (only && records.empty()) throw DomainError(ErrorKind::kNotFound, "no service request " + *only);
  return Reply(200, f, "service_requests", "request", records);
}

Response PostRequest(runtime::Open311Service& open311, const Request& req, Format f) {
  const std::string type = req.Header("content-type").value_or("application/x-www-form-urlencoded");
  if (type.rfind("application/x-www-form-urlencoded", 0) != 0) {
    Invalid("post the request as application/x-www-form-urlencoded, as GeoReport v2 specifies");
  }
  const auto form = ParseForm(req.body);
  const auto get = [&](const char* key) {
    const auto it = form.find(key);
    return it == form.end() ? std::string() : it->second;
  };
  std::string key = get("api_key");
  if (key.empty()) key = ApiKey(req);
  const auto client = open311.Authenticate(key, req.client);
  runtime::Open311Post post;
  post.service_code = get("service_code");
  post.lat = Coordinate(form, "lat");
  post.lon = Coordinate(form, "long");
  post.address_string = get("address_string");
  post.address_id = get("address_id");
  post.email = get("email");
  post.phone = get("phone");
  post.first_name = get("first_name");
  post.last_name = get("last_name");
  post.description = get("description");
  post.media_url = get("media_url");
  post.raw = req.body;
  post.content_type = type;
  const store::CaseRecord made = open311.Submit(client, post);
  return Reply(201, f, "service_requests", "request",
               {{{"service_request_id", made.public_no},
                 {"service_notice", std::string("已受理，依規定於 6 個工作天內答覆")},
                 {"account_id", nullptr}}});
}

json::object ClientJson(const store::Open311Client& c) {
  return json::object{{"id", c.id},
                      {"name", c.name},
                      {"created_by", c.created_by},
                      {"created_at", FormatTimestamp(c.created_at)},
                      {"revoked_at", c.revoked_at ? json::value(FormatTimestamp(*c.revoked_at)) : json::value(nullptr)}};
}

void AddClientRoutes(RouteTable& t, const Services& s) {
  t.Add({.method = "POST",
         .pattern = "/api/v1/open311/clients",
         .who = Who::Roles({"admin"}),
         .handler = [&s](Context& c) {
           const json::object o = ParseObject(c.request.body);
           std::vector<std::string> errors;
           const std::string name = ReqString(o, "name", errors);
           RefuseUnknown(o, {"name"}, errors);
           if (!errors.empty()) Invalid("the client has invalid fields", errors);
           auto [client, key] = s.open311.CreateClient(c.caller(), name);
           json::object body = ClientJson(client);
           body["api_key"] = key;
           return Json(201, body);
         },
         .summary = "Admin: an Open311 client and its api_key, shown once (only its SHA-256 is kept)",
         .tag = "open311",
         .request_schema = schemas::kNewOpen311Client,
         .status = 201,
         .response_schema = schemas::kOpen311ClientWithKey});
  t.Add({.method = "GET",
         .pattern = "/api/v1/open311/clients",
         .who = Who::Roles({"admin"}),
         .handler = [&s](Context& c) {
           json::array items;
           for (const auto& client : s.open311.Clients(c.caller())) items.push_back(ClientJson(client));
           return Json(200, json::object{{"items", std::move(items)}});
         },
         .summary = "Admin: the Open311 clients, revoked ones included",
         .tag = "open311",
         .response_schema = schemas::kOpen311ClientList});
  t.Add({.method = "DELETE",
         .pattern = "/api/v1/open311/clients/{client_id}",
         .who = Who::Roles({"admin"}),
         .handler = [&s](Context& c) {
           const std::int64_t id = PathId(c, "client_id", "an Open311 client id");
           return Json(200, ClientJson(s.open311.Revoke(c.caller(), id)));
         },
         .summary = "Admin: revoke an Open311 client's api_key at once",
         .tag = "open311",
         .response_schema = schemas::kOpen311Client});
}

constexpr const char* kArraySchema = R"({"type":"array","items":{"type":"object"}})";

}  // namespace

void AddOpen311Routes(RouteTable& t, const Services& s) {
  AddClientRoutes(t, s);
  for (const auto& [ext, format] : {std::pair<std::string, Format>{"json", Format::kJson}, {"xml", Format::kXml}}) {
    const std::string type = format == Format::kJson ? "application/json" : "text/xml";
    const Format f = format;
    t.Add({.method = "GET",
           .pattern = "/open311/v2/services." + ext,
           .who = Who::Public(),
           .handler = [&s, f](Context&) {
             return Guard(f, [&] {
               std::vector<Record> records;
               for (const auto& c : s.open311.Services()) records.push_back(ServiceRecord(c));
               return Reply(200, f, "services", "service", records);
             });
           },
           .summary = "Open311 GeoReport v2: the services (routing.yaml categories)",
           .tag = "open311",
           .response_schema = f == Format::kJson ? kArraySchema : R"({"type":"string"})",
           .response_content_type = type});
    t.Add({.method = "GET",
           .pattern = "/open311/v2/requests." + ext,
           .who = Who::ApiKey(),
           .handler =
               [&s, f](Context& c) {
                 return Guard(f, [&] { return ListRequests(s.open311, s.clock, c.request, f, {}); });
               },
           .summary = "Open311: this client's service requests (api_key); filters service_request_id, "
                      "service_code, start_date, end_date (default the last 90 days), status",
           .tag = "open311",
           .query = {{"api_key", R"({"type":"string"})", "the client's key (admin-made)"},
                     {"service_request_id", R"({"type":"string"})", "comma-separated case numbers"},
                     {"service_code", R"({"type":"string"})", ""},
                     {"start_date", R"({"type":"string","format":"date-time"})", ""},
                     {"end_date", R"({"type":"string","format":"date-time"})", ""},
                     {"status", R"({"type":"string","enum":["open","closed"]})", ""}},
           .response_schema = f == Format::kJson ? kArraySchema : R"({"type":"string"})",
           .response_content_type = type,
           .errors = {429}});
    t.Add({.method = "POST",
           .pattern = "/open311/v2/requests." + ext,
           .who = Who::ApiKey(),
           .handler = [&s, f](Context& c) { return Guard(f, [&] { return PostRequest(s.open311, c.request, f); }); },
           .summary = "Open311: post a service request (api_key, service_code, location, description; form "
                      "encoded); it becomes a hotline intake. 60 an hour per client",
           .tag = "open311",
           .request_schema = R"({"type":"string"})",
           .request_content_type = "application/x-www-form-urlencoded",
           .status = 201,
           .response_schema = f == Format::kJson ? kArraySchema : R"({"type":"string"})",
           .response_content_type = type,
           .errors = {429}});
  }
  t.Add({.method = "GET",
         .pattern = "/open311/v2/services/{file}",
         .who = Who::Public(),
         .handler = [&s](Context& c) {
           const auto split = Split(c.Param("file"));
           if (!split) return ErrorReply(404, Format::kJson, {"use services/{service_code}.json or .xml"});
           const Format f = split->second;
           return Guard(f, [&] {
             const auto service = s.open311.Service(split->first);
             if (!service) throw DomainError(ErrorKind::kNotFound, "no service " + split->first);
             if (f == Format::kJson) {
               Response r;
               r.content_type = "application/json; charset=utf-8";
               r.body = TidyJson(json::object{{"service_code", service->code}, {"attributes", json::array{}}});
               return r;
             }
             pugi::xml_document doc;
             Declare(doc);
             pugi::xml_node def = doc.append_child("service_definition");
             def.append_child("service_code").text().set(service->code.c_str());
             def.append_child("attributes");
             Response r;
             r.content_type = "text/xml; charset=utf-8";
             r.body = Serialize(doc);
             return r;
           });
         },
         .summary = "Open311: a service's definition ({service_code}.json or .xml); no extra attributes",
         .tag = "open311",
         .response_schema = R"({"type":"object"})"});
  t.Add({.method = "GET",
         .pattern = "/open311/v2/requests/{file}",
         .who = Who::ApiKey(),
         .handler = [&s](Context& c) {
           const auto split = Split(c.Param("file"));
           if (!split) return ErrorReply(404, Format::kJson, {"use requests/{service_request_id}.json or .xml"});
           return Guard(split->second, [&] {
             return ListRequests(s.open311, s.clock, c.request, split->second, split->first);
           });
         },
         .summary = "Open311: one of this client's service requests ({service_request_id}.json or .xml, api_key)",
         .tag = "open311",
         .query = {{"api_key", R"({"type":"string"})", "the client's key"}},
         .response_schema = kArraySchema,
         .errors = {429}});
}

}  // namespace petitiond::api
