#include "app/config.hpp"

#include <cctype>

#include "engine/duration.hpp"
#include "engine/yaml_checker.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace petitiond::app {
using namespace runtime;

namespace {

// One reader per section of the config file. Each gets its section's node, already
// known to be a mapping (webhooks: a list), and writes into the Config.
class ConfigLoader {
 public:
  explicit ConfigLoader(std::string_view file) : check_(file) {}

  Result<Config> Load(std::string_view text) {
    auto parsed = check_.Parse(text);
    if (!parsed) return Finish();
    const YAML::Node root = *parsed;
    if (root.IsNull()) return Finish();
    std::vector<std::string> names;
    for (const auto& s : kSections) names.emplace_back(s.name);
    if (!root.IsMap()) {
      check_.Report(root.Mark(), "the config must be a mapping of sections (smtp, sms, webhooks, dispatcher, ...)");
      return Finish();
    }
    check_.CheckKeys(root, names, "the config");
    for (const auto& section : kSections) {
      const YAML::Node n = root[std::string(section.name)];
      if (!n) continue;
      if (section.list) {
        if (!check_.List(n, std::string(section.name), "{ url, secret }")) continue;
      } else if (!check_.Map(n, std::string(section.name))) {
        continue;
      }
      (this->*section.read)(n);
    }
    return Finish();
  }

 private:
  struct Section {
    std::string_view name;
    void (ConfigLoader::*read)(const YAML::Node&);
    bool list = false;
  };
  static const std::vector<Section> kSections;

  void Shutdown(const YAML::Node& n) {
    check_.CheckKeys(n, {"grace"}, "shutdown");
    Interval(n, "grace", config_.shutdown_grace);
  }

  void AccessCodes(const YAML::Node& n) {
    check_.CheckKeys(n, {"key_file"}, "access_codes");
    config_.access_code_key_file = Str(n, "key_file", true);
  }

  void Database(const YAML::Node& n) {
    check_.CheckKeys(n, {"connect_timeout", "statement_timeout", "lease_timeout"}, "database");
    Interval(n, "connect_timeout", config_.database.connect_timeout);
    Interval(n, "statement_timeout", config_.database.statement_timeout);
    Interval(n, "lease_timeout", config_.database.lease_timeout);
  }

  void Intake(const YAML::Node& n) {
    check_.CheckKeys(n, {"duplicate_window", "news_story_window", "max_attempts"}, "intake");
    if (auto v = n["max_attempts"]) config_.intake_max_attempts = check_.Int(v, "max_attempts", 1);
    Interval(n, "duplicate_window", config_.duplicate_window);
    Interval(n, "news_story_window", config_.news_story_window);
  }

  void Attachments(const YAML::Node& n) {
    check_.CheckKeys(n, {"max_bytes", "max_files", "types"}, "attachments");
    AttachmentPolicy& a = config_.attachments;
    if (auto v = n["max_bytes"]) a.max_bytes = static_cast<std::size_t>(check_.Int(v, "max_bytes", 1));
    if (auto v = n["max_files"]) a.max_files = check_.Int(v, "max_files", 1);
    if (auto v = n["types"]) {
      a.families = check_.Words(v, "attachments.types");
      for (const auto& t : a.families) {
        if (t != "image" && t != "pdf" && t != "office") {
          check_.Report(v.Mark(), "attachments.types: '" + t + "' is not one of image, pdf, office");
        }
      }
    }
  }

  void Server(const YAML::Node& n) {
    check_.CheckKeys(n, {"workers", "io_threads", "max_pending", "max_connections", "max_body", "header_timeout",
                         "request_timeout"},
                     "server");
    ServerConfig& s = config_.server;
    if (auto v = n["workers"]) s.workers = check_.Int(v, "workers", 1);
    if (auto v = n["io_threads"]) s.io_threads = check_.Int(v, "io_threads", 1);
    if (auto v = n["max_pending"]) s.max_pending = check_.Int(v, "max_pending", 1);
    if (auto v = n["max_connections"]) s.max_connections = check_.Int(v, "max_connections", 1);
    if (auto v = n["max_body"]) s.max_body = static_cast<std::size_t>(check_.Int(v, "max_body", 1024));
    Interval(n, "header_timeout", s.header_timeout);
    Interval(n, "request_timeout", s.request_timeout);
  }

