// The outbox: notices and their delivery state.
#include <boost/json.hpp>

#include "api/api.hpp"
#include "api/json_io.hpp"
#include "api/schemas.hpp"
#include "engine/runtime/services/outbox_service.hpp"

namespace petitiond::api {
namespace json = boost::json;
namespace {

Response ListOutbox(const Services& s, Context& ctx) {
  const Request& req = ctx.request;
  std::vector<OutboxStatus> statuses;
  if (auto status = QueryValue(req, "status")) {
    if (*status == "failed") {
      statuses = {OutboxStatus::kDead, OutboxStatus::kUndeliverable};
    } else if (auto one = ParseOutboxStatus(*status)) {
      statuses = {*one};
    } else {
      Invalid("status must be pending, sent, failed, dead or undeliverable");
    }
  }
  const auto before = Cursor(req);
  const int limit = Limit(req);
  const auto rows = s.outbox.List(ctx.caller(), statuses, before, limit, ctx.route);
  json::array items;
  for (const auto& m : rows) {
    json::object o{{"id", m.id},
                   {"channel", Name(m.channel)},
                   {"recipient", m.recipient},
                   {"subject", m.subject},
                   {"status", Name(m.status)},
                   {"attempts", m.attempts},
                   {"idempotency_key", m.idempotency_key},
                   {"created_at", FormatTimestamp(m.created_at)},
                   {"next_attempt_at", FormatTimestamp(m.next_attempt_at)}};
    o["case_id"] = m.case_id ? json::value(*m.case_id) : json::value(nullptr);
    o["last_error"] = OptJson(m.last_error);
    o["sent_at"] = m.sent_at ? json::value(FormatTimestamp(*m.sent_at)) : json::value(nullptr);
    items.push_back(std::move(o));
  }
  return IdPage(std::move(items), rows.size(), limit, rows.empty() ? 0 : rows.back().id);
}

}  // namespace

void AddOutboxRoutes(RouteTable& t, const Services& s) {
  t.Add({.method = "GET",
         .pattern = "/api/v1/outbox",
         .who = Who::Roles({"supervisor", "director", "admin"}),
         .handler = [&s](Context& c) { return ListOutbox(s, c); },
         .summary = "Notices and their delivery state, newest first",
         .tag = "outbox",
         .query = {{"status", R"({"type":"string","enum":["pending","sent","failed","dead","undeliverable"]})", ""},
                   LimitParam(),
                   CursorParam()},
         .response_schema = schemas::kOutboxList});
}

}  // namespace petitiond::api
