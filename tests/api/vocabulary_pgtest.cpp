// A workflow the code has never heard of (tests/data/vocabulary/street-lights.yaml:
// no state or event is named like a shipped one) runs end to end, and every reader
// counts and words it from what it declares: the statistics, /track, Open311 and the
// console's GET /api/v1/workflows.
#include "tests/api/api_fixture.hpp"

namespace petitiond {
namespace {

const std::string kDir = std::string(PETITIOND_SOURCE_DIR) + "/tests/data/vocabulary";

class VocabularyTest : public ApiTest {
 protected:
  // The shipped workflows and the held-out one, routed by the held-out routing.yaml.
  VocabularyTest() : ApiTest({std::string(PETITIOND_SOURCE_DIR) + "/workflows", kDir}) {}

  struct Made {
    std::int64_t id = 0;
    std::string public_no, access_code;
  };

  Made Create(const std::string& subject) {
    const Response r = Call("POST", "/api/v1/cases", intake_,
                            R"({"channel":"hotline","office":"main","workflow":"street-lights","subject":")" + subject +
                                R"(","body":"中華路 12 號前路燈不亮","petitioner":{"name":"林先生","phone":"0912345678"}})");
    EXPECT_EQ(r.status, 201) << r.body;
    const auto o = Body(r);
    return Made{o.at("id").as_int64(), std::string(o.at("public_no").as_string()),
                std::string(o.at("access_code").as_string())};
  }

  // Sends `event` with `data` (a JSON object) as `token`, at the case's current version.
  void Send(std::int64_t id, const std::string& token, const std::string& event, const std::string& data = "{}") {
    const Response now = Call("GET", "/api/v1/cases/" + std::to_string(id), token);
    ASSERT_EQ(now.status, 200) << now.body;
    const Response r = Event(id, token, HeaderOf(now, "ETag"), R"({"event":")" + event + R"(","data":)" + data + "}");
    ASSERT_EQ(r.status, 200) << event << ": " << r.body;
  }

  std::string StateOf(std::int64_t id) {
    return std::string(Body(Call("GET", "/api/v1/cases/" + std::to_string(id), supervisor_)).at("state").as_string());
  }
};

TEST_F(VocabularyTest, AWorkflowWithItsOwnNamesIsCountedAndWordedFromItsDeclarations) {
  const Made answered = Create("路燈不亮"), transferred = Create("電桿傾斜"), merged = Create("同一路燈"),
             kept = Create("路燈閃爍"), filed = Create("無具體內容"), dropped = Create("已自行修好");
  Send(answered.id, supervisor_, "dispatch", R"({"assignee":"wang"})");
  Send(answered.id, handler_, "need_info", R"({"question":"請說明是哪一支路燈"})");
  Send(answered.id, handler_, "info_in");
  Send(answered.id, handler_, "report_fixed", R"({"note":"已更換燈泡"})");
  Send(answered.id, supervisor_, "finish");
  Send(transferred.id, supervisor_, "to_power_company", R"({"why":"屬台電管線"})");
  Send(kept.id, supervisor_, "dispatch", R"({"assignee":"wang"})");
  Send(merged.id, supervisor_, "fold_into", R"({"into":")" + std::to_string(kept.id) + "\"}");
  Send(filed.id, supervisor_, "file_away", R"({"reason":"無具體內容"})");
  Send(dropped.id, supervisor_, "withdraw");
  EXPECT_EQ(StateOf(answered.id), "done");
  // The reply's notice (named after its event, report_fixed) offers the survey.
  EXPECT_EQ(Count("SELECT count(*) FROM surveys WHERE case_id = " + std::to_string(answered.id)), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM surveys"), 1);
  EXPECT_EQ(StateOf(merged.id), "folded");
  EXPECT_EQ(Count("SELECT count(*) FROM cases WHERE merged_into IS NOT NULL"), 1);

  // The rollups count outcomes and replies as declared.
  const Response stats = Call("GET", "/api/v1/stats?from=2026-11&to=2026-11&group_by=office", supervisor_);
  ASSERT_EQ(stats.status, 200) << stats.body;
  const auto groups = Body(stats).at("groups").as_array();
  ASSERT_EQ(groups.size(), 1u) << stats.body;
  const auto& g = groups[0].as_object();
  EXPECT_EQ(g.at("received").as_int64(), 6);
  EXPECT_EQ(g.at("closed").as_int64(), 1);
  EXPECT_EQ(g.at("transferred").as_int64(), 1);
  EXPECT_EQ(g.at("merged").as_int64(), 1);
  EXPECT_EQ(g.at("registered_only").as_int64(), 1);
  EXPECT_EQ(g.at("withdrawn").as_int64(), 1);
  EXPECT_EQ(g.at("replied").as_int64(), 1);
  EXPECT_EQ(g.at("open_at_end").as_int64(), 1);  // `kept`
  EXPECT_EQ(g.at("handling").at("replies").as_int64(), 1);
  // The same from the history: a rebuild derives the same figures.
  t_.db().Run([&](store::Tx& tx) { store::Sql(tx) << "SELECT stats_rebuild()"; });
  const auto rebuilt = Body(Call("GET", "/api/v1/stats?from=2026-11&to=2026-11&group_by=office", supervisor_));
  EXPECT_EQ(json::serialize(rebuilt.at("groups")), json::serialize(Body(stats).at("groups")));

  // /track speaks the public words, and shows only the data the workflow makes public.
  Response track = Call("GET", "/api/v1/public/cases/" + answered.public_no + "?code=" + answered.access_code);
  ASSERT_EQ(track.status, 200) << track.body;
  auto t = Body(track);
  EXPECT_EQ(t.at("state_label").as_string(), "本案已完工");
  EXPECT_TRUE(t.at("finished").as_bool());
  std::vector<std::string> steps;
  for (const auto& s : t.at("steps").as_array()) {
    std::string line(s.at("label").as_string());
    if (!s.at("reason").is_null()) line += "：" + std::string(s.at("reason").as_string());
    steps.push_back(line);
  }
  EXPECT_EQ(steps, (std::vector<std::string>{"已受理", "已派工", "請您補充資料：請說明是哪一支路燈", "回報修復結果"}))
      << track.body;
  track = Call("GET", "/api/v1/public/cases/" + kept.public_no + "?code=" + kept.access_code);
  EXPECT_EQ(Body(track).at("state_label").as_string(), "維修人員處理中");
  EXPECT_FALSE(Body(track).at("finished").as_bool());

  // The console's words for it.
  const Response wfs = Call("GET", "/api/v1/workflows", handler_);
  ASSERT_EQ(wfs.status, 200) << wfs.body;
  const json::object all = Body(wfs);
  const json::object* mine = nullptr;
  for (const auto& w : all.at("items").as_array()) {
    if (w.at("name").as_string() == "street-lights") mine = &w.as_object();
  }
  ASSERT_NE(mine, nullptr) << wfs.body;
  std::map<std::string, std::string> state_labels, event_labels, clock_labels;
  for (const auto& s : mine->at("states").as_array()) {
    state_labels[std::string(s.at("name").as_string())] = std::string(s.at("label").as_string());
  }
  for (const auto& e : mine->at("events").as_array()) {
    event_labels[std::string(e.at("name").as_string())] = std::string(e.at("label").as_string());
  }
  for (const auto& c : mine->at("clocks").as_array()) {
    clock_labels[std::string(c.at("name").as_string())] = std::string(c.at("label").as_string());
  }
  EXPECT_EQ(state_labels.at("handed_over"), "轉台電");
  EXPECT_EQ(event_labels.at("report_fixed"), "回報修復");
  EXPECT_EQ(clock_labels.at("fix"), "修復期限");
  EXPECT_EQ(Body(Call("GET", "/api/v1/offices", handler_)).at("items").as_array().at(0).at("name").as_string(), "本所");
}

