#include "engine/digest.hpp"
#include "engine/runtime/security/auth.hpp"
#include "engine/runtime/security/accounts.hpp"

#include <fstream>
#include <iterator>

#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <semaphore>

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

// At most two argon2id computations at once in this process: each holds its memory
// limit (19 MiB for passwords), so a burst of sign-ins cannot multiply the footprint.
std::counting_semaphore<2> g_hashing(2);

// Sign-ins wait for a hashing slot, but only so many: past that a flood of them is
// refused at once (503) instead of holding the server's worker threads, so every
// other route keeps answering.
constexpr int kMaxHashingWaiters = 6;
std::atomic<int> g_hashing_waiters{0};

struct HashingSlot {
  HashingSlot() {
    if (g_hashing_waiters.fetch_add(1) >= kMaxHashingWaiters) {
      g_hashing_waiters.fetch_sub(1);
      throw DomainError(ErrorKind::kUnavailable, "too many sign-ins at once; try again in a moment");
    }
    g_hashing.acquire();
    g_hashing_waiters.fetch_sub(1);
  }
  ~HashingSlot() { g_hashing.release(); }
  HashingSlot(const HashingSlot&) = delete;
  HashingSlot& operator=(const HashingSlot&) = delete;
};

std::string PwHash(std::string_view secret, unsigned long long ops, std::size_t mem) {
  InitSodium();
  char out[crypto_pwhash_STRBYTES];
  HashingSlot slot;
  if (crypto_pwhash_str(out, secret.data(), secret.size(), ops, mem) != 0) {
    throw DomainError(ErrorKind::kUnavailable, "out of memory while hashing a secret");
  }
  return out;
}

bool PwVerify(const std::string& hash, std::string_view secret) {
  HashingSlot slot;
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

std::string NewPassword() { return RandomCode(16); }

std::string HashPassword(std::string_view password) {
  // OWASP's argon2id baseline (m = 19 MiB, t = 2, p = 1) instead of libsodium's
  // INTERACTIVE 64 MiB: a sign-in then costs a third of the memory at similar strength.
  // Hashes made with other limits still verify (the limits travel in the hash).
  return PwHash(password, 2, 19u << 20);
}

bool VerifyPassword(const std::string& hash, std::string_view password) { return PwVerify(hash, password); }

AccessCodes::AccessCodes(std::string key) : key_(std::move(key)) {
  if (!key_.empty() && key_.size() < 32) throw DomainError(ErrorKind::kInvalid, "an access-code key needs 32 bytes");
}

Result<AccessCodes> AccessCodes::FromKeyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) return Error{ErrorKind::kInvalid, path + ": cannot be read", {}};
  // Every byte is key, a trailing newline included: random bytes end in 0x0a too.
  std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (key.size() < 32) {
    return Error{ErrorKind::kInvalid, path + ": an access-code key needs at least 32 bytes (e.g. head -c 32 /dev/urandom)", {}};
  }
  return AccessCodes(std::move(key));
}

std::string AccessCodes::New() const { return RandomCode(10); }

std::string AccessCodes::DeriveKey(std::string_view purpose) const {
  if (!keyed()) return {};
  std::string out(32, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                     reinterpret_cast<const unsigned char*>(purpose.data()), purpose.size(),
                     reinterpret_cast<const unsigned char*>(key_.data()), std::min<std::size_t>(key_.size(), 64));
  return out;
}

namespace {
constexpr std::string_view kKeyedPrefix = "hmac-sha256$";

std::string Mac(const std::string& key, std::string_view code) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(code.data()), code.size());
  crypto_auth_hmacsha256_final(&st, mac);
  char hex[sizeof mac * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  return hex;
}
}  // namespace

std::string AccessCodes::Hash(std::string_view code) const {
  if (keyed()) return std::string(kKeyedPrefix) + Mac(key_, code);
  // 2 passes over 1 MiB: a few milliseconds, so creating a case stays fast enough.
  return PwHash(code, 2, 1u << 20);
}

bool AccessCodes::Verify(const std::string& stored, std::string_view code) const {
  if (stored.rfind(kKeyedPrefix, 0) == 0) {
    if (!keyed()) return false;
    const std::string expected = std::string(kKeyedPrefix) + Mac(key_, code);
    return expected.size() == stored.size() &&
           sodium_memcmp(expected.data(), stored.data(), stored.size()) == 0;
  }
  return PwVerify(stored, code);
}

std::string NewToken() {
  InitSodium();
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char hex[sizeof bytes * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  return hex;
}

std::string AuthService::Login(const std::string& login, std::string_view password, const std::string& client) {
  if (auto wait = throttle_.Wait(login, client)) {
    throw TooManyRequests("too many failed sign-ins; try again in " + std::to_string(wait->count()) + " s", *wait);
  }
  std::optional<store::UserRecord> user;
  db_.Run([&](store::Tx& tx) { user = store::FindUser(tx, login); });
  // The same argon2id work whether the login exists, is disabled or not: the time of
  // the answer tells nothing about which.
  static const std::string kNobody = HashPassword("petitiond: no such user");
  const bool password_ok = VerifyPassword(user ? user->password_hash : kNobody, password);
  const bool ok = user && !user->disabled && password_ok;
  if (!ok) {
    throttle_.Failed(login, client);
    throw DomainError(ErrorKind::kUnauthorized, "wrong login or password");
  }
  throttle_.Succeeded(login);
  const std::string token = NewToken();
  db_.Run([&](store::Tx& tx) {
    store::InsertSession(tx, Sha256Hex(token), user->id, clock_.Now() + kSessionLifetime);
  });
  return token;
}

void AuthService::Logout(std::string_view bearer_token) {
  db_.Run([&](store::Tx& tx) { store::DeleteSession(tx, Sha256Hex(bearer_token)); });
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
  if (login.empty()) throw DomainError(ErrorKind::kInvalid, "login must not be empty");
  CheckOffice(office);
  CheckPassword(password);
  CheckRoles(roles);
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
  const std::string password = NewPassword();
  AddUser("admin", password, {"admin"}, "main");
  return password;
}

}  // namespace petitiond::runtime
