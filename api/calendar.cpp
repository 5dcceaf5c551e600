// The office calendar: typhoon closures.
#include <boost/json.hpp>

#include "api/api.hpp"
#include "api/json_io.hpp"
#include "api/schemas.hpp"
#include "engine/runtime/services/case_service.hpp"

namespace petitiond::api {
namespace json = boost::json;

void AddCalendarRoutes(RouteTable& t, const Services& s) {
  t.Add({.method = "GET",
         .pattern = "/api/v1/calendar/closures",
         .who = Who::Roles({"admin"}),
         .handler =
             [&s](Context& c) {
               std::chrono::sys_days from = TaipeiDate(s.clock.Now()) - std::chrono::days(366);
               if (auto text = QueryValue(c.request, "from")) {
                 const auto day = ParseDate(*text);
                 if (!day) Invalid("from must be YYYY-MM-DD");
                 from = *day;
               }
               json::array items;
               for (const auto& r : s.cases.Closures(c.caller(), QueryValue(c.request, "office").value_or(""), from)) {
                 items.push_back(json::object{{"office", r.office},
                                              {"date", FormatTimestamp(TaipeiStartOfDay(r.day)).substr(0, 10)},
                                              {"reason", r.reason},
                                              {"created_by", r.created_by},
                                              {"created_at", FormatTimestamp(r.created_at)}});
               }
               return Json(200, json::object{{"items", std::move(items)}});
             },
         .summary = "The office closures recorded (typhoon days), latest first",
         .tag = "calendar",
         .query = {{"office", R"({"type":"string"})", "one office; default: every office"},
                   {"from", R"({"type":"string","format":"date"})", "YYYY-MM-DD; default: a year ago"}},
         .response_schema = schemas::kClosureList});
  t.Add({.method = "POST",
         .pattern = "/api/v1/calendar/closures",
         .who = Who::Roles({"admin"}),
         .handler =
             [&s](Context& c) {
               const json::object o = ParseObject(c.request.body);
               std::vector<std::string> errors;
               const std::string office = ReqString(o, "office", errors);
               const std::string date = ReqString(o, "date", errors);
               const std::string reason = ReqString(o, "reason", errors);
               const auto day = ParseDate(date);
               if (!date.empty() && !day) errors.push_back("date must be YYYY-MM-DD");
               if (!errors.empty()) Invalid("the closure has invalid fields", errors);
               const int moved = s.cases.CloseOffice(c.caller(), office, *day, reason);
               return Json(201, json::object{
                                    {"office", office}, {"date", date}, {"reason", reason}, {"cases_recomputed", moved}});
             },
         .summary = "Close an office for a day (typhoon); running deadlines there move one working day",
         .tag = "calendar",
         .request_schema = schemas::kClosure,
         .status = 201,
         .response_schema = schemas::kClosureResult,
         .errors = {409},
         .idempotent_create = true});
}

}  // namespace petitiond::api
