#include "engine/contact.hpp"

#include <gtest/gtest.h>

namespace petitiond {
namespace {

TEST(Contact, AcceptsOrdinaryAddresses) {
  for (const char* ok : {"lin@example.tw", "a.b+tag@hr.taitung.gov.tw", "o'neil@mail.example.com",
                         "陳@例子.台灣", "x@xn--kpry57d.tw"}) {
    EXPECT_FALSE(EmailProblem(ok)) << ok << ": " << *EmailProblem(ok);
  }
}

// Reproduction: the public form's e-mail reached the To: header and the SMTP
// envelope with CR/LF in it, so the office's server mailed attacker text anywhere.
TEST(Contact, RefusesAnythingThatCouldBreakAHeaderOrEnvelope) {
  for (const char* bad : {"lin@example.tw\r\nBcc: victim@example.com", "lin@example.tw\n", "lin@exa\tmple.tw",
                          "Lin <lin@example.tw>", "a,b@example.tw", "a b@example.tw", "\"a\"@example.tw",
                          "lin@example.tw>, <x@evil.example", "@example.tw", "lin@", "lin", "lin@localhost",
                          "a..b@example.tw", ".a@example.tw", "a@-x.tw", "a@x..tw", "lin@example.tw\x7f", ""}) {
    EXPECT_TRUE(EmailProblem(bad)) << "accepted: " << bad;
  }
  EXPECT_TRUE(EmailProblem(std::string(65, 'a') + "@example.tw"));
  EXPECT_TRUE(EmailProblem("a@" + std::string(250, 'b') + ".tw"));
}

TEST(Contact, PhoneNumbers) {
  for (const char* ok : {"0911000111", "0911-000-111", "(089)123456", "+886 912 345 678", "089-322222#12"}) {
    EXPECT_FALSE(PhoneProblem(ok)) << ok;
  }
  for (const std::string bad : {"0911\r\n000", "12345", "call me", "+886+912345678", "123456789012345678901"}) {
    EXPECT_TRUE(PhoneProblem(bad)) << "accepted: " << bad;
  }
}

}  // namespace
}  // namespace petitiond

namespace petitiond {
namespace {

TEST(ContactTest, APhoneNumberHasOneNormalForm) {
  EXPECT_EQ(NormalPhone("0912-345-678"), "0912345678");
  EXPECT_EQ(NormalPhone("0912345678"), "0912345678");
  EXPECT_EQ(NormalPhone("+886 912 345 678"), "0912345678");
  EXPECT_EQ(NormalPhone("(089) 322-111#12"), "089322111#12");
  EXPECT_EQ(NormalPhone("+1 415 555 0100"), "+14155550100") << "only Taiwan's prefix becomes 0";
}

}  // namespace
}  // namespace petitiond
