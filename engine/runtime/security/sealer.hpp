#pragma once

#include <optional>
#include <string>

namespace petitiond::runtime {

// Authenticated encryption (libsodium secretbox, XSalsa20-Poly1305) of small secrets
// stored in the database: idempotent answers holding an access code, the access codes
// and confirmation links of outbox messages. Sealed text is hex. The key is 32 bytes
// kept outside the database (AccessCodes::DeriveKey); another size, empty included,
// means a random key for this process only, so what it sealed opens nowhere else.
//
// Thread safety: const methods may be called concurrently.
class Sealer {
 public:
  explicit Sealer(std::string key = {});
  bool process_only() const { return process_only_; }
  std::string Seal(const std::string& plaintext) const;
  // nullopt if `sealed` is not hex or was sealed under another key.
  std::optional<std::string> Open(const std::string& sealed) const;

 private:
  std::string key_;
  bool process_only_ = false;
};

}  // namespace petitiond::runtime
