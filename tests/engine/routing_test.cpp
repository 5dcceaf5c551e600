#include "engine/routing.hpp"

#include <gtest/gtest.h>

namespace petitiond {
namespace {

TEST(RoutingTest, FirstMatchingRuleWinsAndErrorsHavePositions) {
  auto routing = LoadRouting(
      "routes:\n"
      "  - match: { channel: hotline, keywords: [蘭嶼] }\n"
      "    to: { office: lanyu, priority: 1 }\n"
      "  - match: { channel: [hotline, mailbox] }\n"
      "    to: { workflow: hotline-1999 }\n",
      "routing.yaml", {"hotline-1999"});
  ASSERT_TRUE(routing.ok()) << routing.error().message;
  Intake in;
  in.channel = "hotline";
  in.place = "蘭嶼鄉";
  ASSERT_TRUE(routing->Find(in));
  EXPECT_EQ(routing->Find(in)->to.office, "lanyu");
  in.place = "台東市";
  EXPECT_EQ(routing->Find(in)->to.workflow, "hotline-1999");
  in.channel = "news";
  EXPECT_FALSE(routing->Find(in));

  auto bad = LoadRouting(
      "routes:\n"
      "  - match: { channel: fax }\n"
      "    to: { workflow: nope, priority: high, colour: red }\n",
      "routing.yaml", {"hotline-1999"});
  ASSERT_FALSE(bad.ok());
  std::string all;
  for (const auto& d : bad.error().details) all += d + "\n";
  EXPECT_NE(all.find("routing.yaml:2:23: unknown channel 'fax'"), std::string::npos) << all;
  EXPECT_NE(all.find("routing.yaml:3:21: workflow 'nope' is not deployed"), std::string::npos) << all;
  EXPECT_NE(all.find("priority must be a whole number"), std::string::npos) << all;
  EXPECT_NE(all.find("colour"), std::string::npos) << all;
}

}  // namespace
}  // namespace petitiond
