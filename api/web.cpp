// The staff console (/) and the public pages (/track, /mailbox, /survey and the
// mailbox's confirmation page), served from web/, which is compiled into the binary: no
// separate web server, nothing to fetch at the office. Every page carries a
// Content-Security-Policy without inline scripts or styles.
//
// The public pages are written once in both languages: `{{中文|English}}` in web/*.html
// is one side or the other as the page is served, `{{lang-switch}}` the link to the
// other language. The language is ?lang= (remembered in a cookie), else the remembered
// choice, else Accept-Language (api/cookies.cpp).
#include <string_view>

#include "api/api.hpp"
#include "engine/text.hpp"
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

// `{{zh|en}}` → one side; `{{lang-switch}}` → the link to the other language, keeping
// the page's other query parameters (the survey's token).
std::string Localize(std::string_view html, Language language, const Request& request) {
  return ReplacePlaceholders(html, [&](std::string_view inside) -> std::optional<std::string> {
    if (inside == "lang-switch") {
      const Language other = language == Language::kEn ? Language::kZhHantTw : Language::kEn;
      std::string query;
      for (const auto& [k, v] : request.query) {
        if (k == "lang") continue;
        query += PercentEncode(k) + "=" + PercentEncode(v) + "&amp;";
      }
      const std::string tag(LanguageTag(other));
      query += "lang=" + tag;
      return "<nav class=\"lang\" aria-label=\"" + std::string(language == Language::kEn ? "Language" : "語言") +
             "\"><a href=\"?" + query + "\" hreflang=\"" + tag + "\" lang=\"" + tag + "\">" +
             (other == Language::kEn ? "English" : "中文") + "</a></nav>";
    }
    const std::size_t bar = inside.find('|');
    if (bar == std::string_view::npos) return std::nullopt;
    return std::string(language == Language::kEn ? inside.substr(bar + 1) : inside.substr(0, bar));
  });
}

void PublicPage(RouteTable& t, std::string pattern, std::string file, std::string summary) {
  t.Add({.method = "GET",
         .pattern = std::move(pattern),
         .who = Who::Public(),
         .handler =
             [file](Context& c) {
               const Language language = RequestLanguage(c.request);
               Response r = File(file);
               r.body = Localize(r.body, language, c.request);
               r.headers.emplace_back("Content-Language", std::string(LanguageTag(language)));
               r.headers.emplace_back("Vary", "Accept-Language, Cookie");
               // The switch's choice (?lang=) is remembered for the next page and visit.
               if (c.request.query.count("lang") && ParseLanguage(c.request.query.at("lang"))) {
                 r.headers.emplace_back("Set-Cookie", LanguageCookieHeader(c.request, language));
               }
               return r;
             },
         .summary = std::move(summary),
         .tag = "pages",
         .query = {{"lang", R"({"enum":["zh-Hant-TW","en"]})",
                    "the page's language, remembered (cookie petitiond_lang); default: the remembered one, else "
                    "Accept-Language"}},
         .response_schema = R"({"type":"string"})",
         .response_content_type = "text/html"});
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
  PublicPage(t, "/track", "track.html", "Case status for petitioners: case number and access code");
  PublicPage(t, "/mailbox", "mailbox.html", "The director's mailbox form (主任信箱)");
  PublicPage(t, "/survey", "survey.html", "The satisfaction questionnaire behind the reply notice's link");
  PublicPage(t, "/mailbox/confirm", "confirm.html",
             "The page the mailbox's confirmation link opens: it confirms (GET /public/mailbox/confirm) and says "
             "what happened");
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
