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

Result<Routing> LoadRouting(std::string_view yaml_text, std::string_view file_name,
                            const std::set<std::string>& workflows) {
  YamlChecker check(file_name);
  Routing routing;
  auto parsed = check.Parse(yaml_text);
  if (!parsed) return check.Failure("routing file is not valid YAML");
  const YAML::Node root = *parsed;
  auto names = [&](const YAML::Node& n, const std::string& what) {
    std::vector<std::string> out;
    if (n.IsScalar()) {
      out.push_back(n.Scalar());
    } else if (n.IsSequence()) {
      for (const auto& item : n) {
        if (item.IsScalar()) out.push_back(item.Scalar());
        else check.Report(item.Mark(), what + " must list names");
      }
    } else {
      check.Report(n.Mark(), what + " must be a name or a list of names");
    }
    return out;
  };
  if (!root.IsMap()) {
    check.Report(root.Mark(), "a routing file must be a mapping with 'routes' (and optionally 'default_office')");
    return check.Failure("routing file is invalid");
  }
  check.CheckKeys(root, {"default_office", "routes"}, "the routing file");
  if (auto office = check.Scalar(root, "default_office", false)) routing.default_office = *office;
  const YAML::Node routes = root["routes"];
  if (!routes || !routes.IsSequence()) {
    check.Report(routes ? routes.Mark() : root.Mark(), "routes must be a list of { match, to }");
    return check.Failure("routing file is invalid");
  }
  for (const auto& r : routes) {
    if (!r.IsMap()) {
      check.Report(r.Mark(), "a route must be a mapping { match, to }");
      continue;
    }
    check.CheckKeys(r, {"match", "to"}, "route");
    RouteRule rule;
    rule.line = r.Mark().line + 1;
    if (const YAML::Node m = r["match"]) {
      if (!m.IsMap()) {
        check.Report(m.Mark(), "match must be a mapping of channel, category and keywords");
      } else {
        check.CheckKeys(m, {"channel", "category", "keywords"}, "match");
        if (m["channel"]) {
          rule.match.channels = names(m["channel"], "channel");
          for (std::size_t i = 0; i < rule.match.channels.size(); ++i) {
            if (!IsKnown(KnownChannels(), rule.match.channels[i])) {
              check.Report(m["channel"].IsSequence() ? m["channel"][i].Mark() : m["channel"].Mark(),
                           "unknown channel '" + rule.match.channels[i] + "'; channels are hotline, mailbox, news and counter");
            }
          }
        }
        if (m["category"]) rule.match.categories = names(m["category"], "category");
        if (m["keywords"]) rule.match.keywords = names(m["keywords"], "keywords");
      }
    }
    const YAML::Node to = r["to"];
    if (!to || !to.IsMap()) {
      check.Report(to ? to.Mark() : r.Mark(), "a route needs 'to: { workflow, office, category, priority }'");
      continue;
    }
    check.CheckKeys(to, {"workflow", "office", "category", "priority"}, "to");
    rule.to.workflow = check.Scalar(to, "workflow", false);
    if (rule.to.workflow && !workflows.empty() && !workflows.count(*rule.to.workflow)) {
      check.Report(to["workflow"].Mark(), "workflow '" + *rule.to.workflow + "' is not deployed");
    }
    rule.to.office = check.Scalar(to, "office", false);
    rule.to.category = check.Scalar(to, "category", false);
    if (auto p = check.Scalar(to, "priority", false)) {
      try {
        std::size_t used = 0;
        rule.to.priority = std::stoi(*p, &used);
        if (used != p->size() || rule.to.priority < 0) throw std::invalid_argument(*p);
      } catch (const std::exception&) {
        check.Report(to["priority"].Mark(), "priority must be a whole number of at least 0");
      }
    }
    if (!rule.to.workflow && !rule.to.office && !rule.to.category && rule.to.priority == 0) {
      check.Report(to.Mark(), "a route must set a workflow, office, category or priority");
    }
    routing.rules.push_back(std::move(rule));
  }
  if (!check.ok()) return check.Failure("routing file is invalid");
  return routing;
}

}  // namespace petitiond
