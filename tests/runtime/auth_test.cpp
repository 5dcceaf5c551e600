#include "engine/runtime/security/auth.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>

namespace petitiond::runtime {
namespace {

const std::string kKey(32, 'k');

TEST(AccessCodesTest, AKeyedHashVerifiesTheCodeAndNothingElse) {
  const AccessCodes codes(kKey);
  const std::string code = codes.New();
  EXPECT_EQ(code.size(), 10u);
  const std::string stored = codes.Hash(code);
  EXPECT_EQ(stored.rfind("hmac-sha256$", 0), 0u) << stored;
  EXPECT_EQ(stored.find(code), std::string::npos) << "the code itself is never stored";
  EXPECT_TRUE(codes.Verify(stored, code));
  EXPECT_FALSE(codes.Verify(stored, code.substr(0, 9) + (code[9] == 'A' ? "B" : "A")));
  EXPECT_FALSE(AccessCodes(std::string(32, 'x')).Verify(stored, code)) << "another server key";
  EXPECT_FALSE(AccessCodes().Verify(stored, code)) << "no key configured now";
}

TEST(AccessCodesTest, CodesHashedBeforeAKeyExistedKeepWorking) {
  const std::string old = AccessCodes().Hash("ABCDE23456");
  EXPECT_EQ(old.rfind("$argon2id$", 0), 0u) << old;
  EXPECT_TRUE(AccessCodes(kKey).Verify(old, "ABCDE23456"));
  EXPECT_FALSE(AccessCodes(kKey).Verify(old, "ABCDE23457"));
}

TEST(AccessCodesTest, CodesAvoidLookAlikeCharacters) {
  const AccessCodes codes(kKey);
  for (int i = 0; i < 200; ++i) {
    for (char c : codes.New()) EXPECT_EQ(std::string("01ILO").find(c), std::string::npos) << c;
  }
}

TEST(AccessCodesTest, AKeyedHashCostsMicroseconds) {
  // Not a timing test of the machine: argon2id costs milliseconds, HMAC microseconds;
  // 2,000 keyed hashes finishing inside a second would be impossible with argon2id.
  const AccessCodes codes(kKey);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 2000; ++i) codes.Hash("ABCDE23456");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

TEST(AccessCodesTest, AShortOrMissingKeyFileIsRefusedWithItsName) {
  const std::string path = ::testing::TempDir() + "/short.key";
  std::ofstream(path) << "too short";
  auto r = AccessCodes::FromKeyFile(path);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find(path), std::string::npos);
  EXPECT_FALSE(AccessCodes::FromKeyFile(path + ".missing").ok());
  std::ofstream(path) << kKey << "\n";
  EXPECT_TRUE(AccessCodes::FromKeyFile(path).ok());
  // 31 random bytes and a final 0x0a are a 32-byte key, not a 31-byte one.
  std::ofstream(path, std::ios::binary) << std::string(31, 'r') << '\n';
  EXPECT_TRUE(AccessCodes::FromKeyFile(path).ok()) << "a key ending in a newline byte must not shrink";
  std::remove(path.c_str());
}

}  // namespace
}  // namespace petitiond::runtime
