// Staff accounts for admins: create, change roles/office/contact, disable, reset the
// password, and the audit of every change (runtime/accounts.hpp).
#include <boost/json.hpp>

#include "api/api.hpp"
#include "api/json_io.hpp"
#include "api/schemas.hpp"
#include "engine/runtime/security/accounts.hpp"

namespace petitiond::api {
namespace json = boost::json;
namespace {

json::object AccountJson(const store::Account& a) {
  json::array roles;
  for (const auto& r : a.roles) roles.emplace_back(r);
  return json::object{{"login", a.login},
                      {"roles", std::move(roles)},
                      {"office", a.office},
                      {"disabled", a.disabled},
                      {"email", OptJson(a.email)},
                      {"phone", OptJson(a.phone)},
                      {"created_at", FormatTimestamp(a.created_at)}};
}

std::optional<std::vector<std::string>> OptRoles(const json::object& o, std::vector<std::string>& errors) {
  const auto it = o.find("roles");
  if (it == o.end() || it->value().is_null()) return std::nullopt;
  std::vector<std::string> roles;
  if (!it->value().is_array()) {
    errors.push_back("roles must be a list of role names");
    return roles;
  }
  for (const auto& r : it->value().as_array()) {
    if (!r.is_string()) {
      errors.push_back("roles must be a list of role names");
      break;
    }
    roles.emplace_back(r.as_string());
  }
  return roles;
}

std::optional<bool> OptBool(const json::object& o, const char* key, std::vector<std::string>& errors) {
  const auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return std::nullopt;
  if (!it->value().is_bool()) {
    errors.push_back(std::string(key) + " must be true or false");
    return std::nullopt;
  }
  return it->value().as_bool();
}

Response CreateUser(const Services& s, Context& ctx) {
  const json::object o = ParseObject(ctx.request.body);
  std::vector<std::string> errors;
  runtime::NewAccount in;
  in.login = ReqString(o, "login", errors);
  in.roles = OptRoles(o, errors).value_or(std::vector<std::string>{});
  if (!o.contains("roles")) errors.push_back("roles is required");
  in.office = ReqString(o, "office", errors);
  in.password = OptString(o, "password", errors);
  in.email = OptString(o, "email", errors);
  in.phone = OptString(o, "phone", errors);
  RefuseUnknown(o, {"login", "roles", "office", "password", "email", "phone"}, errors);
  if (!errors.empty()) Invalid("the account has invalid fields", errors);
  auto [account, password] = s.accounts.Create(ctx.caller(), in);
  json::object body = AccountJson(account);
  if (password) body["password"] = *password;
  Response r = Json(201, body);
  r.headers.emplace_back("Location", "/api/v1/users/" + account.login);
  return r;
}

Response ChangeUser(const Services& s, Context& ctx) {
  const json::object o = ParseObject(ctx.request.body);
  std::vector<std::string> errors;
  runtime::AccountChange change;
  change.roles = OptRoles(o, errors);
  change.office = OptString(o, "office", errors);
  change.disabled = OptBool(o, "disabled", errors);
  change.email = OptString(o, "email", errors);
  change.phone = OptString(o, "phone", errors);
  RefuseUnknown(o, {"roles", "office", "disabled", "email", "phone"}, errors);
  if (!errors.empty()) Invalid("the change has invalid fields", errors);
  return Json(200, AccountJson(s.accounts.Change(ctx.caller(), ctx.Param("login"), change)));
}

Response ResetPassword(const Services& s, Context& ctx) {
  const json::object o = ctx.request.body.empty() ? json::object{} : ParseObject(ctx.request.body);
  std::vector<std::string> errors;
  const auto password = OptString(o, "password", errors);
  RefuseUnknown(o, {"password"}, errors);
  if (!errors.empty()) Invalid("the reset has invalid fields", errors);
  const auto generated = s.accounts.ResetPassword(ctx.caller(), ctx.Param("login"), password);
  json::object body{{"login", ctx.Param("login")}, {"sessions_ended", true}};
  if (generated) body["password"] = *generated;
  return Json(200, body);
}

Response AccountEvents(const Services& s, Context& ctx) {
  const int limit = Limit(ctx.request);
  const auto rows = s.accounts.Events(ctx.caller(), QueryValue(ctx.request, "login"), Cursor(ctx.request), limit);
  json::array items;
  for (const auto& e : rows) {
    items.push_back(json::object{{"id", e.id},
                                 {"login", e.login},
                                 {"actor", e.actor},
                                 {"action", e.action},
                                 {"detail", StoredJson(e.detail_json)},
                                 {"at", FormatTimestamp(e.at)}});
  }
  return IdPage(std::move(items), rows.size(), limit, rows.empty() ? 0 : rows.back().id);
}

}  // namespace

void AddUserRoutes(RouteTable& t, const Services& s) {
  t.Add({.method = "GET",
         .pattern = "/api/v1/staff",
         .who = Who::Roles({"supervisor", "director", "admin"}),
         .handler =
             [&s](Context& c) {
               const std::string office = QueryValue(c.request, "office").value_or(c.caller().office);
               json::array items;
               for (const auto& a : s.accounts.Staff(c.caller(), office)) {
                 json::array roles;
                 for (const auto& r : a.roles) roles.emplace_back(r);
                 items.push_back(json::object{{"login", a.login}, {"roles", std::move(roles)}, {"office", a.office}});
               }
               return Json(200, json::object{{"items", std::move(items)}});
             },
         .summary = "Active staff of an office (yours unless you see every office), to choose an assignee",
         .tag = "users",
         .query = {{"office", R"({"type":"string"})", "default: your own"}},
         .response_schema = schemas::kStaffList});
  t.Add({.method = "GET",
         .pattern = "/api/v1/users",
         .who = Who::Roles({"admin"}),
         .handler =
             [&s](Context& c) {
               json::array items;
               for (const auto& a : s.accounts.List(c.caller())) items.push_back(AccountJson(a));
               return Json(200, json::object{{"items", std::move(items)}});
             },
         .summary = "Staff accounts, by office and login",
         .tag = "users",
         .response_schema = schemas::kUserList});
  t.Add({.method = "POST",
         .pattern = "/api/v1/users",
         .who = Who::Roles({"admin"}),
         .handler = [&s](Context& c) { return CreateUser(s, c); },
         .summary = "Create an account; without a password one is generated and shown once (audited)",
         .tag = "users",
         .request_schema = schemas::kNewUser,
         .status = 201,
         .response_schema = schemas::kUserWithPassword,
         .errors = {409}});
  t.Add({.method = "PATCH",
         .pattern = "/api/v1/users/{login}",
         .who = Who::Roles({"admin"}),
         .handler = [&s](Context& c) { return ChangeUser(s, c); },
         .summary = "Change roles, office, contact or disable/enable (audited; disabling ends the sessions)",
         .tag = "users",
         .request_schema = schemas::kUserChange,
         .response_schema = schemas::kUser,
         .errors = {409}});
  t.Add({.method = "POST",
         .pattern = "/api/v1/users/{login}/password",
         .who = Who::Roles({"admin"}),
         .handler = [&s](Context& c) { return ResetPassword(s, c); },
         .summary = "Reset the password (given, or generated and shown once); ends the sessions (audited)",
         .tag = "users",
         .request_schema = schemas::kPasswordReset,
         .response_schema = schemas::kPasswordResult});
  t.Add({.method = "GET",
         .pattern = "/api/v1/account-events",
         .who = Who::Roles({"admin"}),
         .handler = [&s](Context& c) { return AccountEvents(s, c); },
         .summary = "Every account change, newest first",
         .tag = "users",
         .query = {{"login", R"({"type":"string"})", "the account changed"},
                   LimitParam(),
                   CursorParam()},
         .response_schema = schemas::kAccountEvents});
}

}  // namespace petitiond::api
