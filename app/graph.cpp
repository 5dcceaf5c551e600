#include "app/graph.hpp"

#include <cstdlib>
#include <map>

#include <unistd.h>

#include "engine/runtime/jobs/scheduler.hpp"

namespace petitiond::app {
namespace {

std::vector<std::string> DeployAll(runtime::WorkflowRegistry& registry, const std::vector<std::string>& dirs) {
  std::vector<std::string> deployed;
  for (const auto& dir : dirs) {
    for (auto& w : registry.DeployDirectory(dir)) deployed.push_back(std::move(w));
  }
  return deployed;
}

// PETITIOND_ACCESS_CODE_KEY_FILE wins over the config's file; no key: codes are hashed
// with argon2id.
runtime::AccessCodes AccessCodeKey(std::string key_file) {
  if (const char* env = std::getenv("PETITIOND_ACCESS_CODE_KEY_FILE"); env && *env) key_file = env;
  if (key_file.empty()) return runtime::AccessCodes();
  return runtime::AccessCodes::FromKeyFile(key_file).ValueOrThrow();
}

runtime::CaseServiceOptions CaseOptions(const app::Config& config, runtime::AccessCodes codes,
                                        const runtime::Sealer& sealer) {
  runtime::CaseServiceOptions o;
  o.notify = config.notify;
  o.notify.public_url = config.mailbox.public_url;  // reply notices' survey links
  o.notify.sealer = &sealer;
  o.codes = std::move(codes);
  o.attachments = config.attachments;
  o.scheduler_wake_interval = runtime::Scheduler::Options{}.max_sleep;
  return o;
}

runtime::IntakeOptions IntakeOptionsOf(const app::Config& config, const runtime::Sealer& sealer) {
  runtime::IntakeOptions o;
  o.duplicate_window = config.duplicate_window;
  o.news_story_window = config.news_story_window;
  o.outbox_sealer = &sealer;
  return o;
}

std::map<std::string, std::string> OfficeNames(const runtime::IntakeService& intake) {
  std::map<std::string, std::string> names;
  for (const auto& o : intake.routing()->offices) names[o.code] = o.name;
  return names;
}

std::vector<api::FeedSetting> FeedSettings(const app::Config& config) {
  std::vector<api::FeedSetting> feeds;
  for (const auto& f : config.news_feeds) feeds.push_back({f.url, f.office, f.interval.count()});
  return feeds;
}

// This process among the nodes (daily_runs): host:pid.
std::string NodeName() {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return std::string(host) + ":" + std::to_string(getpid());
}

runtime::DigestOptions DigestOptionsOf(const app::Config& config) {
  runtime::DigestOptions o;
  o.at = config.digest_at;
  o.public_url = config.mailbox.public_url;
  o.node = NodeName();
  return o;
}

Routing RoutingOf(const std::vector<std::string>& dirs, runtime::WorkflowRegistry& registry) {
  if (dirs.empty()) return Routing{};
  return runtime::LoadRoutingFile(dirs.back(), registry);
}

}  // namespace

Graph::Graph(store::Database& database, const Clock& clk, const GraphOptions& options)
    : db(database),
      clock(clk),
      config(options.config),
      registry(db),
      deployed(DeployAll(registry, options.workflow_dirs)),
      calendar(db),
      codes(AccessCodeKey(config.access_code_key_file)),
      sealer(codes.DeriveKey("petitiond outbox")),
      cases(db, registry, calendar, clock, CaseOptions(config, codes, sealer)),
      auth(db, clock),
      intake(db, cases, clock, RoutingOf(options.workflow_dirs, registry), IntakeOptionsOf(config, sealer)),
      outbox(db, clock),
      health(db),
      idempotency(db, clock, codes.DeriveKey("petitiond idempotency")),
      accounts(db, clock),
      public_status(db, cases, clock),
      surveys(db, clock),
      stats(db),
      open311(db, intake, clock),
      templates(db, cases, clock, OfficeNames(intake)),
      digest(db, calendar, clock, DigestOptionsOf(config), OfficeNames(intake)),
      migrations(db, registry, calendar, clock),
      retention(db, clock, config.retention, NodeName()),
      api(api::Services{auth, cases, intake, outbox, health, idempotency, accounts, public_status, surveys, stats,
                        open311, templates, migrations, clock,
                        api::ChannelSettings{config.hotline.secret, config.mailbox.confirm_days,
                                             config.mailbox.public_url, FeedSettings(config)}}) {}

}  // namespace petitiond::app
