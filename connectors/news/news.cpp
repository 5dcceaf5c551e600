#include "connectors/news/news.hpp"

#include <curl/curl.h>
#include <pugixml.hpp>

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

namespace petitiond::connectors::news {
namespace {

std::string Text(const pugi::xml_node& n) { return n.child_value(); }

bool HasDoctype(const std::string& xml) {
  // pugixml skips DOCTYPE without expanding it; refuse it outright all the same, as a
  // feed has no use for one and entity tricks are the reason it would be there.
  return xml.find("<!DOCTYPE") != std::string::npos || xml.find("<!doctype") != std::string::npos ||
         xml.find("<!ENTITY") != std::string::npos;
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

Result<std::vector<FeedItem>> ParseFeed(const std::string& xml) {
  if (HasDoctype(xml)) return Error{ErrorKind::kInvalid, "the feed declares a DOCTYPE or entities; refused", {}};
  pugi::xml_document doc;
  // parse_default without DOCTYPE and without entity expansion beyond the XML five.
  const unsigned options = pugi::parse_cdata | pugi::parse_escapes | pugi::parse_eol | pugi::parse_wconv_attribute;
  const pugi::xml_parse_result parsed = doc.load_buffer(xml.data(), xml.size(), options, pugi::encoding_auto);
  if (!parsed) {
    return Error{ErrorKind::kInvalid,
                 std::string("the feed is not well-formed XML: ") + parsed.description() + " at byte " +
                     std::to_string(parsed.offset),
                 {}};
  }
  std::vector<FeedItem> items;
  const pugi::xml_node root = doc.document_element();
  const std::string name = root.name();
  if (name == "rss") {
    for (const auto& item : root.child("channel").children("item")) {
      FeedItem f;
      f.title = Text(item.child("title"));
      f.link = Text(item.child("link"));
      f.summary = connectors::HtmlToText(Text(item.child("description")));
      f.id = Text(item.child("guid"));
      if (f.id.empty()) f.id = f.link;
      f.published = Date(Text(item.child("pubDate")));
      items.push_back(std::move(f));
    }
  } else if (name == "feed") {
    for (const auto& entry : root.children("entry")) {
      FeedItem f;
      f.title = Text(entry.child("title"));
      for (const auto& link : entry.children("link")) {
        const std::string rel = link.attribute("rel").value();
        if (rel.empty() || rel == "alternate") {
          f.link = link.attribute("href").value();
          break;
        }
      }
      f.summary = connectors::HtmlToText(Text(entry.child("summary")).empty() ? Text(entry.child("content"))
                                                                          : Text(entry.child("summary")));
      f.id = Text(entry.child("id"));
      if (f.id.empty()) f.id = f.link;
      const std::string published = Text(entry.child("published"));
      f.published = Date(published.empty() ? Text(entry.child("updated")) : published);
      items.push_back(std::move(f));
    }
  } else {
    return Error{ErrorKind::kInvalid, "the document is neither RSS 2.0 (<rss>) nor Atom 1.0 (<feed>) but <" + name + ">", {}};
  }
  for (const auto& i : items) {
    if (i.id.empty()) return Error{ErrorKind::kInvalid, "an item has neither guid/id nor link: '" + i.title + "'", {}};
  }
  return items;
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
    return 0;
  }
  if (fetched.value().status == 304) {
    memory_.Save(feed_.url, known, std::nullopt);
    return 0;
  }
  const std::string& body = fetched.value().body;
  auto items = ParseFeed(body);
  if (!items) {
    const std::string why = items.error().message;
    if (take(FromResult(Result<Intake>(items.error()), "news", feed_.url, "application/xml", body))) {
      memory_.Save(feed_.url, Validators{}, why);  // no validators: fetched again next round
    }
    return 0;
  }
  int taken = 0;
  for (const auto& item : items.value()) {
    auto keyword = Match(item, feed_);
    if (!keyword) continue;
    const std::string raw = "<item><title>" + item.title + "</title><link>" + item.link + "</link><guid>" + item.id +
                            "</guid><summary>" + item.summary + "</summary></item>";
    if (!take(Received{ToIntake(item, feed_, *keyword, raw), std::nullopt})) return taken;  // keep the old validators
    ++taken;
  }
  memory_.Save(feed_.url, Validators{fetched.value().etag, fetched.value().last_modified}, std::nullopt);
  return taken;
}

}  // namespace petitiond::connectors::news
