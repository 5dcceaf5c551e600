#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "connectors/connector.hpp"
#include "engine/error.hpp"
#include "engine/intake.hpp"

struct sockaddr;  // <sys/socket.h>

namespace petitiond::connectors::news {

// One feed to watch (config `news.feeds`).
struct FeedConfig {
  std::string url;
  std::string office;
  std::vector<std::string> keywords;  // an item matches if its title or summary holds one
  std::vector<std::string> exclude;   // ... and none of these
  std::chrono::seconds interval{std::chrono::minutes(15)};
  // Redirects may lead to loopback, link-local and private addresses (an intranet
  // feed that redirects inside the intranet). Off: such a redirect is refused.
  bool allow_private = false;
};

struct FeedItem {
  // guid (RSS), id (Atom), rdf:about (RSS 1.0); else the link; else "sha256:" of the
  // feed's URL, the title, description and date, so a re-poll finds the same item.
  std::string id;
  std::string title;
  std::string link;
  std::string summary;
  std::string author;  // author, dc:creator, Atom author/name
  std::optional<Timestamp> published;
  // The item's element as it arrived (the feed's text from "<item" to "</item>"; a feed
  // in another charset is decoded to UTF-8 first).
  std::string raw;
  // Why this item cannot be taken (stored as rejected); the rest of the feed flows.
  std::optional<std::string> error;
};

// A feed as read: its items, and what was read past (a mis-declared charset).
struct ParsedFeed {
  std::vector<FeedItem> items;
  std::vector<std::string> warnings;
};

// RSS 0.90, 0.91, 0.92, 1.0 (rdf:RDF) and 2.0, Atom 0.3 and 1.0, with Dublin Core
// title, date and creator, parsed with pugixml. The bytes are decoded to UTF-8 first:
// by their byte order mark (UTF-16, UTF-32), else the XML declaration's encoding (Big5,
// GB18030, Shift_JIS ... through iconv), else UTF-8; bytes that are not what the
// declaration says are read best-effort (UTF-8, then Big5, then with replacement
// characters) with a warning. A DOCTYPE without an internal subset is read past (no
// DTD is processed); entity declarations (an internal subset) refuse the feed, and
// entities other than XML's five are never expanded. kInvalid with the reason for a
// document that is not one of those feeds. `source_url` identifies items with no id.
Result<ParsedFeed> ParseFeed(const std::string& bytes, const std::string& source_url = "");

// The keyword that makes `item` relevant for `feed`, or nullopt.
std::optional<std::string> Match(const FeedItem& item, const FeedConfig& feed);

// The news case input for a matching item (external_ref: its id).
Intake ToIntake(const FeedItem& item, const FeedConfig& feed, const std::string& keyword, const std::string& raw_item);

// A conditional GET (libcurl): timeouts, at most 5 redirects, ETag/If-Modified-Since.
// The configured URL is fetched wherever it points; a redirect that leads to a
// loopback, link-local, private or unspecified address is refused unless
// `allow_private` (a feed must not be a way to reach the office's own network).
struct FetchResult {
  long status = 0;  // 200, or 304 when unchanged
  std::string body;
  std::optional<std::string> etag;
  std::optional<std::string> last_modified;
};
Result<FetchResult> Fetch(const std::string& url, const std::optional<std::string>& etag,
                          const std::optional<std::string>& last_modified, bool allow_private = false);
// True for 127/8, 10/8, 172.16/12, 192.168/16, 169.254/16, 100.64/10, 0/8, ::1, ::,
// fc00::/7, fe80::/10 and IPv4-mapped forms of these.
bool PrivateAddress(const ::sockaddr* address);

// Where a feed's conditional-GET validators and last error are kept between polls
// (the runtime keeps them in the database, so a restart does not refetch).
struct Validators {
  std::optional<std::string> etag;
  std::optional<std::string> last_modified;
};
class FeedMemory {
 public:
  virtual ~FeedMemory() = default;
  virtual Validators Load(const std::string& url) = 0;
  // After a poll: the validators, the error if it failed, and how many items it took.
  virtual void Save(const std::string& url, const Validators& v, const std::optional<std::string>& error,
                    int items_taken = 0) = 0;
  // Keeps the document items were taken from (or refused in), once; returns its
  // "sha256:<hex>", which each of its inputs names in its source.
  virtual std::string KeepDocument(const std::string& url, const std::string& body) = 0;
};

// One feed as a Source: fetched conditionally; a feed that is not RSS/Atom is handed
// over as refused (and fetched again next round); each matching item becomes a news
// Intake whose raw input is the item's element, its source naming the feed and the
// kept document; an item that cannot be read is handed over as refused, and the rest
// flow. Items that do not match are not inputs of this office and are not kept.
class FeedSource : public Source {
 public:
  FeedSource(FeedConfig feed, FeedMemory& memory) : feed_(std::move(feed)), memory_(memory) {}
  std::string name() const override { return "feed " + feed_.url; }
  std::chrono::seconds interval() const override { return feed_.interval; }
  int Poll(const std::function<bool(const Received&)>& take) override;

 private:
  FeedConfig feed_;
  FeedMemory& memory_;
};

}  // namespace petitiond::connectors::news
