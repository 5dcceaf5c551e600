#include "engine/runtime/login_throttle.hpp"

#include <algorithm>
#include <cctype>

namespace petitiond::runtime {
namespace {

std::string Key(const std::string& login) {
  std::string k = login;
  for (auto& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return k;
}

}  // namespace

std::optional<std::chrono::seconds> LoginThrottle::WaitIn(Failures& m, const std::string& key, int limit,
                                                          Timestamp now) {
  auto it = m.find(key);
  if (it == m.end()) return std::nullopt;
  auto& times = it->second;
  while (!times.empty() && times.front() + limits_.window <= now) times.pop_front();
  if (times.empty()) {
    m.erase(it);
    return std::nullopt;
  }
  if (static_cast<int>(times.size()) < limit) return std::nullopt;
  // The oldest failure that still counts leaves the window first.
  const auto left = std::chrono::duration_cast<std::chrono::seconds>(times.front() + limits_.window - now);
  return std::max(left, std::chrono::seconds(1));
}

void LoginThrottle::Record(Failures& m, const std::string& key, int limit, Timestamp now) {
  if (m.size() >= limits_.max_tracked && !m.count(key)) {
    std::erase_if(m, [&](const auto& kv) { return kv.second.empty() || kv.second.back() + limits_.window <= now; });
    if (m.size() >= limits_.max_tracked) m.clear();  // a flood of distinct keys: the other map still counts
  }
  auto& times = m[key];
  times.push_back(now);
  while (static_cast<int>(times.size()) > limit) times.pop_front();
}

std::optional<std::chrono::seconds> LoginThrottle::Wait(const std::string& login, const std::string& address) {
  std::lock_guard lock(mu_);
  const Timestamp now = clock_.Now();
  auto a = WaitIn(by_login_, Key(login), limits_.per_login, now);
  auto b = address.empty() ? std::nullopt : WaitIn(by_address_, address, limits_.per_address, now);
  if (a && b) return std::max(*a, *b);
  return a ? a : b;
}

void LoginThrottle::Failed(const std::string& login, const std::string& address) {
  std::lock_guard lock(mu_);
  const Timestamp now = clock_.Now();
  Record(by_login_, Key(login), limits_.per_login, now);
  if (!address.empty()) Record(by_address_, address, limits_.per_address, now);
}

void LoginThrottle::Succeeded(const std::string& login) {
  std::lock_guard lock(mu_);
  by_login_.erase(Key(login));
}

}  // namespace petitiond::runtime
