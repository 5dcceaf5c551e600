// The channel connectors against inputs other tools produced (tests/connectors/data,
// written by Python's email package) and against malformed ones.
#include <gtest/gtest.h>

#include <tuple>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "connectors/hotline/hotline.hpp"
#include "connectors/mailbox/mailbox.hpp"
#include "connectors/news/news.hpp"
#include "engine/digest.hpp"

namespace petitiond {
namespace {

std::string Fixture(const std::string& name, bool may_be_empty = false) {
  std::ifstream f(std::string(PETITIOND_SOURCE_DIR) + "/tests/connectors/data/" + name, std::ios::binary);
  EXPECT_TRUE(f) << name;
  std::ostringstream s;
  s << f.rdbuf();
  if (!may_be_empty) {
    EXPECT_FALSE(s.str().empty()) << name;
  }
  return s.str();
}

const Timestamp kNow = *ParseTimestamp("2026-03-02T10:00:00+08:00");
const std::string kTs = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(kNow.time_since_epoch()).count());

TEST(HotlineTest, AcceptsOnlyTheRightSignatureWithinFiveMinutes) {
  using connectors::hotline::VerifySignature;
  const std::string body = R"({"case_id":"A1"})";
  EXPECT_FALSE(VerifySignature("s3cret", kTs, WebhookSignature("s3cret", kTs, body), body, kNow));
  EXPECT_TRUE(VerifySignature("s3cret", kTs, WebhookSignature("other", kTs, body), body, kNow));
  EXPECT_TRUE(VerifySignature("s3cret", kTs, WebhookSignature("s3cret", kTs, body), body + " ", kNow));
  EXPECT_TRUE(VerifySignature("s3cret", kTs, "sha256=00", body, kNow));
  const std::string old = std::to_string(std::stoll(kTs) - 301);
  EXPECT_TRUE(VerifySignature("s3cret", old, WebhookSignature("s3cret", old, body), body, kNow));
  const std::string fine = std::to_string(std::stoll(kTs) - 299);
  EXPECT_FALSE(VerifySignature("s3cret", fine, WebhookSignature("s3cret", fine, body), body, kNow));
  EXPECT_TRUE(VerifySignature("", kTs, WebhookSignature("", kTs, body), body, kNow)) << "no secret configured must refuse";
}

TEST(HotlineTest, ParsesTheDispatchBody) {
  auto in = connectors::hotline::ParseWebhook(
      R"({"case_id":"1999-0001","service_name":"陳情","subject":"門牌","description":"門牌錯誤",)"
      R"("district":"蘭嶼鄉","address":"紅頭村1號","petitioner":{"name":"林","phone":"0911-000-111","email":"lin@example.tw\r\nBcc: x@evil.example"},)"
      R"("created_at":"2026-03-02T09:00:00+08:00"})");
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_EQ(in->external_ref, "1999-0001");
  EXPECT_EQ(in->category, "陳情");
  EXPECT_EQ(in->place, "蘭嶼鄉 紅頭村1號");
  EXPECT_EQ(in->petitioner.phone, "0911-000-111");
  EXPECT_EQ(in->petitioner.email, "") << "an address that could break a header is left out; the raw keeps it";
  EXPECT_EQ(in->received_at, ParseTimestamp("2026-03-02T09:00:00+08:00"));
  EXPECT_FALSE(connectors::hotline::ParseWebhook("[1]").ok());
  EXPECT_FALSE(connectors::hotline::ParseWebhook(R"({"subject":"x"})").ok()) << "no case_id";
  EXPECT_FALSE(connectors::hotline::ParseWebhook(R"({"case_id":"1","created_at":"yesterday"})").ok());
}

TEST(HotlineTest, CsvReportsEachBadRowWithItsLine) {
  const std::string csv =
      "\xEF\xBB\xBF" "案件編號,案件狀態,行政區,服務名稱,主旨,受理單位,描述,地址,緯度,經度,建立時間,更新時間\n"
      "C1,結案,台東市,陳情,路燈,戶政,\"多行\n描述\",中華路1號,22.75,121.15,2026-03-02 09:00:00,2026-03-02 10:00:00\n"
      "C2,處理中,卑南鄉,陳情,門牌,戶政,描述,,north,121.1,2026-03-02 09:00:00,\n"
      ",處理中,卑南鄉,陳情,門牌,戶政,描述,,,,2026-03-02 09:00:00,\n"
      "C4,處理中,卑南鄉\n"
      "C5,結案,綠島鄉,陳情,遷入,戶政,描述,,,,not a date,\n";
  auto rows = connectors::hotline::ReadCsv(csv, "calls.csv");
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ASSERT_EQ(rows->size(), 5u);
  ASSERT_FALSE((*rows)[0].input.error) << *(*rows)[0].input.Reason();
  EXPECT_EQ((*rows)[0].line, 2);
  EXPECT_EQ((*rows)[0].input.intake.body, "多行\n描述");
  EXPECT_EQ((*rows)[0].input.intake.source, "calls.csv:2");
  EXPECT_EQ((*rows)[1].line, 4);
  auto error = [&](std::size_t i) { return (*rows)[i].input.Reason().value_or(""); };
  EXPECT_NE(error(1).find("lat 'north'"), std::string::npos) << error(1);
  EXPECT_EQ((*rows)[1].input.intake.raw, "C2,處理中,卑南鄉,陳情,門牌,戶政,描述,,north,121.1,2026-03-02 09:00:00,")
      << "a refused row keeps its text";
  EXPECT_NE(error(2).find("case_id is empty"), std::string::npos);
  EXPECT_NE(error(3).find("has 3 fields"), std::string::npos);
  EXPECT_NE(error(4).find("not a date"), std::string::npos);
  auto bad = connectors::hotline::ReadCsv("id,foo\n1,2\n", "x.csv");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().details.front(), "x.csv:1:1: missing column 'case_id'");
}

