#include "api/json_io.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstdint>
#include <limits>
#include <string>

#include "engine/digest.hpp"

namespace petitiond {
namespace {
namespace json = boost::json;

// Every string byte that JSON must escape, and UTF-8 that it must not.
std::string AwkwardText() {
  std::string s = "引號\"、反斜線\\、斜線/ 與 emoji 🙂 ";
  for (int c = 0; c < 0x20; ++c) s += static_cast<char>(c);
  s += '\x7f';
  return s;
}

TEST(TidyJsonTest, WritesWhatBoostJsonWritesExceptForDoubles) {
  const json::value v = json::object{
      {"text", AwkwardText()},
      {AwkwardText(), json::array{1, -2, std::numeric_limits<std::int64_t>::min(),
                                  std::numeric_limits<std::uint64_t>::max(), true, false, nullptr}},
      {"nested", json::object{{"empty_object", json::object{}}, {"empty_array", json::array{}}, {"", ""}}},
  };
  EXPECT_EQ(api::TidyJson(v), json::serialize(v));
  EXPECT_EQ(json::parse(api::TidyJson(v)), v);
}

TEST(TidyJsonTest, WritesIntegralDoublesAsIntegersAndOthersShortest) {
  const json::value v = json::array{0.0, 3.0, -12.0, 0.85, 1e300, std::numeric_limits<double>::infinity()};
  EXPECT_EQ(api::TidyJson(v), "[0,3,-12,0.85,1e+300,null]");
}

TEST(ContentTagTest, IsBlake2bOf128Bits) {
  // BLAKE2b with a 16-byte output (RFC 7693), the published value for the empty input.
  EXPECT_EQ(ContentTagHex(""), "cae66941d9efbd404e4d88758ea67670");
  EXPECT_EQ(ContentTagHex("案件清單").size(), 32u);
  EXPECT_NE(ContentTagHex("案件清單"), ContentTagHex("案件清單 "));
}

}  // namespace
}  // namespace petitiond
