#include "api/json_io.hpp"

#include <cmath>

#include <algorithm>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <charconv>

namespace petitiond::api {
namespace json = boost::json;

namespace {

// A JSON string as Boost.JSON escapes it: quote, backslash and control characters;
// UTF-8 is written as it is. Written straight into `out` (a list page has thousands
// of strings; one allocation each showed in the profile).
void WriteString(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

template <typename Number>
void WriteNumber(Number n, std::string& out) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, end);
}

// JSON as clients read it: Boost.JSON writes every double in exponent form ("0E0",
// "8.5E-1"), which is valid but reads as a float where a count is meant. Integral
// doubles are written as integers, the others in the shortest form that reads back
// the same ("0.85"); strings and keys are escaped as Boost.JSON escapes them.
void WriteTidy(const json::value& v, std::string& out) {
  switch (v.kind()) {
    case json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& kv : v.get_object()) {
        if (!first) out += ',';
        first = false;
        WriteString(kv.key(), out);
        out += ':';
        WriteTidy(kv.value(), out);
      }
      out += '}';
      return;
    }
    case json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& item : v.get_array()) {
        if (!first) out += ',';
        first = false;
        WriteTidy(item, out);
      }
      out += ']';
      return;
    }
    case json::kind::string:
      WriteString(v.get_string(), out);
      return;
    case json::kind::int64:
      WriteNumber(v.get_int64(), out);
      return;
    case json::kind::uint64:
      WriteNumber(v.get_uint64(), out);
      return;
    case json::kind::bool_:
      out += v.get_bool() ? "true" : "false";
      return;
    case json::kind::null:
      out += "null";
      return;
    case json::kind::double_: {
      const double d = v.get_double();
      if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 9007199254740992.0) {
        WriteNumber(static_cast<long long>(d), out);
      } else if (std::isfinite(d)) {
        WriteNumber(d, out);
      } else {
        out += "null";  // JSON has no NaN or infinity
      }
      return;
    }
  }
}

}  // namespace

std::string TidyJson(const json::value& v) {
  std::string out;
  out.reserve(4096);
  WriteTidy(v, out);
  return out;
}

Response Json(int status, const json::value& v) {
  Response r;
  r.status = status;
  r.body = TidyJson(v);
  return r;
}

void Invalid(const std::string& message, std::vector<std::string> details) {
  throw DomainError(Error{ErrorKind::kInvalid, message, std::move(details)});
}

json::object ParseObject(const std::string& body) {
  json::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) Invalid("the body is not valid JSON: " + ec.message());
  if (!v.is_object()) Invalid("the body must be a JSON object");
  return std::move(v.as_object());
}

std::optional<std::string> OptString(const json::object& o, const char* key, std::vector<std::string>& errors) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return std::nullopt;
  if (!it->value().is_string()) {
    errors.push_back(std::string(key) + " must be a string");
    return std::nullopt;
  }
  return std::string(it->value().as_string());
}

std::string ReqString(const json::object& o, const char* key, std::vector<std::string>& errors) {
  auto it = o.find(key);
  if (it != o.end() && !it->value().is_null() && !it->value().is_string()) {
    errors.push_back(std::string(key) + " must be a string");
    return {};
  }
  if (it == o.end() || it->value().is_null() || it->value().as_string().empty()) {
    errors.push_back(std::string(key) + " is required");
    return {};
  }
  return std::string(it->value().as_string());
}

void RefuseUnknown(const boost::json::object& o, std::initializer_list<const char*> known,
                   std::vector<std::string>& errors) {
  for (const auto& kv : o) {
    if (std::none_of(known.begin(), known.end(), [&](const char* k) { return kv.key() == k; })) {
      errors.push_back(std::string(kv.key()) + " is not a field of this request");
    }
  }
}

std::optional<std::int64_t> ParseId(std::string_view s) {
  std::int64_t id = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
  if (ec != std::errc() || ptr != s.data() + s.size() || id <= 0) return std::nullopt;
  return id;
}

std::int64_t PathId(const Context& ctx, const std::string& name, std::string_view what) {
  const std::string& raw = ctx.Param(name);
  auto id = ParseId(raw);
  if (!id) throw DomainError(ErrorKind::kNotFound, "'" + raw + "' is not " + std::string(what));
  return *id;
}

std::optional<std::string> QueryValue(const Request& r, const char* key) {
  auto it = r.query.find(key);
  if (it == r.query.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

std::optional<std::int64_t> Cursor(const Request& r) {
  auto c = QueryValue(r, "cursor");
  if (!c) return std::nullopt;
  auto id = ParseId(*c);
  if (!id) Invalid("cursor is not one this server gave out");
  return id;
}

int Limit(const Request& r, int fallback) {
  auto l = QueryValue(r, "limit");
  if (!l) return fallback;
  auto n = ParseId(*l);
  if (!n || *n > kMaxPageSize) Invalid("limit must be between 1 and " + std::to_string(kMaxPageSize));
  return static_cast<int>(*n);
}

Response IdPage(json::array items, std::size_t shown, int limit, std::int64_t last_id) {
  json::value next = nullptr;
  if (static_cast<int>(shown) == limit) next = std::to_string(last_id);
  return Json(200, json::object{{"items", std::move(items)}, {"next", next}});
}

QueryParam LimitParam() {
  return {"limit", R"({"type":"integer","minimum":1,"maximum":)" + std::to_string(kMaxPageSize) + "}", ""};
}

QueryParam CursorParam() { return {"cursor", R"({"type":"string"})", "the previous page's next"}; }

json::value OptJson(const std::optional<std::string>& s, json::storage_ptr sp) {
  if (!s) return json::value(nullptr, std::move(sp));
  return json::value(*s, std::move(sp));
}

json::object PetitionerJson(const Petitioner& p, json::storage_ptr sp) {
  json::object o(std::move(sp));
  if (!p.name.empty()) o["name"] = p.name;
  if (!p.phone.empty()) o["phone"] = p.phone;
  if (!p.email.empty()) o["email"] = p.email;
  if (!p.address.empty()) o["address"] = p.address;
  if (p.language != Language::kZhHantTw) o["language"] = LanguageTag(p.language);
  return o;
}

json::value StoredJson(const std::string& text) {
  json::error_code ec;
  json::value v = json::parse(text, ec);
  return ec ? json::value(json::object{}) : v;
}

std::map<std::string, std::string> EventData(const boost::json::object& o, std::vector<std::string>& errors) {
  std::map<std::string, std::string> data;
  auto it = o.find("data");
  if (it == o.end() || it->value().is_null()) return data;
  if (!it->value().is_object()) {
    errors.push_back("data must be an object");
    return data;
  }
  for (const auto& kv : it->value().as_object()) {
    const boost::json::value& v = kv.value();
    const std::string key(kv.key());
    if (v.is_string()) {
      data[key] = std::string(v.as_string());
    } else if (v.is_bool() || v.is_number()) {
      data[key] = boost::json::serialize(v);
    } else if (!v.is_null()) {
      errors.push_back("data." + key + " must be a string, number or boolean");
    }
  }
  return data;
}

}  // namespace petitiond::api
