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
// What a finished case came to (cases.outcome): the `outcome:` a workflow's final state
// declares. Statistics, Open311 and /track read these, never state names.
enum class CaseOutcome { kAnswered, kTransferred, kMerged, kRegisteredOnly, kWithdrawn };
inline constexpr CaseOutcome kCaseOutcomes[] = {CaseOutcome::kAnswered, CaseOutcome::kTransferred,
                                                CaseOutcome::kMerged, CaseOutcome::kRegisteredOnly,
                                                CaseOutcome::kWithdrawn};
// What an event counts as (case_events.counts_as): a workflow event's `counts_as:`, or
// a built-in event's meaning.
enum class EventMeaning { kReply, kExtensionGranted };
// Which door a case came in by (cases.origin): staff intake, the 1999 platform's
// webhook, a CSV batch, a mail in the Maildir, the mailbox web form, a news feed, an
// Open311 client. Statistics group by it, never by the free-text intake source.
enum class Origin { kStaff, kWebhook, kCsv, kMail, kForm, kFeed, kOpen311 };

std::string_view Name(IntakeStatus s);
std::string_view Name(OutboxStatus s);
std::string_view Name(OutboxChannel c);
std::string_view Name(CaseOutcome o);
std::string_view Name(EventMeaning m);
std::string_view Name(Origin o);

std::optional<IntakeStatus> ParseIntakeStatus(std::string_view word);
std::optional<OutboxStatus> ParseOutboxStatus(std::string_view word);
std::optional<OutboxChannel> ParseOutboxChannel(std::string_view word);
std::optional<CaseOutcome> ParseCaseOutcome(std::string_view word);
std::optional<EventMeaning> ParseEventMeaning(std::string_view word);
std::optional<Origin> ParseOrigin(std::string_view word);

// The roles staff can hold and the channels cases arrive by: the one list every room
// validates against (the schema's CHECK on cases.channel says the same).
const std::vector<std::string>& KnownRoles();
const std::vector<std::string>& KnownChannels();
bool IsKnown(const std::vector<std::string>& names, std::string_view name);

// Every word of the set, in declaration order (for schemas and error messages).
std::vector<std::string> IntakeStatusNames();
std::vector<std::string> OutboxStatusNames();
std::vector<std::string> CaseOutcomeNames();
std::vector<std::string> EventMeaningNames();
std::vector<std::string> OriginNames();

}  // namespace petitiond
