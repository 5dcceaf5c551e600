// The work around a case (issue #19): sign-off of drafted replies, standard replies,
// files sent with the reply, bulk actions, who else has a case open, the settings and
// the supervisors' morning digest.
#include "tests/api/api_fixture.hpp"
#include "tests/common/mail_sink.hpp"

#include <sodium.h>

#include <cstdlib>

#include "engine/runtime/jobs/dispatcher.hpp"
#include "engine/runtime/services/digest.hpp"
#include "engine/store/user_store.hpp"

namespace petitiond {
namespace {

const std::string kPng = std::string("\x89PNG\r\n\x1A\n\x00\x00\x00\rIHDR", 16);

class CaseworkTest : public ApiTest {
 protected:
  CaseworkTest() {
    auth_.AddUser("kao", "lanyu-supervisor", {"supervisor"}, "lanyu");
    auth_.AddUser("syaman", "lanyu-handler", {"handler"}, "lanyu");
    lanyu_supervisor_ = Token("kao", "lanyu-supervisor");
    lanyu_handler_ = Token("syaman", "lanyu-handler");
  }
  static std::string CasePath(std::int64_t id, const std::string& rest = "") {
    return "/api/v1/cases/" + std::to_string(id) + rest;
  }
  // A director's-mailbox case of main, assigned to wang: its reply needs the director's sign-off.
  std::int64_t AssignedMailboxCase(const std::string& subject = "戶籍謄本申請") {
    Response made = Call("POST", "/api/v1/cases", intake_,
                         R"({"channel":"mailbox","office":"main","category":"戶籍","subject":")" + subject +
                             R"(","body":"請問如何申請","petitioner":{"name":"林美玲","email":"lin@example.tw"}})");
    EXPECT_EQ(made.status, 201) << made.body;
    const auto id = Body(made).at("id").as_int64();
    Response assigned = Event(id, supervisor_, "\"1\"", R"({"event":"assign","data":{"assignee":"wang"}})");
    EXPECT_EQ(assigned.status, 200) << assigned.body;
    return id;
  }
  json::object Get(std::int64_t id, const std::string& token) {
    Response r = Call("GET", CasePath(id), token);
    EXPECT_EQ(r.status, 200) << r.body;
    return Body(r);
  }
  static std::string Etag(const json::object& c) { return "\"" + std::to_string(c.at("version").as_int64()) + "\""; }
  static bool Allows(const json::object& c, const std::string& event) {
    for (const auto& e : c.at("allowed_events").as_array()) {
      if (e.as_string() == event) return true;
    }
    return false;
  }
  std::vector<std::string> Trail(std::int64_t id) {
    std::vector<std::string> events;
    const json::object trail = Body(Call("GET", CasePath(id, "/events"), supervisor_));
    for (const auto& e : trail.at("items").as_array()) {
      events.emplace_back(e.at("event").as_string());
    }
    return events;
  }
  std::string lanyu_supervisor_, lanyu_handler_;
};

