#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/store/database.hpp"
#include "engine/time.hpp"

namespace petitiond::store {

struct StoredResponse {
  int status = 0;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct KeyClaim {
  enum class Kind {
    kNew,         // the key is ours: run the request, then Save or Release
    kReplay,      // answered before with the same request: `response`
    kMismatch,    // used before with another request
    kInProgress,  // the first request with this key is still running
  };
  Kind kind = Kind::kNew;
  std::optional<StoredResponse> response;
};

// Claims (principal, key) for a request whose hash is `request_hash`. A row older than
// `expired_before` is forgotten; a reservation older than `abandoned_before` without an
// answer (its node died) may be taken over.
KeyClaim ClaimIdempotencyKey(Tx& tx, const std::string& principal, const std::string& key,
                             const std::string& request_hash, Timestamp now, Timestamp expired_before,
                             Timestamp abandoned_before);
void SaveIdempotentResponse(Tx& tx, const std::string& principal, const std::string& key, const StoredResponse& r);
// Drops a reservation whose request failed, so that a retry runs it again.
void ReleaseIdempotencyKey(Tx& tx, const std::string& principal, const std::string& key);
// Deletes rows created before `before`; returns how many.
int PurgeIdempotencyKeys(Tx& tx, Timestamp before);

}  // namespace petitiond::store