TEST(MailboxTest, ReadsBig5BodyAndRfc2047Subject) {
  auto in = connectors::mailbox::ParseMessage(Fixture("big5.eml"), "new/1");
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_EQ(in->subject, "戶口名簿遺失補發");
  EXPECT_EQ(in->petitioner.name, "林大明");
  EXPECT_EQ(in->petitioner.email, "lin@example.tw");
  EXPECT_NE(in->body.find("我的戶口名簿遺失"), std::string::npos) << in->body;
  EXPECT_EQ(in->external_ref, "<big5-001@example.tw>");
  EXPECT_FALSE(in->received_at) << "the sender's Date: is not when the office received it";
  ASSERT_TRUE(in->date_header);
  EXPECT_NE(in->date_header->find("2026"), std::string::npos) << *in->date_header;
  EXPECT_TRUE(in->warnings.empty()) << in->warnings.front();
}

// A letter in English is answered in English (its notices); Chinese stays Chinese.
TEST(MailboxTest, ALetterInEnglishGetsEnglishNotices) {
  EXPECT_EQ(connectors::mailbox::ParseMessage(Fixture("big5.eml"), "new/1")->petitioner.language, Language::kZhHantTw);
  const std::string english =
      "From: Ann Lee <ann@example.org>\r\nTo: director@hr.example.gov.tw\r\nSubject: Household transcript\r\n"
      "Message-ID: <en-1@example.org>\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
      "Dear Director, how can a foreign spouse apply for a household transcript?\r\n";
  auto in = connectors::mailbox::ParseMessage(english, "new/en");
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_EQ(in->petitioner.language, Language::kEn);
}

