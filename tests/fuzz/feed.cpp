// RSS and Atom feeds (pugixml) and the keyword match.
#include <cstddef>
#include <cstdint>
#include <string>

#include "connectors/news/news.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto items = petitiond::connectors::news::ParseFeed(std::string(reinterpret_cast<const char*>(data), size));
  if (items.ok()) {
    petitiond::connectors::news::FeedConfig feed;
    feed.url = "http://feed.test/rss";
    feed.office = "main";
    feed.keywords = {"戶政", "a"};
    for (const auto& item : items->items) {
      if (item.error) continue;
      if (auto k = petitiond::connectors::news::Match(item, feed)) {
        (void)petitiond::connectors::news::ToIntake(item, feed, *k, item.raw);
      }
    }
  }
  return 0;
}
