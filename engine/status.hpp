#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace petitiond {

// The closed sets of words the database and the API share. Each enum has Name() (the
// word stored in the database and shown in JSON) and Parse*() (nullopt for any other
// word), so a typo is a compile error in C++ and a clear 400 at the boundary.

// What became of one input (intake_raw.status).
enum class IntakeStatus { kPending, kAccepted, kDuplicate, kMerged, kRegisteredOnly, kRejected };
// Where an outbox message stands (outbox.status).
enum class OutboxStatus { kPending, kSent, kDead, kUndeliverable };
// How an outbox message travels (outbox.channel).
enum class OutboxChannel { kEmail, kSms, kWebhook };

std::string_view Name(IntakeStatus s);
std::string_view Name(OutboxStatus s);
std::string_view Name(OutboxChannel c);

std::optional<IntakeStatus> ParseIntakeStatus(std::string_view word);
std::optional<OutboxStatus> ParseOutboxStatus(std::string_view word);
std::optional<OutboxChannel> ParseOutboxChannel(std::string_view word);

// Every word of the set, in declaration order (for schemas and error messages).
std::vector<std::string> IntakeStatusNames();
std::vector<std::string> OutboxStatusNames();

}  // namespace petitiond
