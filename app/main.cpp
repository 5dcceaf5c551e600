// petitiond: command line (validate, migrate, serve, user) and the wiring of the rooms.
#include <CLI/CLI.hpp>
#include <signal.h>
#include <soci/soci.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <sstream>
#include <thread>

#include "api/handlers.hpp"
#include "api/server.hpp"
#include "engine/calendar.hpp"
#include "engine/embedded.hpp"
#include "engine/runtime/auth.hpp"
#include "engine/runtime/case_service.hpp"
#include "engine/runtime/scheduler.hpp"
#include "engine/runtime/workflow_registry.hpp"
#include "engine/store/database.hpp"
#include "engine/store/migrator.hpp"

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

int Migrate() {
  store::Database db(DatabaseUrl(), 1);
  store::MigrationStatus status;
  db.Run([&](soci::session& sql) { status = store::Migrate(sql, EmbeddedMigrations()); });
  if (status.applied_now.empty()) std::cout << "migrations: up to date\n";
  for (const auto& name : status.applied_now) std::cout << "applied " << name << "\n";
  return 0;
}

int UserAdd(const std::string& login, const std::string& roles, const std::string& office, bool password_stdin) {
  if (!password_stdin) {
    throw DomainError(ErrorKind::kInvalid, "give the password on standard input with --password-stdin");
  }
  std::string password;
  std::getline(std::cin, password);
  store::Database db(DatabaseUrl(), 1);
  SystemClock clock;
  runtime::AuthService(db, clock).AddUser(login, password, Split(roles, ','), office);
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

int Serve(const std::string& listen, const std::string& workflows_dir, int pool_size) {
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
  http.max_pending = pool_size * 16;

  // Block SIGINT/SIGTERM in every thread; the main thread waits for them below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // One extra session for the scheduler's claims beside the request workers.
  store::Database db(DatabaseUrl(), static_cast<std::size_t>(pool_size) + 1);
  store::MigrationStatus status;
  db.Run([&](soci::session& sql) { status = store::CheckMigrations(sql, EmbeddedMigrations()); });
  if (!status.pending.empty()) {
    throw DomainError(ErrorKind::kUnavailable, "the database lacks migration " + status.pending.front() +
                                                   "; run `petitiond migrate` first");
  }
  const BusinessCalendar calendar = BusinessCalendar::Shipped();
  SystemClock clock;
  runtime::WorkflowRegistry registry(db);
  for (const auto& w : registry.DeployDirectory(workflows_dir)) spdlog::info("workflow {} deployed", w);
  runtime::CaseService cases(db, registry, calendar, clock);
  runtime::AuthService auth(db, clock);
  api::Api api(db, auth, cases);

  char host[256] = "node";
  gethostname(host, sizeof host - 1);
  runtime::Scheduler scheduler(db, cases, clock,
                               runtime::Scheduler::Options{std::string(host) + ":" + std::to_string(getpid())});
  scheduler.Start();
  api::HttpServer server(http, [&api](const api::Request& r) { return api.Handle(r); });
  const unsigned short port = server.Start();
  spdlog::info("petitiond serving on http://{}:{}", http.host, port);

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  spdlog::info("signal {}: shutting down", signal_number);
  server.Stop();
  scheduler.Stop();
  return 0;
}

}  // namespace
}  // namespace petitiond

int main(int argc, char** argv) {
  using namespace petitiond;
  CLI::App app{"petitiond: petitions and complaints workflow engine"};
  app.require_subcommand(1);

  std::vector<std::string> files;
  auto* validate = app.add_subcommand("validate", "Check workflow files; prints FILE:LINE:COL for every error");
  validate->add_option("files", files, "workflow YAML files")->required();

  auto* migrate = app.add_subcommand("migrate", "Apply the database migrations that are missing");

  std::string listen = "127.0.0.1:8080";
  std::string workflows = "workflows";
  int pool = 4;
  auto* serve = app.add_subcommand("serve", "Serve the HTTP API and run the deadline timers");
  serve->add_option("--listen", listen, "HOST:PORT to listen on")->capture_default_str();
  serve->add_option("--workflows", workflows, "directory of workflow YAML files to deploy")->capture_default_str();
  serve->add_option("--db-pool", pool, "database sessions for request handling")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();

  auto* user = app.add_subcommand("user", "Manage staff accounts");
  user->require_subcommand(1);
  std::string login, roles, office;
  bool password_stdin = false;
  auto* add = user->add_subcommand("add", "Add a staff account");
  add->add_option("login", login, "login name")->required();
  add->add_option("--role", roles, "ROLE[,ROLE]: admin, intake, handler, supervisor, director")->required();
  add->add_option("--office", office, "office, e.g. main, beinan, lanyu, green-island")->required();
  add->add_flag("--password-stdin", password_stdin, "read the password from standard input");
  auto* bootstrap = user->add_subcommand("bootstrap-admin", "Create 'admin' if no admin exists; prints its password");

  CLI11_PARSE(app, argc, argv);
  try {
    if (*validate) return Validate(files);
    if (*migrate) return Migrate();
    if (*serve) return Serve(listen, workflows, pool);
    if (*add) return UserAdd(login, roles, office, password_stdin);
    if (*bootstrap) return BootstrapAdmin();
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
