#include "engine/routing.hpp"

#include <algorithm>

#include "engine/similarity.hpp"
#include "engine/workflow.hpp"
#include "engine/yaml_checker.hpp"

namespace petitiond {
namespace {

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// What routing keywords are looked for in.
std::string SearchText(const Intake& in) { return in.subject + "\n" + in.body + "\n" + in.place; }

}  // namespace

std::optional<std::string> RegisteredOnlyReason(const Intake& in) {
  if (!HasLetters(in.subject) && !HasLetters(in.body)) return "no concrete content (無具體內容)";
  if (in.channel != "news" && in.petitioner.Empty()) return "no name and no contact details (無具名且無聯絡方式)";
  return std::nullopt;
}

const RouteRule* Routing::Find(const Intake& in) const {
  const std::string text = SearchText(in);
  for (const auto& r : rules) {
    if (!r.match.channels.empty() && !Contains(r.match.channels, in.channel)) continue;
    if (!r.match.categories.empty() && (!in.category || !Contains(r.match.categories, *in.category))) continue;
    if (!r.match.keywords.empty() &&
        std::none_of(r.match.keywords.begin(), r.match.keywords.end(),
                     [&](const std::string& k) { return text.find(k) != std::string::npos; })) {
      continue;
    }
    return &r;
  }
  return nullptr;
}

bool Routing::ConfidentialCategory(const std::optional<std::string>& category) const {
  return category && std::find(confidential_categories.begin(), confidential_categories.end(), *category) !=
                         confidential_categories.end();
}

const Category* Routing::FindCategory(std::string_view code) const {
  for (const auto& c : categories) {
    if (c.code == code) return &c;
  }
  return nullptr;
}

namespace {

// routing.yaml: { default_office, confidential_categories, routes: [ { match: {...}, to: {...} } ] }, one reader
// per part.
class RoutingLoader {
 public:
  RoutingLoader(std::string_view file, const std::set<std::string>& workflows) : check_(file), workflows_(workflows) {}

  Result<Routing> Load(std::string_view text) {
    auto parsed = check_.Parse(text);
    if (!parsed) return check_.Failure("routing file is not valid YAML");
    const YAML::Node root = *parsed;
    if (!root.IsMap()) {
      check_.Report(root.Mark(), "a routing file must be a mapping with 'routes' (and optionally 'default_office')");
      return check_.Failure("routing file is invalid");
    }
    check_.CheckKeys(root, {"default_office", "offices", "categories", "confidential_categories", "routes"},
                     "the routing file");
    if (const YAML::Node o = root["offices"]) Offices(o);
    if (const YAML::Node c = root["categories"]) Categories(c);
    if (auto office = check_.Scalar(root, "default_office", false)) routing_.default_office = *office;
    if (root["confidential_categories"]) {
      routing_.confidential_categories = check_.Names(root["confidential_categories"], "confidential_categories");
    }
    const YAML::Node routes = root["routes"];
    if (!check_.List(routes, "routes", "{ match, to }", root.Mark())) return check_.Failure("routing file is invalid");
    for (const auto& r : routes) Route(r);
    if (!check_.ok()) return check_.Failure("routing file is invalid");
    return routing_;
  }

 private:
  void Offices(const YAML::Node& list) {
    if (!check_.List(list, "offices", "{ code, name }")) return;
    for (const auto& o : list) {
      if (!o.IsMap()) {
        check_.Report(o.Mark(), "an office must be a mapping { code, name }");
        continue;
      }
      check_.CheckKeys(o, {"code", "name"}, "office");
      Office office{check_.RequiredString(o, "code"), check_.RequiredString(o, "name")};
      for (const auto& other : routing_.offices) {
        if (!office.code.empty() && other.code == office.code) {
          check_.Report(o["code"].Mark(), "office code '" + office.code + "' is used twice");
        }
      }
      routing_.offices.push_back(std::move(office));
    }
  }

  void Categories(const YAML::Node& list) {
    if (!check_.List(list, "categories", "{ code, name, description, group }")) return;
    for (const auto& c : list) {
      if (!c.IsMap()) {
        check_.Report(c.Mark(), "a category must be a mapping { code, name, description, group }");
        continue;
      }
      check_.CheckKeys(c, {"code", "name", "description", "group"}, "category");
      Category cat;
      cat.code = check_.RequiredString(c, "code");
      cat.name = check_.RequiredString(c, "name");
      cat.description = check_.Scalar(c, "description", false).value_or("");
      cat.group = check_.Scalar(c, "group", false).value_or("");
      if (!cat.code.empty() && cat.code.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos) {
        check_.Report(c["code"].Mark(), "category code '" + cat.code + "' must be lower-case letters, digits and -");
      }
      for (const auto& other : routing_.categories) {
        if (!cat.code.empty() && other.code == cat.code) {
          check_.Report(c["code"].Mark(), "category code '" + cat.code + "' is used twice");
        }
        if (!cat.name.empty() && other.name == cat.name) {
          check_.Report(c["name"].Mark(), "category name '" + cat.name + "' is used twice");
        }
      }
      routing_.categories.push_back(std::move(cat));
    }
  }

  void Route(const YAML::Node& r) {
    if (!r.IsMap()) {
      check_.Report(r.Mark(), "a route must be a mapping { match, to }");
      return;
    }
    check_.CheckKeys(r, {"match", "to"}, "route");
    RouteRule rule;
    rule.line = r.Mark().line + 1;
    if (const YAML::Node m = r["match"]) rule.match = Match(m);
    const YAML::Node to = r["to"];
    if (!to || !to.IsMap()) {
      check_.Report(to ? to.Mark() : r.Mark(), "a route needs 'to: { workflow, office, category, priority }'");
      return;
    }
    rule.to = To(to);
    routing_.rules.push_back(std::move(rule));
  }

  RouteMatch Match(const YAML::Node& m) {
    RouteMatch match;
    if (!m.IsMap()) {
      check_.Report(m.Mark(), "match must be a mapping of channel, category and keywords");
      return match;
    }
    check_.CheckKeys(m, {"channel", "category", "keywords"}, "match");
    if (m["channel"]) match.channels = check_.Channels(m["channel"], "channel");
    if (m["category"]) match.categories = check_.Names(m["category"], "category");
    if (m["keywords"]) match.keywords = check_.Names(m["keywords"], "keywords");
    return match;
  }

  RouteTarget To(const YAML::Node& to) {
    RouteTarget target;
    check_.CheckKeys(to, {"workflow", "office", "category", "priority"}, "to");
    target.workflow = check_.Scalar(to, "workflow", false);
    if (target.workflow && !workflows_.empty() && !workflows_.count(*target.workflow)) {
      check_.Report(to["workflow"].Mark(), "workflow '" + *target.workflow + "' is not deployed");
    }
    target.office = check_.Scalar(to, "office", false);
    target.category = check_.Scalar(to, "category", false);
    if (to["priority"]) target.priority = check_.Int(to["priority"], "priority", 0);
    if (!target.workflow && !target.office && !target.category && target.priority == 0) {
      check_.Report(to.Mark(), "a route must set a workflow, office, category or priority");
    }
    return target;
  }

  YamlChecker check_;
  const std::set<std::string>& workflows_;
  Routing routing_;
};

}  // namespace

Result<Routing> LoadRouting(std::string_view yaml_text, std::string_view file_name,
                            const std::set<std::string>& workflows) {
  return RoutingLoader(file_name, workflows).Load(yaml_text);
}

}  // namespace petitiond
