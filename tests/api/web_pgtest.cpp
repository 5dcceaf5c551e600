// Issue 10's server side: the console's cookie session with CSRF, the public status
// lookup, and the pages with their Content-Security-Policy.
#include "tests/api/api_fixture.hpp"

namespace petitiond {
namespace {

class WebTest : public ApiTest {
 protected:
  std::string SetCookieOf(const Response& r) { return HeaderOf(r, "Set-Cookie"); }
};

TEST_F(WebTest, TheConsoleSessionIsAnHttpOnlyCookieAndChangesNeedItsCsrfToken) {
  Response r = Call("POST", "/api/v1/sessions", "", R"({"login":"lin","password":"intake-pass","cookie":true})");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string cookie = SetCookieOf(r);
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos) << cookie;
  EXPECT_FALSE(Body(r).contains("token")) << "the token stays in the cookie, out of scripts' reach";
  const std::string csrf(Body(r).at("csrf_token").as_string());
  const std::string jar = cookie.substr(0, cookie.find(';'));
  // One hex digit changed (always a different one: "0" + rest equals the token 1 time in 16).
  const std::string forged = std::string(csrf[0] == '0' ? "1" : "0") + csrf.substr(1);
  Response mine = Call("GET", "/api/v1/sessions/current", "", "", {{"cookie", jar}});
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(Body(mine).at("login").as_string(), "lin");
  EXPECT_EQ(Body(mine).at("csrf_token").as_string(), csrf);
  const std::string body = R"({"channel":"hotline","subject":"門牌","body":"查詢"})";
  ExpectProblem(Call("POST", "/api/v1/cases", "", body, {{"cookie", jar}}), 403);
  ExpectProblem(Call("POST", "/api/v1/cases", "", body, {{"cookie", jar}, {"x-csrf-token", forged}}), 403);
  EXPECT_EQ(Count("SELECT count(*) FROM cases"), 0);
  EXPECT_EQ(Call("POST", "/api/v1/cases", "", body, {{"cookie", jar}, {"x-csrf-token", csrf}}).status, 201);
  Response out = Call("DELETE", "/api/v1/sessions/current", "", "", {{"cookie", jar}, {"x-csrf-token", csrf}});
  ASSERT_EQ(out.status, 200) << out.body;
  EXPECT_NE(SetCookieOf(out).find("Max-Age=0"), std::string::npos);
  ExpectProblem(Call("GET", "/api/v1/sessions/current", "", "", {{"cookie", jar}}), 401);
}

TEST_F(WebTest, APetitionerLooksUpTheirCaseWithItsCodeAndNothingMore) {
  Response made = Call("POST", "/api/v1/cases", intake_,
                       R"({"channel":"hotline","subject":"門牌","body":"查詢","petitioner":{"name":"陳小姐","phone":"0911000111"}})");
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string no(Body(made).at("public_no").as_string()), code(Body(made).at("access_code").as_string());
  Response ok = Call("GET", "/api/v1/public/cases/" + no + "?code=" + code);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(Body(ok).at("state_label").as_string(), "已受理，待分案");
  EXPECT_EQ(Body(ok).at("steps").as_array().at(0).at("label").as_string(), "已受理");
  EXPECT_FALSE(Body(ok).at("due_at").is_null());
  for (const char* secret : {"陳小姐", "0911000111", "lin"}) EXPECT_EQ(ok.body.find(secret), std::string::npos) << secret;

  Response wrong = Call("GET", "/api/v1/public/cases/" + no + "?code=WRONGCODE1");
  ExpectProblem(wrong, 404);
  EXPECT_EQ(Body(wrong).at("detail").as_string(), "查無此案件或查詢碼錯誤");
  Response unknown = Call("GET", "/api/v1/public/cases/115-999999?code=" + code);
  EXPECT_EQ(Body(unknown).at("detail").as_string(), "查無此案件或查詢碼錯誤") << "the same answer: numbers cannot be probed";
  for (int i = 0; i < 8; ++i) Call("GET", "/api/v1/public/cases/" + no + "?code=WRONGCODE1");
  Response limited = Call("GET", "/api/v1/public/cases/" + no + "?code=" + code);
  ExpectProblem(limited, 429);
  EXPECT_FALSE(HeaderOf(limited, "Retry-After").empty());
}

// The console polls its lists: an unchanged list answers 304, a changed one 200.
TEST_F(WebTest, ListsAnswer304UntilACaseChanges) {
  CreateCase();
  Response first = Call("GET", "/api/v1/cases", supervisor_);
  const std::string tag = HeaderOf(first, "ETag");
  ASSERT_FALSE(tag.empty());
  Request again;
  again.method = "GET";
  again.path = "/api/v1/cases";
  again.headers = {{"authorization", "Bearer " + supervisor_}, {"if-none-match", tag}};
  EXPECT_EQ(api_.Handle(again).status, 304);
  CreateCase();
  EXPECT_EQ(api_.Handle(again).status, 200);
}

// Typing a phone number into the hotline form shows the caller's earlier cases.
TEST_F(WebTest, RepeatsAreListedWhileThePhoneIsTyped) {
  CreateCase();  // 陳小姐, 0911000111
  Response r = Call("GET", "/api/v1/repeats?phone=0911000111", handler_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r).at("items").as_array().size(), 1u);
  EXPECT_TRUE(Body(Call("GET", "/api/v1/repeats?phone=0911", handler_)).at("items").as_array().empty());
  ExpectProblem(Call("GET", "/api/v1/repeats?phone=0911000111&office=lanyu", handler_), 403);
}

