#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "engine/error.hpp"
#include "engine/intake.hpp"

namespace petitiond::connectors::news {

// One feed to watch (config `news.feeds`).
struct FeedConfig {
  std::string url;
  std::string office;
  std::vector<std::string> keywords;  // an item matches if its title or summary holds one
  std::vector<std::string> exclude;   // ... and none of these
  std::chrono::seconds interval{std::chrono::minutes(15)};
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
struct FetchResult {
  long status = 0;  // 200, or 304 when unchanged
  std::string body;
  std::optional<std::string> etag;
  std::optional<std::string> last_modified;
};
Result<FetchResult> Fetch(const std::string& url, const std::optional<std::string>& etag,
                          const std::optional<std::string>& last_modified);

}  // namespace petitiond::connectors::news