// A mail's receipt time is its delivery into the Maildir; an implausible or missing
// Date: header is a warning on the intake row, never a rejection (issue #21).
TEST(MailboxTest, TheDeliveryTimeCountsAndAnImplausibleDateIsOnlyAWarning) {
  const Timestamp delivered = *ParseTimestamp("2026-12-01T09:15:00+08:00");
  std::string old = Fixture("big5.eml");
  const auto date_at = old.find("Date: ");
  ASSERT_NE(date_at, std::string::npos);
  old.replace(date_at, old.find('\n', date_at) - date_at, "Date: Thu, 01 Jan 1998 00:00:00 +0800\r");
  auto in = connectors::mailbox::ParseMessage(old, "new/3", {}, delivered);
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_EQ(in->received_at, delivered);
  EXPECT_EQ(in->date_header, "Thu, 01 Jan 1998 00:00:00 +0800");
  ASSERT_EQ(in->warnings.size(), 1u);
  EXPECT_NE(in->warnings[0].find("implausible"), std::string::npos) << in->warnings[0];
  std::string undated = Fixture("big5.eml");
  const auto d = undated.find("Date: ");
  undated.erase(d, undated.find('\n', d) - d + 1);
  auto none = connectors::mailbox::ParseMessage(undated, "new/4", {}, delivered);
  ASSERT_TRUE(none.ok()) << none.error().message;
  EXPECT_EQ(none->received_at, delivered);
  EXPECT_FALSE(none->date_header);
  EXPECT_EQ(none->warnings, std::vector<std::string>{"the message has no Date header"});
  EXPECT_EQ(connectors::mailbox::MaildirDeliveryTime("/var/spool/md/new/1764551700.M1P2.host"),
            *ParseTimestamp("2025-12-01T09:15:00+08:00"));
}

TEST(MailboxTest, PrefersPlainTextAndKeepsAttachments) {
  auto in = connectors::mailbox::ParseMessage(Fixture("multipart.eml"), "new/2");
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_EQ(in->body, "蘭嶼戶政的門牌整編何時完成？");
  ASSERT_EQ(in->attachments.size(), 1u);
  EXPECT_EQ(in->attachments[0].filename, "門牌.pdf");
  EXPECT_EQ(in->attachments[0].content_type, "application/pdf");
  EXPECT_EQ(in->attachments[0].data, "%PDF-1.4\n% fixture\n");
}

TEST(MailboxTest, ReducesGb2312HtmlToText) {
  auto in = connectors::mailbox::ParseMessage(Fixture("gb2312-html.eml"), "new/3");
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_EQ(in->subject, "户籍誊本申请");
  EXPECT_EQ(in->body, "请问&户籍誊本");
}

// Reproduction: an HTML-only message ending in an unterminated closing tag pinned a
// core forever (the old scanner restarted at byte 0).
TEST(MailboxTest, AnHtmlOnlyMessageWithBrokenMarkupIsRead) {
  const std::string raw =
      "From: =?UTF-8?B?5p6X5bCP5aeQ?= <lin@example.tw>\r\nTo: director@hr.example.gov.tw\r\n"
      "Subject: test\r\nMessage-ID: <broken-html@example.tw>\r\nMIME-Version: 1.0\r\n"
      "Content-Type: text/html; charset=utf-8\r\n\r\n<p>門牌整編進度</p><script></script";
  auto in = connectors::mailbox::ParseMessage(raw, "new/9");
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_EQ(in->body, "門牌整編進度");
}

TEST(MailboxTest, RejectsMalformedMessagesWithAReason) {
  connectors::mailbox::ParseLimits small;
  small.max_attachment = 1024;
  auto big = connectors::mailbox::ParseMessage(Fixture("oversize.eml"), "new/4", small);
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.error().message.find("over the limit of 1024"), std::string::npos) << big.error().message;
  EXPECT_TRUE(connectors::mailbox::ParseMessage(Fixture("oversize.eml"), "new/4").ok()) << "default limit is 10 MB";
  EXPECT_FALSE(connectors::mailbox::ParseMessage("", "new/7").ok());
  auto garbage = connectors::mailbox::ParseMessage(std::string("\x00\x01\x02garbage", 10), "new/8");
  ASSERT_FALSE(garbage.ok());
  EXPECT_NE(garbage.error().message.find("no sender and no readable text"), std::string::npos)
      << garbage.error().message;
  auto empty = connectors::mailbox::ParseMessage("X-Spam: yes\r\n\r\n", "new/12");
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message.find("no sender and no readable text"), std::string::npos) << empty.error().message;
}

