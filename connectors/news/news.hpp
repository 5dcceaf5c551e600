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
  std::string id;  // GUID (RSS) or id (Atom); the link if there is none
  std::string title;
  std::string link;
  std::string summary;
  std::optional<Timestamp> published;
};

// RSS 2.0 or Atom 1.0, parsed with pugixml. A DOCTYPE is refused and entities are
// never expanded (no DTD processing at all). kInvalid with the reason otherwise.
Result<std::vector<FeedItem>> ParseFeed(const std::string& xml);

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
  virtual void Save(const std::string& url, const Validators& v, const std::optional<std::string>& error) = 0;
};

// One feed as a Source: fetched conditionally; a feed that is not RSS/Atom is handed
// over as refused (and fetched again next round); each matching item becomes a news
// Intake. Items that do not match are not inputs of this office and are not kept.
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
