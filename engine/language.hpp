#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace petitiond {

// The languages petitioners are served in: the public pages, /track's words and the
// notices they are sent. Traditional Chinese unless they used English.
enum class Language { kZhHantTw, kEn };

// "zh-Hant-TW" or "en" (BCP 47), as the API, the pages and the stored petitioner say it.
std::string_view LanguageTag(Language l);
// A tag as written by a client: "en", "en-GB", "zh-Hant-TW", "zh-TW", "zh" (any case);
// nullopt for anything else.
std::optional<Language> ParseLanguage(std::string_view tag);
// The first language of an Accept-Language header (by q-value, then order) that the
// pages are written in; Traditional Chinese when none is (or the header is absent).
Language FromAcceptLanguage(std::string_view header);
// A mail or a call written in English: Latin letters and no Han characters in the
// first few thousand characters. Mixed or Chinese text is Chinese.
Language LanguageOfText(std::string_view utf8);

}  // namespace petitiond
