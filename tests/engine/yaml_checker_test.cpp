#include "engine/yaml_checker.hpp"

#include <gtest/gtest.h>

namespace petitiond {
namespace {

// Loads `text` and hands its root to `read`; returns every reported sentence.
template <typename Read>
std::vector<std::string> Problems(const std::string& text, Read read) {
  YamlChecker check("t.yaml");
  auto root = check.Parse(text);
  if (root) read(check, *root);
  if (check.ok()) return {};
  return check.Failure("x").details;
}

TEST(YamlChecker, ReadsEachKindOfValueAndPointsAtMistakes) {
  int attempts = 0;
  bool on = false;
  std::vector<std::string> names, words;
  std::optional<Duration> within;
  std::optional<std::chrono::seconds> every;
  auto problems = Problems(
      "n: 3\nb: true\nnames: [a, b]\nwords: [戶政, 蘭嶼]\nwithin: 6 workdays\nevery: 15 minutes\n",
      [&](YamlChecker& c, const YAML::Node& r) {
        attempts = c.Int(r["n"], "n", 1);
        on = c.Bool(r["b"], "b");
        names = c.Names(r["names"], "names");
        words = c.Words(r["words"], "words");
        within = c.DurationOf(r["within"], "within");
        every = c.Interval(r["every"], "every");
      });
  EXPECT_TRUE(problems.empty());
  EXPECT_EQ(attempts, 3);
  EXPECT_TRUE(on);
  EXPECT_EQ(names, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(words, (std::vector<std::string>{"戶政", "蘭嶼"}));
  EXPECT_EQ(within, (Duration{Duration::Unit::kWorkdays, 6}));
  EXPECT_EQ(every, std::chrono::seconds(900));

  problems = Problems("n: 0\nb: yes please\nwords: 戶政\nwithin: 6 weekdays\nevery: 2 workdays\n",
                      [](YamlChecker& c, const YAML::Node& r) {
                        EXPECT_EQ(c.Int(r["n"], "n", 1), 1);
                        c.Bool(r["b"], "b");
                        c.Words(r["words"], "words");
                        EXPECT_FALSE(c.DurationOf(r["within"], "within"));
                        EXPECT_FALSE(c.Interval(r["every"], "every"));
                      });
  ASSERT_EQ(problems.size(), 5u);
  EXPECT_EQ(problems[0], "t.yaml:1:4: n must be a whole number of at least 1");
  EXPECT_EQ(problems[1], "t.yaml:2:4: b must be true or false");
  EXPECT_EQ(problems[2], "t.yaml:3:8: words must be a list such as [戶政, 蘭嶼]");
  EXPECT_NE(problems[3].find("t.yaml:4:9: '6 weekdays' is not a duration"), std::string::npos) << problems[3];
  EXPECT_NE(problems[4].find("t.yaml:5:8: '2 workdays': an interval is elapsed time"), std::string::npos)
      << problems[4];
}

TEST(YamlChecker, ReportsEachUnknownNameAtItsOwnPosition) {
  auto problems = Problems("channel: [hotline, fax, news, pigeon]\n", [](YamlChecker& c, const YAML::Node& r) {
    EXPECT_EQ(c.Channels(r["channel"], "channel").size(), 4u);
  });
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].rfind("t.yaml:1:20: unknown channel 'fax'", 0), 0u) << problems[0];
  EXPECT_EQ(problems[1].rfind("t.yaml:1:31: unknown channel 'pigeon'", 0), 0u) << problems[1];
}

TEST(YamlChecker, NamesUnknownKeysAndMissingOnes) {
  auto problems = Problems("url: x\nsecert: y\n", [](YamlChecker& c, const YAML::Node& r) {
    c.CheckKeys(r, {"url", "secret"}, "a webhook");
    EXPECT_EQ(c.RequiredString(r, "secret"), "");
  });
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0], "t.yaml:1:1: missing required key 'secret'");
  EXPECT_EQ(problems[1], "t.yaml:2:1: unknown key 'secert' in a webhook; allowed keys are url, secret");
}

}  // namespace
}  // namespace petitiond
