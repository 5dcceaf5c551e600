#include "tests/api/api_fixture.hpp"

#include <gtest/gtest.h>

#include <soci/soci.h>

#include "engine/digest.hpp"
#include "engine/store/session.hpp"

namespace petitiond {
namespace {

namespace json = boost::json;
using api::Request;
using api::Response;

TEST_F(ApiTest, CreateReturnsTheCaseWithAnAccessCodeAndETag) {
  Response r = Call("POST", "/api/v1/cases", intake_,
                    R"({"channel":"hotline","office":"main","subject":"s","body":"b",)"
                    R"("petitioner":{"phone":"0911222333"},"received_at":"2026-11-20T09:00:00+08:00"})");
  ASSERT_EQ(r.status, 201) << r.body;
  auto o = Body(r);
  EXPECT_EQ(o.at("state").as_string(), "received");
  EXPECT_EQ(o.at("access_code").as_string().size(), 10u);
  EXPECT_EQ(HeaderOf(r, "ETag"), "\"1\"");
  EXPECT_EQ(o.at("received_at").as_string(), "2026-11-20T09:00:00+08:00");
  // Received Friday 11/20: 1 workday is Monday 11/23.
  EXPECT_EQ(o.at("clocks").as_array()[0].at("due_at").as_string(), "2026-11-23T23:59:59+08:00");
  // Shown once: reading the case again does not reveal it.
  Response again = Call("GET", "/api/v1/cases/" + std::to_string(o.at("id").as_int64()), intake_);
  EXPECT_FALSE(Body(again).contains("access_code"));
}

TEST_F(ApiTest, CreateRejectsBadInputListingEveryProblem) {
  Response r = Call("POST", "/api/v1/cases", intake_, R"({"channel":"fax","subject":42,"received_at":"yesterday"})");
  ExpectProblem(r, 400);
  const auto errors = Body(r).at("errors").as_array();
  EXPECT_GE(errors.size(), 4u) << r.body;  // office, subject type, body, received_at
  ExpectProblem(Call("POST", "/api/v1/cases", intake_, "{not json"), 400);
  ExpectProblem(Call("POST", "/api/v1/cases", intake_, R"({"channel":"fax","office":"main","subject":"s","body":"b"})"),
                400);
  // The staff form is a door like the others: what it refused is kept, with why.
  EXPECT_EQ(Count("SELECT count(*) FROM intake_raw WHERE status = 'rejected' AND source = 'staff lin' "
                  "AND channel = 'counter' AND reason LIKE 'the case has invalid fields; %'"),
            2);
  EXPECT_EQ(Count("SELECT count(*) FROM intake_raw WHERE status = 'rejected' AND convert_from(raw, 'UTF8') = '{not json'"),
            1);
}

TEST_F(ApiTest, TheFullFlowOverTheApi) {
  const auto id = CreateCase();
  Response r = Event(id, supervisor_, "\"1\"", R"({"event":"assign","data":{"assignee":"wang"}})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(HeaderOf(r, "ETag"), "\"2\"");
  EXPECT_EQ(Body(r).at("assignee").as_string(), "wang");
  r = Event(id, handler_, "\"2\"", R"({"event":"reply","data":{"reply":"已補發"},"comment":"電話告知"})");
  ASSERT_EQ(r.status, 200) << r.body;
  r = Event(id, supervisor_, "\"3\"", R"({"event":"close"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r).at("state").as_string(), "closed");
  EXPECT_TRUE(Body(r).at("allowed_events").as_array().empty());

  Response events = Call("GET", "/api/v1/cases/" + std::to_string(id) + "/events", supervisor_);
  ASSERT_EQ(events.status, 200);
  auto items = Body(events).at("items").as_array();
  ASSERT_EQ(items.size(), 4u);
  EXPECT_EQ(items[2].at("event").as_string(), "reply");
  EXPECT_EQ(items[2].at("from").as_string(), "assigned");
  EXPECT_EQ(items[2].at("to").as_string(), "replied");
  EXPECT_EQ(items[2].at("actor").as_string(), "wang");
  EXPECT_EQ(items[2].at("comment").as_string(), "電話告知");
  EXPECT_EQ(items[2].at("data").at("reply").as_string(), "已補發");
}

TEST_F(ApiTest, AStaleETagIs412) {
  const auto id = CreateCase();
  ASSERT_EQ(Event(id, supervisor_, "\"1\"", R"({"event":"assign","data":{"assignee":"wang"}})").status, 200);
  ExpectProblem(Event(id, handler_, "\"1\"", R"({"event":"ask"})"), 412);
}

TEST_F(ApiTest, AMissingIfMatchIs428) {
  const auto id = CreateCase();
  ExpectProblem(Call("POST", "/api/v1/cases/" + std::to_string(id) + "/events", supervisor_, R"({"event":"close"})"),
                428);
}

TEST_F(ApiTest, TheWrongRoleIs403) {
  const auto id = CreateCase();
  ExpectProblem(Event(id, handler_, "\"1\"", R"({"event":"assign","data":{"assignee":"wang"}})"), 403);
}

TEST_F(ApiTest, MissingDataIs422NamingTheField) {
  const auto id = CreateCase();
  Response r = Event(id, supervisor_, "\"1\"", R"({"event":"assign","data":{"note":"x"}})");
  ExpectProblem(r, 422);
  EXPECT_EQ(Body(r).at("errors").as_array()[0].as_string(), "assignee");
}

TEST_F(ApiTest, AnEventNotAllowedHereOrInAFinalStateIs409) {
  const auto id = CreateCase();
  ExpectProblem(Event(id, supervisor_, "\"1\"", R"({"event":"close"})"), 409);
  ASSERT_EQ(Event(id, supervisor_, "\"1\"", R"({"event":"assign","data":{"assignee":"wang"}})").status, 200);
  ASSERT_EQ(Event(id, handler_, "\"2\"", R"({"event":"reply","data":{"reply":"ok"}})").status, 200);
  ASSERT_EQ(Event(id, supervisor_, "\"3\"", R"({"event":"close"})").status, 200);
  ExpectProblem(Event(id, supervisor_, "\"4\"", R"({"event":"close"})"), 409);
  ExpectProblem(Event(id, supervisor_, "\"4\"", R"({"event":"assign","data":{"assignee":"wang"}})"), 409);
}

TEST_F(ApiTest, SignInAndAuthorizationFailuresAre401) {
  ExpectProblem(Call("POST", "/api/v1/sessions", "", R"({"login":"chen","password":"wrong"})"), 401);
  ExpectProblem(Call("POST", "/api/v1/sessions", "", R"({"login":"nobody","password":"wrong"})"), 401);
  ExpectProblem(Call("GET", "/api/v1/cases"), 401);
  ExpectProblem(Call("GET", "/api/v1/cases", "not-a-token"), 401);
  clock_.Advance(std::chrono::hours(13));  // sessions last 12 hours
  ExpectProblem(Call("GET", "/api/v1/cases", supervisor_), 401);
}

TEST_F(ApiTest, ListPaginatesWithACursorAndFilters) {
  for (int i = 0; i < 3; ++i) CreateCase();
  Response page1 = Call("GET", "/api/v1/cases?limit=2&channel=hotline", supervisor_);
  ASSERT_EQ(page1.status, 200) << page1.body;
  auto o = Body(page1);
  EXPECT_EQ(o.at("items").as_array().size(), 2u);
  ASSERT_TRUE(o.at("next").is_string());
  Response page2 = Call("GET", "/api/v1/cases?limit=2&channel=hotline&cursor=" +
                                   std::string(o.at("next").as_string()), supervisor_);
  auto o2 = Body(page2);
  EXPECT_EQ(o2.at("items").as_array().size(), 1u);
  EXPECT_TRUE(o2.at("next").is_null());
  EXPECT_EQ(Body(Call("GET", "/api/v1/cases?channel=mailbox", supervisor_)).at("items").as_array().size(), 0u);
  EXPECT_EQ(Body(Call("GET", "/api/v1/cases?overdue=false", supervisor_)).at("items").as_array().size(), 3u);
  ExpectProblem(Call("GET", "/api/v1/cases?overdue=maybe", supervisor_), 400);
  ExpectProblem(Call("GET", "/api/v1/cases?limit=100000", supervisor_), 400);
}

TEST_F(ApiTest, UnknownRoutesAndMethodsAreProblems) {
  ExpectProblem(Call("GET", "/api/v1/nothing", supervisor_), 404);
  ExpectProblem(Call("GET", "/api/v1/cases/abc", supervisor_), 404);
  ExpectProblem(Call("GET", "/api/v1/cases/999999", supervisor_), 404);
  Response r = Call("DELETE", "/api/v1/cases", supervisor_);
  ExpectProblem(r, 405);
  EXPECT_EQ(HeaderOf(r, "Allow"), "GET, POST, HEAD");
}

TEST_F(ApiTest, ClocksShowWorkdaysLeftExtensionsAndPause) {
  const auto id = CreateCase();  // received Thursday 11/26 10:00: assign due end of Friday 11/27
  auto clock = Body(Call("GET", "/api/v1/cases/" + std::to_string(id), supervisor_)).at("clocks").as_array()[0];
  EXPECT_EQ(clock.at("workdays_left").as_int64(), 2);  // today and Friday
  EXPECT_EQ(clock.at("extensions_used").as_int64(), 0);
  EXPECT_TRUE(clock.at("paused_since").is_null());
  EXPECT_FALSE(clock.at("calendar_incomplete").as_bool());
  ASSERT_EQ(Event(id, supervisor_, "\"1\"", R"({"event":"assign","data":{"assignee":"wang"}})").status, 200);
  Response asked = Event(id, handler_, "\"2\"", R"({"event":"ask","data":{"missing":"戶口名簿影本"},"comment":"請補附戶口名簿影本"})");
  ASSERT_EQ(asked.status, 200) << asked.body;
  auto response_clock = Body(asked).at("clocks").as_array()[1];
  EXPECT_EQ(response_clock.at("name").as_string(), "response");
  EXPECT_TRUE(response_clock.at("paused").as_bool());
  EXPECT_EQ(response_clock.at("paused_since").as_string(), "2026-11-26T10:00:00+08:00");
}

TEST_F(ApiTest, AnExtensionIsRequestedAndApprovedThroughEvents) {
  const auto id = CreateCase();
  ASSERT_EQ(Event(id, supervisor_, "\"1\"", R"({"event":"assign","data":{"assignee":"wang"}})").status, 200);
  Response r = Event(id, handler_, "\"2\"", R"({"event":"request_extension","data":{"clock":"response","reason":"需跨機關查證"}})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r).at("clocks").as_array()[1].at("pending_extension").at("reason").as_string(), "需跨機關查證");
  ExpectProblem(Event(id, handler_, "\"3\"", R"({"event":"approve_extension","data":{"clock":"response"}})"), 403);
  r = Event(id, supervisor_, "\"3\"", R"({"event":"approve_extension","data":{"clock":"response"}})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto clock = Body(r).at("clocks").as_array()[1];
  EXPECT_EQ(clock.at("extensions_used").as_int64(), 1);
  // Due 12/4 (6 workdays from Thursday 11/26); 6 more: 12/7-12/11 and Monday 12/14.
  EXPECT_EQ(clock.at("due_at").as_string(), "2026-12-14T23:59:59+08:00");
}

TEST_F(ApiTest, AnAdminClosesAnOfficeAndTheOutboxShowsNotices) {
  Response r = Call("POST", "/api/v1/calendar/closures", supervisor_,
                    R"({"office":"lanyu","date":"2026-11-27","reason":"颱風停班"})");
  ExpectProblem(r, 403);
  r = Call("POST", "/api/v1/calendar/closures", admin_, R"({"office":"lanyu","date":"2026-11-27","reason":"颱風停班"})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Body(r).at("cases_recomputed").as_int64(), 0);
  ExpectProblem(Call("POST", "/api/v1/calendar/closures", admin_, R"({"office":"lanyu","date":"27/11","reason":"x"})"),
                400);
  ExpectProblem(Call("POST", "/api/v1/calendar/closures", admin_,
                     R"({"office":"lanyu","date":"2026-11-27","reason":"again"})"),
                409);
  Response outbox = Call("GET", "/api/v1/outbox?status=pending", supervisor_);
  ASSERT_EQ(outbox.status, 200) << outbox.body;
  EXPECT_TRUE(Body(outbox).at("items").is_array());
  ExpectProblem(Call("GET", "/api/v1/outbox", handler_), 403);
  ExpectProblem(Call("GET", "/api/v1/outbox?status=lost", supervisor_), 400);
}

// 設定 → 新聞來源: every configured feed, polled or not yet, for admins only.
TEST_F(ApiTest, AdminsSeeEachFeedsLastFetchErrorAndItemsTaken) {
  ExpectProblem(Call("GET", "/api/v1/feeds", supervisor_), 403);
  ExpectProblem(Call("GET", "/api/v1/feeds", director_), 403);
  Response r = Call("GET", "/api/v1/feeds", admin_);
  ASSERT_EQ(r.status, 200) << r.body;
  auto items = Body(r).at("items").as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_TRUE(items[0].at("polled_at").is_null()) << "not fetched yet";
  EXPECT_EQ(items[0].at("items_taken").as_int64(), 0);

  const Timestamp earlier = clock_.Now() - std::chrono::minutes(15);
  t_.db().Run([&](store::Tx& tx) {
    store::SaveFeedState(tx, "https://news.example.tw/rss", {"\"v1\"", std::nullopt}, std::nullopt, earlier, 3);
    store::SaveFeedState(tx, "https://news.example.tw/rss", {"\"v1\"", std::nullopt}, "HTTP 503", clock_.Now(), 0);
    store::SaveFeedState(tx, "https://www.ptt.cc/atom/Taitung.xml", {}, std::nullopt, clock_.Now(), 2);
  });
  items = Body(Call("GET", "/api/v1/feeds", admin_)).at("items").as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].at("url").as_string(), "https://news.example.tw/rss");
  EXPECT_EQ(items[0].at("office").as_string(), "main");
  EXPECT_EQ(items[0].at("interval_seconds").as_int64(), 900);
  EXPECT_EQ(items[0].at("polled_at").as_string(), FormatTimestamp(clock_.Now()));
  EXPECT_EQ(items[0].at("last_success_at").as_string(), FormatTimestamp(earlier)) << "the last fetch that worked";
  EXPECT_EQ(items[0].at("last_error").as_string(), "HTTP 503");
  EXPECT_EQ(items[0].at("items_taken").as_int64(), 3);
  EXPECT_TRUE(items[1].at("last_error").is_null());
  EXPECT_EQ(items[1].at("items_taken").as_int64(), 2);
}

TEST_F(ApiTest, MetricsArePrometheusText) {
  Response r = Call("GET", "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4");
  EXPECT_NE(r.body.find("petitiond_calendar_incomplete_deadlines_total"), std::string::npos);
}

TEST_F(ApiTest, HealthAndReadiness) {
  EXPECT_EQ(Call("GET", "/healthz").status, 200);
  Response ready = Call("GET", "/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
}

// ---- Channels (issue #4) ----

class ChannelApiTest : public ApiTest {
 protected:
  Response Dispatch(const std::string& body, const std::string& secret = "platform-secret", long skew = 0) {
    const std::string ts = std::to_string(
        std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count() + skew);
    return Call("POST", "/api/v1/intake/hotline", "", body,
                {{"x-timestamp", ts}, {"x-signature", WebhookSignature(secret, ts, body)}});
  }
  static constexpr const char* kDispatch =
      R"({"case_id":"TT-1999-0042","service_name":"陳情","subject":"門牌錯誤","description":"蘭嶼鄉紅頭村門牌錯誤",)"
      R"("district":"蘭嶼鄉","address":"紅頭村1號","petitioner":{"name":"林","phone":"0922000333"},)"
      R"("created_at":"2026-11-26T09:00:00+08:00"})";
};

TEST_F(ChannelApiTest, TheHotlineWebhookCreatesOnceAndRoutesByDistrict) {
  Response first = Dispatch(kDispatch);
  ASSERT_EQ(first.status, 201) << first.body;
  auto o = Body(first);
  EXPECT_EQ(o.at("office").as_string(), "lanyu") << "routing.yaml sends 蘭嶼 to the Lanyu office";
  EXPECT_EQ(o.at("external_ref").as_string(), "TT-1999-0042");
  // A replay of the very same signed request within its window stores nothing.
  Response replay = Dispatch(kDispatch);
  ASSERT_EQ(replay.status, 200) << replay.body;
  EXPECT_EQ(Body(replay).at("id"), o.at("id"));
  EXPECT_EQ(Count("SELECT count(*) FROM intake_raw WHERE channel = 'hotline'"), 1) << "a replay stores nothing";
  clock_.Advance(std::chrono::seconds(1));  // the platform sends the case again: a new signature
  Response again = Dispatch(kDispatch);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(Body(again).at("id"), o.at("id")) << "the same platform case id returns the same case";
  EXPECT_EQ(Body(again).at("intake").at("status").as_string(), "duplicate");
  EXPECT_EQ(Count("SELECT count(*) FROM cases WHERE external_ref = 'TT-1999-0042'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM intake_raw WHERE channel = 'hotline'"), 2) << "every input is kept raw";

  ExpectProblem(Dispatch(kDispatch, "wrong-secret"), 401);
  ExpectProblem(Dispatch(kDispatch, "platform-secret", -301), 401);
  Response malformed = Dispatch(R"({"subject":"no case id"})");
  ExpectProblem(malformed, 400);
  // An input rejected before routing has no office: the director's and admin's to see.
  EXPECT_TRUE(Body(Call("GET", "/api/v1/intake?status=rejected", supervisor_)).at("items").as_array().empty());
  Response rejected = Call("GET", "/api/v1/intake?status=rejected", director_);
  ASSERT_EQ(rejected.status, 200) << rejected.body;
  auto items = Body(rejected).at("items").as_array();
  ASSERT_EQ(items.size(), 1u) << "a bad signature is refused, not stored; a bad body is stored";
  EXPECT_NE(std::string(items[0].at("reason").as_string()).find("case_id is required"), std::string::npos);
  ExpectProblem(Call("GET", "/api/v1/intake", intake_), 403);

  // Staff of another office re-entering the platform's case get a conflict, not the case.
  ExpectProblem(Call("POST", "/api/v1/cases", intake_,
                     R"({"channel":"hotline","office":"main","subject":"門牌","body":"門牌錯誤",)"
                     R"("external_ref":"TT-1999-0042","petitioner":{"phone":"0922000333"}})"),
                409);
  Response list = Call("GET", "/api/v1/cases?channel=hotline&office=lanyu", admin_);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(Body(list).at("items").as_array().size(), 1u);
  EXPECT_EQ(Body(Call("GET", "/api/v1/cases?channel=mailbox", admin_)).at("items").as_array().size(), 0u);
}

TEST_F(ChannelApiTest, StaffIntakeListsPossibleRepeatsAndASupervisorMerges) {
  const std::int64_t first = CreateCase();  // 陳小姐 0911000111, 戶口名簿
  Response second = Call("POST", "/api/v1/cases", intake_,
                         R"({"channel":"hotline","office":"main","subject":"戶口名簿","body":"還沒收到補發",)"
                         R"("petitioner":{"name":"陳小姐","phone":"0911000111","email":"chen@example.tw"}})");
  ASSERT_EQ(second.status, 201) << second.body;
  auto dups = Body(second).at("possible_duplicates").as_array();
  ASSERT_EQ(dups.size(), 1u) << second.body;
  EXPECT_EQ(dups[0].at("id").as_int64(), first);
  const std::int64_t repeat = Body(second).at("id").as_int64();

  Response merged = Event(repeat, supervisor_, HeaderOf(second, "ETag"),
                          R"({"event":"merge","data":{"into":")" + std::to_string(first) + R"("}})");
  ASSERT_EQ(merged.status, 200) << merged.body;
  EXPECT_EQ(Body(merged).at("state").as_string(), "merged");
  auto events = Body(Call("GET", "/api/v1/cases/" + std::to_string(first) + "/events", supervisor_)).at("items").as_array();
  EXPECT_EQ(events.back().at("event").as_string(), "merged_in");
  // The merged case's petitioner hears of the merge, and hears later notices through
  // the surviving case.
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE recipient = 'chen@example.tw' AND subject LIKE '%併案%'"), 1);
  Response surviving = Call("GET", "/api/v1/cases/" + std::to_string(first), supervisor_);
  Response transfer = Event(first, supervisor_, HeaderOf(surviving, "ETag"),
                            R"({"event":"transfer","data":{"agency":"臺東縣政府","reason":"非本所權責"}})");
  ASSERT_EQ(transfer.status, 200) << transfer.body;
  EXPECT_EQ(Body(transfer).at("state").as_string(), "transferred");
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE subject LIKE '%移送%' AND body LIKE '%臺東縣政府%'"), 2)
      << "both petitioners: the case's own (SMS) and the merged case's (e-mail)";
  ExpectProblem(Event(repeat, supervisor_, HeaderOf(merged, "ETag"), R"({"event":"merge","data":{"into":"1"}})"), 409);
}

TEST_F(ChannelApiTest, AnOldPetitionIsNoRepeatOutsideTheWindow) {
  CreateCase();  // 陳小姐 0911000111, 戶口名簿
  clock_.Advance(std::chrono::hours(24 * 31));  // the default window is 30 days
  intake_ = Token("lin", "intake-pass");         // sessions last 12 hours
  Response later = Call("POST", "/api/v1/cases", intake_,
                        R"({"channel":"hotline","office":"main","subject":"戶口名簿","body":"又遺失了",)"
                        R"("petitioner":{"phone":"0911000111"}})");
  ASSERT_EQ(later.status, 201) << later.body;
  EXPECT_TRUE(Body(later).at("possible_duplicates").as_array().empty()) << later.body;
  Response unrelated = Call("POST", "/api/v1/cases", intake_,
                            R"({"channel":"hotline","office":"main","subject":"門牌整編","body":"進度",)"
                            R"("petitioner":{"phone":"0911000111"}})");
  EXPECT_TRUE(Body(unrelated).at("possible_duplicates").as_array().empty()) << "another subject is no repeat";
}

TEST_F(ChannelApiTest, InputWithoutContentOrIdentityIsRegisteredOnly) {
  Response anonymous = Call("POST", "/api/v1/cases", intake_,
                            R"({"channel":"hotline","office":"main","subject":"門牌","body":"門牌錯誤"})");
  ASSERT_EQ(anonymous.status, 201) << anonymous.body;
  EXPECT_EQ(Body(anonymous).at("state").as_string(), "registered_only");
  EXPECT_EQ(Body(anonymous).at("intake").at("status").as_string(), "registered_only");
  Response listed = Call("GET", "/api/v1/intake?status=registered_only", supervisor_);
  ASSERT_EQ(Body(listed).at("items").as_array().size(), 1u);
  EXPECT_NE(std::string(Body(listed).at("items").as_array()[0].at("reason").as_string()).find("無具名"),
            std::string::npos);
}

TEST_F(ChannelApiTest, AnEmptyMailIsRegisteredOnlyAndToldSoNotAccepted) {
  Intake mail;
  mail.channel = "mailbox";
  mail.source = "maildir new/1";
  mail.content_type = "message/rfc822";
  mail.raw = "From: a@example.tw\r\n\r\n。\r\n";
  mail.external_ref = "<empty-1@example.tw>";
  mail.petitioner.email = "a@example.tw";
  mail.body = "。";
  auto r = intake_service_.Take(Received{mail, std::nullopt});
  EXPECT_EQ(r.status, IntakeStatus::kRegisteredOnly);
  EXPECT_EQ(r.record->state.state, "registered_only");
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE recipient = 'a@example.tw' AND subject LIKE '%受理通知%'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE recipient = 'a@example.tw' AND subject LIKE '%存查通知%'"), 1);
}

TEST_F(ChannelApiTest, AskingListsEveryMissingItemOnceAndPausesTheClock) {
  const std::int64_t id = CreateCase();
  Response assigned = Event(id, supervisor_, "\"1\"", R"({"event":"assign","data":{"assignee":"wang"}})");
  ASSERT_EQ(assigned.status, 200) << assigned.body;
  ExpectProblem(Event(id, handler_, "\"2\"", R"({"event":"ask"})"), 422);
  Response asked = Event(id, handler_, "\"2\"", R"({"event":"ask","data":{"missing":"身分證影本；委託書"}})");
  ASSERT_EQ(asked.status, 200) << asked.body;
  EXPECT_TRUE(Body(asked).at("clocks").as_array()[1].at("paused").as_bool());
  Response answered = Event(id, handler_, "\"3\"", R"({"event":"answer"})");
  ASSERT_EQ(answered.status, 200) << answered.body;
  ExpectProblem(Event(id, handler_, "\"4\"", R"({"event":"ask","data":{"missing":"再一項"}})"), 409);
}

TEST_F(ChannelApiTest, TheMailboxFormWaitsForTheSenderToConfirm) {
  Response sent = Call("POST", "/public/mailbox", "",
                       "name=%E6%9E%97&email=lin%40example.tw&phone=&subject=%E9%96%80%E7%89%8C&body=%E8%AB%8B%E5%95%8F",
                       {{"content-type", "application/x-www-form-urlencoded"}});
  ASSERT_EQ(sent.status, 202) << sent.body;
  EXPECT_EQ(Count("SELECT count(*) FROM cases"), 0) << "no case before confirmation";
  std::string body = ConfirmationLink("lin@example.tw");
  const auto at = body.find("token=");
  ASSERT_NE(at, std::string::npos) << body;
  const std::string token = body.substr(at + 6, 64);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE body LIKE '%" + token + "%' OR sealed LIKE '%" + token + "%'"), 0)
      << "the confirmation link is not readable from the outbox";
  ExpectProblem(Call("GET", "/public/mailbox/confirm?token=not-a-token"), 404);
  Response confirmed = Call("GET", "/public/mailbox/confirm?token=" + token);
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;
  EXPECT_EQ(Count("SELECT count(*) FROM cases WHERE channel = 'mailbox'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE subject LIKE '%受理通知%' AND body LIKE '%查詢密碼：{{access_code}}%' "
                  "AND sealed IS NOT NULL"),
            1)
      << "the access code waits sealed, not in the body";
  Response twice = Call("GET", "/public/mailbox/confirm?token=" + token);
  ASSERT_EQ(twice.status, 200) << twice.body;
  EXPECT_EQ(Count("SELECT count(*) FROM cases"), 1) << "a second click makes no second case";

  ExpectProblem(Call("POST", "/public/mailbox", "", "email=x", {{"content-type", "application/x-www-form-urlencoded"}}), 400);
  EXPECT_EQ(Count("SELECT count(*) FROM intake_raw WHERE status = 'rejected' AND channel = 'mailbox'"), 1);
  Response late = Call("POST", "/public/mailbox", "", R"({"email":"wu@example.tw","subject":"s","body":"b"})",
                       {{"content-type", "application/json"}});
  ASSERT_EQ(late.status, 202);
  body = ConfirmationLink("wu@example.tw");
  clock_.Advance(std::chrono::hours(24 * 8));
  ExpectProblem(Call("GET", "/public/mailbox/confirm?token=" + body.substr(body.find("token=") + 6, 64)), 409);
}

}  // namespace
}  // namespace petitiond

namespace petitiond {
namespace {

TEST_F(ApiTest, SortDueListsTheEarliestDeadlineFirstAcrossPages) {
  // Received on successive working days, in reverse: each one's assign clock ends a day
  // earlier than the previous one's.
  std::vector<std::int64_t> ids;
  for (const char* day : {"2026-11-26", "2026-11-25", "2026-11-24", "2026-11-23"}) {
    clock_.Set(*ParseTimestamp(std::string(day) + "T09:00:00+08:00"));
    ids.push_back(CreateCase());
  }
  clock_.Set(*ParseTimestamp("2026-11-26T09:00:00+08:00"));
  supervisor_ = Token("chen", "supervisor-pass");
  // The earliest (received Monday, due Tuesday) is past its deadline and marked so.
  t_.db().Run([&](store::Tx& tx) {
    store::Sql(tx) << "UPDATE cases SET overdue = true WHERE id = " + std::to_string(ids[3]);
    // What the store writes when an escalation marks it (migrations/0017).
    store::Sql(tx) << "INSERT INTO overdue_cases (case_id, office, channel, category, received_at, next_due_at) "
                      "SELECT id, office, channel, category, received_at, next_due_at FROM cases WHERE id = " +
                          std::to_string(ids[3]);
  });
  std::vector<std::int64_t> seen;
  std::string cursor;
  for (int page = 0; page < 3; ++page) {
    const Response r = Call("GET", "/api/v1/cases?sort=due&limit=3" + (cursor.empty() ? "" : "&cursor=" + cursor),
                            supervisor_);
    ASSERT_EQ(r.status, 200) << r.body;
    const auto body = Body(r);
    for (const auto& item : body.at("items").as_array()) seen.push_back(item.at("id").as_int64());
    if (body.at("next").is_null()) break;
    cursor = std::string(body.at("next").as_string());
  }
  EXPECT_EQ(seen, (std::vector<std::int64_t>{ids[3], ids[2], ids[1], ids[0]}));
  // The overdue list alone, by deadline.
  const auto overdue = Body(Call("GET", "/api/v1/cases?overdue=true&sort=due&fields=summary", supervisor_));
  ASSERT_EQ(overdue.at("items").as_array().size(), 1u);
  EXPECT_EQ(overdue.at("items").as_array()[0].at("id").as_int64(), ids[3]);
  ExpectProblem(Call("GET", "/api/v1/cases?sort=due&cursor=garbage", supervisor_), 400);
  ExpectProblem(Call("GET", "/api/v1/cases?sort=oldest", supervisor_), 400);
}

TEST_F(ApiTest, SummaryFieldsLeaveOutTheBodyAndAllContactsButTheName) {
  CreateCase();
  const auto full = Body(Call("GET", "/api/v1/cases", supervisor_)).at("items").as_array()[0].as_object();
  EXPECT_TRUE(full.contains("body"));
  EXPECT_TRUE(full.at("petitioner").as_object().contains("phone"));
  const auto summary =
      Body(Call("GET", "/api/v1/cases?fields=summary&sort=due", handler_)).at("items").as_array()[0].as_object();
  EXPECT_FALSE(summary.contains("body"));
  EXPECT_EQ(summary.at("petitioner").as_object().size(), 1u);
  EXPECT_EQ(summary.at("petitioner").at("name").as_string(), "陳小姐");
  EXPECT_EQ(summary.at("clocks").as_array().size(), full.at("clocks").as_array().size());
}

}  // namespace
}  // namespace petitiond

namespace petitiond {
namespace {

class IdempotencyTest : public ApiTest {
 protected:
  Response Post(const std::string& token, const std::string& key, const std::string& subject) {
    return Call("POST", "/api/v1/cases", token,
                R"({"channel":"hotline","office":"main","subject":")" + subject +
                    R"(","body":"網路不穩重送","petitioner":{"name":"林先生","phone":"0922000333"}})",
                {{"idempotency-key", key}});
  }
  long long Cases() {
    long long n = 0;
    t_.db().Run([&](store::Tx& tx) { store::Sql(tx) << "SELECT count(*) FROM cases", soci::into(n); });
    return n;
  }
};

TEST_F(IdempotencyTest, ARetryWithTheSameKeyAndBodyReturnsTheFirstAnswer) {
  const Response first = Post(intake_, "k-1", "門牌錯誤");
  ASSERT_EQ(first.status, 201) << first.body;
  const Response again = Post(intake_, "k-1", "門牌錯誤");
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body, first.body) << "same case, same access code";
  EXPECT_EQ(HeaderOf(again, "ETag"), HeaderOf(first, "ETag"));
  EXPECT_EQ(HeaderOf(again, "Location"), HeaderOf(first, "Location"));
  EXPECT_EQ(Cases(), 1);
}

TEST_F(IdempotencyTest, TheSameKeyWithAnotherBodyIs422) {
  ASSERT_EQ(Post(intake_, "k-2", "門牌錯誤").status, 201);
  ExpectProblem(Post(intake_, "k-2", "戶籍謄本"), 422);
  EXPECT_EQ(Cases(), 1);
}

TEST_F(IdempotencyTest, KeysBelongToTheirCallerAndExpireAfterADay) {
  ASSERT_EQ(Post(intake_, "k-3", "門牌錯誤").status, 201);
  EXPECT_EQ(Post(handler_, "k-3", "門牌錯誤").status, 201) << "another caller's key is another key";
  EXPECT_EQ(Cases(), 2);
  clock_.Advance(std::chrono::hours(25));
  intake_ = Token("lin", "intake-pass");  // the session expired too
  EXPECT_EQ(Post(intake_, "k-3", "門牌錯誤").status, 201);
  EXPECT_EQ(Cases(), 3);
}

TEST_F(IdempotencyTest, AFailedFirstAttemptLeavesTheKeyFree) {
  const Response bad = Call("POST", "/api/v1/cases", intake_, R"({"channel":"hotline"})", {{"idempotency-key", "k-4"}});
  ExpectProblem(bad, 400);
  EXPECT_EQ(Post(intake_, "k-4", "門牌錯誤").status, 201);
}

TEST_F(IdempotencyTest, ARequestStillRunningIs409AndAnAbandonedOneIsTakenOver) {
  const std::string hash = Sha256Hex(std::string("POST\n/api/v1/cases\n\n") +
                                     R"({"channel":"hotline","office":"main","subject":"門牌錯誤","body":"網路不穩重送",)"
                                     R"("petitioner":{"name":"林先生","phone":"0922000333"}})");
  const long long now = clock_.Now().time_since_epoch().count();
  t_.db().Run([&](store::Tx& tx) {
    store::Sql(tx) << "INSERT INTO idempotency_keys (principal, key, request_hash, created_at) "
                      "VALUES ('user:lin', 'k-5', :h, to_timestamp(:now))",
        soci::use(hash, "h"), soci::use(now, "now");
  });
  ExpectProblem(Post(intake_, "k-5", "門牌錯誤"), 409);
  clock_.Advance(std::chrono::minutes(3));
  EXPECT_EQ(Post(intake_, "k-5", "門牌錯誤").status, 201);
}

TEST_F(IdempotencyTest, TheStoredAnswerKeepsTheAccessCodeSealed) {
  const Response first = Post(intake_, "k-6", "門牌錯誤");
  ASSERT_EQ(first.status, 201) << first.body;
  const std::string code(Body(first).at("access_code").as_string());
  std::string stored;
  t_.db().Run([&](store::Tx& tx) {
    store::Sql(tx) << "SELECT body FROM idempotency_keys WHERE key = 'k-6'", soci::into(stored);
  });
  EXPECT_EQ(stored.find(code), std::string::npos) << "a copied database must not show the code";
  EXPECT_EQ(stored.find("門牌"), std::string::npos);
  // Another server without the same key cannot replay it, and says so instead of
  // creating a second case.
  runtime::IdempotencyService elsewhere(t_.db(), clock_, std::string(32, 'z'));
  EXPECT_THROW(elsewhere.Run("user:lin", "k-6", "irrelevant", [] { return store::StoredResponse{}; }), DomainError);
  EXPECT_EQ(Cases(), 1);
}

TEST_F(IdempotencyTest, AMalformedKeyIs400) {
  ExpectProblem(Post(intake_, std::string(201, 'x'), "門牌錯誤"), 400);
  ExpectProblem(Post(intake_, "has space", "門牌錯誤"), 400);
  EXPECT_EQ(Cases(), 0);
}

}  // namespace
}  // namespace petitiond

