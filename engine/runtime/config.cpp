#include "engine/runtime/config.hpp"

#include "engine/duration.hpp"
#include "engine/yaml_checker.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

namespace petitiond::runtime {

std::string ReadFileText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DomainError(ErrorKind::kInvalid, path + ": cannot be read");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

Result<std::chrono::seconds> ParseInterval(std::string_view text) {
  // The workflow grammar (engine/duration.hpp), limited to elapsed time.
  auto d = ParseDuration(text);
  if (!d) {
    return Error{ErrorKind::kInvalid,
                 "'" + std::string(text) + "' is not an interval; write e.g. 30s, 90 seconds, 15 minutes, 1 hour or 30 days",
                 {}};
  }
  return ToElapsed(*d, text);
}

namespace {

class ConfigLoader {
 public:
  explicit ConfigLoader(std::string_view file) : check_(file) {}

  Result<Config> Load(std::string_view text) {
    auto parsed = check_.Parse(text);
    if (!parsed) return Finish();
    const YAML::Node root = *parsed;
    if (root.IsNull()) return Finish();
    if (!root.IsMap()) {
      Report(root.Mark(), "the config must be a mapping of sections (smtp, sms, webhooks, dispatcher)");
      return Finish();
    }
    Keys(root, {"smtp", "sms", "webhooks", "dispatcher", "hotline", "mailbox", "news", "intake", "database", "access_codes", "shutdown"},
         "the config");
    if (auto sd = root["shutdown"]) {
      if (Map(sd, "shutdown")) {
        Keys(sd, {"grace"}, "shutdown");
        Interval(sd, "grace", config_.shutdown_grace);
      }
    }
    if (auto a = root["access_codes"]) {
      if (Map(a, "access_codes")) {
        Keys(a, {"key_file"}, "access_codes");
        config_.access_code_key_file = Str(a, "key_file", true);
      }
    }
    if (auto d = root["database"]) {
      if (Map(d, "database")) {
        Keys(d, {"connect_timeout", "statement_timeout", "lease_timeout"}, "database");
        Interval(d, "connect_timeout", config_.database.connect_timeout);
        Interval(d, "statement_timeout", config_.database.statement_timeout);
        Interval(d, "lease_timeout", config_.database.lease_timeout);
      }
    }
    if (auto i = root["intake"]) {
      if (Map(i, "intake")) {
        Keys(i, {"duplicate_window", "news_story_window"}, "intake");
        Interval(i, "duplicate_window", config_.duplicate_window);
        Interval(i, "news_story_window", config_.news_story_window);
      }
    }
    if (auto h = root["hotline"]) {
      if (Map(h, "hotline")) {
        Keys(h, {"secret"}, "hotline");
        config_.hotline.secret = Str(h, "secret", true);
      }
    }
    if (auto m = root["mailbox"]) {
      if (Map(m, "mailbox")) {
        Keys(m, {"maildir", "confirm_days", "public_url", "max_attachment", "interval"}, "mailbox");
        config_.mailbox.maildir = Str(m, "maildir", false);
        if (auto n = m["confirm_days"]) config_.mailbox.confirm_days = Whole(n, "confirm_days");
        if (auto u = m["public_url"]) config_.mailbox.public_url = Str(m, "public_url", true);
        if (auto n = m["max_attachment"]) config_.mailbox.max_attachment = static_cast<std::size_t>(Whole(n, "max_attachment"));
        Interval(m, "interval", config_.mailbox.interval);
      }
    }
    if (auto news = root["news"]) {
      if (Map(news, "news")) {
        Keys(news, {"feeds"}, "news");
        const YAML::Node feeds = news["feeds"];
        if (!feeds || !feeds.IsSequence()) {
          Report(feeds ? feeds.Mark() : news.Mark(), "news.feeds must be a list of { url, office, keywords, exclude, interval }");
        } else {
          for (const auto& f : feeds) {
            if (!Map(f, "a news feed")) continue;
            Keys(f, {"url", "office", "keywords", "exclude", "interval"}, "a news feed");
            NewsFeedConfig feed;
            feed.url = Str(f, "url", true);
            if (!feed.url.empty() && feed.url.rfind("http://", 0) != 0 && feed.url.rfind("https://", 0) != 0) {
              Report(f["url"].Mark(), "a feed url must start with http:// or https://");
            }
            feed.office = Str(f, "office", true);
            feed.keywords = List(f, "keywords");
            if (feed.keywords.empty()) Report(f.Mark(), "a news feed needs keywords: [...] to match items");
            feed.exclude = List(f, "exclude");
            Interval(f, "interval", feed.interval);
            config_.news_feeds.push_back(std::move(feed));
          }
        }
      }
    }
    if (auto smtp = root["smtp"]) {
      if (Map(smtp, "smtp")) {
        Keys(smtp, {"url", "from", "username", "password"}, "smtp");
        config_.smtp.url = Str(smtp, "url", true);
        config_.smtp.from = Str(smtp, "from", true);
        config_.smtp.username = Str(smtp, "username", false);
        config_.smtp.password = Str(smtp, "password", false);
        if (!config_.smtp.url.empty() && config_.smtp.url.rfind("smtp://", 0) != 0 &&
            config_.smtp.url.rfind("smtps://", 0) != 0) {
          Report(smtp["url"].Mark(), "smtp.url must start with smtp:// or smtps://");
        }
      }
    }
    if (auto sms = root["sms"]) {
      if (Map(sms, "sms")) {
        Keys(sms, {"url"}, "sms");
        config_.sms.url = Str(sms, "url", true);
      }
    }
    if (auto hooks = root["webhooks"]) {
      if (!hooks.IsSequence()) {
        Report(hooks.Mark(), "webhooks must be a list of { url, secret }");
      } else {
        for (const auto& h : hooks) {
          if (!Map(h, "a webhook")) continue;
          Keys(h, {"url", "secret"}, "a webhook");
          config_.notify.webhooks.push_back(WebhookTarget{Str(h, "url", true), Str(h, "secret", true)});
        }
      }
    }
    if (auto d = root["dispatcher"]) {
      if (Map(d, "dispatcher")) {
        Keys(d, {"max_attempts", "first_retry", "max_retry", "lease"}, "dispatcher");
        Interval(d, "lease", config_.dispatcher_lease);
        if (auto n = d["max_attempts"]) {
          int v = 0;
          const std::string& sv = n.Scalar();
          auto [ptr, ec] = std::from_chars(sv.data(), sv.data() + sv.size(), v);
          if (ec != std::errc() || ptr != sv.data() + sv.size() || v < 1) {
            Report(n.Mark(), "max_attempts must be a whole number of at least 1");
          } else {
            config_.max_attempts = v;
          }
        }
        Interval(d, "first_retry", config_.first_retry);
        Interval(d, "max_retry", config_.max_retry);
      }
    }
    return Finish();
  }

