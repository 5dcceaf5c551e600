#include "engine/yaml_checker.hpp"

#include <algorithm>
#include <charconv>

#include "engine/status.hpp"

namespace petitiond {

std::optional<YAML::Node> YamlChecker::Parse(std::string_view text) {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::ParserException& e) {
    Report(e.mark, "YAML syntax error: " + e.msg);
    return std::nullopt;
  }
}

void YamlChecker::Report(const YAML::Mark& mark, const std::string& sentence) {
  const int line = std::max(0, mark.line) + 1;
  const int col = std::max(0, mark.column) + 1;
  errors_.push_back({{line, col}, file_ + ":" + std::to_string(line) + ":" + std::to_string(col) + ": " + sentence});
}

YAML::Mark YamlChecker::ItemMark(const YAML::Node& n, std::size_t i) {
  return n.IsSequence() && i < n.size() ? n[i].Mark() : n.Mark();
}

template <typename Range>
void YamlChecker::CheckKeysIn(const YAML::Node& map, const Range& allowed, const std::string& where) {
  if (!map.IsMap()) return;
  for (auto it = map.begin(); it != map.end(); ++it) {
    const std::string key = it->first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      Report(it->first.Mark(), "unknown key '" + key + "' in " + where + "; allowed keys are " + list);
    }
  }
}

void YamlChecker::CheckKeys(const YAML::Node& map, std::initializer_list<std::string_view> allowed,
                            const std::string& where) {
  CheckKeysIn(map, allowed, where);
}

void YamlChecker::CheckKeys(const YAML::Node& map, const std::vector<std::string>& allowed,
                            const std::string& where) {
  CheckKeysIn(map, allowed, where);
}

bool YamlChecker::Map(const YAML::Node& n, const std::string& what) {
  if (n.IsMap()) return true;
  Report(n.Mark(), what + " must be a mapping");
  return false;
}

bool YamlChecker::List(const YAML::Node& n, const std::string& what, const std::string& items,
                       const YAML::Mark& missing_at) {
  if (n && n.IsSequence()) return true;
  Report(n ? n.Mark() : missing_at, what + " must be a list of " + items);
  return false;
}

YAML::Node YamlChecker::Required(const YAML::Node& map, const std::string& key) {
  YAML::Node n = map[key];
  if (!n) {
    Report(map.Mark(), "missing required key '" + key + "'");
    return YAML::Node(YAML::NodeType::Undefined);
  }
  return n;
}

std::optional<std::string> YamlChecker::Scalar(const YAML::Node& map, const std::string& key, bool required) {
  YAML::Node n = map[key];
  if (!n) {
    if (required) Report(map.Mark(), "missing required key '" + key + "'");
    return std::nullopt;
  }
  if (!n.IsScalar()) {
    Report(n.Mark(), key + " must be a single value");
    return std::nullopt;
  }
  return n.Scalar();
}

std::string YamlChecker::String(const YAML::Node& n, const std::string& what) {
  if (!n.IsScalar()) {
    Report(n.Mark(), what + " must be a single value");
    return {};
  }
  return n.Scalar();
}

std::string YamlChecker::RequiredString(const YAML::Node& map, const std::string& key) {
  YAML::Node n = Required(map, key);
  if (!n) return {};
  std::string s = String(n, key);
  if (s.empty() && n.IsScalar()) Report(n.Mark(), key + " must not be empty");
  return s;
}

int YamlChecker::Int(const YAML::Node& n, const std::string& what, int min) {
  if (n.IsScalar()) {
    const std::string& s = n.Scalar();
    int v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (!s.empty() && ec == std::errc() && ptr == s.data() + s.size() && v >= min) return v;
  }
  Report(n.Mark(), what + " must be a whole number of at least " + std::to_string(min));
  return min;
}

bool YamlChecker::Bool(const YAML::Node& n, const std::string& what) {
  if (n.IsScalar() && (n.Scalar() == "true" || n.Scalar() == "false")) return n.Scalar() == "true";
  Report(n.Mark(), what + " must be true or false");
  return false;
}

std::vector<std::string> YamlChecker::Names(const YAML::Node& n, const std::string& what) {
  std::vector<std::string> out;
  if (n.IsScalar()) {
    out.push_back(n.Scalar());
  } else if (n.IsSequence()) {
    for (const auto& item : n) {
      if (item.IsScalar()) {
        out.push_back(item.Scalar());
      } else {
        Report(item.Mark(), what + " must list names");
      }
    }
  } else {
    Report(n.Mark(), what + " must be a name or a list of names");
  }
  return out;
}

std::vector<std::string> YamlChecker::Words(const YAML::Node& n, const std::string& what) {
  std::vector<std::string> out;
  if (!n.IsSequence()) {
    Report(n.Mark(), what + " must be a list such as [戶政, 蘭嶼]");
    return out;
  }
  for (const auto& item : n) {
    if (item.IsScalar() && !item.Scalar().empty()) {
      out.push_back(item.Scalar());
    } else {
      Report(item.Mark(), what + " must list words");
    }
  }
  return out;
}

void YamlChecker::CheckEach(const YAML::Node& n, const std::vector<std::string>& names,
                            const std::function<bool(const std::string&)>& known,
                            const std::function<std::string(const std::string&)>& unknown) {
  // Names skips non-scalar items, so positions line up only while every item is a
  // scalar; a mismatch was reported already and then the node's own mark is used.
  const bool aligned = !n.IsSequence() || n.size() == names.size();
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (!known(names[i])) Report(aligned ? ItemMark(n, i) : n.Mark(), unknown(names[i]));
  }
}

std::vector<std::string> YamlChecker::Channels(const YAML::Node& n, const std::string& what) {
  auto names = Names(n, what);
  CheckEach(
      n, names, [](const std::string& c) { return IsKnown(KnownChannels(), c); },
      [](const std::string& c) {
        return "unknown channel '" + c + "'; channels are hotline, mailbox, news and counter";
      });
  return names;
}

std::optional<Duration> YamlChecker::DurationOf(const YAML::Node& n, const std::string& what) {
  if (!n.IsScalar()) {
    Report(n.Mark(), what + " must be a duration such as '6 workdays' or '30 minutes'");
    return std::nullopt;
  }
  auto d = ParseDuration(n.Scalar());
  if (!d) {
    Report(n.Mark(), d.error().message);
    return std::nullopt;
  }
  return d.value();
}

std::optional<std::chrono::seconds> YamlChecker::Interval(const YAML::Node& n, const std::string& what) {
  if (!n.IsScalar()) {
    Report(n.Mark(), what + " must be an interval such as 30s, 15 minutes or 1 hour");
    return std::nullopt;
  }
  auto elapsed = ParseInterval(n.Scalar());
  if (!elapsed) {
    Report(n.Mark(), elapsed.error().message);
    return std::nullopt;
  }
  return elapsed.value();
}

Error YamlChecker::Failure(const std::string& summary) const {
  auto sorted = errors_;
  std::sort(sorted.begin(), sorted.end());
  Error e{ErrorKind::kInvalid, summary, {}};
  for (auto& [pos, msg] : sorted) e.details.push_back(msg);
  return e;
}

}  // namespace petitiond
