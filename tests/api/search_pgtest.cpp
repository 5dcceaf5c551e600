// GET /api/v1/cases?q=: Chinese words of two characters anywhere, one normal form for
// 臺/台, full-width letters and phone numbers, office scope, and a confidential
// petitioner who cannot be found by anyone who may not see them.
#include "tests/api/api_fixture.hpp"

namespace petitiond {
namespace {

class SearchTest : public ApiTest {
 protected:
  std::int64_t Make(const std::string& token, const std::string& body_json) {
    const Response r = Call("POST", "/api/v1/cases", token, body_json);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? Body(r).at("id").as_int64() : 0;
  }

  // The ids a search answers, in order.
  std::vector<std::int64_t> Find(const std::string& token, const std::string& query) {
    const Response r = Call("GET", "/api/v1/cases?" + query, token);
    EXPECT_EQ(r.status, 200) << query << ": " << r.body;
    std::vector<std::int64_t> ids;
    if (r.status != 200) return ids;
    const json::object body = Body(r);
    for (const auto& c : body.at("items").as_array()) ids.push_back(c.at("id").as_int64());
    return ids;
  }

  void SetUp() override {
    lamp_ = Make(intake_, R"({"channel":"hotline","subject":"中華路路燈不亮","body":"民眾反映 12 號前路燈故障，Taiwan Power 已通知",)"
                          R"("petitioner":{"name":"林先生","phone":"0912-345-678","address":"臺東市中華路一段"}})");
    parking_ = Make(intake_, R"({"channel":"counter","subject":"台東戶政停車位","body":"詢問臺東戶政事務所停車",)"
                             R"("petitioner":{"name":"陳小姐","phone":"+886 933 111 222"}})");
    secret_ = Make(intake_, R"({"channel":"hotline","subject":"檢舉違建","body":"鄰居加蓋鐵皮屋","confidential":true,)"
                            R"("petitioner":{"name":"吳告發","phone":"0955123456","email":"wu@example.tw"}})");
    elsewhere_ = Make(director_, R"({"channel":"hotline","office":"beinan","subject":"卑南路燈不亮","body":"路燈故障"})");
  }