  // { after_closed: 5 years | N days | never }
  std::optional<RetentionRule> Rule(const YAML::Node& n, const std::string& where) {
    if (!check_.Map(n, where)) return std::nullopt;
    check_.CheckKeys(n, {"after_closed"}, where);
    const std::string text = Str(n, "after_closed", true);
    if (text.empty()) return std::nullopt;
    bool never = false;
    const auto days = ParseRetentionPeriod(text, &never);
    if (!days && !never) {
      check_.Report(n["after_closed"].Mark(), where + ".after_closed must be 'N years', 'N days' or 'never', not '" +
                                                  text + "'");
      return std::nullopt;
    }
    return RetentionRule{days};
  }

  void Retention(const YAML::Node& n) {
    check_.CheckKeys(n, {"default", "categories", "workflows", "unlinked_inputs"}, "retention");
    RetentionPolicy& p = config_.retention;
    if (n["default"]) p.default_rule = Rule(n["default"], "retention.default");
    for (auto [key, into] : {std::pair{"categories", &p.categories}, std::pair{"workflows", &p.workflows}}) {
      const YAML::Node list = n[key];
      if (!list) continue;
      if (!check_.Map(list, std::string("retention.") + key)) continue;
      for (auto it = list.begin(); it != list.end(); ++it) {
        const std::string name = it->first.Scalar();
        if (auto rule = Rule(it->second, std::string("retention.") + key + "." + name)) (*into)[name] = *rule;
      }
    }
    if (const YAML::Node u = n["unlinked_inputs"]; u && check_.Map(u, "retention.unlinked_inputs")) {
      check_.CheckKeys(u, {"after"}, "retention.unlinked_inputs");
      const std::string text = Str(u, "after", true);
      bool never = false;
      const auto days = ParseRetentionPeriod(text, &never);
      if (days) {
        p.unlinked_inputs = days;
      } else if (!never && !text.empty()) {
        check_.Report(u["after"].Mark(), "retention.unlinked_inputs.after must be 'N years', 'N days' or 'never'");
      }
    }
  }

  void Digest(const YAML::Node& n) {
    check_.CheckKeys(n, {"at"}, "digest");
    const std::string at = Str(n, "at", false);
    if (at.empty()) return;
    const bool shaped = at.size() == 5 && at[2] == ':' && std::isdigit(static_cast<unsigned char>(at[0])) &&
                        std::isdigit(static_cast<unsigned char>(at[1])) && std::isdigit(static_cast<unsigned char>(at[3])) &&
                        std::isdigit(static_cast<unsigned char>(at[4]));
    const int h = shaped ? std::stoi(at.substr(0, 2)) : -1, m = shaped ? std::stoi(at.substr(3, 2)) : -1;
    if (h < 0 || h > 23 || m < 0 || m > 59) {
      check_.Report(n["at"].Mark(), "digest.at must be a Taipei time of day HH:MM, e.g. \"08:00\"");
      return;
    }
    config_.digest_at = std::chrono::minutes(h * 60 + m);
  }

  void Hotline(const YAML::Node& n) {
    check_.CheckKeys(n, {"secret"}, "hotline");
    config_.hotline.secret = Str(n, "secret", true);
  }

  void Mailbox(const YAML::Node& n) {
    check_.CheckKeys(n, {"maildir", "confirm_days", "public_url", "max_attachment", "interval"}, "mailbox");
    MailboxConfig& m = config_.mailbox;
    m.maildir = Str(n, "maildir", false);
    if (auto v = n["confirm_days"]) m.confirm_days = check_.Int(v, "confirm_days", 1);
    if (n["public_url"]) m.public_url = Str(n, "public_url", true);
    if (auto v = n["max_attachment"]) m.max_attachment = static_cast<std::size_t>(check_.Int(v, "max_attachment", 1));
    Interval(n, "interval", m.interval);
  }

