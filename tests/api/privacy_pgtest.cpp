// Confidential petitioners (issue 9, item 2): redacted for everyone but the director
// and the privacy officer, in views, lists, events, the outbox and the intake log;
// revealing is audited; every read of a confidential case is in the access log.
#include "tests/api/api_fixture.hpp"

namespace petitiond {
namespace {

class PrivacyTest : public ApiTest {
 protected:
  PrivacyTest() {
    auth_.AddUser("hsu", "privacy-pass", {"privacy_officer"}, "main");
    privacy_ = Token("hsu", "privacy-pass");
  }

  // A whistle-blowing mailbox case (category 檢舉 is in confidential_categories).
  std::int64_t Whistleblowing(const std::string& extra = "") {
    Response r = Call("POST", "/api/v1/cases", intake_,
                      R"({"channel":"mailbox","office":"main","category":"檢舉","subject":"櫃台收受紅包",)"
                      R"("body":"某職員收受紅包",)" + extra +
                          R"("petitioner":{"name":"吳告發","phone":"0955123456","email":"wu@example.tw",)"
                          R"("address":"臺東市中華路一段1號"}})");
    EXPECT_EQ(r.status, 201) << r.body;
    EXPECT_TRUE(Body(r).at("confidential").as_bool());
    ExpectNoIdentity(r.body);
    return Body(r).at("id").as_int64();
  }

  static void ExpectNoIdentity(const std::string& text) {
    for (const char* pii : {"吳告發", "0955123456", "wu@example.tw", "中華路"}) {
      EXPECT_EQ(text.find(pii), std::string::npos) << pii << " in " << text;
    }
  }

  long long AccessRows(std::int64_t id, const std::string& login) {
    return Count("SELECT count(*) FROM case_access_log WHERE case_id = " + std::to_string(id) + " AND login = '" +
                 login + "'");
  }

