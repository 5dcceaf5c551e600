#include "engine/status.hpp"

#include <gtest/gtest.h>

namespace petitiond {
namespace {

// Every enumerator has its own word and the word reads back as the same enumerator:
// the database's CHECK constraints (migrations 0002, 0005) hold exactly these words.
TEST(Status, IntakeWordsRoundTrip) {
  const std::vector<std::string> words = IntakeStatusNames();
  EXPECT_EQ(words, (std::vector<std::string>{"pending", "accepted", "duplicate", "merged", "registered_only",
                                             "rejected"}));
  for (const auto& w : words) {
    auto s = ParseIntakeStatus(w);
    ASSERT_TRUE(s) << w;
    EXPECT_EQ(Name(*s), w);
  }
  EXPECT_FALSE(ParseIntakeStatus("Accepted"));
  EXPECT_FALSE(ParseIntakeStatus(""));
}

TEST(Status, OutboxWordsRoundTrip) {
  EXPECT_EQ(OutboxStatusNames(), (std::vector<std::string>{"pending", "sent", "dead", "undeliverable"}));
  for (const auto& w : OutboxStatusNames()) EXPECT_EQ(Name(*ParseOutboxStatus(w)), w);
  EXPECT_FALSE(ParseOutboxStatus("failed"));  // a filter word of the API, not a status
  for (auto c : {OutboxChannel::kEmail, OutboxChannel::kSms, OutboxChannel::kWebhook}) {
    EXPECT_EQ(ParseOutboxChannel(Name(c)), c);
  }
  EXPECT_FALSE(ParseOutboxChannel("fax"));
}

}  // namespace
}  // namespace petitiond
