// petitiond: command line (validate, migrate, serve, user) and the wiring of the rooms.
#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdlib>
#include <chrono>
#include <fstream>
#include <optional>
#include <iostream>
#include <sstream>
#include <thread>

#include "api/server.hpp"
#include "app/channels.hpp"
#include "app/graph.hpp"
#include "app/systemd_notify.hpp"
#include "engine/calendar.hpp"
#include "engine/embedded.hpp"
#include "engine/runtime/security/auth.hpp"
#include "engine/runtime/services/calendar_holder.hpp"
#include "app/config.hpp"
#include "engine/runtime/jobs/dispatcher.hpp"
#include "engine/runtime/services/files.hpp"
#include "engine/runtime/jobs/scheduler.hpp"
#include "engine/runtime/jobs/shutdown.hpp"
#include "engine/runtime/services/workflow_registry.hpp"
#include "engine/store/database.hpp"
#include "engine/store/migrator.hpp"
#include "engine/store/stats_store.hpp"
#include "engine/store/user_store.hpp"

namespace petitiond {
namespace {

std::string DatabaseUrl() {
  const char* url = std::getenv("DATABASE_URL");
  if (!url || !*url) {
    throw DomainError(ErrorKind::kInvalid,
                      "DATABASE_URL is not set (a libpq URI or conninfo; ./scripts/run sets one for its own cluster)");
  }
  return url;
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, sep);) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

int Validate(const std::vector<std::string>& files) {
  const auto errors = runtime::ValidateWorkflowFiles(files);
  for (const auto& e : errors) std::cerr << e << "\n";
  if (!errors.empty()) return 1;
  for (const auto& f : files) std::cout << f << ": ok\n";
  return 0;
}

// migrate connects as the owner (DATABASE_OWNER_URL when set); serve as DATABASE_URL.
std::string OwnerUrl() {
  const char* url = std::getenv("DATABASE_OWNER_URL");
  return url && *url ? std::string(url) : DatabaseUrl();
}

int Migrate(const std::string& serve_role) {
  // A migration may rewrite a large table: no statement timeout here.
  store::Database db(OwnerUrl(), store::DatabaseOptions{.pool_size = 1, .statement_timeout = {}});
  store::MigrationStatus status;
  db.Run([&](store::Tx& tx) { status = store::Migrate(tx, EmbeddedMigrations()); });
  if (status.applied_now.empty()) std::cout << "migrations: up to date\n";
  for (const auto& name : status.applied_now) std::cout << "applied " << name << "\n";
  if (!serve_role.empty()) {
    db.Run([&](store::Tx& tx) { store::GrantServeRole(tx, serve_role); });
    std::cout << "grants: " << serve_role << " may serve (no ownership, no TRUNCATE, audit trail append-only)\n";
  }
  const int days = runtime::ImportShippedCalendars(db);
  std::cout << "calendar: " << days << " days from the shipped DGPA files\n";
  return 0;
}

// Recomputes the statistics rollups from the cases and their history (after data
// was loaded around the triggers, or to check them); as the owner, like migrate.
int StatsRebuild() {
  store::Database db(OwnerUrl(), store::DatabaseOptions{.pool_size = 1, .statement_timeout = {}});
  const auto start = std::chrono::steady_clock::now();
  db.Transact([](store::Tx& tx) { store::RebuildStats(tx); });
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  std::cout << "stats: rollups recomputed in " << ms.count() << " ms\n";
  return 0;
}

int CalendarImport(const std::string& file) {
  store::Database db(DatabaseUrl(), 1);
  const int days = runtime::ImportCalendar(db, runtime::ReadFileText(file), file);
  std::cout << file << ": " << days << " days imported\n";
  return 0;
}

// The command line acts as an admin: whoever runs it already holds the database.
Actor CliActor() {
  const char* user = std::getenv("USER");
  return Actor{std::string("cli:") + (user ? user : "unknown"), {"admin"}, ""};
}

int CalendarClose(const std::string& office, const std::string& date, const std::string& reason) {
  const auto day = ParseDate(date);
  if (!day) throw DomainError(ErrorKind::kInvalid, "--date must be YYYY-MM-DD, not " + date);
  store::Database db(DatabaseUrl(), 1);
  SystemClock clock;
  app::Graph graph(db, clock, {});
  const int moved = graph.cases.CloseOffice(CliActor(), office, *day, reason);
  std::cout << office << " closed on " << date << ": " << moved << " case(s) had their deadlines recomputed\n";
  return 0;
}

// Deploys workflow files without starting the server: all validated first (every
// error as FILE:LINE:COL), then deployed in one transaction.
int WorkflowDeploy(const std::vector<std::string>& files) {
  store::Database db(DatabaseUrl(), 1);
  runtime::WorkflowRegistry registry(db);
  for (const auto& w : registry.DeployFiles(files)) std::cout << "deployed " << w << "\n";
  return 0;
}

// Moves running cases to a later version; prints the report. Exit 3 when cases were
// refused (they stay where they are; the report says why).
int WorkflowMigrate(const std::string& name, int from, int to, const std::vector<std::string>& maps, bool dry_run,
                    int batch) {
  runtime::MigrationRequest r;
  r.workflow = name;
  r.from = from;
  r.to = to;
  r.dry_run = dry_run;
  r.batch = batch;
  for (const auto& m : maps) {
    const auto eq = m.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == m.size()) {
      throw DomainError(ErrorKind::kInvalid, "--map takes OLD_STATE=NEW_STATE, not '" + m + "'");
    }
    r.state_map[m.substr(0, eq)] = m.substr(eq + 1);
  }
  store::Database db(DatabaseUrl(), 1);
  SystemClock clock;
  app::Graph graph(db, clock, {});
  const auto report = graph.migrations.Migrate(CliActor(), r);
  const std::string head = name + " v" + std::to_string(from) + " -> v" + std::to_string(to);
  std::cout << (dry_run ? "dry run: " : "") << head << "\n";
  for (const auto& m : report.moves) {
    std::cout << "  " << m.from_state << " -> " << m.to_state << ": " << m.cases << " case(s)"
              << (dry_run ? " would move" : " moved") << "\n";
  }
  for (const auto& x : report.refused) {
    std::cout << "  refused " << x.public_no << " (" << x.state << "):";
    for (const auto& why : x.reasons) std::cout << " " << why << ";";
    std::cout << "\n";
  }
  std::cout << "  " << report.finished << " finished case(s) stay on v" << from << "\n";
  if (!dry_run) std::cout << "  " << report.moved << " case(s) moved in " << report.batches << " batch(es)\n";
  return report.refused.empty() ? 0 : 3;
}

