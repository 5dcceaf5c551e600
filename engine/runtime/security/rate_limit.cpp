#include "engine/runtime/security/rate_limit.hpp"

#include <algorithm>

namespace petitiond::runtime {

std::optional<std::chrono::seconds> RateLimit::Wait(const std::string& key) {
  std::lock_guard lock(mu_);
  const Timestamp now = clock_.Now();
  auto it = events_.find(key);
  if (it == events_.end()) return std::nullopt;
  auto& times = it->second;
  while (!times.empty() && times.front() + window_ <= now) times.pop_front();
  if (times.empty()) {
    events_.erase(it);
    return std::nullopt;
  }
  if (static_cast<int>(times.size()) < limit_) return std::nullopt;
  // The oldest event that still counts leaves the window first.
  const auto left = std::chrono::duration_cast<std::chrono::seconds>(times.front() + window_ - now);
  return std::max(left, std::chrono::seconds(1));
}

void RateLimit::Hit(const std::string& key) {
  std::lock_guard lock(mu_);
  const Timestamp now = clock_.Now();
  if (events_.size() >= max_tracked_ && !events_.count(key)) {
    std::erase_if(events_, [&](const auto& kv) { return kv.second.empty() || kv.second.back() + window_ <= now; });
    if (events_.size() >= max_tracked_) events_.clear();
  }
  auto& times = events_[key];
  times.push_back(now);
  while (static_cast<int>(times.size()) > limit_) times.pop_front();
}

void RateLimit::Clear(const std::string& key) {
  std::lock_guard lock(mu_);
  events_.erase(key);
}

}  // namespace petitiond::runtime
