// Liveness, readiness and metrics (public: probes and Prometheus carry no session).
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "api/api.hpp"
#include "api/json_io.hpp"
#include "api/schemas.hpp"
#include "engine/runtime/services/metrics.hpp"
#include "engine/runtime/services/outbox_service.hpp"

namespace petitiond::api {
namespace json = boost::json;
namespace {

Response Ready(const Services& s) {
  std::vector<std::string> pending;
  try {
    pending = s.health.PendingMigrations();
  } catch (const DomainError& e) {
    // The database's own words stay in the log; the probe learns only that it is down.
    spdlog::warn("readyz: {}", e.what());
    return Json(503, json::object{{"status", "unavailable"}, {"detail", "the database cannot be reached"}});
  }
  if (!pending.empty()) {
    json::array list;
    for (const auto& p : pending) list.emplace_back(p);
    return Json(503, json::object{{"status", "migrations pending"}, {"pending", std::move(list)}});
  }
  return Json(200, json::object{{"status", "ready"}});
}

}  // namespace

void AddHealthRoutes(RouteTable& t, const Services& s) {
  t.Add({.method = "GET",
         .pattern = "/healthz",
         .who = Who::Public(),
         .handler = [](Context&) { return Json(200, json::object{{"status", "ok"}}); },
         .summary = "Liveness: the process answers",
         .tag = "health",
         .response_schema = schemas::kStatus});
  t.Add({.method = "GET",
         .pattern = "/readyz",
         .who = Who::Public(),
         .handler = [&s](Context&) { return Ready(s); },
         .summary = "Readiness: the database answers and its migrations are current (503 otherwise)",
         .tag = "health",
         .response_schema = schemas::kStatus,
         .other_statuses = {503}});
  t.Add({.method = "GET",
         .pattern = "/metrics",
         .who = Who::Public(),
         .handler =
             [](Context&) {
               Response r;
               r.content_type = "text/plain; version=0.0.4";
               r.body = runtime::GlobalMetrics().PrometheusText();
               return r;
             },
         .summary = "Prometheus counters (no personal data)",
         .tag = "health",
         .response_schema = R"({"type":"string"})",
         .response_content_type = "text/plain"});
}

}  // namespace petitiond::api
