// Retention (issue #20): finished cases past their period lose their personal data and
// keep their figures; running and recent cases, and those kept forever, stay as they
// are; a petitioner's access request exports their cases, audited.
#include "tests/api/api_fixture.hpp"

#include "engine/runtime/services/retention.hpp"
#include "engine/store/retention_store.hpp"

namespace petitiond {
namespace {

class RetentionTest : public ApiTest {
 protected:
  RetentionTest() {
    policy_.default_rule = RetentionRule{std::chrono::days(5 * 365)};
    policy_.categories["檢舉"] = RetentionRule{std::chrono::days(10 * 365)};
    policy_.workflows["news-media"] = RetentionRule{std::nullopt};
    policy_.unlinked_inputs = std::chrono::days(365);
  }
  runtime::RetentionService Service() { return runtime::RetentionService(t_.db(), clock_, policy_, "test-node"); }

  // A hotline case answered and closed, with a reply, a comment, a file and a survey answer.
  std::int64_t ClosedCase(const std::string& category = "戶籍登記") {
    Response made = Call("POST", "/api/v1/cases", intake_,
                         R"({"channel":"hotline","category":")" + category +
                             R"(","subject":"王大明的門牌","body":"王大明住在中華路一段100號","petitioner":)"
                             R"({"name":"王大明","phone":"0912-345-678","email":"wang.daming@example.tw"}})");
    EXPECT_EQ(made.status, 201) << made.body;
    const auto id = Body(made).at("id").as_int64();
    const auto path = "/api/v1/cases/" + std::to_string(id);
    EXPECT_EQ(Event(id, supervisor_, "\"1\"", R"({"event":"assign","data":{"assignee":"wang"}})").status, 200);
    EXPECT_EQ(Call("POST", path + "/comments", handler_, R"({"comment":"王大明來電補充"})").status, 200);
    const std::string form = "------p\r\nContent-Disposition: form-data; name=\"file\"; filename=\"門牌.png\"\r\n"
                             "Content-Type: image/png\r\n\r\n" +
                             std::string("\x89PNG\r\n\x1A\n\x00\x00\x00\rIHDR", 16) + "\r\n------p--\r\n";
    EXPECT_EQ(Call("POST", path + "/attachments", handler_, form, {{"content-type", "multipart/form-data; boundary=----p"}})
                  .status,
              201);
    const auto version = Count("SELECT row_version FROM cases WHERE id = " + std::to_string(id));
    EXPECT_EQ(Event(id, handler_, "\"" + std::to_string(version) + "\"",
                    R"({"event":"reply","data":{"reply":"王大明先生您好，門牌已更正"}})")
                  .status,
              200);
    EXPECT_EQ(Event(id, supervisor_, "\"" + std::to_string(version + 1) + "\"", R"({"event":"close"})").status, 200);
    t_.db().Run([&](store::Tx& tx) {
      store::Sql(tx) << "UPDATE surveys SET answered_at = now(), speed = 5, result = 4, attitude = 5, "
                        "comment = '王大明很滿意' WHERE case_id = " + std::to_string(id);
    });
    return id;
  }
  std::string Text(const std::string& query) {
    std::string out;
    t_.db().Run([&](store::Tx& tx) { store::Sql(tx) << query, soci::into(out); });
    return out;
  }
  RetentionPolicy policy_;
};

