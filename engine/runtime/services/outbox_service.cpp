#include "engine/runtime/services/outbox_service.hpp"

#include "engine/embedded.hpp"
#include "engine/runtime/security/policy.hpp"
#include "engine/runtime/security/privacy.hpp"
#include "engine/store/database.hpp"
#include "engine/store/migrator.hpp"

namespace petitiond::runtime {

std::vector<store::OutboxMessage> OutboxService::List(const Actor& actor, const std::vector<OutboxStatus>& statuses,
                                                      std::optional<std::int64_t> before_id, int limit,
                                                      const std::string& route) {
  std::vector<store::OutboxMessage> rows;
  db_.Run([&](store::Tx& tx) {
    rows = store::ListOutbox(tx, statuses, OfficeScope(actor), before_id, limit);
    std::vector<std::int64_t> ids;
    for (const auto& m : rows) {
      if (m.case_id) ids.push_back(*m.case_id);
    }
    const auto hide = CasesToRedact(tx, actor, ids, route, clock_.Now());
    for (auto& m : rows) {
      if (m.case_id && hide.count(*m.case_id)) {
        m.recipient = kRedacted;
        m.body = kRedacted;
      }
    }
  });
  return rows;
}

std::vector<std::string> HealthService::PendingMigrations() {
  store::MigrationStatus status;
  db_.Run([&](store::Tx& tx) { status = store::CheckMigrations(tx, EmbeddedMigrations()); });
  return status.pending;
}

}  // namespace petitiond::runtime
