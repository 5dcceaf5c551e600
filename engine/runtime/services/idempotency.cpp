#include "engine/runtime/services/idempotency.hpp"

#include <spdlog/spdlog.h>

#include "engine/digest.hpp"
#include "engine/store/database.hpp"

namespace petitiond::runtime {

IdempotencyService::IdempotencyService(store::Database& db, const Clock& clock, std::string seal_key, Options options)
    : db_(db), clock_(clock), options_(options), sealer_(std::move(seal_key)) {}

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
      auto body = sealer_.Open(replay.body);
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
      sealed.body = sealer_.Seal(response.body);  // it may hold a new case's access code
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
