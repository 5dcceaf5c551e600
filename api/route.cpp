#include "api/route.hpp"

#include <algorithm>

namespace petitiond::api {

Who Who::Staff() { return Who{Kind::kRoles, KnownRoles()}; }

bool Who::Allows(const Actor& actor) const {
  if (kind != Kind::kRoles) return true;
  return std::any_of(roles.begin(), roles.end(), [&](const std::string& r) { return actor.HasRole(r); });
}

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    const std::size_t end = path.find('/', i);
    out.push_back(path.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i));
    if (end == std::string_view::npos) break;
    i = end;
  }
  return out;
}

void RouteTable::Add(Route route) {
  std::vector<std::string> segments;
  for (auto s : Segments(route.pattern)) segments.emplace_back(s);
  patterns_.push_back(std::move(segments));
  routes_.push_back(std::move(route));
}

RouteTable::Match RouteTable::Find(std::string_view method, std::string_view path) const {
  Match m;
  const auto segments = Segments(path);
  for (std::size_t n = 0; n < routes_.size(); ++n) {
    const Route& r = routes_[n];
    const auto& pattern = patterns_[n];
    if (pattern.size() != segments.size()) continue;
    std::map<std::string, std::string> params;
    bool same = true;
    for (std::size_t i = 0; i < pattern.size() && same; ++i) {
      const std::string_view p = pattern[i];
      if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
        params[std::string(p.substr(1, p.size() - 2))] = std::string(segments[i]);
      } else {
        same = p == segments[i];
      }
    }
    if (!same) continue;
    if (std::find(m.allowed.begin(), m.allowed.end(), r.method) == m.allowed.end()) m.allowed.push_back(r.method);
    if (r.method == method && !m.route) {
      m.route = &r;
      m.params = std::move(params);
    }
  }
  std::sort(m.allowed.begin(), m.allowed.end());
  return m;
}

std::vector<int> DocumentedErrors(const Route& r) {
  std::vector<int> out{400};  // a request the server cannot read, or bad parameters
  if (r.who.kind == Who::Kind::kRoles || r.who.kind == Who::Kind::kSigned) out.push_back(401);
  if (r.who.kind == Who::Kind::kRoles || r.who.kind == Who::Kind::kApiKey) out.push_back(403);
  if (r.pattern.find('{') != std::string::npos) out.push_back(404);
  if (!r.request_schema.empty()) out.push_back(413);
  out.insert(out.end(), r.errors.begin(), r.errors.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace petitiond::api