std::string Warnings(const Intake& in) {
  std::string all;
  for (const auto& w : in.warnings) all += w + "; ";
  return all;
}

// Mail is read the way mail clients read it: defects become warnings on the intake row
// and the text is kept; refused only with no sender and nothing readable.
TEST(MailboxTest, ABoundaryThatNeverClosesIsReadWithAWarning) {
  auto cut = connectors::mailbox::ParseMessage(Fixture("truncated.eml"), "new/5");
  ASSERT_TRUE(cut.ok()) << cut.error().message;
  EXPECT_NE(Warnings(*cut).find("truncated"), std::string::npos) << Warnings(*cut);
  EXPECT_FALSE(cut->body.empty());
}

TEST(MailboxTest, AMultipartWithoutABoundaryIsReadWithAWarning) {
  const std::string raw =
      "From: lin@example.tw\r\nSubject: =?UTF-8?B?6ZaA54mM?=\r\nMessage-ID: <nobound@example.tw>\r\n"
      "MIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\n\r\n請問門牌整編何時完成\r\n";
  auto in = connectors::mailbox::ParseMessage(raw, "new/10");
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_NE(Warnings(*in).find("no boundary"), std::string::npos) << Warnings(*in);
  EXPECT_NE(in->body.find("門牌整編"), std::string::npos) << in->body;
  EXPECT_EQ(in->petitioner.email, "lin@example.tw");
}

TEST(MailboxTest, HeadersWithNoBlankLineBeforeTheBodyAreReadWithAWarning) {
  const std::string raw =
      "From: lin@example.tw\r\nSubject: test\r\nMessage-ID: <noblank@example.tw>\r\n"
      "Content-Type: text/plain; charset=utf-8\r\n請問門牌整編何時完成\r\n第二行\r\n";
  auto in = connectors::mailbox::ParseMessage(raw, "new/11");
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_EQ(in->petitioner.email, "lin@example.tw");
  EXPECT_NE(in->body.find("第二行"), std::string::npos) << "body: " << in->body;
  EXPECT_NE(Warnings(*in).find("no blank line"), std::string::npos) << Warnings(*in);
}

TEST(MailboxTest, AReadableMessageWithoutASenderIsTakenForRegistration) {
  auto anonymous = connectors::mailbox::ParseMessage(Fixture("no-from.eml"), "new/6");
  ASSERT_TRUE(anonymous.ok()) << anonymous.error().message;
  EXPECT_NE(Warnings(*anonymous).find("no sender"), std::string::npos);
  EXPECT_TRUE(anonymous->petitioner.Empty());
  EXPECT_TRUE(RegisteredOnlyReason(*anonymous)) << "anonymous: registered only (存查)";
}

TEST(MailboxTest, FormNeedsAnAddressSubjectAndBody) {
  auto ok = connectors::mailbox::ParseForm("name=%E6%9E%97&email=lin%40example.tw&subject=hi&body=text",
                                           "application/x-www-form-urlencoded");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->petitioner.name, "林");
  EXPECT_EQ(ok->petitioner.email, "lin@example.tw");
  auto bad = connectors::mailbox::ParseForm(R"({"email":"nope","subject":""})", "application/json");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().details.size(), 3u);
}

// A browser's multipart/form-data: UTF-8 filenames as they are, an empty file input.
std::string Multipart(const std::vector<std::tuple<std::string, std::string, std::string>>& parts) {
  std::string out;
  for (const auto& [name, filename, data] : parts) {
    out += "--B0undary\r\nContent-Disposition: form-data; name=\"" + name + "\"";
    if (!filename.empty() || name == "file") out += "; filename=\"" + filename + "\"\r\nContent-Type: application/octet-stream";
    out += "\r\n\r\n" + data + "\r\n";
  }
  return out + "--B0undary--\r\n";
}

