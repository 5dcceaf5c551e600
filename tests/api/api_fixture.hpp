#pragma once

#include "api/api.hpp"
#include "api/schemas.hpp"
#include "app/graph.hpp"
#include "tests/common/json_schema.hpp"
#include "engine/runtime/services/idempotency.hpp"
#include "engine/runtime/services/outbox_service.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "engine/runtime/security/accounts.hpp"
#include "engine/runtime/services/public_status.hpp"
#include "engine/runtime/services/survey.hpp"
#include "engine/runtime/services/open311.hpp"
#include "engine/runtime/services/stats_service.hpp"
#include "engine/runtime/security/auth.hpp"
#include "engine/store/session.hpp"
#include "engine/runtime/services/case_service.hpp"
#include "engine/runtime/services/intake_service.hpp"
#include "engine/digest.hpp"
#include "engine/runtime/services/workflow_registry.hpp"
#include "engine/store/database.hpp"

#include <soci/soci.h>
#include "tests/common/pg_fixture.hpp"

namespace petitiond {

namespace json = boost::json;
using api::Request;
using api::Response;
using testing_support::FakeClock;
using testing_support::TestDatabase;

// The whole HTTP surface, minus the socket: requests go through Api::Handle.
class ApiTest : public testing::Test {
 protected:
  // The graph `serve` builds, over a test database and a fixed clock; `workflow_dirs`
  // are deployed in order and the last one's routing.yaml routes.
  explicit ApiTest(std::vector<std::string> workflow_dirs = {std::string(PETITIOND_SOURCE_DIR) + "/workflows"})
      : clock_(*ParseTimestamp("2026-11-26T10:00:00+08:00")), graph_(t_.db(), clock_, Options(std::move(workflow_dirs))) {
    auth_.AddUser("lin", "intake-pass", {"intake"}, "main");
    auth_.AddUser("chen", "supervisor-pass", {"supervisor"}, "main");
    auth_.AddUser("wang", "handler-pass", {"handler"}, "main");
    auth_.AddUser("root", "admin-password", {"admin"}, "main");
    auth_.AddUser("lee", "director-pass", {"director"}, "main");
    intake_ = Token("lin", "intake-pass");
    supervisor_ = Token("chen", "supervisor-pass");
    handler_ = Token("wang", "handler-pass");
    admin_ = Token("root", "admin-password");
    director_ = Token("lee", "director-pass");
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
    Response response = api_.Handle(r);
    ExpectDeclaredShape(r, response);
    return response;
  }

  // Every answer the tests receive must match what the route table declares for it:
  // the success schema for its declared statuses, the Problem schema for errors.
  void ExpectDeclaredShape(const Request& request, const Response& response) {
    static const json::object components = json::parse(api::schemas::Components()).as_object();
    // HEAD answers as GET does (the server leaves the body out).
    const auto match = api_.routes().Find(request.method == "HEAD" ? "GET" : request.method, request.path);
    std::string schema;
    if (request.path.rfind("/open311/", 0) == 0) {
      // GeoReport v2 answers in its own format: JSON arrays ({code, description} for
      // errors) or XML; tests/api/open311_pgtest.cpp checks them against the
      // specification's examples.
      if (request.path.size() > 4 && request.path.substr(request.path.size() - 4) == ".xml") {
        EXPECT_EQ(response.body.rfind("<?xml", 0), 0u) << request.path << ": " << response.body;
        return;
      }
      if (response.status >= 400) {
        json::error_code ec;
        const json::value body = json::parse(response.body, ec);
        ASSERT_FALSE(ec) << response.body;
        ASSERT_TRUE(body.is_array() && !body.as_array().empty()) << response.body;
        for (const auto& e : body.as_array()) {
          EXPECT_EQ(e.at("code").to_number<int>(), response.status) << response.body;
          EXPECT_TRUE(e.at("description").is_string()) << response.body;
        }
        return;
      }
    }
    if (response.content_type == "application/problem+json") {
      schema = api::schemas::kProblem;
      // A 4xx answer must be one its route documents (the OpenAPI document lists them).
      if (match.route && response.status >= 400 && response.status < 500) {
        const auto documented = api::DocumentedErrors(*match.route);
        EXPECT_TRUE(std::count(documented.begin(), documented.end(), response.status))
            << request.method << " " << request.path << " answered " << response.status
            << ", which its route does not document (Route::errors): " << response.body;
      }
    } else if (match.route && response.status >= 300 && response.status < 400 &&
               std::count(match.route->other_statuses.begin(), match.route->other_statuses.end(), response.status)) {
      // A documented redirect: it says where to.
      EXPECT_TRUE(std::any_of(response.headers.begin(), response.headers.end(),
                              [](const auto& h) { return h.first == "Location"; }))
          << request.method << " " << request.path << " answered " << response.status << " without Location";
      return;
    } else if (match.route && (response.status == match.route->status ||
                               std::count(match.route->other_statuses.begin(), match.route->other_statuses.end(),
                                          response.status))) {
      if (match.route->response_content_type != "application/json") return;
      // A spreadsheet download asked for with ?format= (checked by its own tests).
      const auto format = request.query.find("format");
      if (format != request.query.end() && (format->second == "csv" || format->second == "xlsx")) return;
      schema = match.route->response_schema;
    } else {
      ADD_FAILURE() << request.method << " " << request.path << " answered " << response.status
                    << ", which its route does not declare";
      return;
    }
    json::error_code ec;
    const json::value body = json::parse(response.body, ec);
    ASSERT_FALSE(ec) << request.method << " " << request.path << ": body is not JSON: " << response.body;
    for (const auto& e : testing_support::CheckSchema(json::parse(schema), body, components)) {
      ADD_FAILURE() << request.method << " " << request.path << " " << response.status << ": " << e;
    }
  }

