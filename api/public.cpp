// Public pages' API: the director's mailbox web form and its confirmation link.
#include <boost/json.hpp>

#include "api/api.hpp"
#include "api/json_io.hpp"
#include "api/schemas.hpp"
#include "connectors/mailbox/mailbox.hpp"
#include "engine/runtime/intake_service.hpp"

namespace petitiond::api {
namespace json = boost::json;
namespace {

Response MailboxForm(const Services& s, Context& ctx) {
  const Request& req = ctx.request;
  const std::string type = req.Header("content-type").value_or("application/x-www-form-urlencoded");
  const Intake in = TakeOrReject(s.intake, connectors::mailbox::ParseForm(req.body, type), "mailbox",
                                 "mailbox web form", type, req.body);
  const Timestamp expires = s.clock.Now() + std::chrono::days(s.channels.confirm_days);
  // The token goes to the sender only: whoever confirms must own the address.
  s.intake.SubmitPending(in, expires, s.channels.public_url + "/public/mailbox/confirm", req.client);
  return Json(202, json::object{{"status", "pending"},
                                {"detail", "確認信已寄至 " + in.petitioner.email +
                                               "，請於期限內點選信中連結，案件才會受理。"},
                                {"expires_at", FormatTimestamp(expires)}});
}

Response ConfirmMailbox(const Services& s, Context& ctx) {
  auto token = QueryValue(ctx.request, "token");
  if (!token) Invalid("the confirmation link lacks its token");
  auto result = s.intake.Confirm(*token, [](const std::string& raw) {
    // The form was accepted once already; it reads the same now.
    auto in = connectors::mailbox::ParseForm(raw, raw.rfind("{", 0) == 0 ? "application/json" : "");
    return std::move(in).ValueOrThrow();
  });
  const auto& c = *result.record;
  return Json(200, json::object{{"status", Name(result.status)},
                                {"public_no", c.public_no},
                                {"detail", "案件已受理，編號 " + c.public_no + "；查詢密碼已寄至您的電子郵件。"}});
}

}  // namespace

void AddPublicRoutes(RouteTable& t, const Services& s) {
  t.Add({.method = "POST",
         .pattern = "/public/mailbox",
         .who = Who::Public(),
         .handler = [&s](Context& c) { return MailboxForm(s, c); },
         .summary = "The director's mailbox form (form-encoded or JSON); a confirmation link goes to the sender",
         .tag = "public",
         .request_schema = schemas::kMailboxForm,
         .status = 202,
         .response_schema = schemas::kPending,
         .idempotent_create = true});
  t.Add({.method = "GET",
         .pattern = "/public/mailbox/confirm",
         .who = Who::Public(),
         .handler = [&s](Context& c) { return ConfirmMailbox(s, c); },
         .summary = "The mailed confirmation link: the case is accepted (404 unknown, 409 expired)",
         .tag = "public",
         .query = {{"token", R"({"type":"string"})", "from the confirmation mail"}},
         .response_schema = schemas::kConfirmed});
}

}  // namespace petitiond::api
