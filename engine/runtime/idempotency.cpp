#include "engine/runtime/idempotency.hpp"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include "engine/digest.hpp"
#include "engine/store/database.hpp"

namespace petitiond::runtime {

IdempotencyService::IdempotencyService(store::Database& db, const Clock& clock, std::string seal_key, Options options)
    : db_(db), clock_(clock), options_(options), seal_key_(std::move(seal_key)) {
  if (sodium_init() < 0) throw DomainError(ErrorKind::kInternal, "libsodium failed to initialise");
  if (seal_key_.size() != crypto_secretbox_KEYBYTES) {
    seal_key_.assign(crypto_secretbox_KEYBYTES, '\0');
    randombytes_buf(seal_key_.data(), seal_key_.size());
  }
}

std::string IdempotencyService::Seal(const std::string& body) const {
  std::string box(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + body.size(), '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(box.data());
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES, reinterpret_cast<const unsigned char*>(body.data()),
                        body.size(), nonce, reinterpret_cast<const unsigned char*>(seal_key_.data()));
  std::string hex(box.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(box.data()), box.size());
  hex.pop_back();
  return hex;
}

std::optional<std::string> IdempotencyService::Open(const std::string& sealed) const {
  std::string box(sealed.size() / 2, '\0');
  std::size_t len = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(box.data()), box.size(), sealed.data(), sealed.size(), nullptr,
                     &len, nullptr) != 0 ||
      len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return std::nullopt;
  }
  const auto* nonce = reinterpret_cast<const unsigned char*>(box.data());
  std::string body(len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(body.data()), nonce + crypto_secretbox_NONCEBYTES,
                                 len - crypto_secretbox_NONCEBYTES, nonce,
                                 reinterpret_cast<const unsigned char*>(seal_key_.data())) != 0) {
    return std::nullopt;
  }
  return body;
}

store::StoredResponse IdempotencyService::Run(const std::string& principal, const std::string& key,
                                              const std::string& request,
                                              const std::function<store::StoredResponse()>& run) {
  if (key.empty() || key.size() > 200 ||
      std::any_of(key.begin(), key.end(), [](char c) { return c < 0x21 || c > 0x7e; })) {
    throw DomainError(ErrorKind::kInvalid, "Idempotency-Key must be 1 to 200 visible ASCII characters");
  }
  const Timestamp now = clock_.Now();
  PurgeNowAndThen(now);
  const std::string hash = Sha256Hex(request);
  store::KeyClaim claim;
  db_.Run([&](store::Tx& tx) {
    claim = store::ClaimIdempotencyKey(tx, principal, key, hash, now, now - options_.ttl, now - options_.abandon_after);
  });
  switch (claim.kind) {
    case store::KeyClaim::Kind::kReplay: {
      store::StoredResponse replay = std::move(*claim.response);
      auto body = Open(replay.body);
      if (!body) {
        throw DomainError(ErrorKind::kConflict,
                          "the first answer to this Idempotency-Key was made by another server and cannot be read "
                          "here; check the case list before sending the request again with a new key");
      }
      replay.body = std::move(*body);
      return replay;
    }
    case store::KeyClaim::Kind::kMismatch:
      throw DomainError(ErrorKind::kUnprocessable,
                        "this Idempotency-Key was already used for a different request; use a new key");
    case store::KeyClaim::Kind::kInProgress:
      throw DomainError(ErrorKind::kConflict,
                        "a request with this Idempotency-Key is still being processed; retry shortly");
    case store::KeyClaim::Kind::kNew: break;
  }
  store::StoredResponse response;
  try {
    response = run();
  } catch (...) {
    db_.Run([&](store::Tx& tx) { store::ReleaseIdempotencyKey(tx, principal, key); });
    throw;
  }
  db_.Run([&](store::Tx& tx) {
    if (response.status >= 200 && response.status < 300) {
      store::StoredResponse sealed = response;
      sealed.body = Seal(response.body);  // it may hold a new case's access code
      store::SaveIdempotentResponse(tx, principal, key, sealed);
    } else {
      store::ReleaseIdempotencyKey(tx, principal, key);
    }
  });
  return response;
}

void IdempotencyService::PurgeNowAndThen(Timestamp now) {
  const long long at = now.time_since_epoch().count();
  long long last = last_purge_.load();
  if (at - last < options_.purge_every.count() || !last_purge_.compare_exchange_strong(last, at)) return;
  try {
    int purged = 0;
    db_.Run([&](store::Tx& tx) { purged = store::PurgeIdempotencyKeys(tx, now - options_.ttl); });
    if (purged > 0) spdlog::info("idempotency: forgot {} key(s) older than {} s", purged, options_.ttl.count());
  } catch (const DomainError& e) {
    spdlog::warn("idempotency: purge failed: {}", e.what());
  }
}

}  // namespace petitiond::runtime
