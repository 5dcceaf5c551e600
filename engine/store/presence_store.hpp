#pragma once

#include "engine/store/database.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/time.hpp"

namespace petitiond::store {

// Who has a case page open (migration 0020, an UNLOGGED table: a hint, not a record).
// Marks `login` as having case `case_id` open at `now`, drops every row older than
// `fresh`, and returns the others who have the case open, by login.
std::vector<std::string> TouchPresence(Tx& tx, std::int64_t case_id, const std::string& login, Timestamp now,
                                       std::chrono::seconds fresh);
// `login` closed the page.
void LeavePresence(Tx& tx, std::int64_t case_id, const std::string& login);

}  // namespace petitiond::store
