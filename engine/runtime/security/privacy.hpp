#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "engine/machine.hpp"
#include "engine/store/database.hpp"
#include "engine/time.hpp"

namespace petitiond::runtime {

// For rows that mention cases (outbox messages, intake rows) about to be shown to
// `actor`: the confidential cases among `case_ids` whose rows must be redacted. A
// caller who sees identities (policy.hpp) gets nothing to redact, and a read of each
// of those cases is logged under `route` first; anyone else gets all of them.
std::set<std::int64_t> CasesToRedact(store::Tx& tx, const Actor& actor, const std::vector<std::int64_t>& case_ids,
                                     const std::string& route, Timestamp now);

}  // namespace petitiond::runtime
