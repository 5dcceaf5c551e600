#pragma once

#include <chrono>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "engine/time.hpp"

namespace petitiond::runtime {

// Failed sign-ins, counted per login and per client address over a sliding window, in
// this process's memory (each node throttles on its own; a restart forgets). Past the
// limit a sign-in is refused before any password is checked, so a guessing run costs
// the server nothing and the account's owner can still sign in from elsewhere once
// the window has passed.
class LoginThrottle {
 public:
  struct Limits {
    int per_login = 5;
    int per_address = 20;
    std::chrono::seconds window{15 * 60};
    std::size_t max_tracked = 100000;  // per map; the oldest are forgotten past it
  };
  explicit LoginThrottle(const Clock& clock) : LoginThrottle(clock, Limits()) {}
  LoginThrottle(const Clock& clock, Limits limits) : clock_(clock), limits_(limits) {}

  // How long until `login` from `address` may try again; nullopt if it may now.
  std::optional<std::chrono::seconds> Wait(const std::string& login, const std::string& address);
  void Failed(const std::string& login, const std::string& address);
  // A correct password clears the login's failures (not the address's).
  void Succeeded(const std::string& login);

 private:
  using Failures = std::unordered_map<std::string, std::deque<Timestamp>>;
  std::optional<std::chrono::seconds> WaitIn(Failures& m, const std::string& key, int limit, Timestamp now);
  void Record(Failures& m, const std::string& key, int limit, Timestamp now);

  const Clock& clock_;
  Limits limits_;
  std::mutex mu_;
  Failures by_login_, by_address_;
};

}  // namespace petitiond::runtime
