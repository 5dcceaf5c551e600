// Sign-in: a bearer token for the other routes.
#include <boost/json.hpp>

#include "api/api.hpp"
#include "api/json_io.hpp"
#include "api/schemas.hpp"
#include "engine/runtime/auth.hpp"

namespace petitiond::api {
namespace json = boost::json;

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
               if (!errors.empty()) Invalid("login and password are required", errors);
               return Json(201, json::object{{"token", s.auth.Login(login, password, c.request.client)},
                                             {"expires_in", 12 * 3600}});
             },
         .summary = "Sign in with login and password; send the token as Authorization: Bearer",
         .tag = "sessions",
         .request_schema = schemas::kLogin,
         .status = 201,
         .response_schema = schemas::kSession});
  t.Add({.method = "DELETE",
         .pattern = "/api/v1/sessions/current",
         .who = Who::Staff(),
         .handler =
             [&s](Context& c) {
               s.auth.Logout(c.token);
               return Json(200, json::object{{"status", "signed out"}});
             },
         .summary = "Sign out: the session's token stops working at once",
         .tag = "sessions",
         .status = 200,
         .response_schema = schemas::kStatus});
}

}  // namespace petitiond::api
