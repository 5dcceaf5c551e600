#include "connectors/news/news.hpp"

#include <curl/curl.h>
#include <pugixml.hpp>
#include <string_view>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <iomanip>
#include <sstream>

#include "connectors/html.hpp"
#include "engine/digest.hpp"
#include "engine/text.hpp"

namespace petitiond::connectors::news {
namespace {

std::string Text(const pugi::xml_node& n) { return n.child_value(); }

// A name without its namespace prefix ("dc:date" -> "date"): feeds spell prefixes as
// they like, and RSS 0.90/1.0 put the core elements in a namespace of their own.
std::string_view Local(const char* name) {
  std::string_view n(name);
  const auto colon = n.find(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

// The first child whose local name is one of `names`, in that order of preference.
pugi::xml_node Child(const pugi::xml_node& parent, std::initializer_list<std::string_view> names) {
  for (const auto name : names) {
    for (const auto& c : parent.children()) {
      if (c.type() == pugi::node_element && Local(c.name()) == name) return c;
    }
  }
  return {};
}
std::string ChildText(const pugi::xml_node& parent, std::initializer_list<std::string_view> names) {
  return Text(Child(parent, names));
}

// What a DOCTYPE may hold: a name and an external identifier, read past; an internal
// subset ('[', where entities are declared) is refused, as is any <!ENTITY.
std::optional<std::string> DoctypeProblem(const std::string& xml) {
  if (xml.find("<!ENTITY") != std::string::npos) return "the feed declares entities; refused";
  for (std::size_t at = 0; (at = xml.find("<!DOCTYPE", at)) != std::string::npos; at += 9) {
    const auto end = xml.find('>', at);
    if (end == std::string::npos || xml.find('[', at) < end) {
      return "the feed's DOCTYPE has an internal subset (entity declarations); refused";
    }
  }
  if (xml.find("<!doctype") != std::string::npos) return "the feed's doctype is not XML; refused";
  return std::nullopt;
}

// `bytes` from `from` to UTF-8 through iconv; nullopt if they are not `from`.
std::optional<std::string> Iconv(std::string_view bytes, const std::string& from) {
  auto text = ToUtf8(bytes, from);
  if (!text) return std::nullopt;
  return std::move(*text);
}

// UTF-8 with every invalid byte as U+FFFD.
std::string Replacing(std::string_view bytes) {
  std::string out;
  for (std::size_t i = 0; i < bytes.size();) {
    const unsigned char c = static_cast<unsigned char>(bytes[i]);
    const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n > 0 && i + n <= bytes.size() && IsValidUtf8(bytes.substr(i, n))) {
      out.append(bytes.substr(i, n));
      i += n;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

// The feed as UTF-8 text with its declaration saying so (see ParseFeed).
struct Decoded {
  std::string text;
  std::vector<std::string> warnings;
};
Decoded Decode(const std::string& bytes) {
  Decoded d;
  std::string_view body(bytes);
  std::string from;
  if (body.rfind("\xEF\xBB\xBF", 0) == 0) {
    body.remove_prefix(3);
    from = "UTF-8";
  } else if (body.rfind(std::string_view("\xFF\xFE\x00\x00", 4), 0) == 0) {
    from = "UTF-32LE", body.remove_prefix(4);
  } else if (body.rfind(std::string_view("\x00\x00\xFE\xFF", 4), 0) == 0) {
    from = "UTF-32BE", body.remove_prefix(4);
  } else if (body.rfind("\xFF\xFE", 0) == 0) {
    from = "UTF-16LE", body.remove_prefix(2);
  } else if (body.rfind("\xFE\xFF", 0) == 0) {
    from = "UTF-16BE", body.remove_prefix(2);
  } else if (body.size() >= 4 && body[0] == '<' && body[1] == '\0') {
    from = "UTF-16LE";
  } else if (body.size() >= 4 && body[0] == '\0' && body[1] == '<') {
    from = "UTF-16BE";
  }
  // The declared encoding: encoding="..." in the declaration at the start.
  std::string declared;
  if (from.empty() && body.rfind("<?xml", 0) == 0) {
    const auto end = body.find("?>");
    const std::string decl(body.substr(0, end == std::string_view::npos ? 0 : end));
    const auto at = decl.find("encoding");
    if (at != std::string::npos) {
      const auto q = decl.find_first_of("\"'", at);
      const auto q2 = q == std::string::npos ? q : decl.find(decl[q], q + 1);
      if (q2 != std::string::npos) declared = decl.substr(q + 1, q2 - q - 1);
    }
    std::transform(declared.begin(), declared.end(), declared.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    if (declared == "UTF8") declared = "UTF-8";
    from = declared;
  }
  if (from.empty()) from = "UTF-8";
  std::optional<std::string> text;
  if (from == "UTF-8") {
    if (IsValidUtf8(body)) text = std::string(body);
  } else {
    text = Iconv(body, from == "BIG5" ? "CP950" : from);  // CP950: Big5 as Taiwan writes it
  }
  if (!text) {
    // Not what it says it is: UTF-8, then Big5 (Taiwan's usual mislabel), then as much
    // UTF-8 as there is.
    if (from != "UTF-8" && IsValidUtf8(body)) {
      text = std::string(body);
      d.warnings.push_back("the feed declares " + from + " but is UTF-8; read as UTF-8");
    } else if (auto big5 = Iconv(body, "CP950")) {
      text = std::move(big5);
      d.warnings.push_back("the feed declares " + from + " but is Big5; read as Big5");
    } else {
      text = Replacing(body);
      d.warnings.push_back("the feed is not valid " + from + "; unreadable bytes were replaced");
    }
  }
  // The declaration must now say UTF-8, or pugixml would convert again.
  if (text->rfind("<?xml", 0) == 0) {
    const auto end = text->find("?>");
    if (end != std::string::npos) text->replace(0, end + 2, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
  }
  d.text = std::move(*text);
  return d;
}

// The element's text as it stands in `text` (pugixml's offset of its name), or
// nullopt when it cannot be found there.
std::optional<std::string> ElementText(const pugi::xml_node& n, const std::string& text) {
  const std::ptrdiff_t at = n.offset_debug();
  if (at < 1 || static_cast<std::size_t>(at) > text.size() || text[static_cast<std::size_t>(at) - 1] != '<') {
    return std::nullopt;
  }
  const std::size_t start = static_cast<std::size_t>(at) - 1;
  const std::string close = std::string("</") + n.name() + ">";
  const std::size_t end = text.find(close, start);
  if (end != std::string::npos) return text.substr(start, end + close.size() - start);
  const std::size_t empty = text.find("/>", start);  // <item/>
  if (empty != std::string::npos && text.find('>', start) == empty + 1) return text.substr(start, empty + 2 - start);
  return std::nullopt;
}

std::optional<Timestamp> Date(const std::string& text) {
  if (text.empty()) return std::nullopt;
  if (auto t = ParseTimestamp(text)) return t;
  // RFC 822 dates of RSS, e.g. "Tue, 03 Mar 2026 08:00:00 +0800".
  std::tm tm{};
  std::istringstream in(text);
  in.imbue(std::locale::classic());
  in >> std::get_time(&tm, "%a, %d %b %Y %H:%M:%S");
  if (in.fail()) return std::nullopt;
  std::string zone;
  in >> zone;
  long offset = 0;
  if (zone.size() == 5 && (zone[0] == '+' || zone[0] == '-')) {
    for (std::size_t i = 1; i < 5; ++i) {
      if (zone[i] < '0' || zone[i] > '9') return std::nullopt;  // "+ab00": no date rather than a wrong one
    }
    offset = ((zone[1] - '0') * 10 + (zone[2] - '0')) * 3600 + ((zone[3] - '0') * 10 + (zone[4] - '0')) * 60;
    if (zone[0] == '-') offset = -offset;
  }
  return Timestamp(std::chrono::seconds(timegm(&tm) - offset));
}

std::size_t Collect(char* data, std::size_t size, std::size_t n, void* out) {
  auto* s = static_cast<std::string*>(out);
  if (s->size() + size * n > 20 * 1024 * 1024) return 0;  // a feed is not 20 MB
  s->append(data, size * n);
  return size * n;
}

std::size_t Header(char* data, std::size_t size, std::size_t n, void* out) {
  auto* r = static_cast<FetchResult*>(out);
  std::string line(data, size * n);
  const auto colon = line.find(':');
  if (colon == std::string::npos) {
    if (line.rfind("HTTP/", 0) == 0) {
      r->etag.reset();  // a redirect's headers are not the final response's
      r->last_modified.reset();
    }
    return size * n;
  }
  std::string name = line.substr(0, colon);
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  std::string value = line.substr(colon + 1);
  value.erase(0, value.find_first_not_of(" \t"));
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
  if (name == "etag") r->etag = value;
  if (name == "last-modified") r->last_modified = value;
  return size * n;
}

}  // namespace

Result<ParsedFeed> ParseFeed(const std::string& bytes, const std::string& source_url) {
  Decoded decoded = Decode(bytes);
  const std::string& xml = decoded.text;
  if (auto why = DoctypeProblem(xml)) return Error{ErrorKind::kInvalid, *why, {}};
  pugi::xml_document doc;
  // No DOCTYPE in the tree, no entity expansion beyond the XML five (parse_escapes).
  const unsigned options = pugi::parse_cdata | pugi::parse_escapes | pugi::parse_eol | pugi::parse_wconv_attribute;
  const pugi::xml_parse_result parsed = doc.load_buffer(xml.data(), xml.size(), options, pugi::encoding_utf8);
  if (!parsed) {
    return Error{ErrorKind::kInvalid,
                 std::string("the feed is not well-formed XML: ") + parsed.description() + " at byte " +
                     std::to_string(parsed.offset),
                 {}};
  }
  ParsedFeed feed;
  feed.warnings = std::move(decoded.warnings);
  const pugi::xml_node root = doc.document_element();
  const std::string_view kind = Local(root.name());
  std::vector<pugi::xml_node> nodes;
  bool atom = false;
  if (kind == "rss") {  // RSS 0.91, 0.92, 2.0
    for (const auto& c : Child(root, {"channel"}).children()) {
      if (Local(c.name()) == "item") nodes.push_back(c);
    }
  } else if (kind == "RDF") {  // RSS 0.90 and 1.0: items beside the channel
    for (const auto& c : root.children()) {
      if (Local(c.name()) == "item") nodes.push_back(c);
    }
  } else if (kind == "feed") {  // Atom 0.3 and 1.0
    atom = true;
    for (const auto& c : root.children()) {
      if (Local(c.name()) == "entry") nodes.push_back(c);
    }
  } else {
    return Error{ErrorKind::kInvalid,
                 "the document is not an RSS (<rss>, <rdf:RDF>) or Atom (<feed>) feed but <" + std::string(root.name()) +
                     ">",
                 {}};
  }
  for (const auto& node : nodes) {
    FeedItem f;
    f.title = ChildText(node, {"title"});
    f.raw = ElementText(node, xml).value_or("");
    if (f.raw.empty()) {
      std::ostringstream out;
      node.print(out, "", pugi::format_raw);
      f.raw = out.str();
    }
    std::string date_text;
    if (atom) {
      for (const auto& link : node.children()) {
        if (Local(link.name()) != "link") continue;
        const std::string rel = link.attribute("rel").value();
        if (rel.empty() || rel == "alternate") {
          f.link = link.attribute("href").value();
          if (f.link.empty()) f.link = Text(link);
          break;
        }
      }
      const std::string summary = ChildText(node, {"summary"});
      f.summary = connectors::HtmlToText(summary.empty() ? ChildText(node, {"content"}) : summary);
      f.id = ChildText(node, {"id"});
      date_text = ChildText(node, {"published", "issued", "updated", "modified", "created", "date"});
      f.author = ChildText(Child(node, {"author"}), {"name"});
      if (f.author.empty()) f.author = ChildText(node, {"creator"});
    } else {
      f.link = ChildText(node, {"link"});
      f.summary = connectors::HtmlToText(ChildText(node, {"description", "encoded"}));
      f.id = ChildText(node, {"guid"});
      if (f.id.empty()) f.id = node.attribute("rdf:about").value();
      date_text = ChildText(node, {"pubDate", "date"});
      f.author = ChildText(node, {"creator", "author"});
    }
    f.published = Date(date_text);
    if (f.id.empty()) f.id = f.link;
    if (f.id.empty()) {
      // RSS makes guid and link optional: an item is then known by what it says.
      f.id = "sha256:" + Sha256Hex(source_url + "\n" + f.title + "\n" + f.summary + "\n" + date_text);
    }
    if (f.title.empty() && f.summary.empty()) f.error = "the item has neither a title nor a description";
    feed.items.push_back(std::move(f));
  }
  return feed;
}

std::optional<std::string> Match(const FeedItem& item, const FeedConfig& feed) {
  const std::string text = item.title + "\n" + item.summary;
  for (const auto& x : feed.exclude) {
    if (text.find(x) != std::string::npos) return std::nullopt;
  }
  for (const auto& k : feed.keywords) {
    if (text.find(k) != std::string::npos) return k;
  }
  return std::nullopt;
}

Intake ToIntake(const FeedItem& item, const FeedConfig& feed, const std::string& keyword, const std::string& raw_item) {
  Intake in;
  in.channel = "news";
  in.source = feed.url;
  in.origin = Origin::kFeed;
  in.external_ref = item.id;
  in.content_type = "application/xml";
  in.raw = raw_item;
  in.subject = item.title;
  in.body = item.summary + (item.link.empty() ? "" : "\n\n" + item.link) + "\n\n（符合關鍵字：" + keyword + "）";
  in.office = feed.office;
  in.place = keyword;
  in.received_at = item.published;
  return in;
}

bool PrivateAddress(const ::sockaddr* address) {
  auto v4 = [](std::uint32_t a) {
    const unsigned b0 = a >> 24, b1 = (a >> 16) & 0xff;
    return b0 == 0 || b0 == 10 || b0 == 127 || (b0 == 169 && b1 == 254) || (b0 == 172 && (b1 & 0xf0) == 16) ||
           (b0 == 192 && b1 == 168) || (b0 == 100 && (b1 & 0xc0) == 64);
  };
  if (address->sa_family == AF_INET) {
    return v4(ntohl(reinterpret_cast<const sockaddr_in*>(address)->sin_addr.s_addr));
  }
  if (address->sa_family == AF_INET6) {
    const unsigned char* a = reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr.s6_addr;
    static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(a, kMapped, 12) == 0) {
      return v4((std::uint32_t{a[12]} << 24) | (std::uint32_t{a[13]} << 16) | (std::uint32_t{a[14]} << 8) | a[15]);
    }
    bool zero = true;
    for (int k = 0; k < 15; ++k) zero = zero && a[k] == 0;
    if (zero && (a[15] == 0 || a[15] == 1)) return true;  // :: and ::1
    return (a[0] & 0xfe) == 0xfc || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80);
  }
  return true;  // any other family is nobody's feed
}

namespace {

struct Guard {
  bool redirected = false;
  bool allow_private = false;
  bool refused = false;
};

curl_socket_t OpenSocket(void* user, curlsocktype, struct curl_sockaddr* a) {
  auto* g = static_cast<Guard*>(user);
  if (g->redirected && !g->allow_private && PrivateAddress(&a->addr)) {
    g->refused = true;
    return CURL_SOCKET_BAD;
  }
  return socket(a->family, a->socktype, a->protocol);
}

}  // namespace

Result<FetchResult> Fetch(const std::string& url, const std::optional<std::string>& etag,
                          const std::optional<std::string>& last_modified, bool allow_private) {
  Guard guard;
  guard.allow_private = allow_private;
  std::string at = url;
  for (int hop = 0;; ++hop) {
    CURL* curl = curl_easy_init();
    if (!curl) return Error{ErrorKind::kInternal, "libcurl could not start", {}};
    FetchResult r;
    curl_slist* headers = nullptr;
    if (etag) headers = curl_slist_append(headers, ("If-None-Match: " + *etag).c_str());
    if (last_modified) headers = curl_slist_append(headers, ("If-Modified-Since: " + *last_modified).c_str());
    curl_easy_setopt(curl, CURLOPT_URL, at.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    // Redirects are followed here, one hop at a time, so each target's address is
    // checked before connecting (OpenSocket).
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, OpenSocket);
    curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, &guard);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "petitiond news monitor");
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r.body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, Header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &r);
    const CURLcode rc = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
    char* next = nullptr;
    curl_easy_getinfo(curl, CURLINFO_REDIRECT_URL, &next);
    const std::string location = next ? next : "";
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (guard.refused) {
      return Error{ErrorKind::kUnavailable,
                   url + ": a redirect leads to a private or loopback address (set allow_private: true to permit it)",
                   {}};
    }
    if (rc != CURLE_OK) return Error{ErrorKind::kUnavailable, url + ": " + curl_easy_strerror(rc), {}};
    if (r.status >= 300 && r.status < 400 && r.status != 304 && !location.empty()) {
      if (hop == 5) return Error{ErrorKind::kUnavailable, url + ": more than 5 redirects", {}};
      if (location.rfind("http://", 0) != 0 && location.rfind("https://", 0) != 0) {
        return Error{ErrorKind::kUnavailable, url + ": a redirect leaves http and https", {}};
      }
      at = location;
      guard.redirected = true;
      continue;
    }
    if (r.status != 200 && r.status != 304) {
      return Error{ErrorKind::kUnavailable, url + ": HTTP " + std::to_string(r.status), {}};
    }
    return r;
  }
}

int FeedSource::Poll(const std::function<bool(const Received&)>& take) {
  const Validators known = memory_.Load(feed_.url);
  auto fetched = Fetch(feed_.url, known.etag, known.last_modified, feed_.allow_private);
  if (!fetched) {
    memory_.Save(feed_.url, known, fetched.error().message);
    return -1;
  }
  if (fetched.value().status == 304) {
    memory_.Save(feed_.url, known, std::nullopt);
    return 0;
  }
  const std::string& body = fetched.value().body;
  auto parsed = ParseFeed(body, feed_.url);
  if (!parsed) {
    const std::string why = parsed.error().message;
    if (take(FromResult(Result<Intake>(parsed.error()), "news", feed_.url, "application/xml", body))) {
      memory_.Save(feed_.url, Validators{}, why);  // no validators: fetched again next round
    }
    return 0;
  }
  // The document is kept once, and only when something of it is taken or refused.
  std::string document;
  const auto source = [&] {
    if (document.empty()) document = memory_.KeepDocument(feed_.url, body);
    return feed_.url + " (document " + document + ")";
  };
  int taken = 0;
  for (const auto& item : parsed.value().items) {
    Received in;
    if (item.error) {
      in = FromResult(Result<Intake>(Error{ErrorKind::kInvalid, *item.error, {}}), "news", source(),
                      "application/xml", item.raw);
      in.intake.external_ref = item.id;  // refused once, not on every poll
    } else {
      auto keyword = Match(item, feed_);
      if (!keyword) continue;
      in = Received{ToIntake(item, feed_, *keyword, item.raw), std::nullopt};
      in.intake.source = source();
      in.intake.warnings = parsed.value().warnings;
    }
    if (!take(in)) return taken;  // keep the old validators: offered again next round
    if (!item.error) ++taken;
  }
  memory_.Save(feed_.url, Validators{fetched.value().etag, fetched.value().last_modified}, std::nullopt, taken);
  return taken;
}

}  // namespace petitiond::connectors::news