// A reply the workflow has signed off (approve: { role: director }): the handler's reply
// is a draft, nothing else changes and the clock runs on; the director approves it with
// an edit, and only then does the case move and the petitioner hear of it.
TEST_F(CaseworkTest, AReplyWaitsForTheDirectorsSignOff) {
  const auto id = AssignedMailboxCase();
  const json::object before = Get(id, handler_);
  ASSERT_TRUE(Allows(before, "reply")) << json::serialize(before);
  const std::string due = std::string(before.at("clocks").as_array()[1].at("due_at").as_string());

  Response drafted = Event(id, handler_, Etag(before), R"({"event":"reply","data":{"reply":"您好，請攜帶身分證臨櫃申請。"}})");
  ASSERT_EQ(drafted.status, 200) << drafted.body;
  const json::object waiting = Body(drafted);
  EXPECT_EQ(waiting.at("state").as_string(), "assigned") << "a draft moves nothing";
  ASSERT_TRUE(waiting.at("draft").is_object()) << drafted.body;
  EXPECT_EQ(waiting.at("draft").at("event").as_string(), "reply");
  EXPECT_EQ(waiting.at("draft").at("by").as_string(), "wang");
  EXPECT_EQ(waiting.at("draft").at("role").as_string(), "director");
  EXPECT_FALSE(Allows(waiting, "reply")) << "one draft at a time";
  for (const auto& k : waiting.at("clocks").as_array()) {
    if (k.at("name").as_string() == "response") {
      EXPECT_FALSE(k.at("stopped").as_bool()) << "the reply clock runs while the draft waits";
      EXPECT_EQ(k.at("due_at").as_string(), due);
    }
  }
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE subject LIKE '【待核定】%'"), 1) << "the director is told";
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE recipient = 'lin@example.tw' AND subject LIKE '【答覆通知】%'"), 0);

  // The supervisor may not decide it; other steps wait too.
  const json::object seen = Get(id, supervisor_);
  EXPECT_FALSE(Allows(seen, "approve_draft"));
  ExpectProblem(Event(id, supervisor_, Etag(seen), R"({"event":"approve_draft"})"), 403);
  ExpectProblem(Event(id, supervisor_, Etag(seen), R"({"event":"transfer","data":{"agency":"地政","reason":"權責"}})"), 409);

  // The supervisor's and director's lists of drafts waiting: main's, not Lanyu's.
  Response drafts = Call("GET", "/api/v1/cases?draft=true", supervisor_);
  ASSERT_EQ(drafts.status, 200);
  EXPECT_EQ(Body(drafts).at("items").as_array().size(), 1u) << drafts.body;
  EXPECT_EQ(Body(Call("GET", "/api/v1/cases?draft=true", lanyu_supervisor_)).at("items").as_array().size(), 0u);

  const json::object director_view = Get(id, director_);
  ASSERT_TRUE(Allows(director_view, "approve_draft"));
  Response approved = Event(id, director_, Etag(director_view),
                            R"({"event":"approve_draft","data":{"reply":"您好，請攜帶身分證至本所臨櫃申請。"}})");
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(Body(approved).at("state").as_string(), "replied");
  EXPECT_TRUE(Body(approved).at("draft").is_null());
  const auto trail = Trail(id);
  ASSERT_GE(trail.size(), 3u);
  EXPECT_EQ(std::vector<std::string>(trail.end() - 3, trail.end()),
            (std::vector<std::string>{"draft_submitted", "approve_draft", "reply"}));
  const json::array events = Body(Call("GET", CasePath(id, "/events"), supervisor_)).at("items").as_array();
  const auto& decided = events[events.size() - 2].as_object();
  EXPECT_EQ(decided.at("actor").as_string(), "lee");
  EXPECT_EQ(decided.at("data").at("edited").as_string(), "reply");
  const auto& reply = events.back().as_object();
  EXPECT_EQ(reply.at("actor").as_string(), "wang") << "the step is the drafter's";
  EXPECT_EQ(reply.at("data").at("approved_by").as_string(), "lee");
  EXPECT_EQ(reply.at("data").at("reply").as_string(), "您好，請攜帶身分證至本所臨櫃申請。");
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE recipient = 'lin@example.tw' AND subject LIKE '【答覆通知】%' "
                  "AND body LIKE '%至本所臨櫃%'"),
            1)
      << "the petitioner gets the approved text";
}

TEST_F(CaseworkTest, AReturnedDraftNeedsAReasonAndGoesBackToTheHandler) {
  const auto id = AssignedMailboxCase();
  ASSERT_EQ(Event(id, handler_, Etag(Get(id, handler_)), R"({"event":"reply","data":{"reply":"草稿"}})").status, 200);
  const json::object c = Get(id, director_);
  const Response no_reason = Event(id, director_, Etag(c), R"({"event":"return_draft"})");
  ExpectProblem(no_reason, 422);
  Response returned = Event(id, director_, Etag(c), R"({"event":"return_draft","data":{"reason":"請引用法規依據"}})");
  ASSERT_EQ(returned.status, 200) << returned.body;
  EXPECT_TRUE(Body(returned).at("draft").is_null());
  EXPECT_EQ(Body(returned).at("state").as_string(), "assigned");
  EXPECT_EQ(Trail(id).back(), "return_draft");
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE subject LIKE '【退回修改】%' AND body LIKE '%請引用法規依據%'"), 1);
  EXPECT_TRUE(Allows(Get(id, handler_), "reply")) << "the handler may draft again";
}

