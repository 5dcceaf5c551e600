#pragma once

#include "engine/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/time.hpp"

namespace petitiond::store {

// A finished case not yet anonymous (migration 0022), as the retention job reads it.
struct FinishedCase {
  std::int64_t id = 0;
  std::string public_no;
  std::string workflow_name;
  std::optional<std::string> category;
  Timestamp finished_at{};
};
// Finished before `before`, oldest first, after the cursor (finished_at, id).
std::vector<FinishedCase> FinishedCasesBefore(Tx& tx, Timestamp before,
                                              const std::optional<std::pair<Timestamp, std::int64_t>>& after,
                                              int limit);
// petitiond_anonymize_case in the caller's transaction: false if the case is not
// finished or already anonymous.
bool AnonymizeCase(Tx& tx, std::int64_t id, const std::string& rule, const std::string& actor, Timestamp at);
// Raw inputs that never became a case (refused, or forms never confirmed) received
// before `before` lose their bytes, source and reference. Returns how many; with
// `count_only`, changes nothing.
long long ClearUnlinkedInputs(Tx& tx, Timestamp before, bool count_only);

// The cases whose petitioner has this phone (in its normal form) or e-mail address
// (case-insensitive), oldest first; anonymous cases have no petitioner left to match.
std::vector<std::int64_t> CasesOfPetitioner(Tx& tx, const std::optional<std::string>& phone,
                                            const std::optional<std::string>& email);

}  // namespace petitiond::store
