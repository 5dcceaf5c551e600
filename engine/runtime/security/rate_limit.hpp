#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "engine/time.hpp"

namespace petitiond::store {
class Database;
}

namespace petitiond::runtime {

// At most `limit` events per key within a sliding `window`, counted in PostgreSQL
// (rate_events, migration 0021), so every node sharing the database counts the same
// events: N nodes allow the limit once, not N times, and a restart forgets nothing.
// Keys (a login, a client address, a case number) are stored as their SHA-256 under
// the limit's `scope`, never as written. Blocking (database).
//
// Thread safety: any number of threads; the database orders concurrent hits.
class RateLimit {
 public:
  // REQUIRES: db and clock outlive the limit; window <= store::kMaxRateWindow (a day).
  RateLimit(store::Database& db, const Clock& clock, std::string scope, int limit, std::chrono::seconds window);

  // How long until `key` may act again; nullopt if it may now.
  std::optional<std::chrono::seconds> Wait(const std::string& key);
  void Hit(const std::string& key);
  void Clear(const std::string& key);

 private:
  std::string Digest(const std::string& key) const;

  store::Database& db_;
  const Clock& clock_;
  std::string scope_;
  int limit_;
  std::chrono::seconds window_;
};

}  // namespace petitiond::runtime
