#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/error.hpp"
#include "engine/intake.hpp"

namespace petitiond {

// workflows/routing.yaml: which workflow, office, category and priority a new input
// gets. Rules are tried in order; the first whose every condition holds wins.
struct RouteMatch {
  std::vector<std::string> channels;  // empty: any
  std::vector<std::string> categories;
  std::vector<std::string> keywords;  // any of them in subject, body or place
};

struct RouteTarget {
  std::optional<std::string> workflow;  // default: the workflow whose `channels` list the channel
  std::optional<std::string> office;    // default: the input's own office, else `default_office`
  std::optional<std::string> category;
  int priority = 0;
};

struct RouteRule {
  RouteMatch match;
  RouteTarget to;
  int line = 0;  // 1-based, for "routed by routing.yaml:LINE"
};

// A kind of petition the office publishes (Open311 GeoReport v2 `services`): `code` is
// the service_code, `name` the category cases of it carry.
struct Category {
  std::string code;         // [a-z0-9-]+, unique
  std::string name;         // e.g. 門牌整編, unique
  std::string description;  // one sentence for the public
  std::string group;        // e.g. 戶政
};

// An office (the main office or a branch): `code` is what cases, users and closures
// carry, `name` what staff read.
struct Office {
  std::string code;  // e.g. green-island
  std::string name;  // e.g. 綠島
};

struct Routing {
  std::string default_office = "main";
  std::vector<Office> offices;  // may be empty: codes are then shown as they are
  std::vector<Category> categories;
  // Categories whose petitioners are always confidential (檢舉, whistle-blowing).
  std::vector<std::string> confidential_categories;
  std::vector<RouteRule> rules;

  bool ConfidentialCategory(const std::optional<std::string>& category) const;
  const Category* FindCategory(std::string_view code) const;

  // The first rule that matches, or nullptr.
  const RouteRule* Find(const Intake& in) const;
};

// Parses and validates routing.yaml. Channels must be known and workflows among
// `workflows` (when not empty). Errors: kInvalid, each detail "FILE:LINE:COL: ...".
Result<Routing> LoadRouting(std::string_view yaml_text, std::string_view file_name,
                            const std::set<std::string>& workflows = {});

}  // namespace petitiond