// Retention on demand (the daily job does the same at 02:00 in serve).
int Retention(const std::string& config_file, bool dry_run) {
  app::Config config;
  if (!config_file.empty()) config = app::LoadConfig(runtime::ReadFileText(config_file), config_file).ValueOrThrow();
  if (config.retention.empty()) {
    throw DomainError(ErrorKind::kInvalid, "no retention rules: give --config with a retention: section");
  }
  store::Database db(DatabaseUrl(), 1);
  SystemClock clock;
  app::Graph graph(db, clock, {{}, config});
  const auto r = graph.retention.Run(CliActor(), dry_run);
  for (const auto& b : r.by_rule) {
    std::cout << "  " << b.rule << ": " << b.cases << " case(s)" << (dry_run ? " due" : " made anonymous") << "\n";
  }
  std::cout << (dry_run ? "dry run: " : "") << r.anonymized << " case(s) " << (dry_run ? "would be" : "were")
            << " made anonymous; " << r.inputs << " raw input(s) with no case " << (dry_run ? "would be" : "were")
            << " cleared\n";
  return 0;
}

// A data-subject access request (個資法 §10): every case of the petitioner as JSON on
// standard output; each exported case is in the access log.
int ExportPetitioner(const std::string& phone, const std::string& email) {
  namespace json = boost::json;
  store::Database db(DatabaseUrl(), 1);
  SystemClock clock;
  app::Graph graph(db, clock, {});
  const auto out = graph.retention.Export(CliActor(), phone.empty() ? std::nullopt : std::optional(phone),
                                          email.empty() ? std::nullopt : std::optional(email),
                                          "cli export-petitioner");
  json::array cases;
  for (const auto& c : out.cases) {
    const auto& r = c.record;
    json::array events, files;
    for (const auto& e : c.events) {
      json::error_code ec;
      json::value data = json::parse(e.data_json, ec);
      events.push_back(json::object{{"at", FormatTimestamp(e.at)},
                                    {"event", e.event},
                                    {"state", e.to},
                                    {"by", e.actor},
                                    {"data", ec ? json::value(json::object{}) : data},
                                    {"comment", e.comment ? json::value(*e.comment) : json::value(nullptr)}});
    }
    for (const auto& f : c.files) {
      files.push_back(json::object{{"filename", f.filename}, {"size", f.size}, {"added_at", FormatTimestamp(f.added_at)}});
    }
    json::object petitioner;
    if (!r.petitioner.name.empty()) petitioner["name"] = r.petitioner.name;
    if (!r.petitioner.phone.empty()) petitioner["phone"] = r.petitioner.phone;
    if (!r.petitioner.email.empty()) petitioner["email"] = r.petitioner.email;
    if (!r.petitioner.address.empty()) petitioner["address"] = r.petitioner.address;
    cases.push_back(json::object{{"public_no", r.public_no},
                                 {"channel", r.channel},
                                 {"office", r.office},
                                 {"category", r.category ? json::value(*r.category) : json::value(nullptr)},
                                 {"received_at", FormatTimestamp(r.received_at)},
                                 {"state", r.state.state},
                                 {"subject", r.subject},
                                 {"body", r.body},
                                 {"petitioner", std::move(petitioner)},
                                 {"trail", std::move(events)},
                                 {"files", std::move(files)}});
  }
  std::cout << json::serialize(json::object{{"exported_at", FormatTimestamp(out.at)},
                                            {"exported_by", CliActor().login},
                                            {"cases", std::move(cases)}})
            << "\n";
  return 0;
}

