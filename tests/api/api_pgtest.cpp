#include "api/handlers.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "engine/runtime/auth.hpp"
#include "engine/runtime/case_service.hpp"
#include "engine/runtime/workflow_registry.hpp"
#include "tests/common/pg_fixture.hpp"

namespace petitiond {
namespace {

namespace json = boost::json;
using api::Request;
using api::Response;
using testing_support::FakeClock;
using testing_support::TestDatabase;

// The whole HTTP surface, minus the socket: requests go through Api::Handle.
class ApiTest : public testing::Test {
 protected:
  ApiTest()
      : clock_(*ParseTimestamp("2026-11-26T10:00:00+08:00")),
        registry_(t_.db()),
        cases_(t_.db(), registry_, calendar_, clock_),
        auth_(t_.db(), clock_),
        api_(t_.db(), auth_, cases_) {
    registry_.DeployDirectory(std::string(PETITIOND_SOURCE_DIR) + "/workflows");
    auth_.AddUser("lin", "intake-pass", {"intake"}, "main");
    auth_.AddUser("chen", "supervisor-pass", {"supervisor"}, "main");
    auth_.AddUser("wang", "handler-pass", {"handler"}, "main");
    auth_.AddUser("root", "admin-password", {"admin"}, "main");
    intake_ = Token("lin", "intake-pass");
    supervisor_ = Token("chen", "supervisor-pass");
    handler_ = Token("wang", "handler-pass");
    admin_ = Token("root", "admin-password");
  }

  Response Call(const std::string& method, const std::string& path, const std::string& token = "",
                const std::string& body = "", std::map<std::string, std::string> headers = {}) {
    Request r;
    r.method = method;
    const auto q = path.find('?');
    r.path = path.substr(0, q);
    if (q != std::string::npos) {
      std::stringstream params(path.substr(q + 1));
      for (std::string kv; std::getline(params, kv, '&');) {
        const auto eq = kv.find('=');
        r.query[kv.substr(0, eq)] = eq == std::string::npos ? "" : kv.substr(eq + 1);
      }
    }
    r.body = body;
    r.headers = std::move(headers);
    if (!token.empty()) r.headers["authorization"] = "Bearer " + token;
    return api_.Handle(r);
  }

  std::string Token(const std::string& login, const std::string& password) {
    Response r = Call("POST", "/api/v1/sessions", "", R"({"login":")" + login + R"(","password":")" + password + "\"}");
    EXPECT_EQ(r.status, 201) << r.body;
    return std::string(json::parse(r.body).at("token").as_string());
  }

  static json::object Body(const Response& r) { return json::parse(r.body).as_object(); }

  std::int64_t CreateCase() {
    Response r = Call("POST", "/api/v1/cases", intake_,
                      R"({"channel":"hotline","office":"main","subject":"戶口名簿","body":"遺失補發",)"
                      R"("petitioner":{"name":"陳小姐","phone":"0911000111"}})");
    EXPECT_EQ(r.status, 201) << r.body;
    return Body(r).at("id").as_int64();
  }

  Response Event(std::int64_t id, const std::string& token, const std::string& etag, const std::string& body) {
    return Call("POST", "/api/v1/cases/" + std::to_string(id) + "/events", token, body, {{"if-match", etag}});
  }

  static void ExpectProblem(const Response& r, int status) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.content_type, "application/problem+json");
    auto o = Body(r);
    EXPECT_EQ(o.at("status").as_int64(), status);
    EXPECT_TRUE(o.contains("type") && o.contains("title") && o.contains("detail")) << r.body;
  }

  TestDatabase t_;
  runtime::CalendarHolder calendar_{BusinessCalendar::Shipped()};
  FakeClock clock_;
  runtime::WorkflowRegistry registry_;
  runtime::CaseService cases_;
  runtime::AuthService auth_;
  api::Api api_;
  std::string intake_, supervisor_, handler_, admin_;
};

std::string HeaderOf(const Response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

TEST_F(ApiTest, CreateReturnsTheCaseWithAnAccessCodeAndETag) {
  Response r = Call("POST", "/api/v1/cases", intake_,
                    R"({"channel":"hotline","office":"main","subject":"s","body":"b",)"
                    R"("received_at":"2026-11-20T09:00:00+08:00"})");
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
  EXPECT_EQ(HeaderOf(r, "Allow"), "GET, POST");
}

TEST_F(ApiTest, ClocksShowWorkdaysLeftExtensionsAndPause) {
  const auto id = CreateCase();  // received Thursday 11/26 10:00: assign due end of Friday 11/27
  auto clock = Body(Call("GET", "/api/v1/cases/" + std::to_string(id), supervisor_)).at("clocks").as_array()[0];
  EXPECT_EQ(clock.at("workdays_left").as_int64(), 2);  // today and Friday
  EXPECT_EQ(clock.at("extensions_used").as_int64(), 0);
  EXPECT_TRUE(clock.at("paused_since").is_null());
  EXPECT_FALSE(clock.at("calendar_incomplete").as_bool());
  ASSERT_EQ(Event(id, supervisor_, "\"1\"", R"({"event":"assign","data":{"assignee":"wang"}})").status, 200);
  Response asked = Event(id, handler_, "\"2\"", R"({"event":"ask","comment":"請補附戶口名簿影本"})");
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

}  // namespace
}  // namespace petitiond