  std::string privacy_;
};

TEST_F(PrivacyTest, AWhistleblowerIsRedactedForStaffInEveryView) {
  const auto id = Whistleblowing();
  const std::string path = "/api/v1/cases/" + std::to_string(id);
  for (const auto& token : {intake_, handler_, supervisor_, admin_}) {
    Response one = Call("GET", path, token);
    ASSERT_EQ(one.status, 200) << one.body;
    ExpectNoIdentity(one.body);
    EXPECT_EQ(Body(one).at("petitioner").at("name").as_string(), "保密");
    EXPECT_FALSE(Body(one).at("petitioner").as_object().contains("phone"));
    for (const char* list : {"/api/v1/cases", "/api/v1/cases?fields=summary", "/api/v1/cases?sort=due"}) {
      Response r = Call("GET", list, token);
      ASSERT_EQ(r.status, 200) << r.body;
      ExpectNoIdentity(r.body);
    }
    ExpectNoIdentity(Call("GET", path + "/events", token).body);
  }
  // The acceptance mail went to the petitioner: its recipient is hidden in the outbox
  // and the mail's source in the intake log, for the supervisor and the admin.
  for (const auto& token : {supervisor_, admin_}) {
    Response outbox = Call("GET", "/api/v1/outbox", token);
    ASSERT_EQ(outbox.status, 200) << outbox.body;
    ASSERT_FALSE(Body(outbox).at("items").as_array().empty());
    ExpectNoIdentity(outbox.body);
  }
  // The director and the privacy officer see who it is.
  for (const auto& token : {director_, privacy_}) {
    Response one = Call("GET", path, token);
    ASSERT_EQ(one.status, 200) << one.body;
    EXPECT_EQ(Body(one).at("petitioner").at("name").as_string(), "吳告發");
  }
  EXPECT_NE(Call("GET", "/api/v1/outbox", director_).body.find("wu@example.tw"), std::string::npos);
}

TEST_F(PrivacyTest, EveryReadIsInTheAccessLogWithItsRoute) {
  const auto id = Whistleblowing();
  const auto ordinary = CreateCase();  // not confidential: its reads are not logged
  Call("GET", "/api/v1/cases/" + std::to_string(id), handler_);
  Call("GET", "/api/v1/cases/" + std::to_string(id) + "/events", handler_);
  Call("GET", "/api/v1/cases", supervisor_);
  Call("GET", "/api/v1/cases/" + std::to_string(ordinary), handler_);
  EXPECT_EQ(AccessRows(id, "wang"), 2);
  EXPECT_EQ(AccessRows(id, "chen"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM case_access_log WHERE case_id = " + std::to_string(ordinary)), 0);

  Response log = Call("GET", "/api/v1/access-log?case_id=" + std::to_string(id), privacy_);
  ASSERT_EQ(log.status, 200) << log.body;
  const auto items = Body(log).at("items").as_array();
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].at("route").as_string(), "GET /api/v1/cases");
  EXPECT_EQ(items[2].at("route").as_string(), "GET /api/v1/cases/{id}");
  EXPECT_EQ(items[2].at("login").as_string(), "wang");
  // Only the director, the privacy officer and admins read the log.
  ExpectProblem(Call("GET", "/api/v1/access-log", supervisor_), 403);
  EXPECT_EQ(Call("GET", "/api/v1/access-log", admin_).status, 200);
  // The log cannot be rewritten.
  EXPECT_THROW(t_.db().Run([](store::Tx& tx) { store::Sql(tx) << "DELETE FROM case_access_log"; }), DomainError);
}

TEST_F(PrivacyTest, RevealingNeedsTheRightRoleAndAReasonAndIsAudited) {
  const auto id = Whistleblowing();
  const std::string path = "/api/v1/cases/" + std::to_string(id) + "/reveal";
  ExpectProblem(Call("POST", path, supervisor_, R"({"reason":"回電"})"), 403);
  ExpectProblem(Call("POST", path, admin_, R"({"reason":"回電"})"), 403);
  ExpectProblem(Call("POST", path, privacy_, R"({"reason":""})"), 400);
  Response r = Call("POST", path, privacy_, R"({"reason":"承辦人需回電說明"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r).at("petitioner").at("phone").as_string(), "0955123456");
  EXPECT_EQ(Count("SELECT count(*) FROM case_events WHERE event = 'identity_revealed' AND actor = 'hsu' "
                  "AND data->>'reason' = '承辦人需回電說明'"),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM case_access_log WHERE action = 'reveal' AND login = 'hsu'"), 1);
  // The trail shows that it happened, not who the petitioner is.
  Response trail = Call("GET", "/api/v1/cases/" + std::to_string(id) + "/events", handler_);
  EXPECT_NE(trail.body.find("identity_revealed"), std::string::npos);
  ExpectNoIdentity(trail.body);
}

TEST_F(PrivacyTest, ConfidentialityIsSetOnCreateOrLaterAndLiftedOnlyByTheDesignatedRoles) {
  Response plain = Call("POST", "/api/v1/cases", intake_,
                        R"({"channel":"hotline","subject":"門牌","body":"查詢","confidential":true,)"
                        R"("petitioner":{"name":"吳告發","phone":"0955123456"}})");
  ASSERT_EQ(plain.status, 201) << plain.body;
  EXPECT_TRUE(Body(plain).at("confidential").as_bool()) << "asked for on create";
  ExpectNoIdentity(plain.body);

  const auto id = CreateCase();
  const std::string path = "/api/v1/cases/" + std::to_string(id) + "/confidentiality";
  ExpectProblem(Call("POST", path, handler_, R"({"confidential":true})"), 400);
  Response set = Call("POST", path, handler_, R"({"confidential":true,"reason":"陳情人要求保密"})");
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(Body(set).at("petitioner").at("name").as_string(), "保密");
  ExpectProblem(Call("POST", path, supervisor_, R"({"confidential":false,"reason":"誤設"})"), 403);
  Response lifted = Call("POST", path, privacy_, R"({"confidential":false,"reason":"陳情人同意公開"})");
  ASSERT_EQ(lifted.status, 200) << lifted.body;
  EXPECT_FALSE(Body(lifted).at("confidential").as_bool());
  EXPECT_EQ(Count("SELECT count(*) FROM case_events WHERE case_id = " + std::to_string(id) +
                  " AND event IN ('confidential_set', 'confidential_lifted')"),
            2);
  EXPECT_EQ(Body(Call("GET", "/api/v1/cases/" + std::to_string(id), handler_)).at("petitioner").at("name").as_string(),
            "陳小姐");
}

// Typing a whistle-blower's phone number into a new case must not reveal that they
// filed one: confidential cases are never offered as possible repeats.
TEST_F(PrivacyTest, AConfidentialCaseIsNeverAPossibleDuplicate) {
  Whistleblowing();
  Response probe = Call("POST", "/api/v1/cases", handler_,
                        R"({"channel":"hotline","subject":"櫃台收受紅包","body":"查詢",)"
                        R"("petitioner":{"name":"某人","phone":"0955123456"}})");
  ASSERT_EQ(probe.status, 201) << probe.body;
  EXPECT_TRUE(Body(probe).at("possible_duplicates").as_array().empty()) << probe.body;
}

}  // namespace
}  // namespace petitiond
