#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/duration.hpp"
#include "engine/error.hpp"

namespace petitiond {

// The one YAML reader every loader (workflows, routing, config) is written with: parse
// with the syntax error's position; read names, lists, integers, booleans, durations
// and intervals with one sentence per mistake; reject unknown keys; collect every
// problem as "FILE:LINE:COL: sentence" (yaml-cpp marks are 0-based) and fail with all
// of them at once. A reader that finds a problem reports it and returns a neutral value
// (empty, nullopt, the minimum) so the loader goes on and finds the next one.
class YamlChecker {
 public:
  explicit YamlChecker(std::string_view file) : file_(file) {}

  // The document, or nullopt after reporting the syntax error.
  std::optional<YAML::Node> Parse(std::string_view text);

  void Report(const YAML::Mark& mark, const std::string& sentence);
  // Where item `i` of a name-or-list node is (the node itself for a single name).
  static YAML::Mark ItemMark(const YAML::Node& n, std::size_t i);

  // Reports each key of `map` not in `allowed`, naming the allowed ones.
  void CheckKeys(const YAML::Node& map, std::initializer_list<std::string_view> allowed, const std::string& where);
  void CheckKeys(const YAML::Node& map, const std::vector<std::string>& allowed, const std::string& where);
  // True for a mapping; otherwise reports "<what> must be a mapping".
  bool Map(const YAML::Node& n, const std::string& what);
  // True for a list; otherwise reports "<what> must be a list of <items>" at the node, or
  // at `missing_at` when there is no node at all.
  bool List(const YAML::Node& n, const std::string& what, const std::string& items,
            const YAML::Mark& missing_at = YAML::Mark());
  // map[key], or an undefined node after reporting the missing key.
  YAML::Node Required(const YAML::Node& map, const std::string& key);

  // map[key] as one value; reports a missing required key or a non-scalar.
  std::optional<std::string> Scalar(const YAML::Node& map, const std::string& key, bool required);
  std::string String(const YAML::Node& n, const std::string& what);
  // A required, non-empty single value.
  std::string RequiredString(const YAML::Node& map, const std::string& key);
  // A whole number of at least `min` (returns `min` after reporting).
  int Int(const YAML::Node& n, const std::string& what, int min);
  bool Bool(const YAML::Node& n, const std::string& what);
  // A name or a list of names.
  std::vector<std::string> Names(const YAML::Node& n, const std::string& what);
  // A list (never a single value) of non-empty words, e.g. [戶政, 蘭嶼].
  std::vector<std::string> Words(const YAML::Node& n, const std::string& what);
  // Reports every one of `names` (read from `n` by Names) that `known` refuses, with
  // the sentence `unknown(name)`, at the name's own position.
  void CheckEach(const YAML::Node& n, const std::vector<std::string>& names,
                 const std::function<bool(const std::string&)>& known,
                 const std::function<std::string(const std::string&)>& unknown);
  // Names of channels cases arrive by (hotline, mailbox, news, counter).
  std::vector<std::string> Channels(const YAML::Node& n, const std::string& what);

  // "6 workdays", "30 minutes", "30s" (engine/duration.hpp).
  std::optional<Duration> DurationOf(const YAML::Node& n, const std::string& what);
  // Elapsed time only (config): a duration without workdays, longer than zero.
  std::optional<std::chrono::seconds> Interval(const YAML::Node& n, const std::string& what);

  bool ok() const { return errors_.empty(); }
  // kInvalid with `summary` and every problem, sorted by position, in details.
  Error Failure(const std::string& summary) const;
  const std::string& file() const { return file_; }

 private:
  template <typename Range>
  void CheckKeysIn(const YAML::Node& map, const Range& allowed, const std::string& where);

  std::string file_;
  std::vector<std::pair<std::pair<int, int>, std::string>> errors_;
};

}  // namespace petitiond