TEST(MailboxTest, FormTakesFilesCheckedByTheirContent) {
  const std::string type = "multipart/form-data; boundary=B0undary";
  const std::string png = "\x89PNG\r\n\x1A\n\x00\x01binary";
  auto ok = connectors::mailbox::ParseForm(
      Multipart({{"name", "", "林小姐"}, {"email", "", "lin@example.tw"}, {"subject", "", "路燈不亮"},
                 {"body", "", "中華路一段的路燈\r\n壞了"}, {"file", "中華路 路燈.png", png}, {"file", "", ""}}),
      type);
  ASSERT_TRUE(ok.ok()) << ok.error().message << (ok.ok() ? "" : ok.error().details.front());
  EXPECT_EQ(ok->petitioner.name, "林小姐");
  EXPECT_EQ(ok->body, "中華路一段的路燈\r\n壞了");
  ASSERT_EQ(ok->attachments.size(), 1u) << "the empty file input is not a file";
  EXPECT_EQ(ok->attachments[0].filename, "中華路 路燈.png");
  EXPECT_EQ(ok->attachments[0].content_type, "image/png");
  EXPECT_EQ(ok->attachments[0].data, png);
  EXPECT_EQ(ok->content_type, type) << "the boundary is kept to read the raw form again";

  AttachmentPolicy small;
  small.max_files = 1;
  auto bad = connectors::mailbox::ParseForm(
      Multipart({{"email", "", "lin@example.tw"}, {"subject", "", "s"}, {"body", "", "b"},
                 {"file", "invoice.pdf", "MZ\x90 a program"}, {"file", "x.png", png}}),
      type, small);
  ASSERT_FALSE(bad.ok());
  ASSERT_EQ(bad.error().details.size(), 2u);
  EXPECT_EQ(bad.error().details[0], "2 files: at most 1 may be sent at once");
  EXPECT_NE(bad.error().details[1].find("invoice.pdf: the content is not a kind"), std::string::npos);
  EXPECT_FALSE(connectors::mailbox::ParseFormData("no boundary here", "multipart/form-data").ok());
}

TEST(MailboxTest, AMessageLeavesNewOnlyOnceTaken) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(::testing::TempDir()) / ("maildir_" + std::to_string(::getpid()));
  fs::create_directories(dir / "new");
  std::ofstream(dir / "new" / "1", std::ios::binary) << Fixture("big5.eml");
  const std::string garbage("\x00\x01\x02garbage", 10);
  std::ofstream(dir / "new" / "2", std::ios::binary) << garbage;
  connectors::mailbox::MaildirSource source(dir.string(), {}, std::chrono::seconds(30));
  std::vector<connectors::Received> seen;
  // The database is down: nothing is committed, nothing moves.
  EXPECT_EQ(source.Poll([&](const connectors::Received& r) { seen.push_back(r); return false; }), 0);
  EXPECT_TRUE(fs::exists(dir / "new" / "1"));
  EXPECT_TRUE(fs::exists(dir / "new" / "2"));
  seen.clear();
  EXPECT_EQ(source.Poll([&](const connectors::Received& r) { seen.push_back(r); return true; }), 2);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_FALSE(seen[0].error);
  ASSERT_TRUE(seen[1].error) << "what is not a message is handed over as refused";
  EXPECT_EQ(seen[1].intake.raw, garbage) << "with its raw bytes";
  EXPECT_EQ(seen[1].intake.channel, "mailbox");
  EXPECT_TRUE(fs::is_empty(dir / "new"));
  EXPECT_TRUE(fs::exists(dir / "cur" / "1:2,S"));
  EXPECT_TRUE(fs::exists(dir / "cur" / "2:2,FS")) << "a refused message is flagged";
  fs::remove_all(dir);
}