TEST_F(WebTest, PagesCarryAStrictContentSecurityPolicy) {
  for (const char* page : {"/", "/track", "/mailbox", "/assets/console.js", "/assets/style.css"}) {
    Request r;
    r.method = "GET";
    r.path = page;
    const Response res = api_.Handle(r);
    ASSERT_EQ(res.status, 200) << page;
    const std::string csp = HeaderOf(res, "Content-Security-Policy");
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << page;
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << page;
  }
  Request r;
  r.method = "GET";
  r.path = "/mailbox";
  const std::string html = api_.Handle(r).body;
  EXPECT_NE(html.find("name=\"website\""), std::string::npos);
  EXPECT_NE(html.find("class=\"hp\""), std::string::npos) << "the honeypot is hidden from people";
  EXPECT_EQ(html.find("<script>"), std::string::npos) << "no inline script";
  EXPECT_EQ(html.find("style="), std::string::npos) << "no inline style";
  r.path = "/assets/../index.html";
  EXPECT_EQ(api_.Handle(r).status, 404);
}

}  // namespace
}  // namespace petitiond

namespace petitiond {
namespace {

class SurveyTest : public ApiTest {
 protected:
  // A replied case whose petitioner has an e-mail address; returns {public_no, token}.
  std::pair<std::string, std::string> RepliedCase() {
    Response made = Call("POST", "/api/v1/cases", intake_,
                         R"({"channel":"hotline","subject":"門牌","body":"查詢","petitioner":{"name":"陳小姐","email":"chen@example.tw"}})");
    EXPECT_EQ(made.status, 201) << made.body;
    const auto id = Body(made).at("id").as_int64();
    EXPECT_EQ(Event(id, supervisor_, "\"1\"", R"({"event":"assign","data":{"assignee":"wang"}})").status, 200);
    EXPECT_EQ(Event(id, handler_, "\"2\"", R"({"event":"reply","data":{"reply":"已處理"}})").status, 200);
    std::string body, sealed;
    t_.db().Run([&](store::Tx& tx) {
      store::Sql(tx) << "SELECT body, sealed FROM outbox WHERE case_id = :id AND subject LIKE '%答覆通知%' "
                        "AND recipient = 'chen@example.tw'",
          soci::use(id, "id"), soci::into(body), soci::into(sealed);
    });
    EXPECT_NE(body.find("{{survey_link}}"), std::string::npos) << body;
    const auto opened = intake_service_.outbox_sealer().Open(sealed);
    EXPECT_TRUE(opened);
    const std::string link(json::parse(*opened).at("survey_link").as_string());
    EXPECT_EQ(body.find(link), std::string::npos) << "the link is not readable from the outbox";
    return {std::string(Body(made).at("public_no").as_string()), link.substr(link.find("token=") + 6)};
  }
};

TEST_F(SurveyTest, TheReplyNoticeCarriesASurveyAnsweredOnceAndALowScoreTellsTheSupervisor) {
  const auto [no, token] = RepliedCase();
  Response open = Call("GET", "/api/v1/public/surveys/" + no + "?token=" + token);
  ASSERT_EQ(open.status, 200) << open.body;
  EXPECT_TRUE(Body(open).at("open").as_bool());
  ExpectProblem(Call("GET", "/api/v1/public/surveys/" + no + "?token=wrong"), 404);
  ExpectProblem(Call("POST", "/api/v1/public/surveys/" + no, "",
                     R"({"token":")" + token + R"(","speed":6,"result":1,"attitude":3})"), 400);
  Response answered = Call("POST", "/api/v1/public/surveys/" + no, "",
                           R"({"token":")" + token + R"(","speed":2,"result":4,"attitude":5,"comment":"太慢"})");
  ASSERT_EQ(answered.status, 201) << answered.body;
  EXPECT_EQ(Count("SELECT count(*) FROM surveys WHERE speed = 2 AND result = 4 AND attitude = 5 AND comment = '太慢'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE subject LIKE '【滿意度警示】%'"), 1) << "chen, main's supervisor";
  ExpectProblem(Call("POST", "/api/v1/public/surveys/" + no, "",
                     R"({"token":")" + token + R"(","speed":5,"result":5,"attitude":5})"), 409);
}

TEST_F(SurveyTest, TheSurveyClosesAfterThirtyDays) {
  const auto [no, token] = RepliedCase();
  clock_.Advance(std::chrono::hours(24 * 31));
  Response open = Call("GET", "/api/v1/public/surveys/" + no + "?token=" + token);
  ASSERT_EQ(open.status, 200) << open.body;
  EXPECT_FALSE(Body(open).at("open").as_bool());
  ExpectProblem(Call("POST", "/api/v1/public/surveys/" + no, "",
                     R"({"token":")" + token + R"(","speed":5,"result":5,"attitude":5})"), 409);
  EXPECT_EQ(Count("SELECT count(*) FROM surveys WHERE answered_at IS NOT NULL"), 0);
}

}  // namespace
}  // namespace petitiond
