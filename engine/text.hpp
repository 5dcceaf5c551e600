#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/error.hpp"

namespace petitiond {

// Text as files from outside arrive: older DGPA calendars and 1999 exports are Big5.

// Converts Big5 (CP950) bytes to UTF-8. Returns kInvalid if the bytes are not Big5.
Result<std::string> Big5ToUtf8(std::string_view bytes);
// Every `{{name}}` in `text` replaced by fill(name); a `{{name}}` that fill answers nullopt
// for stays as written (notice templates, the public pages' language markers).
std::string ReplacePlaceholders(std::string_view text,
                                const std::function<std::optional<std::string>(std::string_view)>& fill);

// Unreserved characters (RFC 3986) as they are, every other byte %XX: safe in a URL,
// an HTML attribute and an HTTP header.
std::string PercentEncode(std::string_view s);

// Converts bytes in `charset` (an iconv name: CP950, GB18030, UTF-16LE ...) to UTF-8;
// kInvalid if the bytes are not in it or iconv does not know it.
Result<std::string> ToUtf8(std::string_view bytes, const std::string& charset);
bool IsValidUtf8(std::string_view bytes);

// One record of a CSV file (RFC 4180: quoted fields may hold commas, doubled quotes and
// line breaks). `line` is the 1-based line its first field starts on; `raw` the record
// as written, without its line break.
struct CsvRecord {
  int line = 0;
  std::string raw;
  std::vector<std::string> fields;
  bool unterminated = false;  // the file ended inside a quoted field
};

// Every non-empty record of `text`, after a UTF-8 byte order mark if there is one.
// CRLF and LF both end a record.
std::vector<CsvRecord> ReadCsvRecords(std::string_view text);

}  // namespace petitiond