int UserAdd(const std::string& login, const std::string& roles, const std::string& office, bool password_stdin,
            const std::string& email, const std::string& phone) {
  if (!password_stdin) {
    throw DomainError(ErrorKind::kInvalid, "give the password on standard input with --password-stdin");
  }
  std::string password;
  std::getline(std::cin, password);
  store::Database db(DatabaseUrl(), 1);
  SystemClock clock;
  runtime::AuthService(db, clock).AddUser(login, password, Split(roles, ','), office);
  // Accounts made from the command line are audited like those made by an admin.
  db.Run([&](store::Tx& tx) {
    store::InsertAccountEvent(tx, {0, login, CliActor().login, "created", "{\"via\":\"cli\"}", clock.Now()});
  });
  if (!email.empty() || !phone.empty()) {
    db.Run([&](store::Tx& tx) {
      store::SetContact(tx, login, email.empty() ? std::nullopt : std::optional(email),
                        phone.empty() ? std::nullopt : std::optional(phone));
    });
  }
  std::cout << "user " << login << " added\n";
  return 0;
}

int BootstrapAdmin() {
  store::Database db(DatabaseUrl(), 1);
  SystemClock clock;
  if (auto password = runtime::AuthService(db, clock).BootstrapAdmin()) {
    std::cout << "Created the first account: login 'admin', password '" << *password
              << "' (shown once; keep it safe)\n";
  }
  return 0;
}

int ImportHotline(const std::string& file, const std::string& workflows_dir) {
  store::Database db(DatabaseUrl(), 1);
  SystemClock clock;
  app::Graph graph(db, clock, {{workflows_dir}, {}});
  return app::ImportHotlineCsv(graph.intake, file);
}

