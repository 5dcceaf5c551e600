// A case's files: list, download (never rendered as a page), staff uploads.
#include <boost/json.hpp>

#include "api/api.hpp"
#include "api/json_io.hpp"
#include "api/problem.hpp"
#include "api/schemas.hpp"
#include "connectors/mailbox/mailbox.hpp"
#include "engine/attachment.hpp"
#include "engine/runtime/services/case_service.hpp"

namespace petitiond::api {
namespace json = boost::json;
namespace {

bool Previewable(const store::AttachmentRow& a) { return a.kind && PreviewableType(*a.kind); }

json::object AttachmentJson(const store::AttachmentRow& a) {
  return json::object{
      {"id", a.id},
      {"filename", a.filename},
      {"content_type", a.kind ? json::value(*a.kind) : json::value(nullptr)},
      {"declared_type", a.content_type},
      {"size", a.size},
      {"previewable", Previewable(a)},
      {"source", a.intake_id ? "intake" : "upload"},
      {"added_by", a.added_by},
      {"added_at", FormatTimestamp(a.added_at)},
      {"href", "/api/v1/cases/" + std::to_string(a.case_id) + "/attachments/" + std::to_string(a.id)}};
}

Response ListJson(int status, const std::vector<store::AttachmentRow>& rows) {
  json::array items;
  for (const auto& a : rows) items.push_back(AttachmentJson(a));
  return Json(status, json::object{{"items", std::move(items)}});
}

Response List(const Services& s, Context& ctx) {
  return ListJson(200, s.cases.Attachments(ctx.caller(), PathId(ctx, "id", "a case id"), ctx.route));
}

// The bytes, as a download. A preview (preview=true) is only for the raster image
// types read from the bytes; everything else, whatever its name or declared type, is
// a download the browser never renders, and the sandbox CSP keeps even a mistake inert.
Response Download(const Services& s, Context& ctx) {
  const bool preview = QueryValue(ctx.request, "preview").value_or("false") == "true";
  store::AttachmentRow a = s.cases.Attachment(ctx.caller(), PathId(ctx, "id", "a case id"),
                                              PathId(ctx, "aid", "an attachment id"), ctx.route);
  if (preview && !Previewable(a)) {
    throw DomainError(ErrorKind::kUnprocessable,
                      a.filename + " is not an image that can be shown here (PNG, JPEG, GIF, WebP); download it");
  }
  Response r;
  r.status = 200;
  r.content_type = preview ? *a.kind : "application/octet-stream";
  r.body = std::move(a.data);
  r.headers.emplace_back("Content-Disposition", ContentDisposition(preview ? "inline" : "attachment", a.filename));
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Content-Security-Policy", "default-src 'none'; sandbox");
  r.headers.emplace_back("Cache-Control", "private, no-store");
  return r;
}

Response Upload(const Services& s, Context& ctx) {
  const std::int64_t id = PathId(ctx, "id", "a case id");
  s.cases.RequireVisible(ctx.caller(), id);  // another office's case: 404 before the body is read
  const std::string type = ctx.request.Header("content-type").value_or("");
  auto form = connectors::mailbox::ParseFormData(ctx.request.body, type);
  if (!form) throw DomainError(form.error());
  return ListJson(201, s.cases.AddAttachments(ctx.caller(), id, std::move(form->files)));
}

}  // namespace

void AddAttachmentRoutes(RouteTable& t, const Services& s) {
  const auto& policy = s.cases.attachment_policy();
  t.Add({.method = "GET",
         .pattern = "/api/v1/cases/{id}/attachments",
         .who = Who::Staff(),
         .handler = [&s](Context& c) { return List(s, c); },
         .summary = "The case's files: what came with the petition and what staff added; content_type is read "
                    "from the bytes (null: not a kind this office takes, download only)",
         .tag = "attachments",
         .response_schema = schemas::kAttachmentList});
  t.Add({.method = "GET",
         .pattern = "/api/v1/cases/{id}/attachments/{aid}",
         .who = Who::Staff(),
         .handler = [&s](Context& c) { return Download(s, c); },
         .summary = "One file, always as a download (Content-Disposition: attachment, nosniff); preview=true shows "
                    "a PNG, JPEG, GIF or WebP inline. A confidential case's downloads are in the access log",
         .tag = "attachments",
         .query = {{"preview", R"({"type":"string","enum":["true","false"]})",
                    "true: an image shown inline (422 for anything else)"}},
         .response_schema = R"({"type":"string","format":"binary"})",
         .response_content_type = "application/octet-stream",
         .errors = {422}});
  t.Add({.method = "POST",
         .pattern = "/api/v1/cases/{id}/attachments",
         .who = Who::Staff(),
         .handler = [&s](Context& c) { return Upload(s, c); },
         .summary = "Add files to the case (multipart/form-data, one or more fields named file): images, PDF and "
                    "Office or ODF documents, checked by their content against config attachments; each is an "
                    "attachment_added event",
         .tag = "attachments",
         .request_schema = R"({"type":"object","required":["file"],"properties":{"file":{"type":"array",)"
                           R"("items":{"type":"string","format":"binary"}}}})",
         .request_content_type = "multipart/form-data",
         .status = 201,
         .response_schema = schemas::kAttachmentList,
         .max_body = static_cast<std::size_t>(policy.max_files) * policy.max_bytes + (1 << 20)});
}

}  // namespace petitiond::api
