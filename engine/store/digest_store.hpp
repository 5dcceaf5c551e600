#pragma once

#include "engine/store/database.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/time.hpp"

namespace petitiond::store {

// Runs `job` for `day` on this node if no node has (migration 0020 daily_runs): true
// when this transaction claimed it. The claim commits or rolls back with what the job
// writes in the same transaction, so the job runs once whatever the number of nodes.
bool ClaimDailyRun(Tx& tx, const std::string& job, std::chrono::sys_days day, const std::string& node);

// Who gets the morning digest: enabled supervisors with an e-mail address who have not
// turned it off (users.daily_digest), by office and login.
struct DigestRecipient {
  std::string login;
  std::string office;
  std::string email;
};
std::vector<DigestRecipient> DigestRecipients(Tx& tx);

// One list of the digest: how many cases, and the first few in deadline order.
struct DigestCase {
  std::int64_t id = 0;
  std::string public_no;
  std::string subject;
  std::optional<Timestamp> due;
};
struct DigestList {
  int count = 0;
  std::vector<DigestCase> first;
};
// An office's open cases as a supervisor chases them: overdue, due by `soon_until`
// (and not overdue), unassigned, and with a draft waiting for sign-off.
struct OfficeDigest {
  DigestList overdue, due_soon, unassigned, drafts;
};
OfficeDigest LoadOfficeDigest(Tx& tx, const std::string& office, Timestamp now, Timestamp soon_until, int limit);

}  // namespace petitiond::store
