// CaseService: who else has a case page open (case_presence), so staff learn of each
// other before a stale save rather than from its 412.
#include "engine/runtime/services/case_service.hpp"

#include "engine/runtime/security/policy.hpp"
#include "engine/store/database.hpp"
#include "engine/store/presence_store.hpp"

namespace petitiond::runtime {

Presence CaseService::Touch(const Actor& actor, std::int64_t id) {
  Presence p;
  db_.Run([&](store::Tx& tx) {
    const auto stamp = store::LoadCaseStamp(tx, id);
    if (!stamp || !InScope(actor, stamp->office)) {
      throw DomainError(ErrorKind::kNotFound, "case " + std::to_string(id) + " does not exist");
    }
    p.version = stamp->row_version;
    p.others = store::TouchPresence(tx, id, actor.login, clock_.Now(), kPresenceFresh);
  });
  return p;
}

void CaseService::Leave(const Actor& actor, std::int64_t id) {
  db_.Run([&](store::Tx& tx) {
    const auto stamp = store::LoadCaseStamp(tx, id);
    if (!stamp || !InScope(actor, stamp->office)) {
      throw DomainError(ErrorKind::kNotFound, "case " + std::to_string(id) + " does not exist");
    }
    store::LeavePresence(tx, id, actor.login);
  });
}

}  // namespace petitiond::runtime