int Serve(const std::string& listen, const std::string& workflows_dir, std::optional<int> db_pool,
          const std::string& config_file) {
  app::Config config;
  if (!config_file.empty()) config = app::LoadConfig(runtime::ReadFileText(config_file), config_file).ValueOrThrow();
  const int pool_size = db_pool.value_or(config.server.workers);
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) throw DomainError(ErrorKind::kInvalid, "--listen must be HOST:PORT");
  api::HttpServer::Options http;
  http.host = listen.substr(0, colon);
  try {
    http.port = static_cast<unsigned short>(std::stoul(listen.substr(colon + 1)));
  } catch (const std::exception&) {
    throw DomainError(ErrorKind::kInvalid, "--listen: '" + listen.substr(colon + 1) + "' is not a port");
  }
  http.workers = pool_size;
  http.max_pending = config.server.max_pending > 0 ? config.server.max_pending : pool_size * 16;
  http.io_threads = config.server.io_threads;
  http.max_connections = config.server.max_connections;
  http.body_limit = config.server.max_body;
  http.header_timeout = config.server.header_timeout;
  http.timeout = config.server.request_timeout;

  // Block SIGINT/SIGTERM in every thread; the main thread waits for them below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // Extra sessions for the scheduler and the dispatcher beside the request workers.
  store::DatabaseOptions db_options;
  db_options.pool_size = static_cast<std::size_t>(pool_size) + 2;
  db_options.connect_timeout = config.database.connect_timeout;
  db_options.statement_timeout = config.database.statement_timeout;
  db_options.lease_timeout = config.database.lease_timeout;
  store::Database db(DatabaseUrl(), db_options);
  store::MigrationStatus status;
  db.Run([&](store::Tx& tx) { status = store::CheckMigrations(tx, EmbeddedMigrations()); });
  if (!status.pending.empty()) {
    throw DomainError(ErrorKind::kUnavailable, "the database lacks migration " + status.pending.front() +
                                                   "; run `petitiond migrate` first");
  }
  bool owner = false;
  db.Run([&](store::Tx& tx) { owner = store::ConnectedAsOwner(tx); });
  if (owner) {
    spdlog::warn("serve connects as a superuser or the owner of the tables, which could disable the audit "
                 "trail's triggers; give it a role of its own (petitiond migrate --serve-role ROLE, README)");
  }
  SystemClock clock;
  app::Graph graph(db, clock, {{workflows_dir}, config});
  if (graph.calendar.Get()->AllDays().empty()) {
    throw DomainError(ErrorKind::kUnavailable, "the database holds no calendar; run `petitiond migrate` first");
  }
  for (const auto& w : graph.deployed) spdlog::info("workflow {} deployed", w);
  if (!graph.codes.keyed()) {
    spdlog::warn("no access-code key (access_codes.key_file): access codes are hashed with argon2id, "
                 "which costs milliseconds of CPU per case");
  }

  char host[256] = "node";
  gethostname(host, sizeof host - 1);
  const std::string node = std::string(host) + ":" + std::to_string(getpid());
  runtime::Scheduler::Options schedule;
  schedule.node = node;
  runtime::Scheduler scheduler(db, graph.cases, clock, schedule, &graph.calendar);
  scheduler.Start();
  runtime::CurlTransport transport(config.smtp, config.sms, config.notify.webhooks, clock);
  runtime::Dispatcher::Options dispatch;
  dispatch.node = node;
  dispatch.max_attempts = config.max_attempts;
  dispatch.first_retry = config.first_retry;
  dispatch.max_retry = config.max_retry;
  dispatch.lease_seconds = static_cast<int>(config.dispatcher_lease.count());
  dispatch.sealer = &graph.sealer;
  runtime::Dispatcher dispatcher(db, transport, clock, dispatch);
  dispatcher.Start();
  app::ChannelPollers pollers(db, graph.intake, config, clock);
  pollers.Start();
  // The supervisors' morning digest: looked at when it falls due, and every 10 minutes
  // (a clock change, a node that started late).
  runtime::ListenLoop digest("digest " + node, db, clock, {}, std::chrono::minutes(10),
                             [&graph](store::Tx&, const std::set<std::string>&) -> std::optional<Timestamp> {
                               return graph.digest.RunDue();
                             });
  digest.Start();
  // Retention: personal data of cases past their period made anonymous, once a day.
  runtime::ListenLoop retention("retention " + node, db, clock, {}, std::chrono::minutes(30),
                                [&graph](store::Tx&, const std::set<std::string>&) -> std::optional<Timestamp> {
                                  return graph.retention.RunDue();
                                });
  retention.Start();
  http.body_limit_for = [&api = graph.api](std::string_view method, std::string_view target) {
    return api.BodyLimit(method, target);
  };
  api::HttpServer server(http, [&api = graph.api](const api::Request& r) { return api.Handle(r); });
  const unsigned short port = server.Start();
  spdlog::info("petitiond serving on http://{}:{}", http.host, port);
  // systemd (Type=notify): ready once the port answers and the jobs run.
  app::NotifySystemd("READY=1\nSTATUS=serving on " + http.host + ":" + std::to_string(port));

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  spdlog::info("signal {}: shutting down (at most {} s)", signal_number, config.shutdown_grace.count());
  app::NotifySystemd("STOPPING=1");
  const bool clean = runtime::RunWithin(config.shutdown_grace, [&] {
    server.Stop();
    pollers.Stop();
    scheduler.Stop();
    dispatcher.Stop();
    digest.Stop();
    retention.Stop();
  });
  if (!clean) {
    // A stuck connector or request must not keep the process alive: nothing is lost,
    // since every change is committed or rolled back by PostgreSQL.
    spdlog::error("shutdown did not finish within {} s; exiting now", config.shutdown_grace.count());
    spdlog::shutdown();
    std::_Exit(1);
  }
  return 0;
}

}  // namespace
}  // namespace petitiond

