#include "engine/runtime/security/rate_limit.hpp"

#include <algorithm>

#include "engine/digest.hpp"
#include "engine/error.hpp"
#include "engine/store/database.hpp"
#include "engine/store/rate_store.hpp"

namespace petitiond::runtime {

RateLimit::RateLimit(store::Database& db, const Clock& clock, std::string scope, int limit,
                     std::chrono::seconds window)
    : db_(db), clock_(clock), scope_(std::move(scope)), limit_(limit), window_(window) {
  if (window_ > store::kMaxRateWindow || limit_ < 1) {
    throw DomainError(ErrorKind::kInternal, "rate limit " + scope_ + ": window over a day or a limit below 1");
  }
}

std::string RateLimit::Digest(const std::string& key) const { return Sha256Hex(scope_ + "\n" + key); }

std::optional<std::chrono::seconds> RateLimit::Wait(const std::string& key) {
  const Timestamp now = clock_.Now();
  std::optional<Timestamp> oldest_counted;
  db_.Run([&](store::Tx& tx) {
    oldest_counted = store::NthRecentRateEvent(tx, scope_, Digest(key), now - window_, limit_);
  });
  if (!oldest_counted) return std::nullopt;
  // The limit-th most recent event leaves the window first.
  const auto left = std::chrono::duration_cast<std::chrono::seconds>(*oldest_counted + window_ - now);
  return std::max(left, std::chrono::seconds(1));
}

void RateLimit::Hit(const std::string& key) {
  db_.Run([&](store::Tx& tx) { store::InsertRateEvent(tx, scope_, Digest(key), clock_.Now()); });
}

void RateLimit::Clear(const std::string& key) {
  db_.Run([&](store::Tx& tx) { store::DeleteRateEvents(tx, scope_, Digest(key)); });
}

}  // namespace petitiond::runtime
