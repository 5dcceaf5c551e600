#include "engine/attachment.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>

namespace petitiond {
namespace {

// substr that never throws: past the end is empty.
std::string_view Sub(std::string_view d, std::size_t at, std::size_t n) {
  return at >= d.size() ? std::string_view() : d.substr(at, n);
}

bool StartsWith(std::string_view data, std::string_view magic) { return data.starts_with(magic); }

std::uint32_t Le16(std::string_view d, std::size_t at) {
  if (at + 2 > d.size()) return 0;
  return static_cast<unsigned char>(d[at]) | static_cast<unsigned char>(d[at + 1]) << 8;
}
std::uint32_t Le32(std::string_view d, std::size_t at) {
  if (at + 4 > d.size()) return 0;
  return Le16(d, at) | Le16(d, at + 2) << 16;
}

// The names in a zip's central directory (empty when it has none we can read).
std::vector<std::string_view> ZipNames(std::string_view d) {
  std::vector<std::string_view> names;
  // The end-of-central-directory record: in the last 22 + 65,535 bytes.
  const std::size_t floor = d.size() > 22 + 65535 ? d.size() - 22 - 65535 : 0;
  std::size_t eocd = std::string_view::npos;
  for (std::size_t i = d.size() >= 22 ? d.size() - 22 + 1 : 0; i-- > floor;) {
    if (Sub(d, i, 4) == std::string_view("PK\x05\x06", 4)) {
      eocd = i;
      break;
    }
  }
  if (eocd == std::string_view::npos) return names;
  const std::uint32_t count = Le16(d, eocd + 10);
  std::size_t at = Le32(d, eocd + 16);
  for (std::uint32_t n = 0; n < count && at + 46 <= d.size(); ++n) {
    if (Sub(d, at, 4) != std::string_view("PK\x01\x02", 4)) break;
    const std::size_t name_len = Le16(d, at + 28), extra = Le16(d, at + 30), comment = Le16(d, at + 32);
    if (at + 46 + name_len > d.size()) break;
    names.push_back(Sub(d, at + 46, name_len));
    at += 46 + name_len + extra + comment;
  }
  return names;
}

std::optional<FileKind> SniffZip(std::string_view d) {
  // ODF: the first entry is "mimetype", stored, holding the document's type.
  if (Le16(d, 26) == 8 && Sub(d, 30, 8) == "mimetype") {
    const std::size_t start = 30 + 8 + Le16(d, 28);
    const std::string_view type = Sub(d, start, Le32(d, 18));
    if (type.starts_with("application/vnd.oasis.opendocument.")) return FileKind{std::string(type), "office", false};
    return std::nullopt;
  }
  bool content_types = false, vba = false;
  std::string_view part;
  for (auto name : ZipNames(d)) {
    if (name == "[Content_Types].xml") content_types = true;
    if (name.ends_with("vbaProject.bin")) vba = true;  // macros: active content
    if (part.empty()) {
      for (std::string_view p : {"word/", "xl/", "ppt/"}) {
        if (name.starts_with(p)) part = p;
      }
    }
  }
  if (!content_types || vba || part.empty()) return std::nullopt;
  const std::string base = "application/vnd.openxmlformats-officedocument.";
  if (part == "word/") return FileKind{base + "wordprocessingml.document", "office", false};
  if (part == "xl/") return FileKind{base + "spreadsheetml.sheet", "office", false};
  return FileKind{base + "presentationml.presentation", "office", false};
}

// Whether `s` ends inside a UTF-8 sequence at `n`: back up to a character start.
std::size_t Utf8Cut(std::string_view s, std::size_t n) {
  if (n >= s.size()) return s.size();
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return n;
}

}  // namespace

std::optional<FileKind> SniffFile(std::string_view d) {
  if (StartsWith(d, "\xFF\xD8\xFF")) return FileKind{"image/jpeg", "image", true};
  if (StartsWith(d, "\x89PNG\r\n\x1A\n")) return FileKind{"image/png", "image", true};
  if (StartsWith(d, "GIF87a") || StartsWith(d, "GIF89a")) return FileKind{"image/gif", "image", true};
  if (StartsWith(d, "RIFF") && Sub(d, 8, 4) == "WEBP") return FileKind{"image/webp", "image", true};
  if (Sub(d, 4, 4) == "ftyp") {
    const std::string_view brand = Sub(d, 8, 4);
    if (brand == "heic" || brand == "heix" || brand == "mif1" || brand == "heif") {
      return FileKind{"image/heic", "image", false};
    }
  }
  if (StartsWith(d, "%PDF-")) return FileKind{"application/pdf", "pdf", false};
  if (StartsWith(d, std::string_view("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8))) {
    return FileKind{"application/x-ole-storage", "office", false};
  }
  if (StartsWith(d, std::string_view("PK\x03\x04", 4))) return SniffZip(d);
  return std::nullopt;
}

bool PreviewableType(std::string_view mime) {
  return mime == "image/jpeg" || mime == "image/png" || mime == "image/gif" || mime == "image/webp";
}

std::string SafeFilename(std::string_view name) {
  const auto slash = name.find_last_of("/\\");
  if (slash != std::string_view::npos) name = name.substr(slash + 1);
  std::string out;
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7F || c == '"') continue;
    out.push_back(static_cast<char>(c));
  }
  while (!out.empty() && (out.front() == ' ' || out.front() == '.')) out.erase(out.begin());
  while (!out.empty() && out.back() == ' ') out.pop_back();
  out.resize(Utf8Cut(out, 200));
  return out.empty() ? "attachment" : out;
}

std::vector<std::string> CheckFiles(std::vector<Attachment>& files, const AttachmentPolicy& policy) {
  std::vector<std::string> problems;
  if (static_cast<int>(files.size()) > policy.max_files) {
    problems.push_back(std::to_string(files.size()) + " files: at most " + std::to_string(policy.max_files) +
                       " may be sent at once");
  }
  for (auto& f : files) {
    f.filename = SafeFilename(f.filename);
    if (f.data.empty()) {
      problems.push_back(f.filename + ": the file is empty");
      continue;
    }
    if (f.data.size() > policy.max_bytes) {
      problems.push_back(f.filename + ": " + std::to_string(f.data.size()) + " bytes, over the limit of " +
                         std::to_string(policy.max_bytes));
      continue;
    }
    const auto kind = SniffFile(f.data);
    if (!kind || std::find(policy.families.begin(), policy.families.end(), kind->family) == policy.families.end()) {
      std::string taken;
      for (const auto& fam : policy.families) taken += (taken.empty() ? "" : ", ") + fam;
      problems.push_back(f.filename + ": the content is not a kind this office takes (" + taken + ")");
      continue;
    }
    f.content_type = kind->mime;
  }
  return problems;
}

std::string ContentDisposition(std::string_view disposition, std::string_view filename) {
  static const char* hex = "0123456789ABCDEF";
  std::string ascii, encoded;
  for (unsigned char c : filename) {
    const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                       c == '.' || c == '-' || c == '_';
    ascii.push_back(c >= 0x20 && c < 0x7F && c != '"' && c != '\\' ? static_cast<char>(c) : '_');
    if (plain) {
      encoded.push_back(static_cast<char>(c));
    } else {
      encoded += '%';
      encoded += hex[c >> 4];
      encoded += hex[c & 15];
    }
  }
  return std::string(disposition) + "; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

std::optional<std::vector<std::int64_t>> ParseIdList(std::string_view text) {
  std::vector<std::int64_t> ids;
  std::size_t at = 0;
  while (at <= text.size()) {
    const std::size_t comma = std::min(text.find(',', at), text.size());
    std::string_view item = text.substr(at, comma - at);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    std::int64_t id = 0;
    const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), id);
    if (item.empty() || ec != std::errc() || end != item.data() + item.size() || id <= 0) return std::nullopt;
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    if (ids.size() > 20) return std::nullopt;
    at = comma + 1;
  }
  return ids;
}

}  // namespace petitiond