TEST_F(VocabularyTest, Open311ReportsTheDeclaredStatusOfItsRequests) {
  const Response key = Call("POST", "/api/v1/open311/clients", admin_, R"({"name":"路燈 App"})");
  ASSERT_EQ(key.status, 201) << key.body;
  const std::string api_key(Body(key).at("api_key").as_string());
  const Response posted =
      Call("POST", "/open311/v2/requests.json", "",
           "api_key=" + api_key + "&service_code=street-lights&address_string=%E4%B8%AD%E8%8F%AF%E8%B7%AF12%E8%99%9F"
           "&description=%E8%B7%AF%E7%87%88%E4%B8%8D%E4%BA%AE&email=lin%40example.tw",
           {{"content-type", "application/x-www-form-urlencoded"}});
  ASSERT_EQ(posted.status, 201) << posted.body;
  const std::string no(json::parse(posted.body).as_array().at(0).at("service_request_id").as_string());
  auto request = [&] {
    const Response r = Call("GET", "/open311/v2/requests/" + no + ".json?api_key=" + api_key);
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body).as_array().at(0).as_object();
  };
  EXPECT_EQ(request().at("status").as_string(), "open");
  EXPECT_EQ(request().at("status_notes").as_string(), "路燈報修已登錄");

  std::int64_t id = 0;
  t_.db().Run([&](store::Tx& tx) { store::Sql(tx) << "SELECT id FROM cases WHERE public_no = :n", soci::use(no), soci::into(id); });
  EXPECT_EQ(Count("SELECT count(*) FROM cases WHERE origin = 'open311'"), 1);
  Send(id, supervisor_, "to_power_company", R"({"why":"屬台電管線"})");
  EXPECT_EQ(request().at("status").as_string(), "closed");
  EXPECT_EQ(request().at("status_notes").as_string(), "已轉請台電處理");
  EXPECT_EQ(request().at("expected_datetime"), json::value(nullptr));
  const Response stats = Call("GET", "/api/v1/stats?from=2026-11&to=2026-11&group_by=office", supervisor_);
  EXPECT_EQ(Body(stats).at("groups").at(0).at("online").at("open311").as_int64(), 1) << stats.body;
  EXPECT_EQ(Body(stats).at("groups").at(0).at("transferred").as_int64(), 1) << stats.body;
}

// Registered-only by rule (no content, no identity) takes the workflow's step into its
// registered_only outcome, whatever that step is called.
TEST_F(VocabularyTest, AnInputWithoutContentIsFiledThroughTheDeclaredOutcome) {
  const Response r = Call("POST", "/api/v1/cases", intake_,
                          R"({"channel":"hotline","office":"main","workflow":"street-lights","subject":"？？","body":"……",)"
                          R"("petitioner":{"phone":"0912345678"}})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Body(r).at("state").as_string(), "filed") << r.body;
  EXPECT_EQ(Count("SELECT count(*) FROM cases WHERE outcome = 'registered_only'"), 1);
}

}  // namespace
}  // namespace petitiond