TEST_F(CaseworkTest, StandardRepliesAreTheOfficesAndFilledInForTheCase) {
  const std::string tpl =
      R"({"category":"戶籍","title":"謄本申請","body":"{{petitioner_name}}您好：有關案件{{public_no}}（{{received_date}}收件），請攜帶身分證至{{office_name}}申請。"})";
  ExpectProblem(Call("POST", "/api/v1/reply-templates", handler_, tpl), 403);
  ExpectProblem(Call("POST", "/api/v1/reply-templates", supervisor_, R"({"title":"x","body":"{{nmae}} 您好"})"), 400);
  Response made = Call("POST", "/api/v1/reply-templates", supervisor_, tpl);
  ASSERT_EQ(made.status, 201) << made.body;
  const auto tid = Body(made).at("id").as_int64();
  ExpectProblem(Call("POST", "/api/v1/reply-templates", supervisor_, tpl), 409);
  // Lanyu neither sees nor changes main's wording.
  EXPECT_EQ(Body(Call("GET", "/api/v1/reply-templates", lanyu_supervisor_)).at("items").as_array().size(), 0u);
  ExpectProblem(Call("PUT", "/api/v1/reply-templates/" + std::to_string(tid), lanyu_supervisor_, tpl), 404);
  ExpectProblem(Call("POST", "/api/v1/reply-templates", lanyu_supervisor_,
                     R"({"office":"main","title":"y","body":"z"})"),
                403);

  const auto id = AssignedMailboxCase();
  Response filled = Call("GET", CasePath(id, "/reply-templates"), handler_);
  ASSERT_EQ(filled.status, 200) << filled.body;
  const json::array items = Body(filled).at("items").as_array();
  ASSERT_EQ(items.size(), 1u);
  const std::string text(items[0].at("text").as_string());
  const std::string no(Get(id, handler_).at("public_no").as_string());
  EXPECT_EQ(text, "林美玲您好：有關案件" + no + "（民國115年11月26日收件），請攜帶身分證至本所申請。")
      << text;
  ExpectProblem(Call("GET", CasePath(id, "/reply-templates"), lanyu_handler_), 404);

  // A confidential petitioner's name is filled in only for those who may see it.
  ASSERT_EQ(Call("POST", CasePath(id, "/confidentiality"), handler_, R"({"confidential":true,"reason":"陳情人要求"})").status,
            200);
  const std::string hidden(Body(Call("GET", CasePath(id, "/reply-templates"), handler_)).at("items").as_array()[0].at("text").as_string());
  EXPECT_EQ(hidden.rfind("陳情人您好", 0), 0u) << hidden;
  EXPECT_EQ(hidden.find("林美玲"), std::string::npos);
  const std::string shown(Body(Call("GET", CasePath(id, "/reply-templates"), director_)).at("items").as_array()[0].at("text").as_string());
  EXPECT_EQ(shown.rfind("林美玲您好", 0), 0u) << shown;

  Response changed = Call("PUT", "/api/v1/reply-templates/" + std::to_string(tid), supervisor_,
                          R"({"title":"謄本申請","category":null,"body":"{{subject}}：請臨櫃申請。"})");
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_TRUE(Body(changed).at("category").is_null());
  ASSERT_EQ(Call("DELETE", "/api/v1/reply-templates/" + std::to_string(tid), supervisor_).status, 200);
  EXPECT_EQ(Body(Call("GET", "/api/v1/reply-templates", supervisor_)).at("items").as_array().size(), 0u);
}

