#include "engine/text.hpp"

#include <iconv.h>

#include <cctype>
#include <cerrno>

namespace petitiond {

bool IsValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    int extra = 0;
    if (c < 0x80) {
      extra = 0;
    } else if ((c & 0xE0) == 0xC0 && c >= 0xC2) {
      extra = 1;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
    } else if ((c & 0xF8) == 0xF0 && c <= 0xF4) {
      extra = 3;
    } else {
      return false;
    }
    if (i + static_cast<std::size_t>(extra) >= s.size()) return false;  // truncated sequence
    for (int k = 1; k <= extra; ++k) {
      if ((static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0xC0) != 0x80) return false;
    }
    i += static_cast<std::size_t>(extra) + 1;
  }
  return true;
}

Result<std::string> Big5ToUtf8(std::string_view bytes) { return ToUtf8(bytes, "CP950"); }

std::string PercentEncode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string ReplacePlaceholders(std::string_view text,
                                const std::function<std::optional<std::string>(std::string_view)>& fill) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t open = text.find("{{", i);
    if (open == std::string_view::npos) break;
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    out.append(text.substr(i, open - i));
    if (auto value = fill(text.substr(open + 2, close - open - 2))) {
      out += *value;
    } else {
      out.append(text.substr(open, close + 2 - open));
    }
    i = close + 2;
  }
  out.append(text.substr(i));
  return out;
}

Result<std::string> ToUtf8(std::string_view bytes, const std::string& charset) {
  iconv_t cd = iconv_open("UTF-8", charset.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    return Error{ErrorKind::kInvalid, "iconv has no " + charset + " converter", {}};
  }
  // Any charset's character grows to at most 4 bytes of UTF-8 (one byte to three at worst).
  std::string out(bytes.size() * 4 + 16, '\0');
  char* in_ptr = const_cast<char*>(bytes.data());
  std::size_t in_left = bytes.size();
  char* out_ptr = out.data();
  std::size_t out_left = out.size();
  const std::size_t rc = iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left);
  const int err = errno;
  iconv_close(cd);
  if (rc == static_cast<std::size_t>(-1)) {
    return Error{ErrorKind::kInvalid,
                 "bytes at offset " + std::to_string(bytes.size() - in_left) + " are not " +
                     (charset == "CP950" ? std::string("UTF-8 or Big5") : charset) +
                     (err == E2BIG ? " (output overflow)" : ""),
                 {}};
  }
  out.resize(out.size() - out_left);
  return out;
}

std::vector<CsvRecord> ReadCsvRecords(std::string_view text) {
  std::vector<CsvRecord> out;
  std::size_t i = 0;
  int line = 1;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
  while (i < text.size()) {
    CsvRecord r{line, "", {}, false};
    const std::size_t start = i;
    std::string field;
    bool quoted = false, in_quotes = false;
    for (;;) {
      if (i >= text.size()) {
        r.unterminated = in_quotes;
        r.fields.push_back(field);
        break;
      }
      const char c = text[i];
      if (in_quotes) {
        if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          i += 2;
        } else if (c == '"') {
          in_quotes = false;
          ++i;
        } else {
          if (c == '\n') ++line;
          field += c;
          ++i;
        }
      } else if (c == '"' && field.empty() && !quoted) {
        in_quotes = quoted = true;
        ++i;
      } else if (c == ',') {
        r.fields.push_back(field);
        field.clear();
        quoted = false;
        ++i;
      } else if (c == '\r' || c == '\n') {
        r.fields.push_back(field);
        if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
        ++i;
        ++line;
        break;
      } else {
        field += c;
        ++i;
      }
    }
    r.raw = std::string(text.substr(start, i - start));
    while (!r.raw.empty() && (r.raw.back() == '\n' || r.raw.back() == '\r')) r.raw.pop_back();
    if (!(r.fields.size() == 1 && r.fields[0].empty() && !r.unterminated)) out.push_back(std::move(r));
  }
  return out;
}

}  // namespace petitiond
