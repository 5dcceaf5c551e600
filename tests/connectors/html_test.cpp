#include "connectors/html.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace petitiond::connectors {
namespace {

TEST(HtmlToText, KeepsWhatAReaderSees) {
  EXPECT_EQ(HtmlToText("<html><head><title>t</title><style>p{color:red}</style></head><body>"
                       "<p>戶籍謄本&amp;印鑑證明</p><div>申請人：<b>王小明</b></div>"
                       "<script>alert(1)</script><ul><li>一</li><li>二</li></ul>尾&nbsp;聲</body></html>"),
            "戶籍謄本&印鑑證明\n申請人：王小明\n一\n二\n尾\u00a0聲");
  EXPECT_EQ(HtmlToText("a<br>b<br/>c"), "a\nb\nc");
  EXPECT_EQ(HtmlToText("  many   spaces\n\n and lines  "), "many spaces and lines");
  EXPECT_EQ(HtmlToText(""), "");
  EXPECT_EQ(HtmlToText("&lt;script&gt; is text"), "<script> is text");
}

// The hand-written scanner this replaced restarted at byte 0 on an unterminated
// closing tag and spun forever (mail and feed descriptions alike).
TEST(HtmlToText, EndsOnBrokenMarkup) {
  EXPECT_EQ(HtmlToText("陳情內容<script></script"), "陳情內容");
  EXPECT_EQ(HtmlToText("前<style>x</style"), "前");
  EXPECT_EQ(HtmlToText("<p>未關閉的 <b>標籤"), "未關閉的 標籤");
  EXPECT_EQ(HtmlToText("<"), "<");
  EXPECT_EQ(HtmlToText("a < b > c"), "a < b > c");
}

TEST(HtmlToText, DeepNestingNeitherOverflowsNorSlowsDown) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<div>";
  deep += "底";
  EXPECT_EQ(HtmlToText(deep), "底");
  std::string formatting;
  for (int i = 0; i < 20000; ++i) formatting += "<b><i>字";
  // Past the depth bound the tags are dropped (each as a space) and the text kept.
  EXPECT_EQ(HtmlToText(formatting).size(), 20000u * 3 + 19999);
  std::string paragraphs;
  for (int i = 0; i < 5000; ++i) paragraphs += "<p>段";
  EXPECT_EQ(HtmlToText(paragraphs).size(), 5000u * 4 - 1) << "implicitly closed <p>s keep their line breaks";
}

}  // namespace
}  // namespace petitiond::connectors
