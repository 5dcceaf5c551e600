#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/machine.hpp"
#include "engine/store/case_store.hpp"
#include "engine/store/outbox_store.hpp"
#include "engine/store/user_store.hpp"
#include "engine/workflow.hpp"

namespace petitiond::runtime {

struct WebhookTarget {
  std::string url;
  std::string secret;  // HMAC-SHA256 key for X-Signature
};

class Sealer;

struct NotifyConfig {
  std::vector<WebhookTarget> webhooks;  // every notice is also posted to each of these
  // The reply notice to the petitioner carries a satisfaction survey link
  // (public_url + "/survey?no=...&token=..."), its token sealed in the outbox (0011).
  // No sealer: no survey link.
  std::string public_url;
  const Sealer* sealer = nullptr;
};

// Contacts already looked up in this transaction: a batch of escalations for one
// office asks the database for its supervisors once.
struct ContactCache {
  std::map<std::pair<std::string, std::string>, std::vector<store::Contact>> by_role;  // (role, office)
  std::map<std::string, std::optional<store::Contact>> by_login;
  // Petitioners of cases merged into each case, when the caller loaded them for a
  // whole batch (CaseService::FireBatch); otherwise asked case by case.
  std::optional<std::map<std::int64_t, std::vector<Petitioner>>> merged_petitioners;
};

// Turns an Outcome's notifications into outbox messages, in the caller's transaction:
// targets resolve to addresses (assignee and the case office's supervisors through
// their user contacts, directors of every office, the petitioner through the case),
// e-mail when an address is known, else SMS, else an "undeliverable" message that
// stays visible. `after` is the case as saved; `change` (its row_version) makes the
// idempotency keys unique per change.
// The satisfaction survey a reply offers (OfferSurvey): notice `notification` of the
// Outcome carries the sealed link to the petitioner.
struct SurveyOffer {
  std::size_t notification = 0;
  std::string sealed_link;
};

std::vector<store::OutboxMessage> PlanNotifications(store::Tx& tx, const Workflow& wf,
                                                    const store::CaseRecord& after, const Outcome& out,
                                                    const NotifyConfig& config, Timestamp now, ContactCache& cache,
                                                    const std::optional<SurveyOffer>& survey = std::nullopt);

// After a reply the petitioner may rate the handling (DOMAIN.md): when a notice of `out`
// tells the petitioner of an event that counts as a reply (`counts_as: reply`), the case
// gets its survey (one per case, its link valid 30 days, sealed like an access code)
// and that notice is to carry the link. nullopt otherwise, or without a sealer.
std::optional<SurveyOffer> OfferSurvey(store::Tx& tx, const Workflow& wf, const store::CaseRecord& after,
                                       const Outcome& out, const NotifyConfig& config, Timestamp now);

// A notice to one person: e-mail when they have an address, else SMS (subject and body
// together), else stored undeliverable with the reason (`who` names them), never
// dropped. The caller sets the idempotency key.
store::OutboxMessage AddressedNotice(std::int64_t case_id, const std::string& subject, const std::string& body,
                                     const std::optional<std::string>& email, const std::optional<std::string>& phone,
                                     const std::string& who, Timestamp now);

}  // namespace petitiond::runtime
