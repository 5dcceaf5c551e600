#include "engine/status.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace petitiond {
namespace {

template <typename E, std::size_t N>
using Words = std::array<std::pair<E, std::string_view>, N>;

constexpr Words<IntakeStatus, 6> kIntake{{{IntakeStatus::kPending, "pending"},
                                          {IntakeStatus::kAccepted, "accepted"},
                                          {IntakeStatus::kDuplicate, "duplicate"},
                                          {IntakeStatus::kMerged, "merged"},
                                          {IntakeStatus::kRegisteredOnly, "registered_only"},
                                          {IntakeStatus::kRejected, "rejected"}}};
constexpr Words<OutboxStatus, 4> kOutbox{{{OutboxStatus::kPending, "pending"},
                                          {OutboxStatus::kSent, "sent"},
                                          {OutboxStatus::kDead, "dead"},
                                          {OutboxStatus::kUndeliverable, "undeliverable"}}};
constexpr Words<OutboxChannel, 3> kChannel{
    {{OutboxChannel::kEmail, "email"}, {OutboxChannel::kSms, "sms"}, {OutboxChannel::kWebhook, "webhook"}}};
constexpr Words<CaseOutcome, 5> kOutcome{{{CaseOutcome::kAnswered, "answered"},
                                          {CaseOutcome::kTransferred, "transferred"},
                                          {CaseOutcome::kMerged, "merged"},
                                          {CaseOutcome::kRegisteredOnly, "registered_only"},
                                          {CaseOutcome::kWithdrawn, "withdrawn"}}};
constexpr Words<EventMeaning, 2> kMeaning{
    {{EventMeaning::kReply, "reply"}, {EventMeaning::kExtensionGranted, "extension_granted"}}};
constexpr Words<Origin, 7> kOrigin{{{Origin::kStaff, "staff"},
                                    {Origin::kWebhook, "webhook"},
                                    {Origin::kCsv, "csv"},
                                    {Origin::kMail, "mail"},
                                    {Origin::kForm, "form"},
                                    {Origin::kFeed, "feed"},
                                    {Origin::kOpen311, "open311"}}};

template <typename E, std::size_t N>
std::string_view NameIn(const Words<E, N>& words, E e) {
  for (const auto& [v, w] : words) {
    if (v == e) return w;
  }
  return "?";  // unreachable: every enumerator is in its table (tests/engine/status_test.cpp)
}

template <typename E, std::size_t N>
std::optional<E> ParseIn(const Words<E, N>& words, std::string_view word) {
  for (const auto& [v, w] : words) {
    if (w == word) return v;
  }
  return std::nullopt;
}

template <typename E, std::size_t N>
std::vector<std::string> NamesIn(const Words<E, N>& words) {
  std::vector<std::string> out;
  for (const auto& [v, w] : words) out.emplace_back(w);
  return out;
}

}  // namespace

std::string_view Name(IntakeStatus s) { return NameIn(kIntake, s); }
std::string_view Name(OutboxStatus s) { return NameIn(kOutbox, s); }
std::string_view Name(OutboxChannel c) { return NameIn(kChannel, c); }
std::string_view Name(CaseOutcome o) { return NameIn(kOutcome, o); }
std::string_view Name(EventMeaning m) { return NameIn(kMeaning, m); }
std::string_view Name(Origin o) { return NameIn(kOrigin, o); }

std::optional<IntakeStatus> ParseIntakeStatus(std::string_view word) { return ParseIn(kIntake, word); }
std::optional<OutboxStatus> ParseOutboxStatus(std::string_view word) { return ParseIn(kOutbox, word); }
std::optional<OutboxChannel> ParseOutboxChannel(std::string_view word) { return ParseIn(kChannel, word); }
std::optional<CaseOutcome> ParseCaseOutcome(std::string_view word) { return ParseIn(kOutcome, word); }
std::optional<EventMeaning> ParseEventMeaning(std::string_view word) { return ParseIn(kMeaning, word); }
std::optional<Origin> ParseOrigin(std::string_view word) { return ParseIn(kOrigin, word); }

const std::vector<std::string>& KnownRoles() {
  static const std::vector<std::string> roles = {"admin", "intake", "handler", "supervisor", "director", "privacy_officer"};
  return roles;
}

const std::vector<std::string>& KnownChannels() {
  static const std::vector<std::string> channels = {"hotline", "mailbox", "news", "counter"};
  return channels;
}

bool IsKnown(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::vector<std::string> IntakeStatusNames() { return NamesIn(kIntake); }
std::vector<std::string> OutboxStatusNames() { return NamesIn(kOutbox); }
std::vector<std::string> CaseOutcomeNames() { return NamesIn(kOutcome); }
std::vector<std::string> EventMeaningNames() { return NamesIn(kMeaning); }
std::vector<std::string> OriginNames() { return NamesIn(kOrigin); }

}  // namespace petitiond
