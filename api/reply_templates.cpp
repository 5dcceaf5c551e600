// Standard replies (常用答覆): the office's wording per category, filled in for a case.
#include <boost/json.hpp>

#include "api/api.hpp"
#include "api/json_io.hpp"
#include "api/schemas.hpp"
#include "engine/runtime/services/reply_templates.hpp"

namespace petitiond::api {
namespace json = boost::json;
namespace {

json::object TemplateJson(const store::ReplyTemplate& t) {
  return json::object{{"id", t.id},
                      {"office", t.office},
                      {"category", OptJson(t.category)},
                      {"title", t.title},
                      {"body", t.body},
                      {"created_by", t.created_by},
                      {"updated_by", t.updated_by},
                      {"updated_at", FormatTimestamp(t.updated_at)}};
}

json::array Variables() {
  json::array vars;
  for (const auto& [name, what] : runtime::ReplyTemplateVariables()) {
    vars.push_back(json::object{{"name", name}, {"label", what}});
  }
  return vars;
}

runtime::ReplyTemplateInput ParseInput(const Request& req) {
  const json::object o = ParseObject(req.body);
  std::vector<std::string> errors;
  RefuseUnknown(o, {"office", "category", "title", "body"}, errors);
  runtime::ReplyTemplateInput in;
  in.office = OptString(o, "office", errors);
  if (auto it = o.find("category"); it != o.end() && !it->value().is_null()) in.category = OptString(o, "category", errors);
  in.title = ReqString(o, "title", errors);
  in.body = ReqString(o, "body", errors);
  if (!errors.empty()) Invalid("the template has invalid fields", errors);
  return in;
}

Response List(const Services& s, Context& ctx) {
  json::array items;
  for (const auto& t : s.templates.List(ctx.caller(), QueryValue(ctx.request, "office"),
                                        QueryValue(ctx.request, "category"))) {
    items.push_back(TemplateJson(t));
  }
  return Json(200, json::object{{"items", std::move(items)}, {"variables", Variables()}});
}

Response ForCase(const Services& s, Context& ctx) {
  json::array items;
  for (const auto& f : s.templates.ForCase(ctx.caller(), PathId(ctx, "id", "a case id"), ctx.route)) {
    json::object o = TemplateJson(f.source);
    o["text"] = f.text;
    items.push_back(std::move(o));
  }
  return Json(200, json::object{{"items", std::move(items)}});
}

}  // namespace

void AddReplyTemplateRoutes(RouteTable& t, const Services& s) {
  t.Add({.method = "GET",
         .pattern = "/api/v1/reply-templates",
         .who = Who::Staff(),
         .handler = [&s](Context& c) { return List(s, c); },
         .summary = "Standard replies (常用答覆) of your office (directors and admins: any office), with the "
                    "{{variables}} a template may use",
         .tag = "reply-templates",
         .query = {{"office", R"({"type":"string"})", "default: yours"},
                   {"category", R"({"type":"string"})", "that category's and those of every category"}},
         .response_schema = schemas::kReplyTemplateList});
  t.Add({.method = "POST",
         .pattern = "/api/v1/reply-templates",
         .who = Who::Roles({"supervisor", "director", "admin"}),
         .handler = [&s](Context& c) { return Json(201, TemplateJson(s.templates.Create(c.caller(), ParseInput(c.request)))); },
         .summary = "Add a standard reply: supervisors for their office, directors and admins for any; 400 names "
                    "an unknown {{variable}}, 409 a title the office has",
         .tag = "reply-templates",
         .request_schema = schemas::kReplyTemplateInput,
         .status = 201,
         .response_schema = schemas::kReplyTemplate,
         .errors = {409}});
  t.Add({.method = "PUT",
         .pattern = "/api/v1/reply-templates/{id}",
         .who = Who::Roles({"supervisor", "director", "admin"}),
         .handler = [&s](Context& c) {
           const std::int64_t id = PathId(c, "id", "a template id");
           runtime::ReplyTemplateInput in;
           try {
             in = ParseInput(c.request);
           } catch (const DomainError&) {
             s.templates.Get(c.caller(), id);  // another office's template is not there at all
             throw;
           }
           return Json(200, TemplateJson(s.templates.Update(c.caller(), id, in)));
         },
         .summary = "Rewrite a standard reply (title, category, body); it stays in its office",
         .tag = "reply-templates",
         .request_schema = schemas::kReplyTemplateInput,
         .response_schema = schemas::kReplyTemplate,
         .errors = {409}});
  t.Add({.method = "DELETE",
         .pattern = "/api/v1/reply-templates/{id}",
         .who = Who::Roles({"supervisor", "director", "admin"}),
         .handler = [&s](Context& c) {
           s.templates.Delete(c.caller(), PathId(c, "id", "a template id"));
           return Json(200, json::object{{"deleted", true}});
         },
         .summary = "Remove a standard reply",
         .tag = "reply-templates",
         .response_schema = R"({"type":"object","required":["deleted"],"properties":{"deleted":{"type":"boolean"}}})"});
  t.Add({.method = "GET",
         .pattern = "/api/v1/cases/{id}/reply-templates",
         .who = Who::Staff(),
         .handler = [&s](Context& c) { return ForCase(s, c); },
         .summary = "The standard replies that fit the case (its office; its category or every category), each "
                    "filled in for it in `text` (a confidential petitioner's name only for those who may see it)",
         .tag = "reply-templates",
         .response_schema = schemas::kFilledTemplateList});
}

}  // namespace petitiond::api
