#pragma once

#include "engine/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/status.hpp"
#include "engine/time.hpp"

namespace petitiond::store {

struct OutboxMessage {
  std::int64_t id = 0;
  std::optional<std::int64_t> case_id;
  OutboxChannel channel = OutboxChannel::kEmail;
  std::string recipient;  // address, phone number or URL
  std::string subject;
  std::string body;
  std::string idempotency_key;
  OutboxStatus status = OutboxStatus::kPending;
  int attempts = 0;
  std::optional<std::string> last_error;
  Timestamp created_at{};
  std::optional<Timestamp> sent_at;
  Timestamp next_attempt_at{};  // when first due: the time of the event that caused it
  // Secrets for {{name}} variables of subject and body (a JSON object, sealed by
  // runtime::Sealer), filled in at send time; cleared once sent or dead. Empty: none.
  std::string sealed;
  // Files of the case an e-mail carries (case_attachments ids), read at send time.
  std::vector<std::int64_t> attachment_ids;
};

// In the caller's transaction. A message with status kUndeliverable (no address
// known) is stored too, so nothing is lost and supervisors can see it.
void InsertOutbox(Tx& tx, const std::vector<OutboxMessage>& messages);
// Wakes dispatchers (delivered on commit).
void NotifyOutbox(Tx& tx);

// Claims up to `limit` pending messages due by `now` with a lease; commits on its own.
std::vector<OutboxMessage> ClaimOutbox(Tx& tx, const std::string& node, Timestamp now, int limit,
                                       int lease_seconds);
// Both return false if this node no longer holds the claim (its lease expired and
// another node took the message over).
bool MarkSent(Tx& tx, std::int64_t id, const std::string& node, Timestamp now);
// Schedules a retry at `retry_at`, or dead-letters the message when retry_at is empty.
bool MarkFailed(Tx& tx, std::int64_t id, const std::string& node, const std::string& error,
                std::optional<Timestamp> retry_at);

// Renews this node's lease on `ids` for `lease_seconds` from now; returns the ids it
// still held (a message another node took over is not among them).
std::vector<std::int64_t> RenewClaim(Tx& tx, const std::vector<std::int64_t>& ids, const std::string& node,
                                     int lease_seconds);

std::optional<Timestamp> NextOutboxDue(Tx& tx);

// Newest first. `statuses` empty = all. With `office`, only messages about that
// office's cases (messages with no case, e.g. a form's confirmation, are left out).
std::vector<OutboxMessage> ListOutbox(Tx& tx, const std::vector<OutboxStatus>& statuses,
                                      const std::optional<std::string>& office, std::optional<std::int64_t> before_id,
                                      int limit);

}  // namespace petitiond::store
