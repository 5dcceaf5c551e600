#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/error.hpp"

namespace petitiond {

// The shared half of every YAML file loader (workflows, routing, config): parse with
// the syntax error's position, collect every problem as "FILE:LINE:COL: sentence"
// (yaml-cpp marks are 0-based), reject unknown keys, and fail with all of them at once.
class YamlChecker {
 public:
  explicit YamlChecker(std::string_view file) : file_(file) {}

  // The document, or nullopt after reporting the syntax error.
  std::optional<YAML::Node> Parse(std::string_view text);

  void Report(const YAML::Mark& mark, const std::string& sentence);
  // Reports each key of `map` not in `allowed`, naming the allowed ones.
  void CheckKeys(const YAML::Node& map, std::initializer_list<std::string_view> allowed, const std::string& where);
  // map[key] as one value; reports a missing required key or a non-scalar.
  std::optional<std::string> Scalar(const YAML::Node& map, const std::string& key, bool required);

  bool ok() const { return errors_.empty(); }
  // kInvalid with `summary` and every problem, sorted by position, in details.
  Error Failure(const std::string& summary) const;
  const std::string& file() const { return file_; }

 private:
  std::string file_;
  std::vector<std::pair<std::pair<int, int>, std::string>> errors_;
};

}  // namespace petitiond