TEST(NewsTest, ParsesRssAndAtom) {
  auto rss = connectors::news::ParseFeed(Fixture("rss.xml"));
  ASSERT_TRUE(rss.ok()) << rss.error().message;
  const auto& items = rss->items;
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].id, "news-1001");
  EXPECT_EQ(items[0].summary, "蘭嶼戶政今日恢復服務。");
  EXPECT_EQ(items[0].published, ParseTimestamp("2026-03-02T08:00:00+08:00"));
  EXPECT_EQ(items[2].id, "https://news.example.tw/a/1003") << "no guid: the link identifies it";
  EXPECT_EQ(items[0].raw.rfind("<item>", 0), 0u) << items[0].raw;
  EXPECT_NE(items[0].raw.find("<guid>news-1001</guid>"), std::string::npos) << "the element as it arrived";
  auto atom = connectors::news::ParseFeed(Fixture("atom.xml"));
  ASSERT_TRUE(atom.ok()) << atom.error().message;
  ASSERT_EQ(atom->items.size(), 1u);
  EXPECT_EQ(atom->items[0].link, "https://forum.example.tw/t/77");
  EXPECT_EQ(atom->items[0].id, "urn:forum:77");
}

TEST(NewsTest, ADescriptionWithBrokenMarkupIsRead) {
  auto feed = connectors::news::ParseFeed(
      "<rss version=\"2.0\"><channel><item><guid>g-1</guid><title>戶政</title>"
      "<description>&lt;p&gt;蘭嶼戶政&lt;/p&gt;&lt;script&gt;&lt;/script</description></item></channel></rss>");
  ASSERT_TRUE(feed.ok()) << feed.error().message;
  ASSERT_EQ(feed->items.size(), 1u);
  EXPECT_EQ(feed->items[0].summary, "蘭嶼戶政");
}

TEST(NewsTest, RefusesBrokenXmlAndEntityDeclarations) {
  auto broken = connectors::news::ParseFeed(Fixture("broken.xml"));
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().message.find("not well-formed"), std::string::npos);
  auto doctype = connectors::news::ParseFeed(Fixture("doctype.xml"));
  ASSERT_FALSE(doctype.ok());
  EXPECT_NE(doctype.error().message.find("entities"), std::string::npos) << doctype.error().message;
  EXPECT_FALSE(connectors::news::ParseFeed("<html><body/></html>").ok());
}

TEST(NewsTest, MatchesKeywordsUnlessExcluded) {
  connectors::news::FeedConfig feed{"http://x", "main", {"戶政"}, {"體育"}, std::chrono::seconds(60)};
  auto items = connectors::news::ParseFeed(Fixture("rss.xml")).value().items;
  EXPECT_EQ(connectors::news::Match(items[0], feed), "戶政");
  EXPECT_FALSE(connectors::news::Match(items[1], feed)) << "excluded";
  EXPECT_FALSE(connectors::news::Match(items[2], feed)) << "no keyword";
}

