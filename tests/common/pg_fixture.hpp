#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "engine/time.hpp"
#include "engine/store/database.hpp"

namespace petitiond::testing_support {

// A fresh, migrated database per fixture, on the server DATABASE_URL points at
// (scripts/test starts a throwaway cluster). A missing DATABASE_URL fails the test:
// database tests never skip silently.
class TestDatabase {
 public:
  TestDatabase();
  ~TestDatabase();
  const std::string& url() const { return url_; }  // conninfo of the fresh database
  store::Database& db() { return *db_; }

 private:
  std::string server_;  // conninfo of the maintenance database
  std::string name_;
  std::string url_;
  std::unique_ptr<store::Database> db_;
};

// A clock the test moves by hand.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(Timestamp t) : now_(t.time_since_epoch().count()) {}
  Timestamp Now() const override { return Timestamp(std::chrono::seconds(now_.load())); }
  void Set(Timestamp t) { now_ = t.time_since_epoch().count(); }
  void Advance(std::chrono::seconds s) { now_ += s.count(); }

 private:
  std::atomic<long long> now_;
};

}  // namespace petitiond::testing_support