namespace petitiond {
namespace {

// Found by reading: 409/503 bodies carried PostgreSQL's own messages (SQL, relation
// and constraint names). Now a database failure answers with a request id only;
// the details go to the log under that id.
TEST_F(ApiTest, ADatabaseFailureAnswersWithARequestIdNotTheDatabasesWords) {
  t_.db().Run([](store::Tx& tx) { store::Sql(tx) << "ALTER TABLE outbox RENAME TO outbox_gone"; });
  Response r = Call("GET", "/api/v1/outbox", supervisor_);
  ExpectProblem(r, 500);
  EXPECT_EQ(r.body.find("outbox"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("relation"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("(request "), std::string::npos) << r.body;
  t_.db().Run([](store::Tx& tx) { store::Sql(tx) << "ALTER TABLE outbox_gone RENAME TO outbox"; });

  // A unique violation nobody expected: 409, without the constraint or the values.
  t_.db().Run([](store::Tx& tx) { store::Sql(tx) << "CREATE UNIQUE INDEX secret_subject_idx ON cases (subject)"; });
  CreateCase();
  Response again = Call("POST", "/api/v1/cases", intake_,
                        R"({"channel":"hotline","office":"main","subject":"戶口名簿","body":"再一次"})");
  ExpectProblem(again, 409);
  EXPECT_EQ(again.body.find("secret_subject_idx"), std::string::npos) << again.body;
  EXPECT_EQ(again.body.find("duplicate key"), std::string::npos) << again.body;
  EXPECT_NE(again.body.find("(request "), std::string::npos) << again.body;
}

}  // namespace
}  // namespace petitiond
