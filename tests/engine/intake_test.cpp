#include "engine/intake.hpp"

#include <gtest/gtest.h>

namespace petitiond {
namespace {

TEST(IntakeRulesTest, RegistersOnlyWithoutContentOrIdentity) {
  Intake in;
  in.channel = "hotline";
  in.subject = "。。";
  EXPECT_EQ(RegisteredOnlyReason(in), "no concrete content (無具體內容)");
  in.body = "門牌錯誤";
  EXPECT_EQ(RegisteredOnlyReason(in), "no name and no contact details (無具名且無聯絡方式)");
  in.petitioner.phone = "0911000111";
  EXPECT_FALSE(RegisteredOnlyReason(in));
  Intake news;
  news.channel = "news";
  news.subject = "報導";
  EXPECT_FALSE(RegisteredOnlyReason(news)) << "news has no petitioner";
}

}  // namespace
}  // namespace petitiond