  std::string Token(const std::string& login, const std::string& password) {
    Response r = Call("POST", "/api/v1/sessions", "", R"({"login":")" + login + R"(","password":")" + password + "\"}");
    EXPECT_EQ(r.status, 201) << r.body;
    return std::string(json::parse(r.body).at("token").as_string());
  }

  static json::object Body(const Response& r) { return json::parse(r.body).as_object(); }

  // One number from SQL, to check what the database holds.
  long long Count(const std::string& query) {
    long long n = 0;
    t_.db().Run([&](store::Tx& tx) { store::Sql(tx) << query, soci::into(n); });
    return n;
  }

  // The confirmation link mailed to `recipient`: sealed in the outbox row (runtime::Sealer).
  std::string ConfirmationLink(const std::string& recipient) {
    std::string sealed;
    t_.db().Run([&](store::Tx& tx) {
      store::Sql(tx) << "SELECT sealed FROM outbox WHERE recipient = :r AND idempotency_key LIKE '%:confirm'",
          soci::use(recipient, "r"), soci::into(sealed);
    });
    const auto opened = intake_service_.outbox_sealer().Open(sealed);
    EXPECT_TRUE(opened) << "no sealed link for " << recipient;
    return opened ? std::string(json::parse(*opened).at("link").as_string()) : "";
  }

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

  static app::GraphOptions Options(std::vector<std::string> workflow_dirs) {
    app::GraphOptions o;
    o.workflow_dirs = std::move(workflow_dirs);
    o.config.hotline.secret = "platform-secret";
    o.config.mailbox.confirm_days = 7;
    o.config.mailbox.public_url = "http://petitiond.test";
    o.config.news_feeds.push_back({"https://news.example.tw/rss", "main", {"戶政"}, {}, std::chrono::minutes(15), false});
    o.config.news_feeds.push_back({"https://www.ptt.cc/atom/Taitung.xml", "lanyu", {"戶所"}, {}, std::chrono::hours(1), false});
    return o;
  }

  TestDatabase t_;
  FakeClock clock_;
  app::Graph graph_;
  // The graph's parts under the names the tests use.
  const runtime::Sealer& sealer_ = graph_.sealer;  // seals outbox secrets and survey links
  runtime::CalendarHolder& calendar_ = graph_.calendar;
  runtime::WorkflowRegistry& registry_ = graph_.registry;
  runtime::CaseService& cases_ = graph_.cases;
  runtime::AuthService& auth_ = graph_.auth;
  runtime::IntakeService& intake_service_ = graph_.intake;
  runtime::OutboxService& outbox_ = graph_.outbox;
  runtime::IdempotencyService& idempotency_ = graph_.idempotency;
  runtime::PublicStatus& public_status_ = graph_.public_status;
  runtime::SurveyService& surveys_ = graph_.surveys;
  runtime::StatsService& stats_ = graph_.stats;
  runtime::Open311Service& open311_ = graph_.open311;
  api::Api& api_ = graph_.api;
  std::string intake_, supervisor_, handler_, admin_, director_;
};

inline std::string HeaderOf(const Response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

}  // namespace petitiond
