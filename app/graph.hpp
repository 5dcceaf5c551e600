#pragma once

#include <string>
#include <vector>

#include "api/api.hpp"
#include "engine/runtime/security/accounts.hpp"
#include "engine/runtime/security/auth.hpp"
#include "engine/runtime/services/calendar_holder.hpp"
#include "engine/runtime/services/case_service.hpp"
#include "app/config.hpp"
#include "engine/runtime/services/idempotency.hpp"
#include "engine/runtime/services/intake_service.hpp"
#include "engine/runtime/services/open311.hpp"
#include "engine/runtime/services/outbox_service.hpp"
#include "engine/runtime/services/digest.hpp"
#include "engine/runtime/services/public_status.hpp"
#include "engine/runtime/services/reply_templates.hpp"
#include "engine/runtime/services/retention.hpp"
#include "engine/runtime/security/sealer.hpp"
#include "engine/runtime/services/stats_service.hpp"
#include "engine/runtime/services/survey.hpp"
#include "engine/runtime/services/workflow_migration.hpp"
#include "engine/runtime/services/workflow_registry.hpp"

namespace petitiond::app {

struct GraphOptions {
  // Workflow folders deployed in order; the last one's routing.yaml routes the intake.
  std::vector<std::string> workflow_dirs;
  app::Config config;  // the config file's; its defaults otherwise
};

// Every service of one process, built once and in one place: `serve`, `import` and the
// tests make theirs here. Each service gets what it needs in its constructor; nothing
// is set afterwards. The background jobs (scheduler, dispatcher, pollers) and the HTTP
// server are `serve`'s own, built over these.
//
// The calendar comes from the database, the access-code key from
// PETITIOND_ACCESS_CODE_KEY_FILE or config access_codes.key_file, and the outbox's
// sealing key is derived from it, so that every node (and the CLI) seals what any
// node's dispatcher can open.
//
// REQUIRES: `db` and `clock` outlive the graph. Blocking (it reads the database).
class Graph {
 public:
  Graph(store::Database& db, const Clock& clock, const GraphOptions& options);
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  store::Database& db;
  const Clock& clock;
  const app::Config config;
  runtime::WorkflowRegistry registry;
  const std::vector<std::string> deployed;  // what the workflow folders deployed
  runtime::CalendarHolder calendar;
  const runtime::AccessCodes codes;  // the access-code key; unkeyed: argon2id
  const runtime::Sealer sealer;      // outbox secrets, survey links
  runtime::CaseService cases;
  runtime::AuthService auth;
  runtime::IntakeService intake;
  runtime::OutboxService outbox;
  runtime::HealthService health;
  runtime::IdempotencyService idempotency;
  runtime::AccountService accounts;
  runtime::PublicStatus public_status;
  runtime::SurveyService surveys;
  runtime::StatsService stats;
  runtime::Open311Service open311;
  runtime::ReplyTemplateService templates;
  runtime::DigestService digest;
  runtime::WorkflowMigrationService migrations;
  runtime::RetentionService retention;
  api::Api api;
};

}  // namespace petitiond::app