int main(int argc, char** argv) {
  using namespace petitiond;
  CLI::App app{"petitiond: petitions and complaints workflow engine"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "petitiond " PETITIOND_VERSION);
  app.footer(
      "Environment: DATABASE_URL (libpq URI or conninfo), DATABASE_OWNER_URL (migrate, stats rebuild),\n"
      "PETITIOND_ACCESS_CODE_KEY_FILE, and for serve/migrate PETITIOND_CONFIG, PETITIOND_LISTEN,\n"
      "PETITIOND_WORKFLOWS, PETITIOND_SERVE_ROLE in place of their options. Documentation: README.md,\n"
      "docs/ (installed under /usr/share/doc/petitiond).");
  // Under systemd the journal stamps each line itself.
  if (app::LoggingToJournal()) spdlog::set_pattern("[%l] %v");

  std::vector<std::string> files;
  auto* validate = app.add_subcommand("validate", "Check workflow files; prints FILE:LINE:COL for every error");
  validate->add_option("files", files, "workflow YAML files")->required();

  auto* migrate = app.add_subcommand(
      "migrate", "Apply the database migrations that are missing (as DATABASE_OWNER_URL, else DATABASE_URL)");
  std::string serve_role;
  migrate->add_option("--serve-role", serve_role,
                      "grant this existing role what `serve` needs and nothing more (README: least privilege)")
      ->envname("PETITIOND_SERVE_ROLE");

  std::string listen = "127.0.0.1:8080";
  std::string workflows = "workflows";
  int pool = 4;  // --db-pool; when not given, config server.workers (default 4)
  std::string config_file;
  auto* serve = app.add_subcommand("serve", "Serve the HTTP API and run the deadline timers");
  serve->add_option("--config", config_file, "the config file (README: smtp, mailbox, news, retention, server, ...)")
      ->envname("PETITIOND_CONFIG");
  serve->add_option("--listen", listen, "HOST:PORT to listen on")->capture_default_str()->envname("PETITIOND_LISTEN");
  serve->add_option("--workflows", workflows, "directory of workflow YAML files to deploy")
      ->capture_default_str()
      ->envname("PETITIOND_WORKFLOWS");
  auto* db_pool = serve->add_option("--db-pool", pool, "database sessions for request handling (default: config "
                                                      "server.workers, 4)")
                      ->check(CLI::Range(1, 64));

  auto* user = app.add_subcommand("user", "Manage staff accounts");
  user->require_subcommand(1);
  std::string login, roles, office;
  bool password_stdin = false;
  auto* add = user->add_subcommand("add", "Add a staff account");
  add->add_option("login", login, "login name")->required();
  add->add_option("--role", roles, "ROLE[,ROLE]: admin, intake, handler, supervisor, director, privacy_officer")->required();
  add->add_option("--office", office, "office, e.g. main, beinan, lanyu, green-island")->required();
  add->add_flag("--password-stdin", password_stdin, "read the password from standard input");
  std::string email, phone;
  add->add_option("--email", email, "where notices reach this person");
  add->add_option("--phone", phone, "for SMS notices when there is no e-mail address");
  auto* bootstrap = user->add_subcommand("bootstrap-admin", "Create 'admin' if no admin exists; prints its password");

  auto* calendar = app.add_subcommand("calendar", "The government office calendar and office closures");
  calendar->require_subcommand(1);
  std::string calendar_file, close_office, close_date, close_reason;
  auto* import = calendar->add_subcommand("import", "Load a DGPA calendar CSV (UTF-8 or Big5); safe to repeat");
  import->add_option("file", calendar_file, "DGPA CSV file")->required();
  auto* close = calendar->add_subcommand("close", "Close an office for a day (typhoon) and recompute its deadlines");
  close->add_option("--office", close_office, "office, e.g. lanyu")->required();
  close->add_option("--date", close_date, "YYYY-MM-DD")->required();
  close->add_option("--reason", close_reason, "why, e.g. 颱風停班")->required();

  auto* import_cmd = app.add_subcommand("import", "Import cases from a channel's batch files");
  import_cmd->require_subcommand(1);
  std::string hotline_file, import_workflows = "workflows";
  auto* import_hotline = import_cmd->add_subcommand("hotline", "1999 open-data CSV: one case per row, bad rows reported");
  import_hotline->add_option("file", hotline_file, "CSV file")->required();
  import_hotline->add_option("--workflows", import_workflows, "directory of workflows and routing.yaml")
      ->capture_default_str();

  auto* workflow_cmd = app.add_subcommand("workflow", "Deploy workflow versions and move running cases to them");
  workflow_cmd->require_subcommand(1);
  std::vector<std::string> deploy_files;
  auto* deploy = workflow_cmd->add_subcommand("deploy", "Validate and deploy workflow files (no server needed)");
  deploy->add_option("files", deploy_files, "workflow YAML files")->required()->check(CLI::ExistingFile);
  std::string migrate_name;
  int migrate_from = 0, migrate_to = 0, migrate_batch = 100;
  std::vector<std::string> migrate_maps;
  bool migrate_dry_run = false;
  auto* wf_migrate = workflow_cmd->add_subcommand(
      "migrate", "Move running cases of version --from to --to (finished cases stay), in audited batches");
  wf_migrate->add_option("name", migrate_name, "workflow name, e.g. hotline-1999")->required();
  wf_migrate->add_option("--from", migrate_from, "the version the cases are on")->required();
  wf_migrate->add_option("--to", migrate_to, "the later version to move them to")->required();
  wf_migrate->add_option("--map", migrate_maps, "OLD_STATE=NEW_STATE (repeat); unmapped states keep their name");
  wf_migrate->add_flag("--dry-run", migrate_dry_run, "report per state how many would move and what would break");
  wf_migrate->add_option("--batch", migrate_batch, "cases per transaction")->check(CLI::Range(1, 1000))
      ->capture_default_str();

  std::string retention_config;
  bool retention_dry_run = false;
  auto* retention_cmd = app.add_subcommand(
      "retention", "Make finished cases past their retention period anonymous (docs/retention.md); serve does it daily");
  retention_cmd->add_option("--config", retention_config, "the config file with the retention: rules")->required();
  retention_cmd->add_flag("--dry-run", retention_dry_run, "count what is due, change nothing");
  std::string export_phone, export_email;
  auto* export_cmd = app.add_subcommand(
      "export-petitioner", "A petitioner's data-subject access request: their cases as JSON (audited)");
  auto* by_phone = export_cmd->add_option("--phone", export_phone, "phone number, however written");
  auto* by_email = export_cmd->add_option("--email", export_email, "e-mail address");
  by_phone->excludes(by_email);
  export_cmd->require_option(1);

  auto* stats_cmd = app.add_subcommand("stats", "The monthly statistics (docs/stats.md)");
  stats_cmd->require_subcommand(1);
  auto* stats_rebuild = stats_cmd->add_subcommand(
      "rebuild", "Recompute the rollups from the cases and their history (as DATABASE_OWNER_URL, else DATABASE_URL)");

  CLI11_PARSE(app, argc, argv);
  try {
    if (*validate) return Validate(files);
    if (*migrate) return Migrate(serve_role);
    if (*serve) return Serve(listen, workflows, db_pool->count() ? std::optional<int>(pool) : std::nullopt, config_file);
    if (*add) return UserAdd(login, roles, office, password_stdin, email, phone);
    if (*import) return CalendarImport(calendar_file);
    if (*close) return CalendarClose(close_office, close_date, close_reason);
    if (*bootstrap) return BootstrapAdmin();
    if (*import_hotline) return ImportHotline(hotline_file, import_workflows);
    if (*stats_rebuild) return StatsRebuild();
    if (*deploy) return WorkflowDeploy(deploy_files);
    if (*retention_cmd) return Retention(retention_config, retention_dry_run);
    if (*export_cmd) return ExportPetitioner(export_phone, export_email);
    if (*wf_migrate) {
      return WorkflowMigrate(migrate_name, migrate_from, migrate_to, migrate_maps, migrate_dry_run, migrate_batch);
    }
  } catch (const DomainError& e) {
    std::cerr << "petitiond: " << e.what() << "\n";
    for (const auto& d : e.error().details) std::cerr << d << "\n";
    return e.error().kind == ErrorKind::kInvalid ? 2 : 1;
  } catch (const std::exception& e) {
    std::cerr << "petitiond: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