TEST_F(RetentionTest, ACasePastItsPeriodKeepsItsFiguresAndLosesItsPersonalData) {
  const auto old_case = ClosedCase();
  const auto running = CreateCase();
  std::string before_stats;
  t_.db().Run([&](store::Tx& tx) {
    store::Sql(tx) << "SELECT stats_rebuild()::text";
    store::Sql(tx) << "SELECT string_agg(t::text, ';' ORDER BY t::text) FROM stats_monthly t", soci::into(before_stats);
  });
  ASSERT_EQ(Count("SELECT count(*) FROM outbox WHERE case_id = " + std::to_string(old_case) +
                  " AND body LIKE '%王大明%'"),
            1);

  // Five years and a day later: a dry run counts, then the run does it.
  clock_.Advance(std::chrono::days(5 * 365 + 1));
  auto service = Service();
  const auto preview = service.Run(Actor{"root", {"admin"}, "main"}, true);
  EXPECT_EQ(preview.anonymized, 1);
  EXPECT_NE(Text("SELECT petitioner::text FROM cases WHERE id = " + std::to_string(old_case)).find("王大明"),
            std::string::npos)
      << "a dry run changes nothing";
  EXPECT_THROW(service.Run(Actor{"chen", {"supervisor"}, "main"}, false), DomainError);
  const auto done = service.Run(Actor{"root", {"admin"}, "main"}, false);
  EXPECT_EQ(done.anonymized, 1);
  ASSERT_EQ(done.by_rule.size(), 1u);
  EXPECT_EQ(done.by_rule[0].rule, "default: 1825 days after closing");

  const std::string id = std::to_string(old_case);
  // Nothing of the petitioner, or of what anyone wrote, is left anywhere.
  for (const std::string& where :
       {"SELECT petitioner::text || subject || body FROM cases WHERE id = " + id,
        "SELECT string_agg(data::text || coalesce(comment, ''), ' ') FROM case_events WHERE case_id = " + id,
        "SELECT coalesce(string_agg(encode(raw, 'escape') || source, ' '), '') FROM intake_raw WHERE case_id = " + id,
        "SELECT string_agg(recipient || subject || body, ' ') FROM outbox WHERE case_id = " + id,
        "SELECT coalesce(comment, '') FROM surveys WHERE case_id = " + id,
        "SELECT open_text || secret_text || replies FROM case_search WHERE case_id = " + id}) {
    const std::string text = Text(where);
    EXPECT_EQ(text.find("王大明"), std::string::npos) << where << ": " << text;
    EXPECT_EQ(text.find("0912345678"), std::string::npos) << where << ": " << text;
    EXPECT_EQ(text.find("wang.daming"), std::string::npos) << where << ": " << text;
    EXPECT_EQ(text.find("中華路"), std::string::npos) << where << ": " << text;
  }
  EXPECT_EQ(Count("SELECT count(*) FROM case_attachments WHERE case_id = " + id), 0);
  supervisor_ = Token("chen", "supervisor-pass");  // five years on: a new session
  EXPECT_EQ(Body(Call("GET", "/api/v1/cases?q=%E7%8E%8B%E5%A4%A7%E6%98%8E", supervisor_)).at("items").as_array().size(),
            0u)
      << "search finds nothing of it";
  // What the statistics count is as it was, and the trail says what went.
  std::string after_stats;
  t_.db().Run([&](store::Tx& tx) {
    store::Sql(tx) << "SELECT stats_rebuild()::text";
    store::Sql(tx) << "SELECT string_agg(t::text, ';' ORDER BY t::text) FROM stats_monthly t", soci::into(after_stats);
  });
  EXPECT_EQ(after_stats, before_stats);
  EXPECT_EQ(Count("SELECT (data->>'handling_workdays')::int IS NOT NULL FROM case_events WHERE case_id = " + id +
                  " AND event = 'reply'"),
            1);
  EXPECT_EQ(Text("SELECT event FROM case_events WHERE case_id = " + id + " ORDER BY seq DESC LIMIT 1"), "anonymized");
  EXPECT_EQ(Count("SELECT speed FROM surveys WHERE case_id = " + id), 5) << "the scores stay";
  // The running case is untouched; the trail stays append-only for everything else.
  EXPECT_NE(Text("SELECT petitioner::text FROM cases WHERE id = " + std::to_string(running)).find("陳小姐"),
            std::string::npos);
  EXPECT_THROW(t_.db().Run([&](store::Tx& tx) { store::Sql(tx) << "UPDATE case_events SET comment = 'x'"; }),
               DomainError);
  // Running it again changes nothing more.
  EXPECT_EQ(service.Run(Actor{"root", {"admin"}, "main"}, false).anonymized, 0);
}