// The malformed-feed collection (data/feeds, made by make_feeds.py): every dialect,
// charset and defect, each file's outcome in expected.tsv. Items are matched on 戶政.
TEST(NewsTest, TheFeedCollectionIsReadAsExpected) {
  std::ifstream table(std::string(PETITIOND_SOURCE_DIR) + "/tests/connectors/data/feeds/expected.tsv");
  ASSERT_TRUE(table);
  connectors::news::FeedConfig config{"https://news.example.tw/feed", "main", {"戶政"}, {}, std::chrono::seconds(60)};
  int files = 0, feeds = 0, refused = 0, taken = 0, rejected = 0;
  for (std::string line; std::getline(table, line);) {
    std::stringstream row(line);
    std::string name, outcome, want_taken, want_rejected, note;
    std::getline(row, name, '\t');
    std::getline(row, outcome, '\t');
    std::getline(row, want_taken, '\t');
    std::getline(row, want_rejected, '\t');
    std::getline(row, note);
    ++files;
    const auto parsed = connectors::news::ParseFeed(Fixture("feeds/" + name, true), config.url);
    if (outcome == "refused") {
      EXPECT_FALSE(parsed.ok()) << name << " (" << note << ") was read";
      ++refused;
      continue;
    }
    ASSERT_TRUE(parsed.ok()) << name << " (" << note << "): " << parsed.error().message;
    ++feeds;
    int t = 0, r = 0;
    for (const auto& item : parsed->items) {
      EXPECT_FALSE(item.id.empty()) << name;
      EXPECT_FALSE(item.raw.empty()) << name;
      if (item.error) {
        ++r;
      } else if (connectors::news::Match(item, config)) {
        ++t;
        EXPECT_NE(item.title.find("戶政"), std::string::npos) << name << ": " << item.title;
      }
    }
    EXPECT_EQ(t, std::stoi(want_taken)) << name << " (" << note << ")";
    EXPECT_EQ(r, std::stoi(want_rejected)) << name << " (" << note << ")";
    taken += t;
    rejected += r;
  }
  EXPECT_EQ(files, 25);
  std::cout << "feed collection: " << files << " files, " << feeds << " read (" << taken << " items taken, " << rejected
            << " rejected), " << refused << " refused\n";
}

// A feed that does not answer is a failed poll (tried again within a minute), with the
// reason kept for the admin's page.
TEST(NewsTest, AFeedThatDoesNotAnswerIsAFailedPoll) {
  struct Memory : connectors::news::FeedMemory {
    std::optional<std::string> error;
    connectors::news::Validators Load(const std::string&) override { return {}; }
    void Save(const std::string&, const connectors::news::Validators&, const std::optional<std::string>& e,
              int) override {
      error = e;
    }
    std::string KeepDocument(const std::string&, const std::string&) override { return "sha256:x"; }
  } memory;
  connectors::news::FeedConfig config{"http://127.0.0.1:1/rss", "main", {"戶政"}, {}, std::chrono::seconds(60), true};
  connectors::news::FeedSource source(config, memory);
  EXPECT_EQ(source.Poll([](const connectors::Received&) { return true; }), -1);
  ASSERT_TRUE(memory.error);
  EXPECT_FALSE(memory.error->empty());
}

// The same item polled again, and an item with neither guid nor link, keep one id;
// the raw item is the element as written, escaped markup included.
TEST(NewsTest, ItemsWithoutIdsAreKnownByTheirContentAndKeptAsWritten) {
  const std::string bytes = Fixture("feeds/rss20-no-guid-no-link.xml");
  const auto a = connectors::news::ParseFeed(bytes, "https://a.example.tw/rss").value();
  const auto b = connectors::news::ParseFeed(bytes, "https://a.example.tw/rss").value();
  ASSERT_EQ(a.items.size(), 2u);
  EXPECT_EQ(a.items[0].id.rfind("sha256:", 0), 0u);
  EXPECT_EQ(a.items[0].id, b.items[0].id);
  EXPECT_NE(a.items[0].id, a.items[1].id);
  EXPECT_NE(connectors::news::ParseFeed(bytes, "https://other.example.tw/rss").value().items[0].id, a.items[0].id)
      << "the same words in another feed are another item";
  const auto markup = connectors::news::ParseFeed(Fixture("feeds/rss20-markup-in-title.xml")).value();
  EXPECT_EQ(markup.items[0].title, "戶政 <公告> & 說明");
  EXPECT_NE(markup.items[0].raw.find("<title>戶政 &lt;公告&gt; &amp; 說明</title>"), std::string::npos)
      << markup.items[0].raw;
  const auto rdf = connectors::news::ParseFeed(Fixture("feeds/rss10-rdf-dc.xml")).value();
  EXPECT_EQ(rdf.items[0].title, "戶政便民措施");
  EXPECT_EQ(rdf.items[0].author, "記者王");
  EXPECT_EQ(rdf.items[0].published, ParseTimestamp("2026-03-03T08:00:00+08:00"));
  const auto mislabelled = connectors::news::ParseFeed(Fixture("feeds/declared-utf8-is-big5.xml")).value();
  ASSERT_EQ(mislabelled.warnings.size(), 1u);
  EXPECT_NE(mislabelled.warnings[0].find("Big5"), std::string::npos);
  EXPECT_EQ(mislabelled.items[0].title, "戶政錯誤宣告");
}

}  // namespace
}  // namespace petitiond

