#include "engine/runtime/security/privacy.hpp"

#include "engine/runtime/security/policy.hpp"
#include "engine/store/case_store.hpp"

namespace petitiond::runtime {

std::set<std::int64_t> CasesToRedact(store::Tx& tx, const Actor& actor, const std::vector<std::int64_t>& case_ids,
                                     const std::string& route, Timestamp now) {
  auto confidential = store::ConfidentialAmong(tx, case_ids);
  if (confidential.empty() || !SeesIdentity(actor)) return confidential;
  store::InsertAccessLog(tx, {confidential.begin(), confidential.end()}, actor.login, route, "read", std::nullopt, now);
  return {};
}

}  // namespace petitiond::runtime
