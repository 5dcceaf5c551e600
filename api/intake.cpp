// Intake: the 1999 platform's signed webhook and the raw-input log.
#include <map>

#include <boost/json.hpp>

#include "api/api.hpp"
#include "api/json_io.hpp"
#include "api/schemas.hpp"
#include "connectors/hotline/hotline.hpp"
#include "engine/runtime/services/intake_service.hpp"

namespace petitiond::api {
namespace json = boost::json;
namespace {

Response HotlineWebhook(const Services& s, Context& ctx) {
  const Request& req = ctx.request;
  const auto problem = connectors::hotline::VerifySignature(
      s.channels.hotline_secret, req.Header("x-timestamp").value_or(""), req.Header("x-signature").value_or(""),
      req.body, s.clock.Now());
  if (problem) throw DomainError(ErrorKind::kUnauthorized, *problem);
  const Received in = connectors::FromResult(connectors::hotline::ParseWebhook(req.body), "hotline",
                                             "1999 platform webhook", "application/json", req.body);
  runtime::ChannelPolicy policy;
  policy.signature = runtime::ChannelPolicy::Signature{req.Header("x-signature").value_or(""),
                                                       connectors::hotline::kSignatureWindow};
  runtime::IntakeResult result = TakeOrRefuse(s.intake, in, policy);
  const auto& c = *result.record;
  json::object body{{"id", c.id},         {"public_no", c.public_no}, {"state", c.state.state},
                    {"office", c.office}, {"external_ref", OptJson(c.external_ref)}, {"intake", IntakeJson(result)}};
  Response r = Json(result.status == IntakeStatus::kDuplicate ? 200 : 201, body);
  r.headers.emplace_back("Location", "/api/v1/cases/" + std::to_string(c.id));
  return r;
}

Response ListIntake(const Services& s, Context& ctx) {
  const Request& req = ctx.request;
  store::IntakeFilter f;
  if (auto status = QueryValue(req, "status")) {
    std::string v = *status;
    for (std::size_t start = 0; start <= v.size();) {
      const auto comma = v.find(',', start);
      const std::string one = v.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      const auto parsed = ParseIntakeStatus(one);
      if (!parsed) {
        Invalid("status must be pending, accepted, duplicate, merged, registered_only or rejected (comma-separated)");
      }
      f.statuses.push_back(*parsed);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  f.channel = QueryValue(req, "channel");
  f.before_id = Cursor(req);
  const auto rows = s.intake.List(ctx.caller(), f, ctx.route);
  json::array items;
  for (const auto& r : rows) {
    items.push_back(json::object{{"id", r.id},
                                 {"channel", r.channel},
                                 {"source", r.source},
                                 {"external_ref", OptJson(r.external_ref)},
                                 {"content_type", r.content_type},
                                 {"size", r.raw_size},
                                 {"status", Name(r.status)},
                                 {"reason", OptJson(r.reason)},
                                 {"case_id", r.case_id ? json::value(*r.case_id) : json::value(nullptr)},
                                 {"public_no", OptJson(r.public_no)},
                                 {"received_at", FormatTimestamp(r.received_at)},
                                 {"warnings", OptJson(r.warnings)}});
  }
  return IdPage(std::move(items), rows.size(), f.limit, rows.empty() ? 0 : rows.back().id);
}

}  // namespace

json::object IntakeJson(const runtime::IntakeResult& r) {
  json::array dups;
  for (const auto& d : r.possible_duplicates) {
    dups.push_back(json::object{{"id", d.id},
                                {"public_no", d.public_no},
                                {"subject", d.subject},
                                {"state", d.state},
                                {"received_at", FormatTimestamp(d.received_at)}});
  }
  return json::object{{"id", r.intake_id},
                      {"status", Name(r.status)},
                      {"reason", OptJson(r.reason)},
                      {"possible_duplicates", std::move(dups)}};
}

runtime::IntakeResult TakeOrRefuse(runtime::IntakeService& intake, const Received& in,
                                   const runtime::ChannelPolicy& policy) {
  runtime::IntakeResult result = intake.Take(in, policy);
  if (result.refused) throw DomainError(*result.refused);
  return result;
}

void AddIntakeRoutes(RouteTable& t, const Services& s) {
  t.Add({.method = "GET",
         .pattern = "/api/v1/feeds",
         .who = Who::Roles({"admin"}),
         .handler =
             [&s](Context& c) {
               std::map<std::string, store::FeedStatus> polled;
               for (auto& f : s.intake.FeedStatuses(c.caller())) polled[f.url] = std::move(f);
               const auto time = [](const std::optional<Timestamp>& at) {
                 return at ? json::value(FormatTimestamp(*at)) : json::value(nullptr);
               };
               json::array items;
               for (const auto& feed : s.channels.feeds) {
                 const auto p = polled.find(feed.url);
                 const bool seen = p != polled.end();
                 items.push_back(json::object{
                     {"url", feed.url},
                     {"office", feed.office},
                     {"interval_seconds", feed.interval_seconds},
                     {"polled_at", seen ? time(p->second.polled_at) : json::value(nullptr)},
                     {"last_success_at", seen ? time(p->second.last_success_at) : json::value(nullptr)},
                     {"last_error", seen && p->second.last_error ? json::value(*p->second.last_error) : json::value(nullptr)},
                     {"items_taken", seen ? p->second.items_taken : 0}});
               }
               return Json(200, json::object{{"items", std::move(items)}});
             },
         .summary = "The configured news feeds (config news.feeds) with their last fetch, last error and items taken",
         .tag = "intake",
         .response_schema = schemas::kFeedList});
  t.Add({.method = "POST",
         .pattern = "/api/v1/intake/hotline",
         .who = Who::Signed(),
         .handler = [&s](Context& c) { return HotlineWebhook(s, c); },
         .summary = "The 1999 platform's dispatch, signed X-Signature: sha256=HMAC(\"<X-Timestamp>.<body>\"); "
                    "200 for a case id already received",
         .tag = "intake",
         .request_schema = schemas::kHotlineDispatch,
         .status = 201,
         .response_schema = schemas::kDispatchResult,
         .other_statuses = {200},
         .errors = {409}});
  t.Add({.method = "GET",
         .pattern = "/api/v1/intake",
         .who = Who::Roles({"supervisor", "director", "admin"}),
         .handler = [&s](Context& c) { return ListIntake(s, c); },
         .summary = "Every raw input and what became of it, newest first",
         .tag = "intake",
         .query = {{"status", R"({"type":"string"})",
                    "comma-separated: pending, accepted, duplicate, merged, registered_only, rejected"},
                   {"channel", R"({"type":"string","enum":["hotline","mailbox","news","counter"]})", ""},
                   CursorParam()},
         .response_schema = schemas::kIntakeList});
}

}  // namespace petitiond::api
