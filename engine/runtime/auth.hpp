#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/machine.hpp"
#include "engine/time.hpp"

namespace petitiond::store {
class Database;
}

namespace petitiond::runtime {

// argon2id (libsodium crypto_pwhash_str), interactive limits.
std::string HashPassword(std::string_view password);
bool VerifyPassword(const std::string& hash, std::string_view password);

// 10 characters from an alphabet without look-alikes (no 0/O, 1/I/L): about 50 bits,
// short enough to read over the phone. Stored as an argon2id hash with light limits,
// since the code is random rather than chosen (docs/decisions.md).
std::string NewAccessCode();
std::string HashAccessCode(std::string_view code);

// 32 random bytes as hex; only Sha256Hex(token) is stored.
std::string NewToken();

// Sign-in and users. Blocking (database, argon2id): call from worker threads.
class AuthService {
 public:
  AuthService(store::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Returns a bearer token valid for 12 hours. kUnauthorized for a wrong login or
  // password (the same message for both, so logins cannot be probed).
  std::string Login(const std::string& login, std::string_view password);
  // kUnauthorized for a missing, unknown or expired token.
  Actor Authenticate(std::string_view bearer_token);

  // kInvalid for unknown roles or an empty login/office/password; kConflict if taken.
  void AddUser(const std::string& login, std::string_view password, const std::vector<std::string>& roles,
               const std::string& office);
  // Creates `admin` with a random password if no enabled admin exists and returns the
  // password (to print once); nullopt if an admin exists.
  std::optional<std::string> BootstrapAdmin();

 private:
  store::Database& db_;
  const Clock& clock_;
};

}  // namespace petitiond::runtime
