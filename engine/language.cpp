#include "engine/language.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <vector>

namespace petitiond {

std::string_view LanguageTag(Language l) { return l == Language::kEn ? "en" : "zh-Hant-TW"; }

std::optional<Language> ParseLanguage(std::string_view tag) {
  std::string t;
  for (char c : tag) t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto primary = t.substr(0, t.find('-'));
  if (primary == "en") return Language::kEn;
  if (primary == "zh") {
    // Simplified Chinese (zh-Hans, zh-CN) is not a language of the pages.
    if (t.find("hans") != std::string::npos || t == "zh-cn" || t == "zh-sg") return std::nullopt;
    return Language::kZhHantTw;
  }
  return std::nullopt;
}

Language FromAcceptLanguage(std::string_view header) {
  struct Choice {
    Language language;
    double q;
    std::size_t order;
  };
  std::vector<Choice> choices;
  std::size_t order = 0;
  while (!header.empty()) {
    const auto comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    const auto semi = item.find(';');
    std::string_view tag = item.substr(0, semi);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    double q = 1.0;
    if (semi != std::string_view::npos) {
      const std::string params(item.substr(semi + 1));
      const auto at = params.find("q=");
      if (at != std::string::npos) q = std::strtod(params.c_str() + at + 2, nullptr);
    }
    ++order;
    if (q <= 0) continue;
    if (auto l = ParseLanguage(tag)) choices.push_back({*l, q, order});
  }
  if (choices.empty()) return Language::kZhHantTw;
  return std::min_element(choices.begin(), choices.end(), [](const Choice& a, const Choice& b) {
           return a.q != b.q ? a.q > b.q : a.order < b.order;
         })->language;
}

Language LanguageOfText(std::string_view utf8) {
  int latin = 0;
  const std::size_t n = std::min<std::size_t>(utf8.size(), 8192);
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    if (std::isalpha(c)) {
      ++latin;
    } else if (c >= 0xE3 && c <= 0xE9 && i + 2 < utf8.size()) {
      // U+3000..U+9FFF: CJK punctuation, kana, CJK ideographs; a single one is Chinese.
      return Language::kZhHantTw;
    }
  }
  return latin >= 3 ? Language::kEn : Language::kZhHantTw;
}

}  // namespace petitiond