 private:
  void Report(const YAML::Mark& m, const std::string& sentence) { check_.Report(m, sentence); }
  Result<Config> Finish() {
    if (check_.ok()) return config_;
    return check_.Failure(check_.file() + ": invalid configuration");
  }
  bool Map(const YAML::Node& n, const std::string& what) {
    if (n.IsMap()) return true;
    Report(n.Mark(), what + " must be a mapping");
    return false;
  }
  void Keys(const YAML::Node& map, std::initializer_list<std::string_view> allowed, const std::string& where) {
    check_.CheckKeys(map, allowed, where);
  }
  std::string Str(const YAML::Node& map, const std::string& key, bool required) {
    return check_.Scalar(map, key, required).value_or("");
  }
  int Whole(const YAML::Node& n, const std::string& what) {
    int v = 0;
    const std::string sv = n.IsScalar() ? n.Scalar() : "";
    auto [ptr, ec] = std::from_chars(sv.data(), sv.data() + sv.size(), v);
    if (sv.empty() || ec != std::errc() || ptr != sv.data() + sv.size() || v < 1) {
      Report(n.Mark(), what + " must be a whole number of at least 1");
      return 1;
    }
    return v;
  }
  std::vector<std::string> List(const YAML::Node& map, const std::string& key) {
    std::vector<std::string> out;
    const YAML::Node n = map[key];
    if (!n) return out;
    if (!n.IsSequence()) {
      Report(n.Mark(), key + " must be a list such as [戶政, 蘭嶼]");
      return out;
    }
    for (const auto& item : n) {
      if (item.IsScalar() && !item.Scalar().empty()) out.push_back(item.Scalar());
      else Report(item.Mark(), key + " must list words");
    }
    return out;
  }
  void Interval(const YAML::Node& map, const std::string& key, std::chrono::seconds& out) {
    if (auto n = map[key]) {
      auto v = ParseInterval(n.IsScalar() ? n.Scalar() : "");
      if (!v) {
        Report(n.Mark(), v.error().message);
      } else {
        out = v.value();
      }
    }
  }

  YamlChecker check_;
  Config config_;
};

}  // namespace

Result<Config> LoadConfig(std::string_view yaml_text, std::string_view file_name) {
  return ConfigLoader(file_name).Load(yaml_text);
}

}  // namespace petitiond::runtime
