#include "tests/common/json_schema.hpp"

#include <set>

namespace petitiond::testing_support {
namespace json = boost::json;
namespace {

bool HasType(const json::value& v, std::string_view type) {
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  if (type == "string") return v.is_string();
  if (type == "integer") return v.is_int64() || v.is_uint64();
  if (type == "number") return v.is_number();
  if (type == "boolean") return v.is_bool();
  if (type == "null") return v.is_null();
  return false;
}

void Check(const json::value& schema, const json::value& v, const json::object& components, const std::string& path,
           std::vector<std::string>& errors) {
  static const std::set<std::string> known = {"$ref", "allOf", "type", "const", "enum", "properties", "required",
                                              "items", "additionalProperties", "description", "format", "minimum",
                                              "maximum", "maxLength"};
  if (!schema.is_object()) {
    errors.push_back(path + ": schema is not an object");
    return;
  }
  const auto& s = schema.as_object();
  for (const auto& kv : s) {
    if (!known.count(std::string(kv.key()))) errors.push_back(path + ": unsupported keyword " + std::string(kv.key()));
  }
  if (auto ref = s.if_contains("$ref")) {
    const std::string target(ref->as_string());
    const std::string prefix = "#/components/schemas/";
    const auto* def = components.if_contains(target.substr(prefix.size()));
    if (target.rfind(prefix, 0) != 0 || !def) {
      errors.push_back(path + ": unresolved $ref " + target);
      return;
    }
    Check(*def, v, components, path, errors);
  }
  if (auto all = s.if_contains("allOf")) {
    for (const auto& part : all->as_array()) Check(part, v, components, path, errors);
  }
  if (auto type = s.if_contains("type")) {
    bool ok = false;
    if (type->is_string()) {
      ok = HasType(v, type->as_string());
    } else {
      for (const auto& t : type->as_array()) ok = ok || HasType(v, t.as_string());
    }
    if (!ok) {
      errors.push_back(path + ": " + json::serialize(v).substr(0, 80) + " is not of type " + json::serialize(*type));
      return;
    }
  }
  if (auto c = s.if_contains("const"); c && *c != v) errors.push_back(path + ": is not " + json::serialize(*c));
  if (auto e = s.if_contains("enum")) {
    bool found = false;
    for (const auto& option : e->as_array()) found = found || option == v;
    if (!found) errors.push_back(path + ": " + json::serialize(v) + " is not one of " + json::serialize(*e));
  }
  if (v.is_object()) {
    const auto& o = v.as_object();
    if (auto req = s.if_contains("required")) {
      for (const auto& name : req->as_array()) {
        if (!o.contains(name.as_string())) errors.push_back(path + ": lacks required " + std::string(name.as_string()));
      }
    }
    const json::object* props = s.contains("properties") ? &s.at("properties").as_object() : nullptr;
    for (const auto& kv : o) {
      const std::string key(kv.key());
      if (props && props->contains(key)) {
        Check(props->at(key), kv.value(), components, path + "." + key, errors);
      } else if (auto extra = s.if_contains("additionalProperties")) {
        if (extra->is_bool() && !extra->as_bool()) errors.push_back(path + ": unexpected property " + key);
        if (extra->is_object()) Check(*extra, kv.value(), components, path + "." + key, errors);
      }
    }
  }
  if (v.is_array()) {
    if (auto items = s.if_contains("items")) {
      const auto& a = v.as_array();
      for (std::size_t i = 0; i < a.size(); ++i) {
        Check(*items, a[i], components, path + "[" + std::to_string(i) + "]", errors);
      }
    }
  }
}

}  // namespace

std::vector<std::string> CheckSchema(const json::value& schema, const json::value& value,
                                     const json::object& components) {
  std::vector<std::string> errors;
  Check(schema, value, components, "$", errors);
  return errors;
}

}  // namespace petitiond::testing_support