  void News(const YAML::Node& n) {
    check_.CheckKeys(n, {"feeds", "workers"}, "news");
    if (auto v = n["workers"]) config_.news_workers = check_.Int(v, "workers", 1);
    const YAML::Node feeds = n["feeds"];
    if (!check_.List(feeds, "news.feeds", "{ url, office, keywords, exclude, interval }", n.Mark())) return;
    for (const auto& f : feeds) {
      if (!check_.Map(f, "a news feed")) continue;
      check_.CheckKeys(f, {"url", "office", "keywords", "exclude", "interval", "allow_private"}, "a news feed");
      NewsFeedConfig feed;
      feed.url = Str(f, "url", true);
      Scheme(f, "url", feed.url, {"http://", "https://"}, "a feed url must start with http:// or https://");
      feed.office = Str(f, "office", true);
      if (f["keywords"]) feed.keywords = check_.Words(f["keywords"], "keywords");
      if (feed.keywords.empty()) check_.Report(f.Mark(), "a news feed needs keywords: [...] to match items");
      if (f["exclude"]) feed.exclude = check_.Words(f["exclude"], "exclude");
      Interval(f, "interval", feed.interval);
      if (f["allow_private"]) feed.allow_private = check_.Bool(f["allow_private"], "allow_private");
      config_.news_feeds.push_back(std::move(feed));
    }
  }

  void Smtp(const YAML::Node& n) {
    check_.CheckKeys(n, {"url", "from", "username", "password"}, "smtp");
    config_.smtp.url = Str(n, "url", true);
    config_.smtp.from = Str(n, "from", true);
    config_.smtp.username = Str(n, "username", false);
    config_.smtp.password = Str(n, "password", false);
    Scheme(n, "url", config_.smtp.url, {"smtp://", "smtps://"}, "smtp.url must start with smtp:// or smtps://");
  }

  void Sms(const YAML::Node& n) {
    check_.CheckKeys(n, {"url"}, "sms");
    config_.sms.url = Str(n, "url", true);
  }

  void Webhooks(const YAML::Node& n) {
    for (const auto& h : n) {
      if (!check_.Map(h, "a webhook")) continue;
      check_.CheckKeys(h, {"url", "secret"}, "a webhook");
      config_.notify.webhooks.push_back(WebhookTarget{Str(h, "url", true), Str(h, "secret", true)});
    }
  }

  void Dispatcher(const YAML::Node& n) {
    check_.CheckKeys(n, {"max_attempts", "first_retry", "max_retry", "lease"}, "dispatcher");
    Interval(n, "lease", config_.dispatcher_lease);
    if (auto v = n["max_attempts"]) config_.max_attempts = check_.Int(v, "max_attempts", 1);
    Interval(n, "first_retry", config_.first_retry);
    Interval(n, "max_retry", config_.max_retry);
  }

  Result<Config> Finish() {
    if (check_.ok()) return config_;
    return check_.Failure(check_.file() + ": invalid configuration");
  }
  std::string Str(const YAML::Node& map, const std::string& key, bool required) {
    return check_.Scalar(map, key, required).value_or("");
  }
  void Interval(const YAML::Node& map, const std::string& key, std::chrono::seconds& out) {
    if (auto n = map[key]) {
      if (auto v = check_.Interval(n, key)) out = *v;
    }
  }
  // A URL that must start with one of `schemes`.
  void Scheme(const YAML::Node& map, const std::string& key, const std::string& url,
              std::initializer_list<std::string_view> schemes, const std::string& sentence) {
    if (url.empty()) return;
    for (auto s : schemes) {
      if (url.rfind(s, 0) == 0) return;
    }
    check_.Report(map[key].Mark(), sentence);
  }

  YamlChecker check_;
  Config config_;
};

// In the order they are read; the order of the file does not matter.
const std::vector<ConfigLoader::Section> ConfigLoader::kSections = {
    {"smtp", &ConfigLoader::Smtp},           {"sms", &ConfigLoader::Sms},
    {"webhooks", &ConfigLoader::Webhooks, true}, {"dispatcher", &ConfigLoader::Dispatcher},
    {"hotline", &ConfigLoader::Hotline},     {"mailbox", &ConfigLoader::Mailbox},
    {"news", &ConfigLoader::News},           {"intake", &ConfigLoader::Intake},
    {"database", &ConfigLoader::Database},   {"access_codes", &ConfigLoader::AccessCodes},
    {"shutdown", &ConfigLoader::Shutdown},   {"attachments", &ConfigLoader::Attachments},
    {"digest", &ConfigLoader::Digest},       {"server", &ConfigLoader::Server},
    {"retention", &ConfigLoader::Retention}};

}  // namespace

Result<Config> LoadConfig(std::string_view yaml_text, std::string_view file_name) {
  return ConfigLoader(file_name).Load(yaml_text);
}

}  // namespace petitiond::app
