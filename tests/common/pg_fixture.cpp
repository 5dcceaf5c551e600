#include "tests/common/pg_fixture.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>
#include <unistd.h>

#include <cstdlib>
#include <random>

#include "engine/embedded.hpp"
#include "engine/store/session.hpp"
#include "engine/store/calendar_store.hpp"
#include "engine/store/migrator.hpp"

namespace petitiond::testing_support {

TestDatabase::TestDatabase() {
  const char* url = std::getenv("DATABASE_URL");
  if (!url || !*url) {
    ADD_FAILURE() << "DATABASE_URL is not set: database tests need a PostgreSQL server (run scripts/test)";
    throw std::runtime_error("DATABASE_URL is not set");
  }
  server_ = store::ToConninfo(url).ValueOrThrow();
  std::random_device rd;
  name_ = "t_" + std::to_string(getpid()) + "_" + std::to_string(rd() % 1000000);
  {
    store::Database admin(server_, 1);
    admin.Run([&](store::Tx& tx) {
    auto& sql = store::Sql(tx); sql << "CREATE DATABASE " + name_; });
  }
  url_ = server_ + " dbname='" + name_ + "'";  // a repeated keyword: libpq takes the last
  db_ = std::make_unique<store::Database>(url_, 4);
  db_->Run([](store::Tx& tx) {
    store::Migrate(tx, EmbeddedMigrations());
    store::UpsertCalendarDays(tx, BusinessCalendar::Shipped(), "shipped");  // as `petitiond migrate` does
  });
}

TestDatabase::~TestDatabase() {
  db_.reset();
  try {
    store::Database admin(server_, 1);
    admin.Run([&](store::Tx& tx) {
    auto& sql = store::Sql(tx); sql << "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)"; });
  } catch (const std::exception& e) {
    ADD_FAILURE() << "could not drop " << name_ << ": " << e.what();
  }
}

}  // namespace petitiond::testing_support
