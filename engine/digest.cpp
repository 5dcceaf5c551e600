#include "engine/digest.hpp"

#include <sodium.h>

namespace petitiond {
namespace {

std::string Hex(const unsigned char* bytes, std::size_t n) {
  std::string hex(n * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes, n);
  hex.pop_back();
  return hex;
}

const unsigned char* Bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

}  // namespace

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, Bytes(bytes), bytes.size());
  return Hex(digest, sizeof digest);
}

std::string ContentTagHex(std::string_view bytes) {
  unsigned char digest[16];
  crypto_generichash(digest, sizeof digest, Bytes(bytes), bytes.size(), nullptr, 0);
  return Hex(digest, sizeof digest);
}

std::string WebhookSignature(std::string_view secret, std::string_view timestamp, std::string_view body) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, Bytes(secret), secret.size());
  crypto_auth_hmacsha256_update(&st, Bytes(timestamp), timestamp.size());
  crypto_auth_hmacsha256_update(&st, Bytes("."), 1);
  crypto_auth_hmacsha256_update(&st, Bytes(body), body.size());
  crypto_auth_hmacsha256_final(&st, mac);
  return "sha256=" + Hex(mac, sizeof mac);
}

}  // namespace petitiond