TEST_F(RetentionTest, EachCaseKeepsItsDataForTheRuleThatAppliesToIt) {
  const auto ordinary = ClosedCase();
  const auto whistle = ClosedCase("檢舉");  // confidential, 10 years
  clock_.Advance(std::chrono::days(5 * 365 + 1));
  auto service = Service();
  EXPECT_EQ(service.Run(Actor{"root", {"admin"}, "main"}, false).anonymized, 1);
  EXPECT_EQ(Count("SELECT count(*) FROM cases WHERE anonymized_at IS NOT NULL AND id = " + std::to_string(ordinary)), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM cases WHERE anonymized_at IS NULL AND id = " + std::to_string(whistle)), 1);
  clock_.Advance(std::chrono::days(5 * 365));
  const auto later = service.Run(Actor{"root", {"admin"}, "main"}, false);
  EXPECT_EQ(later.anonymized, 1);
  EXPECT_EQ(later.by_rule.at(0).rule, "category 檢舉: 3650 days after closing");
}

TEST_F(RetentionTest, TheDailyRunHappensOnceAndClearsInputsThatNeverBecameACase) {
  ClosedCase();
  // A refused input: no case, its bytes kept until the inputs' period has passed.
  Response refused = Call("POST", "/api/v1/cases", intake_, R"({"channel":"hotline","subject":"","body":"王大明"})");
  ASSERT_EQ(refused.status, 400);
  clock_.Set(*ParseTimestamp("2032-01-05T01:00:00+08:00"));
  auto node_a = Service();
  auto node_b = runtime::RetentionService(t_.db(), clock_, policy_, "node-b");
  EXPECT_EQ(node_a.RunDue(), *ParseTimestamp("2032-01-05T02:00:00+08:00")) << "not before 02:00";
  EXPECT_EQ(Count("SELECT count(*) FROM cases WHERE anonymized_at IS NOT NULL"), 0);
  clock_.Set(*ParseTimestamp("2032-01-05T02:30:00+08:00"));
  node_a.RunDue();
  node_b.RunDue();
  EXPECT_EQ(Count("SELECT count(*) FROM cases WHERE anonymized_at IS NOT NULL"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM daily_runs WHERE job = 'retention'"), 1) << "one node ran it";
  EXPECT_EQ(Count("SELECT count(*) FROM intake_raw WHERE case_id IS NULL AND octet_length(raw) > 0"), 0);
}

TEST_F(RetentionTest, APetitionersAccessRequestExportsTheirCasesAndIsLogged) {
  const auto id = ClosedCase();
  Call("POST", "/api/v1/cases", intake_,
       R"({"channel":"hotline","subject":"別人的案件","body":"內容","petitioner":{"name":"李四","phone":"0987654321"}})");
  auto service = Service();
  EXPECT_THROW(service.Export(Actor{"chen", {"supervisor"}, "main"}, std::string("0912345678"), std::nullopt, "test"),
               DomainError);
  EXPECT_THROW(service.Export(Actor{"root", {"admin"}, "main"}, std::nullopt, std::nullopt, "test"), DomainError);
  const auto out = service.Export(Actor{"root", {"admin"}, "main"}, std::string("+886 912 345 678"), std::nullopt,
                                  "cli export-petitioner");
  ASSERT_EQ(out.cases.size(), 1u);
  EXPECT_EQ(out.cases[0].record.id, id);
  EXPECT_EQ(out.cases[0].record.petitioner.name, "王大明");
  EXPECT_GE(out.cases[0].events.size(), 4u);
  ASSERT_EQ(out.cases[0].files.size(), 1u);
  EXPECT_EQ(Count("SELECT count(*) FROM case_access_log WHERE action = 'export' AND case_id = " + std::to_string(id) +
                  " AND route = 'cli export-petitioner'"),
            1);
  EXPECT_EQ(service.Export(Actor{"root", {"admin"}, "main"}, std::nullopt, std::string("WANG.DAMING@example.tw"), "t")
                .cases.size(),
            1u);
}

}  // namespace
}  // namespace petitiond
