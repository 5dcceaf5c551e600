#include "engine/runtime/security/sealer.hpp"

#include <sodium.h>

#include "engine/error.hpp"

namespace petitiond::runtime {

Sealer::Sealer(std::string key) : key_(std::move(key)) {
  if (sodium_init() < 0) throw DomainError(ErrorKind::kInternal, "libsodium failed to initialise");
  if (key_.size() != crypto_secretbox_KEYBYTES) {
    key_.assign(crypto_secretbox_KEYBYTES, '\0');
    randombytes_buf(key_.data(), key_.size());
    process_only_ = true;
  }
}

std::string Sealer::Seal(const std::string& plaintext) const {
  std::string box(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plaintext.size(), '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(box.data());
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES, reinterpret_cast<const unsigned char*>(plaintext.data()),
                        plaintext.size(), nonce, reinterpret_cast<const unsigned char*>(key_.data()));
  std::string hex(box.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(box.data()), box.size());
  hex.pop_back();
  return hex;
}

std::optional<std::string> Sealer::Open(const std::string& sealed) const {
  std::string box(sealed.size() / 2, '\0');
  std::size_t len = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(box.data()), box.size(), sealed.data(), sealed.size(), nullptr,
                     &len, nullptr) != 0 ||
      len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return std::nullopt;
  }
  const auto* nonce = reinterpret_cast<const unsigned char*>(box.data());
  std::string plaintext(len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plaintext.data()), nonce + crypto_secretbox_NONCEBYTES,
                                 len - crypto_secretbox_NONCEBYTES, nonce,
                                 reinterpret_cast<const unsigned char*>(key_.data())) != 0) {
    return std::nullopt;
  }
  return plaintext;
}

}  // namespace petitiond::runtime
