#include "engine/yaml_checker.hpp"

#include <algorithm>

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

void YamlChecker::CheckKeys(const YAML::Node& map, std::initializer_list<std::string_view> allowed,
                            const std::string& where) {
  if (!map.IsMap()) return;
  for (auto it = map.begin(); it != map.end(); ++it) {
    const std::string key = it->first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      Report(it->first.Mark(), "unknown key '" + key + "' in " + where + "; allowed keys are " + list);
    }
  }
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

Error YamlChecker::Failure(const std::string& summary) const {
  auto sorted = errors_;
  std::sort(sorted.begin(), sorted.end());
  Error e{ErrorKind::kInvalid, summary, {}};
  for (auto& [pos, msg] : sorted) e.details.push_back(msg);
  return e;
}

}  // namespace petitiond
