#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/machine.hpp"
#include "engine/runtime/security/login_throttle.hpp"
#include "engine/time.hpp"

namespace petitiond::store {
class Database;
}

namespace petitiond::runtime {

// argon2id (libsodium crypto_pwhash_str), interactive limits.
std::string HashPassword(std::string_view password);
bool VerifyPassword(const std::string& hash, std::string_view password);

// The petitioner's access code (查詢碼) for the public status page: 10 characters from
// an alphabet without look-alikes (about 50 bits), short enough to read over the
// phone. Stored hashed, never in clear:
//  - with a server key (config access_codes.key_file, 32+ bytes kept outside the
//    database): "hmac-sha256$<hex>" of HMAC-SHA256(key, code). Microseconds to make,
//    and a copied database alone gives no way to test guesses.
//  - without a key: argon2id with light limits (a few milliseconds of CPU per case).
// Verify accepts both forms, so codes made before a key was configured keep working.
class AccessCodes {
 public:
  AccessCodes() = default;
  // REQUIRES: key.size() >= 32 or empty.
  explicit AccessCodes(std::string key);
  // The key file's bytes (at least 32); kInvalid naming the file otherwise.
  static Result<AccessCodes> FromKeyFile(const std::string& path);

  bool keyed() const { return !key_.empty(); }
  // A 32-byte key for another purpose (e.g. sealing stored answers), derived from the
  // server key so one secret kept outside the database serves both; empty if !keyed().
  std::string DeriveKey(std::string_view purpose) const;
  std::string New() const;
  std::string Hash(std::string_view code) const;
  // Constant time for the keyed form. False for a hash this server cannot check
  // (keyed, but made with another key or no key configured now).
  bool Verify(const std::string& stored, std::string_view code) const;

 private:
  std::string key_;
};

// 32 random bytes as hex; only Sha256Hex(token) is stored.
std::string NewToken();
// A random password of 16 characters (about 80 bits) for a new or reset account.
std::string NewPassword();

// Sign-in and users. Blocking (database, argon2id): call from worker threads.
class AuthService {
 public:
  AuthService(store::Database& db, const Clock& clock) : db_(db), clock_(clock), throttle_(db, clock) {}

  // Returns a bearer token valid for 12 hours. kUnauthorized for a wrong login or
  // password (the same message and the same argon2id work for both, so logins cannot
  // be probed); TooManyRequests once the login or the client address (`client`, may
  // be empty) has failed too often (LoginThrottle); kUnavailable when too many
  // sign-ins already wait for a hashing slot.
  std::string Login(const std::string& login, std::string_view password, const std::string& client = "");
  // Ends the session of `bearer_token` (sign out); a token already gone is no error.
  void Logout(std::string_view bearer_token);
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
  LoginThrottle throttle_;
};

}  // namespace petitiond::runtime
