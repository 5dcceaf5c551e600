// Issue #21: the public pages and a petitioner's notices in Traditional Chinese or
// English, chosen by Accept-Language, the remembered switch, or what the petitioner used.
#include "tests/api/api_fixture.hpp"

#include <gtest/gtest.h>

#include <soci/soci.h>

namespace petitiond {
namespace {

class LanguageTest : public ApiTest {
 protected:
  // The subject and body of the one message queued for `recipient` whose subject holds `like`.
  std::pair<std::string, std::string> Mail(const std::string& recipient, const std::string& like) {
    std::string subject, body;
    const std::string pattern = "%" + like + "%";  // bound by reference: it must outlive the statement
    t_.db().Run([&](store::Tx& tx) {
      store::Sql(tx) << "SELECT subject, body FROM outbox WHERE recipient = :r AND subject LIKE :l ORDER BY id DESC LIMIT 1",
          soci::use(recipient, "r"), soci::use(pattern, "l"), soci::into(subject), soci::into(body);
    });
    return {subject, body};
  }
};

TEST_F(LanguageTest, ThePublicPagesFollowAcceptLanguageAndTheRememberedSwitch) {
  Response zh = Call("GET", "/track");
  ASSERT_EQ(zh.status, 200);
  EXPECT_NE(zh.body.find("<html lang=\"zh-Hant-TW\">"), std::string::npos);
  EXPECT_NE(zh.body.find("陳情案件進度查詢"), std::string::npos);
  EXPECT_EQ(zh.body.find("{{"), std::string::npos) << "every marker is filled in";
  EXPECT_NE(zh.body.find("hreflang=\"en\""), std::string::npos) << "the switch to English";
  EXPECT_EQ(HeaderOf(zh, "Content-Language"), "zh-Hant-TW");
  EXPECT_EQ(HeaderOf(zh, "Vary"), "Accept-Language, Cookie");

  Response en = Call("GET", "/track", "", "", {{"accept-language", "en-GB,en;q=0.9,zh-TW;q=0.5"}});
  EXPECT_NE(en.body.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_NE(en.body.find("Track your petition"), std::string::npos);
  EXPECT_EQ(en.body.find("陳情案件進度查詢"), std::string::npos);
  EXPECT_NE(en.body.find(">中文</a>"), std::string::npos);
  EXPECT_EQ(HeaderOf(en, "Content-Language"), "en");
  EXPECT_EQ(HeaderOf(en, "Set-Cookie"), "") << "only the switch is remembered";
  // Chinese preferred by q-value; Simplified Chinese or French alone: the default.
  EXPECT_NE(Call("GET", "/mailbox", "", "", {{"accept-language", "en;q=0.4, zh-TW"}}).body.find("lang=\"zh-Hant-TW\""),
            std::string::npos);
  EXPECT_NE(Call("GET", "/mailbox", "", "", {{"accept-language", "fr-FR, zh-CN"}}).body.find("lang=\"zh-Hant-TW\""),
            std::string::npos);

  // The switch: ?lang= answers in that language and remembers it; the cookie then wins
  // over the browser's header.
  Response switched = Call("GET", "/mailbox?lang=en", "", "", {{"accept-language", "zh-TW"}});
  EXPECT_NE(switched.body.find("Director's mailbox"), std::string::npos);
  EXPECT_NE(switched.body.find("name=\"language\" value=\"en\""), std::string::npos) << "the form says its language";
  EXPECT_EQ(HeaderOf(switched, "Set-Cookie").rfind("petitiond_lang=en; Path=/; SameSite=Lax; Max-Age=", 0), 0u);
  Response remembered = Call("GET", "/survey", "", "", {{"accept-language", "zh-TW"}, {"cookie", "petitiond_lang=en"}});
  EXPECT_NE(remembered.body.find("How did we handle your petition?"), std::string::npos);
  // The survey's switch keeps the link's case number and token (the test client passes
  // query values as the server decodes them).
  Response survey = Call("GET", "/survey?no=115-000001&token=ab&c", "", "", {{"accept-language", "zh-TW"}});
  EXPECT_NE(survey.body.find("href=\"?c=&amp;no=115-000001&amp;token=ab&amp;lang=en\""), std::string::npos) << survey.body;
  // A hostile parameter is only ever percent-encoded into the link.
  Response hostile = Call("GET", "/track?x=\"><script>", "", "");
  EXPECT_EQ(hostile.body.find("<script>"), std::string::npos);
  EXPECT_NE(hostile.body.find("x=%22%3E%3Cscript%3E"), std::string::npos);
}

// An English form: the confirmation mail, the page it opens, the acceptance notice and
// the case's status on /track speak English; a Chinese form stays Chinese.
TEST_F(LanguageTest, AnEnglishFormIsAnsweredInEnglishThroughout) {
  Response sent = Call("POST", "/public/mailbox", "",
                       R"({"name":"Ann Lee","email":"ann@example.org","subject":"Household transcript",)"
                       R"("body":"How do I apply for a household registration transcript online?","language":"en"})",
                       {{"content-type", "application/json"}});
  ASSERT_EQ(sent.status, 202) << sent.body;
  EXPECT_EQ(std::string(Body(sent).at("detail").as_string()).rfind("We sent a confirmation link to ann@example.org", 0),
            0u);
  EXPECT_EQ(Mail("ann@example.org", "").first, "[Director's mailbox] Please confirm your e-mail address");
  const std::string link = ConfirmationLink("ann@example.org");
  EXPECT_EQ(link.rfind("http://petitiond.test/mailbox/confirm?token=", 0), 0u) << "a page, not the JSON route: " << link;
  EXPECT_NE(link.find("&lang=en"), std::string::npos) << link;
  const std::string token = link.substr(link.find("token=") + 6, 64);

  Response page = Call("GET", "/mailbox/confirm?token=" + token + "&lang=en");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Director's mailbox: confirm your e-mail"), std::string::npos);
  EXPECT_EQ(Count("SELECT count(*) FROM cases"), 0) << "the page itself confirms nothing; its script calls the route";
  // A link mailed before the page existed, opened in a browser: to the page.
  Response old = Call("GET", "/public/mailbox/confirm?token=" + token, "", "",
                      {{"accept", "text/html,application/xhtml+xml,*/*;q=0.8"}});
  EXPECT_EQ(old.status, 303);
  EXPECT_EQ(HeaderOf(old, "Location"), "/mailbox/confirm?token=" + token);
  EXPECT_EQ(Count("SELECT count(*) FROM cases"), 0);
  // Whatever the link holds goes into the header encoded: no header of its own.
  Response split = Call("GET", "/public/mailbox/confirm?token=x\r\nSet-Cookie: a=b", "", "", {{"accept", "text/html"}});
  EXPECT_EQ(HeaderOf(split, "Location"), "/mailbox/confirm?token=x%0D%0ASet-Cookie%3A%20a%3Db");

  Response confirmed = Call("GET", "/public/mailbox/confirm?token=" + token, "", "", {{"accept", "application/json"}});
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;
  EXPECT_EQ(Body(confirmed).at("language").as_string(), "en");
  const std::string no(Body(confirmed).at("public_no").as_string());
  EXPECT_EQ(std::string(Body(confirmed).at("detail").as_string()), "Your petition is accepted as case " + no +
                                                                        "; its access code has been sent to your e-mail.");
  const auto [subject, body] = Mail("ann@example.org", "[Accepted]");
  EXPECT_EQ(subject, "[Accepted] Director's mailbox case " + no);
  EXPECT_NE(body.find("Access code: {{access_code}}"), std::string::npos) << body;
  EXPECT_EQ(body.find("查詢"), std::string::npos) << body;

  // /track in English: the workflow's public_label_en. The access code is the one the
  // acceptance mail carries (sealed in its outbox row).
  std::string sealed;
  t_.db().Run([&](store::Tx& tx) {
    store::Sql(tx) << "SELECT sealed FROM outbox WHERE recipient = 'ann@example.org' AND subject LIKE '[Accepted]%'",
        soci::into(sealed);
  });
  const auto opened = sealer_.Open(sealed);
  ASSERT_TRUE(opened);
  const std::string code(json::parse(*opened).at("access_code").as_string());
  Response status = Call("GET", "/api/v1/public/cases/" + no + "?code=" + code + "&lang=en");
  ASSERT_EQ(status.status, 200) << status.body;
  EXPECT_EQ(Body(status).at("state_label").as_string(), "Received, awaiting assignment");
  const auto english = Body(status);
  ASSERT_FALSE(english.at("steps").as_array().empty());
  for (const auto& step : english.at("steps").as_array()) {
    const std::string label(step.at("label").as_string());
    EXPECT_EQ(label.find_first_of("\xE4\xE5\xE6\xE7\xE8\xE9"), std::string::npos) << "a Chinese step on the English page: " << label;
  }
  Response zh_status = Call("GET", "/api/v1/public/cases/" + no + "?code=" + code, "", "", {{"accept-language", "zh-TW"}});
  EXPECT_EQ(Body(zh_status).at("state_label").as_string(), "已受理，待分案");

  // The same form in Chinese (the page's hidden field says so) stays Chinese.
  ASSERT_EQ(Call("POST", "/public/mailbox", "",
                 R"({"name":"林","email":"lin@example.tw","subject":"門牌","body":"請問","language":"zh-Hant-TW"})",
                 {{"content-type", "application/json"}})
                .status,
            202);
  EXPECT_EQ(Mail("lin@example.tw", "").first, "【主任信箱】請確認您的電子郵件地址");
  EXPECT_NE(ConfirmationLink("lin@example.tw").find("&lang=zh-Hant-TW"), std::string::npos);
  ExpectProblem(Call("POST", "/public/mailbox", "", R"({"email":"x@example.tw","subject":"s","body":"b","language":"fr"})",
                     {{"content-type", "application/json"}}),
                400);
}

// A call logged for an English speaker: the reply and the survey invitation in English;
// the supervisor's own notices stay Chinese.
TEST_F(LanguageTest, NoticesGoOutInThePetitionersLanguage) {
  Response r = Call("POST", "/api/v1/cases", intake_,
                    R"({"channel":"hotline","office":"main","subject":"Residence certificate","body":"Foreign resident asks",)"
                    R"("petitioner":{"name":"John Smith","email":"john@example.org","language":"en"}})");
  ASSERT_EQ(r.status, 201) << r.body;
  const auto id = Body(r).at("id").as_int64();
  EXPECT_EQ(Body(Call("GET", "/api/v1/cases/" + std::to_string(id), supervisor_)).at("petitioner").at("language").as_string(),
            "en");
  ASSERT_EQ(Event(id, supervisor_, "\"1\"", R"({"event":"assign","data":{"assignee":"wang"}})").status, 200);
  ASSERT_EQ(Event(id, handler_, "\"2\"", R"({"event":"reply","data":{"reply":"Please bring your ARC to the counter."}})").status,
            200);
  const auto [subject, body] = Mail("john@example.org", "[Reply]");
  EXPECT_EQ(subject, "[Reply] " + std::string(Body(r).at("public_no").as_string()) + " Residence certificate");
  EXPECT_NE(body.find("our reply to your case"), std::string::npos) << body;
  EXPECT_NE(body.find("Please bring your ARC to the counter."), std::string::npos);
  EXPECT_NE(body.find("Please tell us how we did"), std::string::npos) << body;
  std::string sealed;
  t_.db().Run([&](store::Tx& tx) {
    store::Sql(tx) << "SELECT sealed FROM outbox WHERE recipient = 'john@example.org' AND subject LIKE '[Reply]%'",
        soci::into(sealed);
  });
  const auto opened = sealer_.Open(sealed);
  ASSERT_TRUE(opened);
  EXPECT_NE(opened->find("&lang=en"), std::string::npos) << "the survey opens in English: " << *opened;

  ExpectProblem(Call("POST", "/api/v1/cases", intake_,
                     R"({"channel":"hotline","office":"main","subject":"s","body":"b","petitioner":{"language":"klingon"}})"),
                400);
}

}  // namespace
}  // namespace petitiond
