// Public pages' API: the director's mailbox web form and its confirmation link.
#include <boost/json.hpp>

#include "api/api.hpp"
#include "api/json_io.hpp"
#include "api/schemas.hpp"
#include "connectors/mailbox/mailbox.hpp"
#include "engine/text.hpp"
#include "engine/runtime/services/case_service.hpp"
#include "engine/runtime/services/intake_service.hpp"
#include "engine/runtime/services/public_status.hpp"
#include "engine/runtime/services/survey.hpp"

namespace petitiond::api {
namespace json = boost::json;
namespace {

Response MailboxForm(const Services& s, Context& ctx) {
  const Request& req = ctx.request;
  const std::string type = req.Header("content-type").value_or("application/x-www-form-urlencoded");
  const Received in =
      connectors::FromResult(connectors::mailbox::ParseForm(req.body, type, s.cases.attachment_policy()), "mailbox",
                             "mailbox web form", type, req.body);
  const Timestamp expires = s.clock.Now() + std::chrono::days(s.channels.confirm_days);
  // The token goes to the sender only: whoever confirms must own the address.
  runtime::ChannelPolicy policy;
  policy.confirm_first =
      runtime::ChannelPolicy::ConfirmFirst{expires, s.channels.public_url + "/mailbox/confirm", req.client};
  TakeOrRefuse(s.intake, in, policy);
  const std::string& to = in.intake.petitioner.email;
  return Json(202, json::object{
                       {"status", "pending"},
                       {"detail", in.intake.petitioner.language == Language::kEn
                                      ? "We sent a confirmation link to " + to +
                                            ". Open it before the deadline: only then is your petition accepted."
                                      : "確認信已寄至 " + to + "，請於期限內點選信中連結，案件才會受理。"},
                       {"expires_at", FormatTimestamp(expires)}});
}

Response ConfirmMailbox(const Services& s, Context& ctx) {
  auto token = QueryValue(ctx.request, "token");
  if (!token) Invalid("the confirmation link lacks its token");
  // A link mailed before the page existed, opened in a browser: to the page, which
  // confirms through this route and says what happened in the sender's language.
  const std::string accept = ctx.request.Header("accept").value_or("");
  if (accept.find("text/html") != std::string::npos && accept.find("application/json") == std::string::npos) {
    Response r;
    r.status = 303;
    r.content_type = "text/plain; charset=utf-8";
    r.headers.emplace_back("Location", "/mailbox/confirm?token=" + PercentEncode(*token));
    return r;
  }
  // The form was read once already; it reads the same now.
  const auto held = s.intake.Held(*token);
  const std::string& raw = held.raw;
  const std::string& type = held.content_type;
  runtime::ChannelPolicy policy;
  policy.confirmed_by = *token;
  auto result = TakeOrRefuse(
      s.intake,
      connectors::FromResult(connectors::mailbox::ParseForm(raw, type, s.cases.attachment_policy()), "mailbox",
                             "mailbox web form", type, raw),
      policy);
  const auto& c = *result.record;
  const bool en = c.petitioner.language == Language::kEn;
  return Json(200, json::object{{"status", Name(result.status)},
                                {"public_no", c.public_no},
                                {"language", LanguageTag(c.petitioner.language)},
                                {"detail", en ? "Your petition is accepted as case " + c.public_no +
                                                    "; its access code has been sent to your e-mail."
                                              : "案件已受理，編號 " + c.public_no + "；查詢密碼已寄至您的電子郵件。"}});
}

Response TrackCase(const Services& s, Context& ctx) {
  const auto code = QueryValue(ctx.request, "code").value_or("");
  const auto c = s.public_status.Lookup(ctx.Param("public_no"), code, ctx.request.client, RequestLanguage(ctx.request));
  json::array steps;
  for (const auto& st : c.steps) {
    steps.push_back(json::object{{"at", FormatTimestamp(st.at)}, {"label", st.label}, {"reason", OptJson(st.reason)}});
  }
  Response r = Json(200, json::object{{"public_no", c.public_no},
                                      {"state", c.state},
                                      {"state_label", c.state_label},
                                      {"finished", c.finished},
                                      {"received_at", FormatTimestamp(c.received_at)},
                                      {"due_at", c.due_at ? json::value(FormatTimestamp(*c.due_at)) : json::value(nullptr)},
                                      {"paused", c.paused},
                                      {"steps", std::move(steps)}});
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Response SurveyOpen(const Services& s, Context& ctx) {
  const auto st = s.surveys.Open(ctx.Param("public_no"), QueryValue(ctx.request, "token").value_or(""),
                                 ctx.request.client);
  return Json(200, json::object{{"public_no", st.public_no},
                                {"answered", st.answered},
                                {"open", !st.answered && s.clock.Now() <= st.expires_at},
                                {"expires_at", FormatTimestamp(st.expires_at)}});
}

Response SurveyAnswer(const Services& s, Context& ctx) {
  const json::object o = ParseObject(ctx.request.body);
  std::vector<std::string> errors;
  const std::string token = ReqString(o, "token", errors);
  runtime::SurveyAnswer a;
  for (auto [key, slot] : {std::pair{"speed", &a.speed}, {"result", &a.result}, {"attitude", &a.attitude}}) {
    const auto* v = o.if_contains(key);
    if (!v || !v->is_int64()) {
      errors.push_back(std::string(key) + " must be 1 to 5");
    } else {
      *slot = static_cast<int>(v->as_int64());
    }
  }
  a.comment = OptString(o, "comment", errors);
  if (a.comment && a.comment->empty()) a.comment.reset();
  if (!errors.empty()) Invalid("the answer is incomplete", errors);
  s.surveys.Answer(ctx.Param("public_no"), token, a, ctx.request.client);
  return Json(201, json::object{{"status", "answered"}, {"detail", "感謝您的填答"}});
}

}  // namespace

void AddPublicRoutes(RouteTable& t, const Services& s) {
  t.Add({.method = "GET",
         .pattern = "/api/v1/public/surveys/{public_no}",
         .who = Who::Public(),
         .handler = [&s](Context& c) { return SurveyOpen(s, c); },
         .summary = "The satisfaction survey of a case, by the token of the reply notice's link",
         .tag = "public",
         .query = {{"token", R"({"type":"string"})", "from the link"}},
         .response_schema = schemas::kSurveyState,
         .errors = {429}});
  t.Add({.method = "POST",
         .pattern = "/api/v1/public/surveys/{public_no}",
         .who = Who::Public(),
         .handler = [&s](Context& c) { return SurveyAnswer(s, c); },
         .summary = "Answer the survey once: speed, result, attitude 1-5 and an optional comment; 409 answered or "
                    "past 30 days",
         .tag = "public",
         .request_schema = schemas::kSurveyAnswer,
         .status = 201,
         .response_schema = schemas::kStatus,
         .errors = {409, 429}});
  t.Add({.method = "GET",
         .pattern = "/api/v1/public/cases/{public_no}",
         .who = Who::Public(),
         .handler = [&s](Context& c) { return TrackCase(s, c); },
         .summary = "A case's status for its petitioner (case number + access code): state, public steps, legal due "
                    "date; 404 查無此案件或查詢碼錯誤 for a wrong code; 429 after repeated failures",
         .tag = "public",
         .query = {{"code", R"({"type":"string"})", "the access code (查詢碼) given at intake"},
                   {"lang", R"({"enum":["zh-Hant-TW","en"]})",
                    "the labels' language; default: the petitiond_lang cookie, else Accept-Language"}},
         .response_schema = schemas::kPublicCase,
         .errors = {429}});
  t.Add({.method = "POST",
         .pattern = "/public/mailbox",
         .who = Who::Public(),
         .handler = [&s](Context& c) { return MailboxForm(s, c); },
         .summary = "The director's mailbox form (form-encoded, JSON, or multipart/form-data with up to attachments.max_files files named file); a confirmation link goes to the sender",
         .tag = "public",
         .request_schema = schemas::kMailboxForm,
         .status = 202,
         .response_schema = schemas::kPending,
         .errors = {429},
         .idempotent_create = true,
         .max_body = static_cast<std::size_t>(s.cases.attachment_policy().max_files) *
                         s.cases.attachment_policy().max_bytes +
                     (1 << 20)});
  t.Add({.method = "GET",
         .pattern = "/public/mailbox/confirm",
         .who = Who::Public(),
         .handler = [&s](Context& c) { return ConfirmMailbox(s, c); },
         .summary = "Confirms the mailbox form (the page /mailbox/confirm calls it): the case is accepted (404 "
                    "unknown, 409 expired); a browser asking for HTML is sent to that page (303)",
         .tag = "public",
         .query = {{"token", R"({"type":"string"})", "from the confirmation mail"}},
         .response_schema = schemas::kConfirmed,
         .other_statuses = {303},
         .errors = {404, 409}});
}

}  // namespace petitiond::api
