// Sign-in: a bearer token for the other routes.
#include <boost/json.hpp>

#include "api/api.hpp"
#include "api/json_io.hpp"
#include "api/schemas.hpp"
#include "engine/runtime/security/accounts.hpp"
#include "engine/runtime/security/auth.hpp"

namespace petitiond::api {
namespace json = boost::json;

namespace {

json::object PreferencesJson(const runtime::Preferences& p) { return json::object{{"daily_digest", p.daily_digest}}; }

}  // namespace

void AddSessionRoutes(RouteTable& t, const Services& s) {
  t.Add({.method = "POST",
         .pattern = "/api/v1/sessions",
         .who = Who::Public(),
         .handler =
             [&s](Context& c) {
               const json::object o = ParseObject(c.request.body);
               std::vector<std::string> errors;
               const std::string login = ReqString(o, "login", errors);
               const std::string password = ReqString(o, "password", errors);
               bool cookie = false;
               if (auto it = o.find("cookie"); it != o.end()) {
                 if (!it->value().is_bool()) errors.push_back("cookie must be true or false");
                 else cookie = it->value().as_bool();
               }
               if (!errors.empty()) Invalid("login and password are required", errors);
               const std::string token = s.auth.Login(login, password, c.request.client);
               constexpr int kLifetime = 12 * 3600;
               if (!cookie) return Json(201, json::object{{"token", token}, {"expires_in", kLifetime}});
               // The console: the token goes into an HttpOnly cookie that scripts cannot
               // read; the page keeps only the CSRF token.
               Response r = Json(201, json::object{{"csrf_token", CsrfToken(token)}, {"expires_in", kLifetime}});
               r.headers.emplace_back("Set-Cookie", SessionCookieHeader(c.request, token, kLifetime));
               return r;
             },
         .summary = "Sign in with login and password; send the token as Authorization: Bearer. With "
                    "cookie: true (the console) the session is an HttpOnly SameSite=Strict cookie instead and the "
                    "answer holds the CSRF token every change must send as X-CSRF-Token",
         .tag = "sessions",
         .request_schema = schemas::kLogin,
         .status = 201,
         .response_schema = schemas::kSession,
         .errors = {401, 429}});
  t.Add({.method = "DELETE",
         .pattern = "/api/v1/sessions/current",
         .who = Who::Staff(),
         .handler =
             [&s](Context& c) {
               s.auth.Logout(c.token);
               Response r = Json(200, json::object{{"status", "signed out"}});
               if (SessionCookie(c.request)) r.headers.emplace_back("Set-Cookie", SessionCookieHeader(c.request, "", 0));
               return r;
             },
         .summary = "Sign out: the session's token stops working at once",
         .tag = "sessions",
         .status = 200,
         .response_schema = schemas::kStatus});
  t.Add({.method = "GET",
         .pattern = "/api/v1/sessions/current",
         .who = Who::Staff(),
         .handler =
             [](Context& c) {
               const Actor& a = c.caller();
               json::array roles;
               for (const auto& r : a.roles) roles.emplace_back(r);
               return Json(200, json::object{{"login", a.login},
                                             {"roles", std::move(roles)},
                                             {"office", a.office},
                                             {"csrf_token", CsrfToken(c.token)}});
             },
         .summary = "Who is signed in (login, roles, office) and the session's CSRF token (a console page reload)",
         .tag = "sessions",
         .response_schema = schemas::kWhoAmI});
  t.Add({.method = "GET",
         .pattern = "/api/v1/preferences",
         .who = Who::Staff(),
         .handler = [&s](Context& c) { return Json(200, PreferencesJson(s.accounts.PreferencesOf(c.caller()))); },
         .summary = "Your own settings: whether the office's morning digest comes by e-mail (supervisors)",
         .tag = "sessions",
         .response_schema = schemas::kPreferences});
  t.Add({.method = "PATCH",
         .pattern = "/api/v1/preferences",
         .who = Who::Staff(),
         .handler =
             [&s](Context& c) {
               const json::object o = ParseObject(c.request.body);
               std::vector<std::string> errors;
               RefuseUnknown(o, {"daily_digest"}, errors);
               std::optional<bool> digest;
               if (auto it = o.find("daily_digest"); it != o.end()) {
                 if (it->value().is_bool()) digest = it->value().as_bool();
                 else errors.push_back("daily_digest must be true or false");
               }
               if (!errors.empty()) Invalid("the settings have invalid fields", errors);
               return Json(200, PreferencesJson(s.accounts.SetPreferences(c.caller(), digest)));
             },
         .summary = "Change your own settings (daily_digest: turn the morning digest on or off)",
         .tag = "sessions",
         .request_schema = schemas::kPreferencesChange,
         .response_schema = schemas::kPreferences});
}

}  // namespace petitiond::api
