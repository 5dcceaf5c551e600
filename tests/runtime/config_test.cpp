#include "engine/runtime/config.hpp"

#include <gtest/gtest.h>

namespace petitiond {
namespace {

TEST(ConfigTest, ReadsEverySection) {
  auto c = runtime::LoadConfig(
      "smtp: { url: 'smtp://127.0.0.1:2525', from: 'petitiond@hr.example.gov.tw' }\n"
      "sms: { url: 'http://127.0.0.1:9000/sms' }\n"
      "webhooks:\n  - { url: 'http://127.0.0.1:9001/hook', secret: s3cret }\n"
      "dispatcher: { max_attempts: 5, first_retry: 10s, max_retry: 15 minutes }\n",
      "petitiond.yaml");
  ASSERT_TRUE(c.ok()) << c.error().details.front();
  EXPECT_EQ(c->smtp.url, "smtp://127.0.0.1:2525");
  EXPECT_EQ(c->sms.url, "http://127.0.0.1:9000/sms");
  ASSERT_EQ(c->notify.webhooks.size(), 1u);
  EXPECT_EQ(c->notify.webhooks[0].secret, "s3cret");
  EXPECT_EQ(c->max_attempts, 5);
  EXPECT_EQ(c->first_retry, std::chrono::seconds(10));
  EXPECT_EQ(c->max_retry, std::chrono::seconds(900));
}

TEST(ConfigTest, ReportsEveryProblemWithItsPosition) {
  auto c = runtime::LoadConfig(
      "smtp: { url: 'http://mail', from: a@b }\n"
      "smss: {}\n"
      "dispatcher: { first_retry: soon }\n",
      "bad.yaml");
  ASSERT_FALSE(c.ok());
  std::string all;
  for (const auto& d : c.error().details) all += d + "\n";
  EXPECT_NE(all.find("bad.yaml:1:14: smtp.url must start with smtp://"), std::string::npos) << all;
  EXPECT_NE(all.find("bad.yaml:2:1: unknown key 'smss'"), std::string::npos) << all;
  EXPECT_NE(all.find("bad.yaml:3:28: 'soon' is not an interval"), std::string::npos) << all;
}

TEST(ConfigTest, ParsesIntervals) {
  EXPECT_EQ(runtime::ParseInterval("30s").value(), std::chrono::seconds(30));
  EXPECT_EQ(runtime::ParseInterval("15 minutes").value(), std::chrono::seconds(900));
  EXPECT_EQ(runtime::ParseInterval("1 hour").value(), std::chrono::seconds(3600));
  EXPECT_FALSE(runtime::ParseInterval("0s").ok());
  EXPECT_FALSE(runtime::ParseInterval("fortnight").ok());
}

}  // namespace
}  // namespace petitiond
