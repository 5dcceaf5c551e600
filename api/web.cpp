// The staff console (/) and the public pages (/track, /mailbox), served from web/,
// which is compiled into the binary: no separate web server, nothing to fetch at the
// office. Every page carries a Content-Security-Policy without inline scripts or styles.
#include "api/api.hpp"
#include "engine/embedded.hpp"

namespace petitiond {
const std::vector<EmbeddedFile>& EmbeddedWeb();  // web/ (cmake/Embed.cmake)
}

namespace petitiond::api {
namespace {

const EmbeddedFile* FindFile(std::string_view name) {
  for (const auto& f : EmbeddedWeb()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::string TypeOf(std::string_view name) {
  auto ends = [&](std::string_view ext) {
    return name.size() >= ext.size() && name.substr(name.size() - ext.size()) == ext;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

Response File(std::string_view name) {
  const EmbeddedFile* f = FindFile(name);
  if (!f || name.find('/') != std::string_view::npos) {
    throw DomainError(ErrorKind::kNotFound, "no such file: " + std::string(name));
  }
  Response r;
  r.content_type = TypeOf(name);
  r.body = std::string(f->bytes);
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                         "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
                         "object-src 'none'");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("Cache-Control", "no-cache");
  return r;
}

void Page(RouteTable& t, std::string pattern, std::string file, std::string summary) {
  t.Add({.method = "GET",
         .pattern = std::move(pattern),
         .who = Who::Public(),
         .handler = [file](Context&) { return File(file); },
         .summary = std::move(summary),
         .tag = "pages",
         .response_schema = R"({"type":"string"})",
         .response_content_type = "text/html"});
}

}  // namespace

void AddWebRoutes(RouteTable& t) {
  Page(t, "/", "index.html", "The staff console (zh-Hant-TW)");
  Page(t, "/track", "track.html", "Case status for petitioners: case number and access code");
  Page(t, "/mailbox", "mailbox.html", "The director's mailbox form (主任信箱)");
  Page(t, "/survey", "survey.html", "The satisfaction questionnaire behind the reply notice's link");
  t.Add({.method = "GET",
         .pattern = "/assets/{file}",
         .who = Who::Public(),
         .handler = [](Context& c) { return File(c.Param("file")); },
         .summary = "The pages' scripts and style sheets",
         .tag = "pages",
         .response_schema = R"({"type":"string"})",
         .response_content_type = "text/javascript"});
}

}  // namespace petitiond::api
