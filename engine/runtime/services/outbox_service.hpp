#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/machine.hpp"
#include "engine/store/outbox_store.hpp"

namespace petitiond::store {
class Database;
}

namespace petitiond::runtime {

// Reads the outbox for people who check on deliveries. Blocking (database).
class OutboxService {
 public:
  OutboxService(store::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Newest first, at most `limit`, ids below `before_id`; `statuses` empty = all.
  // Messages of confidential cases: the recipient and body read 保密 unless the caller
  // sees identities, whose reads are then logged under `route`.
  std::vector<store::OutboxMessage> List(const Actor& actor, const std::vector<OutboxStatus>& statuses,
                                         std::optional<std::int64_t> before_id, int limit,
                                         const std::string& route = "api");

 private:
  store::Database& db_;
  const Clock& clock_;
};

// Readiness: the database answers and its migrations match this binary's.
class HealthService {
 public:
  explicit HealthService(store::Database& db) : db_(db) {}
  // Names of the migrations this binary has and the database lacks; throws
  // DomainError(kUnavailable) if the database cannot be reached.
  std::vector<std::string> PendingMigrations();

 private:
  store::Database& db_;
};

}  // namespace petitiond::runtime
