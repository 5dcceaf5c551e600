#include "engine/runtime/config.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>

namespace petitiond::runtime {

Result<std::chrono::seconds> ParseInterval(std::string_view text) {
  std::string_view s = text;
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  long long n = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  std::string_view unit = s.substr(static_cast<std::size_t>(ptr - s.data()));
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  long long factor = 0;
  if (unit == "s" || unit == "second" || unit == "seconds") factor = 1;
  if (unit == "m" || unit == "minute" || unit == "minutes") factor = 60;
  if (unit == "h" || unit == "hour" || unit == "hours") factor = 3600;
  if (ec != std::errc() || ptr == s.data() || n <= 0 || factor == 0) {
    return Error{ErrorKind::kInvalid,
                 "'" + std::string(text) + "' is not an interval; write e.g. 30s, 90 seconds, 15 minutes or 1 hour",
                 {}};
  }
  return std::chrono::seconds(n * factor);
}

namespace {

class ConfigLoader {
 public:
  explicit ConfigLoader(std::string_view file) : file_(file) {}

  Result<Config> Load(std::string_view text) {
    YAML::Node root;
    try {
      root = YAML::Load(std::string(text));
    } catch (const YAML::ParserException& e) {
      Report(e.mark, "YAML syntax error: " + e.msg);
      return Finish();
    }
    if (root.IsNull()) return Finish();
    if (!root.IsMap()) {
      Report(root.Mark(), "the config must be a mapping of sections (smtp, sms, webhooks, dispatcher)");
      return Finish();
    }
    Keys(root, {"smtp", "sms", "webhooks", "dispatcher"}, "the config");
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
  void Report(const YAML::Mark& m, const std::string& sentence) {
    errors_.push_back(std::string(file_) + ":" + std::to_string(std::max(0, m.line) + 1) + ":" +
                      std::to_string(std::max(0, m.column) + 1) + ": " + sentence);
  }
  Result<Config> Finish() {
    if (errors_.empty()) return config_;
    return Error{ErrorKind::kInvalid, std::string(file_) + ": invalid configuration", errors_};
  }
  bool Map(const YAML::Node& n, const std::string& what) {
    if (n.IsMap()) return true;
    Report(n.Mark(), what + " must be a mapping");
    return false;
  }
  void Keys(const YAML::Node& map, std::initializer_list<std::string_view> allowed, const std::string& where) {
    for (auto it = map.begin(); it != map.end(); ++it) {
      const std::string key = it->first.Scalar();
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        std::string list;
        for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        Report(it->first.Mark(), "unknown key '" + key + "' in " + where + "; allowed keys are " + list);
      }
    }
  }
  std::string Str(const YAML::Node& map, const std::string& key, bool required) {
    YAML::Node n = map[key];
    if (!n) {
      if (required) Report(map.Mark(), "missing required key '" + key + "'");
      return {};
    }
    if (!n.IsScalar()) {
      Report(n.Mark(), key + " must be a single value");
      return {};
    }
    return n.Scalar();
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

  std::string_view file_;
  Config config_;
  std::vector<std::string> errors_;
};

}  // namespace

Result<Config> LoadConfig(std::string_view yaml_text, std::string_view file_name) {
  return ConfigLoader(file_name).Load(yaml_text);
}

}  // namespace petitiond::runtime
