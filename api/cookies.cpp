// The staff console's cookie session: an HttpOnly, SameSite=Strict cookie holding the
// same token the bearer API uses, and a CSRF token derived from it.
#include <sodium.h>

#include "api/api.hpp"
#include "engine/digest.hpp"

namespace petitiond::api {

std::optional<std::string> SessionCookie(const Request& request) { return CookieValue(request, kSessionCookie); }

std::optional<std::string> CookieValue(const Request& request, std::string_view cookie) {
  const std::string header = request.Header("cookie").value_or("");
  const std::string name = std::string(cookie) + "=";
  std::size_t at = 0;
  while (at < header.size()) {
    while (at < header.size() && (header[at] == ' ' || header[at] == ';')) ++at;
    const std::size_t end = header.find(';', at);
    const std::string pair = header.substr(at, end == std::string::npos ? std::string::npos : end - at);
    if (pair.rfind(name, 0) == 0 && pair.size() > name.size()) return pair.substr(name.size());
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return std::nullopt;
}

std::string CsrfToken(const std::string& session_token) { return Sha256Hex("petitiond csrf\n" + session_token); }

bool SameSecret(const std::string& a, const std::string& b) {
  return a.size() == b.size() && !a.empty() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string SessionCookieHeader(const Request& request, const std::string& token, int max_age) {
  std::string c = std::string(kSessionCookie) + "=" + token + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                  std::to_string(token.empty() ? 0 : max_age);
  if (request.Header("x-forwarded-proto").value_or("") == "https") c += "; Secure";
  return c;
}

Language RequestLanguage(const Request& request) {
  if (auto it = request.query.find("lang"); it != request.query.end()) {
    if (auto l = ParseLanguage(it->second)) return *l;
  }
  if (auto c = CookieValue(request, kLanguageCookie)) {
    if (auto l = ParseLanguage(*c)) return *l;
  }
  return FromAcceptLanguage(request.Header("accept-language").value_or(""));
}

std::string LanguageCookieHeader(const Request& request, Language language) {
  std::string c = std::string(kLanguageCookie) + "=" + std::string(LanguageTag(language)) +
                  "; Path=/; SameSite=Lax; Max-Age=31536000";
  if (request.Header("x-forwarded-proto").value_or("") == "https") c += "; Secure";
  return c;
}

}  // namespace petitiond::api