namespace petitiond {
namespace {

// Reproduction: a pubDate zone such as "+ab00" threw out of the feed parser on every
// round, blocking the feed. Now the item has no date (it is taken in as of now).
TEST(NewsTest, AnUnreadableDateZoneLeavesTheItemUndated) {
  auto feed = connectors::news::ParseFeed(
      "<rss version=\"2.0\"><channel><item><guid>g-2</guid><title>戶政</title>"
      "<pubDate>Tue, 03 Mar 2026 08:00:00 +ab00</pubDate></item></channel></rss>");
  ASSERT_TRUE(feed.ok()) << feed.error().message;
  ASSERT_EQ(feed->items.size(), 1u);
  EXPECT_FALSE(feed->items[0].published);
}

}  // namespace
}  // namespace petitiond

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

namespace petitiond {
namespace {

bool Private(const char* text) {
  sockaddr_storage s{};
  if (inet_pton(AF_INET, text, &reinterpret_cast<sockaddr_in*>(&s)->sin_addr) == 1) {
    s.ss_family = AF_INET;
  } else {
    EXPECT_EQ(inet_pton(AF_INET6, text, &reinterpret_cast<sockaddr_in6*>(&s)->sin6_addr), 1) << text;
    s.ss_family = AF_INET6;
  }
  return connectors::news::PrivateAddress(reinterpret_cast<const sockaddr*>(&s));
}

TEST(NewsTest, KnowsPrivateAndLoopbackAddresses) {
  for (const char* p : {"127.0.0.1", "10.1.2.3", "172.20.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
                        "0.0.0.0", "::1", "::", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1"}) {
    EXPECT_TRUE(Private(p)) << p;
  }
  for (const char* p : {"8.8.8.8", "203.0.113.5", "172.32.0.1", "2001:db8::1", "::ffff:8.8.8.8"}) {
    EXPECT_FALSE(Private(p)) << p;
  }
}

// A feed on loopback that redirects to loopback: the configured URL is fetched, the
// redirect refused unless the feed allows private addresses.
TEST(NewsTest, ARedirectToAPrivateAddressIsRefusedUnlessAllowed) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  listen(fd, 8);
  const std::string base = "http://127.0.0.1:" + std::to_string(ntohs(a.sin_port));
  std::thread server([fd, base] {
    // First fetch: one redirect, refused before connecting. Second: redirect + feed.
    for (int i = 0; i < 3; ++i) {
      const int c = accept(fd, nullptr, nullptr);
      if (c < 0) return;
      char buf[4096];
      const auto n = read(c, buf, sizeof buf);
      const std::string req(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
      std::string res;
      if (req.rfind("GET /start", 0) == 0) {
        res = "HTTP/1.1 302 Found\r\nLocation: " + base + "/feed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      } else {
        const std::string body = "<rss version=\"2.0\"><channel></channel></rss>";
        res = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
      }
      (void)!write(c, res.data(), res.size());
      close(c);
    }
  });
  auto refused = connectors::news::Fetch(base + "/start", std::nullopt, std::nullopt, false);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("private or loopback"), std::string::npos) << refused.error().message;
  auto allowed = connectors::news::Fetch(base + "/start", std::nullopt, std::nullopt, true);
  ASSERT_TRUE(allowed.ok()) << allowed.error().message;
  EXPECT_EQ(allowed->status, 200);
  shutdown(fd, SHUT_RDWR);
  close(fd);
  server.join();
}

}  // namespace
}  // namespace petitiond