// The reply carries the files the handler chose, as attachments of the e-mail the
// petitioner gets (checked in the mail sink), and only files of that case.
TEST_F(CaseworkTest, TheReplyMailCarriesTheChosenFiles) {
  const std::string smtp = std::getenv("PETITIOND_TEST_SMTP_URL") ? std::getenv("PETITIOND_TEST_SMTP_URL") : "";
  const std::string maildir = std::getenv("PETITIOND_TEST_MAILDIR") ? std::getenv("PETITIOND_TEST_MAILDIR") : "";
  ASSERT_FALSE(smtp.empty() || maildir.empty()) << "scripts/test starts the mail sink and sets PETITIOND_TEST_SMTP_URL";
  const auto id = AssignedMailboxCase("門牌證明");
  const auto other = AssignedMailboxCase("另一案");
  const std::string form = "------petitiond\r\nContent-Disposition: form-data; name=\"file\"; filename=\"門牌證明.png\"\r\n"
                           "Content-Type: image/png\r\n\r\n" + kPng + "\r\n------petitiond--\r\n";
  for (const auto c : {id, other}) {
    Response up = Call("POST", CasePath(c, "/attachments"), handler_, form,
                       {{"content-type", "multipart/form-data; boundary=----petitiond"}});
    ASSERT_EQ(up.status, 201) << up.body;
  }
  const auto file = Count("SELECT id FROM case_attachments WHERE case_id = " + std::to_string(id));
  const auto foreign = Count("SELECT id FROM case_attachments WHERE case_id = " + std::to_string(other));
  // Another case's file is refused; the case's own goes with the draft and its approval.
  Response refused = Event(id, handler_, Etag(Get(id, handler_)),
                           R"({"event":"reply","data":{"reply":"附上證明","attachments":")" + std::to_string(foreign) + "\"}}");
  ExpectProblem(refused, 422);
  ASSERT_EQ(Event(id, handler_, Etag(Get(id, handler_)),
                  R"({"event":"reply","data":{"reply":"附上證明","attachments":")" + std::to_string(file) + "\"}}")
                .status,
            200);
  ASSERT_EQ(Event(id, director_, Etag(Get(id, director_)), R"({"event":"approve_draft"})").status, 200);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE recipient = 'lin@example.tw' AND attachment_ids = ARRAY[" +
                  std::to_string(file) + "]::bigint[]"),
            1);

  runtime::CurlTransport transport({smtp, "petitiond@hr.example.gov.tw", "", ""}, {}, {}, clock_);
  runtime::Dispatcher::Options o;
  o.node = "casework-test";
  o.sealer = &sealer_;
  runtime::Dispatcher dispatcher(t_.db(), transport, clock_, o);
  dispatcher.RunOnce();
  std::string key;
  t_.db().Run([&](store::Tx& tx) {
    store::Sql(tx) << "SELECT idempotency_key FROM outbox WHERE recipient = 'lin@example.tw' AND status = 'sent' "
                      "AND cardinality(attachment_ids) = 1",
        soci::into(key);
  });
  ASSERT_FALSE(key.empty()) << "the reply was not sent";
  const std::string found = testing_support::MailContaining(maildir, key);
  ASSERT_FALSE(found.empty()) << "no mail " << key << " in the sink";
  std::string lower = found;
  for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  EXPECT_NE(lower.find("multipart/mixed"), std::string::npos) << found;
  EXPECT_NE(lower.find("content-type: image/png"), std::string::npos) << found;
  EXPECT_NE(lower.find("filename*=utf-8''%e9%96%80%e7%89%8c"), std::string::npos) << "the file's UTF-8 name: " << found;
  std::string b64(sodium_base64_ENCODED_LEN(kPng.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(b64.data(), b64.size(), reinterpret_cast<const unsigned char*>(kPng.data()), kPng.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  b64.resize(std::strlen(b64.c_str()));
  EXPECT_NE(found.find(b64), std::string::npos) << "the file's bytes: " << found;
}

// Many cases, one action; each case its own audited step, and the answer says which
// succeeded: a stale version and another office's case fail, the rest go through.
TEST_F(CaseworkTest, ABulkReassignmentSaysWhichCasesSucceeded) {
  auth_.AddUser("liu", "handler2-pass", {"handler"}, "main");
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(CreateCase());
  Response lanyu = Call("POST", "/api/v1/cases", lanyu_supervisor_,
                        R"({"channel":"hotline","subject":"蘭嶼案件","body":"內容","petitioner":{"name":"夏曼"}})");
  ASSERT_EQ(lanyu.status, 201) << lanyu.body;
  const auto lanyu_id = Body(lanyu).at("id").as_int64();
  const auto item = [](std::int64_t id, int version) {
    return R"({"id":)" + std::to_string(id) + R"(,"event":"assign","version":)" + std::to_string(version) + "}";
  };
  const std::string body = R"({"cases":[)" + item(ids[0], 1) + "," + item(ids[1], 1) + "," + item(ids[2], 7) + "," +
                           item(lanyu_id, 1) + R"(],"data":{"assignee":"liu"},"comment":"王先生休假，改派"})";
  ExpectProblem(Call("POST", "/api/v1/bulk-actions", handler_, body), 403);
  Response r = Call("POST", "/api/v1/bulk-actions", supervisor_, body);
  ASSERT_EQ(r.status, 200) << r.body;
  const json::object result = Body(r);
  EXPECT_EQ(result.at("succeeded").as_int64(), 2);
  EXPECT_EQ(result.at("failed").as_int64(), 2);
  const auto& items = result.at("items").as_array();
  EXPECT_TRUE(items[0].at("ok").as_bool());
  EXPECT_TRUE(items[1].at("ok").as_bool());
  EXPECT_EQ(items[2].at("problem").at("status").as_int64(), 412);
  EXPECT_EQ(items[3].at("problem").at("status").as_int64(), 404) << "another office's case does not exist here";
  for (const auto id : {ids[0], ids[1]}) {
    const auto c = Get(id, supervisor_);
    EXPECT_EQ(c.at("assignee").as_string(), "liu");
    EXPECT_EQ(Trail(id).back(), "assign") << "each case its own event";
  }
  EXPECT_TRUE(Get(ids[2], supervisor_).at("assignee").is_null());

  // Without an event, the action is a comment on each case.
  Response noted = Call("POST", "/api/v1/bulk-actions", supervisor_,
                        R"({"cases":[{"id":)" + std::to_string(ids[0]) + R"(},{"id":)" + std::to_string(ids[2]) +
                            R"(}],"comment":"請於本週內回覆"})");
  ASSERT_EQ(noted.status, 200) << noted.body;
  EXPECT_EQ(Body(noted).at("succeeded").as_int64(), 2);
  EXPECT_EQ(Trail(ids[2]).back(), "comment");
  ExpectProblem(Call("POST", "/api/v1/bulk-actions", supervisor_, R"({"cases":[]})"), 400);
}

TEST_F(CaseworkTest, TheCasePageKnowsWhoElseHasItOpenAndWhenItWentStale) {
  const auto id = CreateCase();
  Response first = Call("POST", CasePath(id, "/presence"), handler_);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(Body(first).at("others").as_array().size(), 0u);
  EXPECT_EQ(Body(first).at("version").as_int64(), 1);
  Response second = Call("POST", CasePath(id, "/presence"), supervisor_);
  ASSERT_EQ(second.status, 200);
  ASSERT_EQ(Body(second).at("others").as_array().size(), 1u);
  EXPECT_EQ(Body(second).at("others").as_array()[0].as_string(), "wang");
  ExpectProblem(Call("POST", CasePath(id, "/presence"), lanyu_handler_), 404);

  // The supervisor saves; the handler's page learns it is stale.
  ASSERT_EQ(Event(id, supervisor_, "\"1\"", R"({"event":"assign","data":{"assignee":"wang"}})").status, 200);
  EXPECT_EQ(Body(Call("POST", CasePath(id, "/presence"), handler_)).at("version").as_int64(), 2);

  // A page that closed, or went quiet for longer than a minute, is gone.
  ASSERT_EQ(Call("DELETE", CasePath(id, "/presence"), supervisor_).status, 200);
  EXPECT_EQ(Body(Call("POST", CasePath(id, "/presence"), handler_)).at("others").as_array().size(), 0u);
  ASSERT_EQ(Call("POST", CasePath(id, "/presence"), supervisor_).status, 200);
  clock_.Advance(std::chrono::seconds(90));
  EXPECT_EQ(Body(Call("POST", CasePath(id, "/presence"), handler_)).at("others").as_array().size(), 0u);
}

TEST_F(CaseworkTest, ACommentIsOnTheTrailAndChangesNothingElse) {
  const auto id = CreateCase();
  ExpectProblem(Call("POST", CasePath(id, "/comments"), handler_, R"({"comment":"  "})"), 400);
  Response r = Call("POST", CasePath(id, "/comments"), handler_, R"({"comment":"已電話聯絡陳情人"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r).at("state").as_string(), "received");
  EXPECT_EQ(Trail(id).back(), "comment");
  ExpectProblem(Call("POST", CasePath(id, "/comments"), lanyu_handler_, R"({"comment":"x"})"), 404);
}

// Every working morning each supervisor who keeps it on gets one digest of their
// office, once whatever the number of nodes.
TEST_F(CaseworkTest, TheMorningDigestGoesOutOnceToTheSupervisorsWhoWantIt) {
  t_.db().Run([&](store::Tx& tx) {
    store::SetContact(tx, "chen", std::string("chen@hr.example.gov.tw"), std::nullopt);
    store::SetContact(tx, "kao", std::string("kao@hr.example.gov.tw"), std::nullopt);
  });
  const auto overdue = CreateCase();
  t_.db().Run([&](store::Tx& tx) {
    store::Sql(tx) << "UPDATE cases SET overdue = true WHERE id = " + std::to_string(overdue);
    store::Sql(tx) << "INSERT INTO overdue_cases (case_id, office, channel, category, received_at, next_due_at) "
                      "SELECT id, office, channel, category, received_at, next_due_at FROM cases WHERE id = " +
                          std::to_string(overdue);
  });
  AssignedMailboxCase();
  ASSERT_EQ(Body(Call("GET", "/api/v1/preferences", supervisor_)).at("daily_digest").as_bool(), true);
  Response off = Call("PATCH", "/api/v1/preferences", lanyu_supervisor_, R"({"daily_digest":false})");
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_FALSE(Body(off).at("daily_digest").as_bool());
  ExpectProblem(Call("PATCH", "/api/v1/preferences", supervisor_, R"({"daily_digest":"no"})"), 400);

  runtime::DigestOptions o;
  o.public_url = "http://petitiond.test";
  o.node = "node-a";
  runtime::DigestService node_a(t_.db(), calendar_, clock_, o, {{"main", "臺東縣戶政事務所"}});
  o.node = "node-b";
  runtime::DigestService node_b(t_.db(), calendar_, clock_, o, {{"main", "臺東縣戶政事務所"}});
  // 2026-11-26 is a Thursday; 10:00 is past 08:00.
  const Timestamp next = node_a.RunDue();
  node_b.RunDue();
  EXPECT_EQ(next, *ParseTimestamp("2026-11-27T08:00:00+08:00"));
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE subject LIKE '【每日案件摘要】%'"), 1) << "one mail, one node";
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE recipient = 'chen@hr.example.gov.tw' AND subject LIKE "
                  "'【每日案件摘要】臺東縣戶政事務所 115/11/26' AND body LIKE '%逾期：1 件%' AND body LIKE '%待分案：1 件%' "
                  "AND body NOT LIKE '%陳小姐%'"),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE recipient = 'kao@hr.example.gov.tw'"), 0) << "kao turned it off";

  // Saturday 2026-11-28 is no working day: no digest.
  clock_.Set(*ParseTimestamp("2026-11-28T09:00:00+08:00"));
  node_a.RunDue();
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE subject LIKE '【每日案件摘要】%'"), 1);
  // Monday before 08:00: not yet, and it says when.
  clock_.Set(*ParseTimestamp("2026-11-30T07:00:00+08:00"));
  EXPECT_EQ(node_a.RunDue(), *ParseTimestamp("2026-11-30T08:00:00+08:00"));
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE subject LIKE '【每日案件摘要】%'"), 1);
}

}  // namespace
}  // namespace petitiond
