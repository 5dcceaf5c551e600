#include "engine/language.hpp"

#include <gtest/gtest.h>

namespace petitiond {
namespace {

TEST(Language, TagsAsClientsWriteThem) {
  EXPECT_EQ(ParseLanguage("en"), Language::kEn);
  EXPECT_EQ(ParseLanguage("EN-gb"), Language::kEn);
  EXPECT_EQ(ParseLanguage("zh-Hant-TW"), Language::kZhHantTw);
  EXPECT_EQ(ParseLanguage("zh-TW"), Language::kZhHantTw);
  EXPECT_EQ(ParseLanguage("zh"), Language::kZhHantTw);
  EXPECT_EQ(ParseLanguage("zh-Hans-CN"), std::nullopt) << "Simplified Chinese is not a language of the pages";
  EXPECT_EQ(ParseLanguage("zh-CN"), std::nullopt);
  EXPECT_EQ(ParseLanguage("fr"), std::nullopt);
  EXPECT_EQ(ParseLanguage(""), std::nullopt);
  EXPECT_EQ(LanguageTag(Language::kEn), "en");
  EXPECT_EQ(LanguageTag(Language::kZhHantTw), "zh-Hant-TW");
}

TEST(Language, AcceptLanguageByQualityThenOrder) {
  EXPECT_EQ(FromAcceptLanguage(""), Language::kZhHantTw);
  EXPECT_EQ(FromAcceptLanguage("en-US,en;q=0.9"), Language::kEn);
  EXPECT_EQ(FromAcceptLanguage("zh-TW,zh;q=0.9,en-US;q=0.8,en;q=0.7"), Language::kZhHantTw);
  EXPECT_EQ(FromAcceptLanguage("en;q=0.5, zh-TW;q=0.8"), Language::kZhHantTw);
  EXPECT_EQ(FromAcceptLanguage("fr-FR, en;q=0.3"), Language::kEn) << "the first language the pages have";
  EXPECT_EQ(FromAcceptLanguage("ja, fr"), Language::kZhHantTw);
  EXPECT_EQ(FromAcceptLanguage("en;q=0, zh-TW;q=0.1"), Language::kZhHantTw) << "q=0 means not acceptable";
  EXPECT_EQ(FromAcceptLanguage(";;,,q=,en"), Language::kEn);
}

TEST(Language, ALetterInEnglishIsEnglish) {
  EXPECT_EQ(LanguageOfText("Dear Director, my household registration transcript was refused."), Language::kEn);
  EXPECT_EQ(LanguageOfText("主任您好，請問戶籍謄本"), Language::kZhHantTw);
  EXPECT_EQ(LanguageOfText("Hello 主任，請問 transcript"), Language::kZhHantTw) << "mixed text is Chinese";
  EXPECT_EQ(LanguageOfText("0912-345-678"), Language::kZhHantTw);
  EXPECT_EQ(LanguageOfText(""), Language::kZhHantTw);
}

}  // namespace
}  // namespace petitiond