  std::int64_t lamp_ = 0, parking_ = 0, secret_ = 0, elsewhere_ = 0;
};

TEST_F(SearchTest, FindsChineseWordsOfTwoCharactersAnywhere) {
  EXPECT_EQ(Find(supervisor_, "q=路燈"), std::vector<std::int64_t>{lamp_}) << "beinan's case is not main's";
  EXPECT_EQ(Find(director_, "q=路燈").size(), 2u) << "the director sees every office";
  EXPECT_EQ(Find(supervisor_, "q=故障"), std::vector<std::int64_t>{lamp_}) << "a word in the body";
  EXPECT_EQ(Find(supervisor_, "q=路燈 故障"), std::vector<std::int64_t>{lamp_}) << "every word must occur";
  EXPECT_TRUE(Find(supervisor_, "q=路燈 停車").empty());
  EXPECT_EQ(Find(supervisor_, "q=林先生"), std::vector<std::int64_t>{lamp_}) << "the petitioner's name";
  EXPECT_EQ(Find(supervisor_, "q=中華路一段"), std::vector<std::int64_t>{lamp_}) << "the address";
  const Response one = Call("GET", "/api/v1/cases?q=燈", supervisor_);
  ExpectProblem(one, 400);
}

TEST_F(SearchTest, TaiAndFullWidthFormsAreOne) {
  // 臺 and 台 are written both ways in the two cases: each form finds both.
  auto both = Find(supervisor_, "q=臺東");
  std::sort(both.begin(), both.end());
  EXPECT_EQ(both, (std::vector<std::int64_t>{lamp_, parking_}));
  EXPECT_EQ(Find(supervisor_, "q=台東戶政"), std::vector<std::int64_t>{parking_});
  EXPECT_EQ(Find(supervisor_, "q=ｔａｉｗａｎ"), std::vector<std::int64_t>{lamp_}) << "full-width, any case";
  EXPECT_EQ(Find(supervisor_, "q=TAIWAN　POWER"), std::vector<std::int64_t>{lamp_}) << "an ideographic space splits";
}

TEST_F(SearchTest, PhoneNumbersAreComparedInOneForm) {
  for (const char* q : {"q=0912345678", "q=0912-345-678", "q=+886 912 345 678", "q=(0912) 345 678"}) {
    EXPECT_EQ(Find(supervisor_, q), std::vector<std::int64_t>{lamp_}) << q;
  }
  EXPECT_EQ(Find(supervisor_, "q=0933111222"), std::vector<std::int64_t>{parking_});
  // Stored in the normal form, and the hotline form's repeats compare it so.
  const Response c = Call("GET", "/api/v1/cases/" + std::to_string(lamp_), supervisor_);
  EXPECT_EQ(Body(c).at("petitioner").at("phone").as_string(), "0912345678");
  const Response repeats = Call("GET", "/api/v1/repeats?phone=+886 912-345 678", intake_);
  ASSERT_EQ(repeats.status, 200) << repeats.body;
  EXPECT_EQ(Body(repeats).at("items").as_array().size(), 1u) << repeats.body;
}

TEST_F(SearchTest, AConfidentialPetitionerIsFoundOnlyByThoseWhoMaySeeThem) {
  for (const char* q : {"q=吳告發", "q=0955123456", "q=wu@example", "q=告發 違建"}) {
    EXPECT_TRUE(Find(supervisor_, q).empty()) << q << ": nothing about the identity can be found";
    EXPECT_TRUE(Find(handler_, q).empty()) << q;
  }
  EXPECT_EQ(Find(director_, "q=吳告發"), std::vector<std::int64_t>{secret_});
  EXPECT_EQ(Find(director_, "q=告發 違建"), std::vector<std::int64_t>{secret_}) << "identity and subject together";
  // The case itself is found by what it is about, and its petitioner stays 保密.
  const Response r = Call("GET", "/api/v1/cases?q=違建", supervisor_);
  ASSERT_EQ(Body(r).at("items").as_array().size(), 1u) << r.body;
  EXPECT_EQ(Body(r).at("items").as_array()[0].at("petitioner").at("name").as_string(), "保密");
  // Made confidential later: its petitioner leaves the searched text at once.
  EXPECT_EQ(Find(supervisor_, "q=林先生"), std::vector<std::int64_t>{lamp_});
  const Response set = Call("POST", "/api/v1/cases/" + std::to_string(lamp_) + "/confidentiality", director_,
                            R"({"confidential":true,"reason":"檢舉人要求保密"})");
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_TRUE(Find(supervisor_, "q=林先生").empty());
  EXPECT_TRUE(Find(supervisor_, "q=0912345678").empty());
  EXPECT_EQ(Find(supervisor_, "q=路燈"), std::vector<std::int64_t>{lamp_});
}

TEST_F(SearchTest, RepliesAreSearchedAndFiltersAndSortCombine) {
  Response r = Event(lamp_, supervisor_, "\"1\"", R"({"event":"assign","data":{"assignee":"wang"}})");
  ASSERT_EQ(r.status, 200) << r.body;
  r = Event(lamp_, handler_, "\"2\"", R"({"event":"reply","data":{"reply":"已派員更換燈泡"}})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Find(supervisor_, "q=更換燈泡"), std::vector<std::int64_t>{lamp_}) << "the reply's text";
  EXPECT_EQ(Find(supervisor_, "q=路燈&assignee=wang&sort=due&overdue=false"), std::vector<std::int64_t>{lamp_});
  EXPECT_TRUE(Find(supervisor_, "q=路燈&assignee=chen").empty());
  EXPECT_EQ(Find(supervisor_, "q=停車&channel=counter&sort=newest"), std::vector<std::int64_t>{parking_});
  // Relevance: the word in the subject ranks first; pages follow the ranking.
  const auto newer = Make(intake_, R"({"channel":"hotline","subject":"詢問","body":"停車 相關"})");
  EXPECT_EQ(Find(supervisor_, "q=停車"), (std::vector<std::int64_t>{parking_, newer}));
  EXPECT_EQ(Find(supervisor_, "q=停車&sort=newest"), (std::vector<std::int64_t>{newer, parking_}));
  const Response page = Call("GET", "/api/v1/cases?q=停車&limit=1", supervisor_);
  ASSERT_EQ(page.status, 200) << page.body;
  const std::string next(Body(page).at("next").as_string());
  EXPECT_EQ(Find(supervisor_, "q=停車&limit=1&cursor=" + next), std::vector<std::int64_t>{newer});
  ExpectProblem(Call("GET", "/api/v1/cases?sort=relevance", supervisor_), 400);
  ExpectProblem(Call("GET", "/api/v1/cases?q=停車&cursor=bogus", supervisor_), 400);
}

// What the index finds is what a full scan finds (recall equals LIKE over the text).
TEST_F(SearchTest, TheIndexFindsWhatAFullScanFinds) {
  for (int i = 0; i < 30; ++i) {
    Make(intake_, R"({"channel":"hotline","subject":"門牌整編 )" + std::to_string(i) + R"(","body":")" +
                      (i % 3 == 0 ? "戶政" : "地政") + R"(事務所 )" + std::to_string(i * 7) + R"("})");
  }
  for (const std::string term : {"戶政", "地政", "事務", "整編 1", "21", "政事務所"}) {
    long long scan = Count("SELECT count(*) FROM cases c JOIN case_search s ON s.case_id = c.id WHERE "
                           "c.office = 'main' AND NOT EXISTS (SELECT 1 FROM regexp_split_to_table('" + term +
                           "', ' ') t WHERE s.open_text NOT LIKE '%' || petitiond_search_norm(t) || '%')");
    const Response r = Call("GET", "/api/v1/cases?limit=100&q=" + term, supervisor_);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(static_cast<long long>(Body(r).at("items").as_array().size()), scan) << term;
    EXPECT_GT(scan, 0) << term;
  }
}

}  // namespace
}  // namespace petitiond
