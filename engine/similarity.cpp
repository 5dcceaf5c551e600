#include "engine/similarity.hpp"

#include <algorithm>
#include <cstdint>
#include <set>
#include <utility>
#include <vector>

namespace petitiond {
namespace {

// Code points of `text` that carry meaning, lower-cased for ASCII. Invalid UTF-8
// bytes are skipped.
std::vector<char32_t> Letters(std::string_view text) {
  std::vector<char32_t> out;
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    char32_t cp = 0;
    int len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + static_cast<std::size_t>(len) > text.size()) {
      ++i;
      continue;
    }
    cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
    for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    i += static_cast<std::size_t>(len);
    if (cp < 0x80) {
      if ((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z')) out.push_back(cp);
      else if (cp >= 'A' && cp <= 'Z') out.push_back(cp - 'A' + 'a');
    } else if ((cp >= 0x3400 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x2FFFF) ||
               (cp >= 0xFF10 && cp <= 0xFF19)) {
      out.push_back(cp);  // CJK ideographs and full-width digits
    }
  }
  return out;
}

std::set<std::pair<char32_t, char32_t>> Bigrams(std::string_view text) {
  const auto letters = Letters(text);
  std::set<std::pair<char32_t, char32_t>> out;
  if (letters.size() == 1) out.emplace(letters[0], U'\0');
  for (std::size_t i = 0; i + 1 < letters.size(); ++i) out.emplace(letters[i], letters[i + 1]);
  return out;
}

}  // namespace

bool HasLetters(std::string_view text) { return !Letters(text).empty(); }

double Similarity(std::string_view a, std::string_view b) {
  const auto x = Bigrams(a), y = Bigrams(b);
  if (x.empty() || y.empty()) return 0.0;
  std::size_t shared = 0;
  for (const auto& g : x) shared += y.count(g);
  return static_cast<double>(shared) / static_cast<double>(x.size() + y.size() - shared);
}

}  // namespace petitiond
