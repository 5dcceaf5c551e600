#pragma once

#include <chrono>
#include <map>
#include <string>

#include "engine/time.hpp"

namespace petitiond::store {
class Database;
}
namespace petitiond::runtime {

class CalendarHolder;

// config `digest`.
struct DigestOptions {
  std::chrono::minutes at{8 * 60};  // Taipei time of day the digest goes out
  std::string public_url;           // the console's address, for the link in the mail
  std::string node;                 // recorded with the day's claim (daily_runs)
};

// The supervisors' morning digest (每日案件摘要): on each working day of an office, from
// `at` on, every supervisor of that office who has not turned it off (Preferences) and
// has an e-mail address gets one mail: the office's overdue cases, those due within 2
// workdays (today and the next working day), the unassigned ones and the drafts waiting
// for sign-off, each a count with the first 10 in deadline order. Case numbers and
// subjects only, no petitioner. Each office's digest is claimed for the day in the same
// transaction as its outbox rows, so it goes out once whatever the number of nodes; a
// node that starts after `at` sends a day's digest still due. Blocking (database).
class DigestService {
 public:
  // `office_names`: routing.yaml's offices, code to name.
  // REQUIRES: db, calendar and clock outlive the service.
  DigestService(store::Database& db, CalendarHolder& calendar, const Clock& clock, DigestOptions options,
                std::map<std::string, std::string> office_names)
      : db_(db), calendar_(calendar), clock_(clock), options_(std::move(options)), office_names_(std::move(office_names)) {}

  // Sends every office's digest that is due now and not sent yet. Returns when it is
  // next due (today's `at`, or tomorrow's).
  Timestamp RunDue();

 private:
  store::Database& db_;
  CalendarHolder& calendar_;
  const Clock& clock_;
  DigestOptions options_;
  std::map<std::string, std::string> office_names_;
};

}  // namespace petitiond::runtime
