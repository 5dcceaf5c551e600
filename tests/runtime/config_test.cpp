#include "app/config.hpp"

#include <gtest/gtest.h>

namespace petitiond {
namespace {

TEST(ConfigTest, ReadsEverySection) {
  auto c = app::LoadConfig(
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

// The HTTP server's limits and the digest's hour are config keys with today's defaults.
TEST(ConfigTest, ReadsTheServerLimitsAndTheDigestHour) {
  auto defaults = app::LoadConfig("{}\n", "empty.yaml");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->server.workers, 4);
  EXPECT_EQ(defaults->server.max_connections, 1024);
  EXPECT_EQ(defaults->server.max_body, 1u << 20);
  EXPECT_EQ(defaults->server.header_timeout, std::chrono::seconds(10));
  EXPECT_EQ(defaults->server.request_timeout, std::chrono::seconds(30));
  EXPECT_EQ(defaults->digest_at, std::chrono::minutes(8 * 60));
  auto c = app::LoadConfig(
      "server: { workers: 8, io_threads: 3, max_pending: 100, max_connections: 200, max_body: 2097152,\n"
      "          header_timeout: 5s, request_timeout: 1 minute }\n"
      "digest: { at: \"07:30\" }\n",
      "petitiond.yaml");
  ASSERT_TRUE(c.ok()) << c.error().details.front();
  EXPECT_EQ(c->server.workers, 8);
  EXPECT_EQ(c->server.io_threads, 3);
  EXPECT_EQ(c->server.max_pending, 100);
  EXPECT_EQ(c->server.max_connections, 200);
  EXPECT_EQ(c->server.max_body, 2097152u);
  EXPECT_EQ(c->server.header_timeout, std::chrono::seconds(5));
  EXPECT_EQ(c->server.request_timeout, std::chrono::seconds(60));
  EXPECT_EQ(c->digest_at, std::chrono::minutes(7 * 60 + 30));
  auto bad = app::LoadConfig("server: { workers: 0, colour: red }\ndigest: { at: \"25:00\" }\n", "bad.yaml");
  ASSERT_FALSE(bad.ok());
  std::string all;
  for (const auto& d : bad.error().details) all += d + "\n";
  EXPECT_NE(all.find("bad.yaml:1:"), std::string::npos) << all;
  EXPECT_NE(all.find("colour"), std::string::npos) << all;
  EXPECT_NE(all.find("bad.yaml:2:"), std::string::npos) << all;
  EXPECT_NE(all.find("digest.at"), std::string::npos) << all;
}

TEST(ConfigTest, ReportsEveryProblemWithItsPosition) {
  auto c = app::LoadConfig(
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

TEST(ConfigTest, ReadsTheChannelSections) {
  auto c = app::LoadConfig(
      "hotline: { secret: s3cret }\n"
      "mailbox: { maildir: /var/mail/director, confirm_days: 5 }\n"
      "news:\n"
      "  feeds:\n"
      "    - { url: 'https://news.example.tw/rss', office: lanyu, keywords: [戶政, 蘭嶼], exclude: [體育],"
      " interval: 15 minutes }\n"
      "intake: { duplicate_window: 14 days, news_story_window: 12 hours }\n",
      "petitiond.yaml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->hotline.secret, "s3cret");
  EXPECT_EQ(c->mailbox.maildir, "/var/mail/director");
  EXPECT_EQ(c->mailbox.confirm_days, 5);
  ASSERT_EQ(c->news_feeds.size(), 1u);
  EXPECT_EQ(c->news_feeds[0].office, "lanyu");
  EXPECT_EQ(c->news_feeds[0].keywords, (std::vector<std::string>{"戶政", "蘭嶼"}));
  EXPECT_EQ(c->news_feeds[0].exclude, (std::vector<std::string>{"體育"}));
  EXPECT_EQ(c->news_feeds[0].interval, std::chrono::minutes(15));
  EXPECT_EQ(c->duplicate_window, std::chrono::hours(14 * 24));
  EXPECT_EQ(c->news_story_window, std::chrono::hours(12));

  auto bad = app::LoadConfig(
      "mailbox: { confirm_days: never }\n"
      "news: { feeds: [ { url: 'ftp://x', office: main, interval: soon } ] }\n",
      "petitiond.yaml");
  ASSERT_FALSE(bad.ok());
  std::string all;
  for (const auto& d : bad.error().details) all += d + "\n";
  EXPECT_NE(all.find("petitiond.yaml:1:26: confirm_days must be a whole number"), std::string::npos) << all;
  EXPECT_NE(all.find("feed url must start with http"), std::string::npos) << all;
  EXPECT_NE(all.find("needs keywords"), std::string::npos) << all;
  EXPECT_NE(all.find("'soon' is not an interval"), std::string::npos) << all;
}


}  // namespace
}  // namespace petitiond
