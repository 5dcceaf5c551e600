#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "engine/runtime/security/sealer.hpp"
#include "engine/store/idempotency_store.hpp"
#include "engine/time.hpp"

namespace petitiond::store {
class Database;
}

namespace petitiond::runtime {

// Idempotency-Key for POSTs that create (issue #8): the same key and request within
// `ttl` returns the first successful answer instead of creating again; the same key
// with another request is kUnprocessable; a retry while the first is still running is
// kConflict. A failed first attempt (non-2xx or an exception) leaves no trace, so its
// retry runs afresh. Blocking (database).
//
// Thread safety: Run may be called concurrently; the database arbitrates each key.
class IdempotencyService {
 public:
  struct Options {
    std::chrono::seconds ttl{24 * 3600};
    // A reservation without an answer this old belongs to a node that died mid-request.
    std::chrono::seconds abandon_after{120};
    std::chrono::seconds purge_every{3600};
  };

  // Stored answers may hold secrets (a new case's access code): they are sealed
  // (XSalsa20-Poly1305) under `seal_key`, 32 bytes kept outside the database, e.g.
  // AccessCodes::DeriveKey("idempotency"). Empty: a random key for this process only;
  // then another node, or this one after a restart, cannot replay the answer and says
  // so (409), and the client retries with a new key.
  IdempotencyService(store::Database& db, const Clock& clock, std::string seal_key, Options options);
  IdempotencyService(store::Database& db, const Clock& clock, std::string seal_key = {})
      : IdempotencyService(db, clock, std::move(seal_key), Options{}) {}

  // `principal` scopes keys (a login, or a public route); `request` is what must be the
  // same on a retry (method, path and body).
  store::StoredResponse Run(const std::string& principal, const std::string& key, const std::string& request,
                            const std::function<store::StoredResponse()>& run);

 private:
  void PurgeNowAndThen(Timestamp now);

  store::Database& db_;
  const Clock& clock_;
  Options options_;
  Sealer sealer_;
  std::atomic<long long> last_purge_{0};
};

}  // namespace petitiond::runtime
