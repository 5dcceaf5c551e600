#include "engine/digest.hpp"
#include "engine/runtime/auth.hpp"

#include <sodium.h>

#include <algorithm>

#include "engine/error.hpp"
#include "engine/store/database.hpp"
#include "engine/store/migrator.hpp"
#include "engine/store/user_store.hpp"

namespace petitiond::runtime {
namespace {

constexpr auto kSessionLifetime = std::chrono::hours(12);
constexpr char kCodeAlphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";  // 31 symbols, no look-alikes

void InitSodium() {
  static const int rc = sodium_init();
  if (rc < 0) throw DomainError(ErrorKind::kInternal, "libsodium failed to initialise");
}

std::string PwHash(std::string_view secret, unsigned long long ops, std::size_t mem) {
  InitSodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, secret.data(), secret.size(), ops, mem) != 0) {
    throw DomainError(ErrorKind::kUnavailable, "out of memory while hashing a secret");
  }
  return out;
}

bool PwVerify(const std::string& hash, std::string_view secret) {
  InitSodium();
  return crypto_pwhash_str_verify(hash.c_str(), secret.data(), secret.size()) == 0;
}

std::string RandomCode(std::size_t length) {
  InitSodium();
  std::string code;
  for (std::size_t i = 0; i < length; ++i) {
    code += kCodeAlphabet[randombytes_uniform(sizeof kCodeAlphabet - 1)];
  }
  return code;
}

}  // namespace

std::string HashPassword(std::string_view password) {
  return PwHash(password, crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE);
}

bool VerifyPassword(const std::string& hash, std::string_view password) { return PwVerify(hash, password); }

std::string NewAccessCode() { return RandomCode(10); }

std::string HashAccessCode(std::string_view code) {
  // 2 passes over 1 MiB: a few milliseconds, so creating a case stays fast.
  return PwHash(code, 2, 1u << 20);
}

std::string NewToken() {
  InitSodium();
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char hex[sizeof bytes * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  return hex;
}

std::string AuthService::Login(const std::string& login, std::string_view password) {
  std::optional<store::UserRecord> user;
  db_.Run([&](store::Tx& tx) { user = store::FindUser(tx, login); });
  const bool ok = user && !user->disabled && VerifyPassword(user->password_hash, password);
  if (!ok) throw DomainError(ErrorKind::kUnauthorized, "wrong login or password");
  const std::string token = NewToken();
  db_.Run([&](store::Tx& tx) {
    store::InsertSession(tx, Sha256Hex(token), user->id, clock_.Now() + kSessionLifetime);
  });
  return token;
}

Actor AuthService::Authenticate(std::string_view bearer_token) {
  if (bearer_token.empty()) throw DomainError(ErrorKind::kUnauthorized, "sign in first: Authorization: Bearer <token>");
  std::optional<store::UserRecord> user;
  db_.Run([&](store::Tx& tx) {
    user = store::UserForSession(tx, Sha256Hex(bearer_token), clock_.Now());
  });
  if (!user) throw DomainError(ErrorKind::kUnauthorized, "the session token is unknown or expired; sign in again");
  return Actor{user->login, user->roles, user->office};
}

void AuthService::AddUser(const std::string& login, std::string_view password, const std::vector<std::string>& roles,
                          const std::string& office) {
  if (login.empty() || office.empty()) throw DomainError(ErrorKind::kInvalid, "login and office must not be empty");
  if (password.size() < 8) throw DomainError(ErrorKind::kInvalid, "the password must have at least 8 characters");
  if (roles.empty()) throw DomainError(ErrorKind::kInvalid, "give at least one role");
  for (const auto& r : roles) {
    if (!IsKnown(KnownRoles(), r)) {
      throw DomainError(ErrorKind::kInvalid,
                        "unknown role '" + r + "'; roles are admin, intake, handler, supervisor and director");
    }
  }
  const std::string hash = HashPassword(password);
  try {
    db_.Run([&](store::Tx& tx) { store::InsertUser(tx, login, hash, roles, office); });
  } catch (const DomainError& e) {
    if (e.error().kind == ErrorKind::kConflict) {
      throw DomainError(ErrorKind::kConflict, "user '" + login + "' already exists");
    }
    throw;
  }
}

std::optional<std::string> AuthService::BootstrapAdmin() {
  bool exists = false;
  db_.Run([&](store::Tx& tx) { exists = store::AnyUserWithRole(tx, "admin"); });
  if (exists) return std::nullopt;
  const std::string password = RandomCode(16);
  AddUser("admin", password, {"admin"}, "main");
  return password;
}

}  // namespace petitiond::runtime
