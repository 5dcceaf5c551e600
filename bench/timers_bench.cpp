// bench/timers: how fast one petitiond process drains due timers whose firing does the
// real work (case row update, audit event, clock, outbox row), compared with
// PostgreSQL's own single-row insert rate (pgbench, one client) on the same database.
//
// Usage: timers_bench [--timers N] [--batch B] [--pgbench-seconds S]   (needs DATABASE_URL)
#include <soci/soci.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "engine/embedded.hpp"
#include "engine/store/session.hpp"
#include "engine/runtime/security/auth.hpp"
#include "engine/runtime/services/case_service.hpp"
#include "engine/runtime/jobs/scheduler.hpp"
#include "engine/runtime/services/workflow_registry.hpp"
#include "engine/store/calendar_store.hpp"
#include "engine/store/database.hpp"
#include "engine/store/migrator.hpp"
#include "engine/store/user_store.hpp"

using namespace petitiond;

namespace {


// N cases whose clock fell due an hour ago, each with its armed timer. Written with
// set-based SQL as the store would write them (next_due_at included): the benchmark
// measures firing, not intake.
constexpr const char* kSeed[] = {
    "INSERT INTO cases (public_no, channel, workflow_name, workflow_version, state, office, subject, body, "
    "access_code_hash, received_at, last_seq, next_due_at) SELECT 'B-' || g, 'counter', 'one-minute', 1, 'open', 'main', "
    "'效能測試 ' || g, 'b', 'x', date_trunc('second', now()) - interval '2 hours', 1, "
    "date_trunc('second', now()) - interval '2 hours' + interval '1 minute' FROM generate_series(1, :n) g",
    "INSERT INTO case_events (case_id, seq, event, to_state, actor, at) "
    "SELECT id, 1, 'created', 'open', 'one-minute', received_at FROM cases",
    "INSERT INTO clocks (case_id, name, started_at, due_at) "
    "SELECT id, 'quick', received_at, received_at + interval '1 minute' FROM cases",
    "INSERT INTO timers (case_id, clock, rule, due_at) "
    "SELECT id, 'quick', 0, received_at + interval '1 minute' FROM cases",
};

long long Count(store::Database& db, const std::string& query) {
  long long n = 0;
  db.Run([&](store::Tx& tx) {
    auto& sql = store::Sql(tx); sql << query, soci::into(n); });
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  int timers = 100000, batch = 2000, pgbench_seconds = 10;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const int value = std::atoi(argv[i + 1]);
    if (flag == "--timers") timers = value;
    else if (flag == "--batch") batch = value;
    else if (flag == "--pgbench-seconds") pgbench_seconds = value;
  }
  const char* url = std::getenv("DATABASE_URL");
  if (!url) {
    std::cerr << "timers_bench: DATABASE_URL is not set\n";
    return 2;
  }
  try {
    store::Database db(url, 2);
    db.Run([](store::Tx& tx) {
      store::Migrate(tx, EmbeddedMigrations());
      store::UpsertCalendarDays(tx, BusinessCalendar::Shipped(), "shipped");
    });
    // The one-minute test workflow (tests/data), alone in a directory of its own.
    const auto dir = std::filesystem::temp_directory_path() / ("timers_bench_" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    std::filesystem::copy_file(PETITIOND_SOURCE_DIR "/tests/data/one-minute.yaml", dir / "one-minute.yaml");
    SystemClock clock;
    runtime::WorkflowRegistry registry(db);
    registry.DeployDirectory(dir.string());
    std::filesystem::remove_all(dir);
    runtime::AuthService(db, clock).AddUser("bench-supervisor", "bench-password", {"supervisor"}, "main");
    db.Run([](store::Tx& tx) {
      store::SetContact(tx, "bench-supervisor", "supervisor@example.tw", std::nullopt);
    });

    std::printf("seeding %d due timers...\n", timers);
    db.Run([&](store::Tx& tx) {
    auto& sql = store::Sql(tx);
      soci::transaction one(sql);
      // Without triggers: the statistics' rollup trigger would add to one row N times in
      // one transaction (each version chained to the last); firing does not read them.
      sql << "SET LOCAL session_replication_role = replica";
      for (const char* q : kSeed) {
        if (std::string(q).find(":n") != std::string::npos) {
          sql << q, soci::use(timers, "n");
        } else {
          sql << q;
        }
      }
      one.commit();
      sql << "ANALYZE";
      // Both measurements start from a clean checkpoint, so neither pays for writing
      // back what the other (or the seeding) dirtied.
      sql << "CHECKPOINT";
    });

    runtime::CalendarHolder calendar(BusinessCalendar::Shipped());
    runtime::CaseService cases(db, registry, calendar, clock);
    runtime::Scheduler::Options options;
    options.node = "bench";
    options.batch = batch;
    runtime::Scheduler scheduler(db, cases, clock, options);
    const auto start = std::chrono::steady_clock::now();
    const int fired = scheduler.RunOnce();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    const long long escalated = Count(db, "SELECT count(*) FROM case_events WHERE event = 'escalated'");
    const long long outbox = Count(db, "SELECT count(*) FROM outbox");
    const long long overdue = Count(db, "SELECT count(*) FROM cases WHERE overdue");
    if (fired != timers || escalated != timers || outbox != timers || overdue != timers) {
      std::fprintf(stderr, "timers_bench: fired %d, %lld audit events, %lld outbox rows, %lld overdue of %d\n",
                   fired, escalated, outbox, overdue, timers);
      return 1;
    }
    const double timers_per_second = fired / seconds;
    std::printf("timers: %d fired in %.2f s by one process (batch %d): %.0f timers/s\n", fired, seconds, batch,
                timers_per_second);
    std::printf("        each: case update + audit event + clock + outbox row, %lld of each written\n", escalated);

    // PostgreSQL's single-row insert rate on the same database, one client.
    db.Run([](store::Tx& tx) {
    auto& sql = store::Sql(tx);
      sql << "CREATE TABLE IF NOT EXISTS bench_insert (id bigserial, v int)";
      sql << "CHECKPOINT";
    });
    const auto script = std::filesystem::temp_directory_path() / ("pgbench_" + std::to_string(getpid()) + ".sql");
    std::ofstream(script) << "INSERT INTO bench_insert (v) VALUES (1);\n";
    // pgbench takes the conninfo as its database name argument; quote it for the shell.
    std::string quoted;
    for (char c : db.conninfo()) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    const std::string run = "/usr/lib/postgresql/15/bin/pgbench -n -c 1 -T " + std::to_string(pgbench_seconds) +
                            " -f " + script.string() + " '" + quoted + "' 2>&1";
    FILE* p = popen(run.c_str(), "r");
    std::string output;
    char buf[512];
    while (p && fgets(buf, sizeof buf, p)) output += buf;
    if (p) pclose(p);
    std::filesystem::remove(script);
    const auto at = output.find("tps = ");
    if (at == std::string::npos) {
      std::fprintf(stderr, "timers_bench: pgbench failed:\n%s\n", output.c_str());
      return 1;
    }
    const double tps = std::stod(output.substr(at + 6));
    std::printf("pgbench: %.0f single-row inserts/s (one client, %d s)\n", tps, pgbench_seconds);
    std::printf("ratio: %.2f timers per single-row insert (target >= 3.5)\n", timers_per_second / tps);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "timers_bench: %s\n", e.what());
    return 1;
  }
}
