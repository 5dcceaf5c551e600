#pragma once

#include <chrono>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "engine/time.hpp"

namespace petitiond::runtime {

// At most `limit` events per key within a sliding `window`, in this process's memory
// (each node counts on its own; a restart forgets). Bounded: past `max_tracked` keys
// the expired ones are dropped, then all of them (a flood of distinct keys).
class RateLimit {
 public:
  RateLimit(const Clock& clock, int limit, std::chrono::seconds window, std::size_t max_tracked = 100000)
      : clock_(clock), limit_(limit), window_(window), max_tracked_(max_tracked) {}

  // How long until `key` may act again; nullopt if it may now.
  std::optional<std::chrono::seconds> Wait(const std::string& key);
  void Hit(const std::string& key);
  void Clear(const std::string& key);

 private:
  const Clock& clock_;
  int limit_;
  std::chrono::seconds window_;
  std::size_t max_tracked_;
  std::mutex mu_;
  std::unordered_map<std::string, std::deque<Timestamp>> events_;
};

}  // namespace petitiond::runtime
