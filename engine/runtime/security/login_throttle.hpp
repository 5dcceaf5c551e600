#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "engine/runtime/security/rate_limit.hpp"
#include "engine/time.hpp"

namespace petitiond::runtime {

// Failed sign-ins, counted per login (case-insensitive) and per client address over a
// sliding window (RateLimit: in PostgreSQL, shared by every node). Past the limit a sign-in is
// refused before any password is checked, so a guessing run costs the server nothing
// and the account's owner can sign in again once the window has passed.
class LoginThrottle {
 public:
  struct Limits {
    int per_login = 5;
    int per_address = 20;
    std::chrono::seconds window{15 * 60};
  };
  LoginThrottle(store::Database& db, const Clock& clock) : LoginThrottle(db, clock, Limits()) {}
  LoginThrottle(store::Database& db, const Clock& clock, Limits limits)
      : by_login_(db, clock, "login", limits.per_login, limits.window),
        by_address_(db, clock, "login_address", limits.per_address, limits.window) {}

  // How long until `login` from `address` may try again; nullopt if it may now.
  std::optional<std::chrono::seconds> Wait(const std::string& login, const std::string& address);
  void Failed(const std::string& login, const std::string& address);
  // A correct password clears the login's failures (not the address's).
  void Succeeded(const std::string& login);

 private:
  RateLimit by_login_, by_address_;
};

}  // namespace petitiond::runtime
