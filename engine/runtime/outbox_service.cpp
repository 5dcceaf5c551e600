#include "engine/runtime/outbox_service.hpp"

#include "engine/embedded.hpp"
#include "engine/runtime/policy.hpp"
#include "engine/store/database.hpp"
#include "engine/store/migrator.hpp"

namespace petitiond::runtime {

std::vector<store::OutboxMessage> OutboxService::List(const Actor& actor, const std::vector<OutboxStatus>& statuses,
                                                      std::optional<std::int64_t> before_id, int limit) {
  std::vector<store::OutboxMessage> rows;
  db_.Run([&](store::Tx& tx) { rows = store::ListOutbox(tx, statuses, OfficeScope(actor), before_id, limit); });
  return rows;
}

std::vector<std::string> HealthService::PendingMigrations() {
  store::MigrationStatus status;
  db_.Run([&](store::Tx& tx) { status = store::CheckMigrations(tx, EmbeddedMigrations()); });
  return status.pending;
}

}  // namespace petitiond::runtime
