// The route table is the single declaration of who may call what: these tests walk it,
// so a route added without the right `who` fails here without anyone writing a test.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include "tests/api/api_fixture.hpp"

namespace petitiond {
namespace {

// The pattern with every {param} filled in: a case that exists, so that a refusal is
// about the caller, not the resource.
std::string Fill(std::string pattern, std::int64_t id) {
  for (auto open = pattern.find('{'); open != std::string::npos; open = pattern.find('{')) {
    pattern.replace(open, pattern.find('}', open) - open + 1, std::to_string(id));
  }
  return pattern;
}

class RouteTableTest : public ApiTest {
 protected:
  RouteTableTest() {
    auth_.AddUser("hsu", "privacy-pass", {"privacy_officer"}, "main");
    privacy_ = Token("hsu", "privacy-pass");
  }
  std::map<std::string, std::string> TokensByRole() {
    return {{"intake", intake_},     {"handler", handler_}, {"supervisor", supervisor_},
            {"director", director_}, {"admin", admin_},     {"privacy_officer", privacy_}};
  }
  std::string privacy_;
};

TEST_F(RouteTableTest, TheTableCoversEveryKnownRole) {
  std::set<std::string> covered;
  for (const auto& [role, token] : TokensByRole()) covered.insert(role);
  for (const auto& r : KnownRoles()) EXPECT_TRUE(covered.count(r)) << "no test user holds role " << r;
}

TEST_F(RouteTableTest, EveryRouteThatNeedsASessionAnswers401WithoutOne) {
  const auto id = CreateCase();
  int checked = 0;
  for (const auto& route : api_.routes().routes()) {
    if (!route.who.NeedsSession()) continue;
    const std::string path = Fill(route.pattern, id);
    ExpectProblem(Call(route.method, path, ""), 401);
    ExpectProblem(Call(route.method, path, "not-a-token"), 401);
    ++checked;
  }
  EXPECT_GE(checked, 8);
}

TEST_F(RouteTableTest, EveryRoleOutsideARoutesSetIsRefused) {
  const auto id = CreateCase();
  int refused = 0;
  for (const auto& route : api_.routes().routes()) {
    if (!route.who.NeedsSession()) continue;
    for (const auto& [role, token] : TokensByRole()) {
      const bool allowed = std::count(route.who.roles.begin(), route.who.roles.end(), role) > 0;
      const Response r = Call(route.method, Fill(route.pattern, id), token, "{}");
      if (route.pattern == "/api/v1/sessions/current" && r.status == 200) {
        // That was a sign-out: the fixture's tokens must work for the routes after it.
        intake_ = Token("lin", "intake-pass");
        supervisor_ = Token("chen", "supervisor-pass");
        handler_ = Token("wang", "handler-pass");
        admin_ = Token("root", "admin-password");
        director_ = Token("lee", "director-pass");
        privacy_ = Token("hsu", "privacy-pass");
      }
      if (allowed) {
        EXPECT_NE(r.status, 403) << role << " is declared for " << route.method << " " << route.pattern << ": "
                                 << r.body;
        EXPECT_NE(r.status, 401) << r.body;
      } else {
        ExpectProblem(r, 403);
        ++refused;
      }
    }
  }
  EXPECT_GE(refused, 8) << "the outbox, intake log and closures are not for every role";
}

// Role x route x office: a user of every role in the case's office (main) and in
// another (lanyu) calls every signed-in route about a main case. A role outside the
// route's set: 403. A case-bound route for a caller of another office who does not see
// every office: 404, as if the case did not exist. A list: never a row of the main case
// for such a caller, while callers of main do see it (so the check can fail).
TEST_F(RouteTableTest, EveryCellOfTheRoleRouteOfficeMatrix) {
  Response made = Call("POST", "/api/v1/cases", intake_,
                       R"({"channel":"mailbox","office":"main","subject":"印鑑證明","body":"如何申請",)"
                       R"("petitioner":{"name":"林小姐","email":"lin@example.tw"}})");
  ASSERT_EQ(made.status, 201) << made.body;
  const auto id = Body(made).at("id").as_int64();
  // A file whose id is the case's, so that {aid} filled with the id names one.
  t_.db().Transact([&](store::Tx& tx) {
    const long long n = id;
    store::Sql(tx) << "INSERT INTO case_attachments (id, case_id, filename, content_type, data, size, added_by) "
                      "VALUES (:a, :c, 'scan.pdf', 'application/pdf', '%PDF-', 5, 'matrix')",
        soci::use(n, "a"), soci::use(n, "c");
  });
  const std::string mark = "\"case_id\":" + std::to_string(id), case_mark = "\"id\":" + std::to_string(id) + ",";
  int cells = 0, hidden = 0, seen_in_lists = 0;
  for (const std::string office : {"main", "lanyu"}) {
    for (const auto& role : KnownRoles()) {
      const std::string login = office + "-" + role;
      auth_.AddUser(login, "matrix-pass", {role}, office);
      std::string token = Token(login, "matrix-pass");
      const bool all_offices = role == "director" || role == "admin";
      for (const auto& route : api_.routes().routes()) {
        if (!route.who.NeedsSession()) continue;
        const bool allowed = std::count(route.who.roles.begin(), route.who.roles.end(), role) > 0;
        // A standard reply of main whose id is the case's, so that {id} names one; made
        // again when an earlier cell deleted it.
        t_.db().Transact([&](store::Tx& tx) {
          const long long n = id;
          store::Sql(tx) << "INSERT INTO reply_templates (id, office, title, body, created_by, updated_by) "
                            "VALUES (:a, 'main', 'matrix', '您好', 'matrix', 'matrix') ON CONFLICT DO NOTHING",
              soci::use(n, "a");
        });
        // A body and If-Match that pass validation, so that the office check is reached.
        const Response r = Call(route.method, Fill(route.pattern, id), token,
                                R"({"event":"note","confidential":true,"reason":"matrix"})", {{"if-match", "\"1\""}});
        const std::string cell = login + " " + route.method + " " + route.pattern + ": " + r.body;
        ++cells;
        if (route.pattern == "/api/v1/sessions/current" && r.status == 200) token = Token(login, "matrix-pass");
        if (!allowed) {
          EXPECT_EQ(r.status, 403) << cell;
          continue;
        }
        EXPECT_NE(r.status, 403) << cell;
        const bool outsider = office != "main" && !all_offices;
        if (route.pattern.find("{id}") != std::string::npos) {
          if (outsider) {
            EXPECT_EQ(r.status, 404) << cell;
            ++hidden;
          } else {
            EXPECT_NE(r.status, 404) << cell;
          }
        } else if (route.method == "GET" && r.status == 200) {
          const bool shows = r.body.find(mark) != std::string::npos || r.body.find(case_mark) != std::string::npos;
          if (outsider) {
            EXPECT_FALSE(shows) << cell;
          }
          if (shows) ++seen_in_lists;
        }
      }
    }
  }
  EXPECT_GE(cells, 100);
  EXPECT_GE(hidden, 8);
  EXPECT_GE(seen_in_lists, 6) << "main's callers must find the case in the lists, or the check proves nothing";
}

// docs/roles.md's table says the same as the code: one row per route, a mark for each
// role of its set (or public / signed).
TEST_F(RouteTableTest, DocsRolesTableMatchesTheRouteTable) {
  std::ifstream in(std::string(PETITIOND_SOURCE_DIR) + "/docs/roles.md");
  ASSERT_TRUE(in) << "docs/roles.md is missing";
  const std::vector<std::string> columns = {"intake", "handler", "supervisor", "director", "privacy_officer", "admin"};
  std::map<std::string, std::string> documented;  // "GET /x" -> its cells
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("| `", 0) != 0) continue;
    const auto close = line.find('`', 3);
    const std::string key = line.substr(3, close - 3);
    if (key.find(" /") == std::string::npos) continue;  // the roles table
    documented[key] = line.substr(close + 1);
  }
  int rows = 0;
  for (const auto& route : api_.routes().routes()) {
    const std::string key = route.method + " " + route.pattern;
    auto it = documented.find(key);
    if (it == documented.end()) {
      ADD_FAILURE() << key << " is not in docs/roles.md";
      continue;
    }
    std::vector<std::string> cells;
    std::stringstream cols(it->second);
    for (std::string cell; std::getline(cols, cell, '|');) {
      cell.erase(0, cell.find_first_not_of(' '));
      cell.erase(cell.find_last_not_of(' ') + 1);
      cells.push_back(cell);
    }
    cells.erase(cells.begin());  // before the first '|'
    if (route.who.kind == api::Who::Kind::kPublic) {
      EXPECT_EQ(cells.at(0), "public") << key;
    } else if (route.who.kind == api::Who::Kind::kSigned) {
      EXPECT_EQ(cells.at(0), "signed") << key;
    } else if (route.who.kind == api::Who::Kind::kApiKey) {
      EXPECT_EQ(cells.at(0), "api key") << key;
    } else {
      for (std::size_t i = 0; i < columns.size(); ++i) {
        const bool has = std::count(route.who.roles.begin(), route.who.roles.end(), columns[i]) > 0;
        EXPECT_EQ(i < cells.size() && cells[i] == "✓", has) << key << " / " << columns[i];
      }
    }
    documented.erase(it);
    ++rows;
  }
  for (const auto& [key, _] : documented) ADD_FAILURE() << key << " is documented but not a route";
  EXPECT_GE(rows, 20);
}

// RFC 9110: a general-purpose server supports HEAD for every GET. It answers as the GET
// would, header for header (monitoring probes and `curl -I` rely on it).
// Generated clients name their methods after operationIds: camelCase, URL-safe, unique;
// every operation documents the 4xx problems it answers.
TEST_F(RouteTableTest, TheOpenApiDocumentGivesClientsNamesAndErrors) {
  const json::object doc = Body(Call("GET", "/api/v1/openapi.json"));
  std::set<std::string> ids;
  int operations = 0;
  for (const auto& [path, item] : doc.at("paths").as_object()) {
    for (const auto& [method, op] : item.as_object()) {
      ++operations;
      const std::string id(op.at("operationId").as_string());
      EXPECT_TRUE(!id.empty() && std::islower(static_cast<unsigned char>(id[0])) &&
                  std::all_of(id.begin(), id.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); }))
          << method << " " << path << ": " << id;
      EXPECT_TRUE(ids.insert(id).second) << "operationId " << id << " twice";
      bool has_4xx = false;
      for (const auto& [status, answer] : op.at("responses").as_object()) {
        has_4xx = has_4xx || (status.size() == 3 && status[0] == '4');
      }
      EXPECT_TRUE(has_4xx) << method << " " << path << " documents no 4xx answer";
    }
  }
  EXPECT_GE(operations, 60);
  EXPECT_TRUE(ids.count("getCasesByIdEvents"));
  EXPECT_TRUE(ids.count("postCasesByIdEvents"));
}

// Integers are written as integers (Boost.JSON alone writes every double as "0E0").
TEST_F(RouteTableTest, NumbersAreWrittenAsClientsReadThem) {
  const Response r = Call("GET", "/api/v1/stats?from=2026-11&to=2026-11", admin_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body.find("E0"), std::string::npos) << r.body.substr(0, 400);
  EXPECT_EQ(r.body.find("E-"), std::string::npos) << r.body.substr(0, 400);
}

TEST_F(RouteTableTest, EveryGetRouteAnswersHeadAsItsGet) {
  const auto id = CreateCase();
  int checked = 0;
  for (const auto& route : api_.routes().routes()) {
    if (route.method != "GET") continue;
    const std::string path = Fill(route.pattern, id);
    const std::string token = route.who.NeedsSession() ? admin_ : "";
    const Response get = Call("GET", path, token);
    const Response head = Call("HEAD", path, token);
    EXPECT_EQ(head.status, get.status) << path << ": " << head.body;
    EXPECT_EQ(head.content_type, get.content_type) << path;
    EXPECT_NE(head.status, 405) << path;
    ++checked;
  }
  EXPECT_GE(checked, 30);
  const Response not_allowed = Call("PATCH", "/healthz", "");
  ExpectProblem(not_allowed, 405);
  EXPECT_NE(HeaderOf(not_allowed, "Allow").find("HEAD"), std::string::npos) << HeaderOf(not_allowed, "Allow");
}

TEST_F(RouteTableTest, TheSignedWebhookAnswers401WithoutItsSignature) {
  for (const auto& route : api_.routes().routes()) {
    if (route.who.kind != api::Who::Kind::kSigned) continue;
    ExpectProblem(Call(route.method, route.pattern, "", R"({"case_id":"X-1"})"), 401);
    ExpectProblem(Call(route.method, route.pattern, admin_, R"({"case_id":"X-1"})"), 401);
  }
}

TEST_F(RouteTableTest, EveryApiKeyRouteAnswers403InOpen311FormWithoutAKey) {
  int routes = 0;
  for (const auto& route : api_.routes().routes()) {
    if (route.who.kind != api::Who::Kind::kApiKey) continue;
    ++routes;
    std::string path = route.pattern;
    if (const auto at = path.find("{file}"); at != std::string::npos) path.replace(at, 6, "115-000001.json");
    for (const std::string& key : {std::string(), std::string("?api_key=not-a-key")}) {
      const Response r = Call(route.method, path + key, admin_, "service_code=other");
      EXPECT_EQ(r.status, 403) << route.method << " " << path << ": " << r.body;
      if (path.find(".xml") != std::string::npos) {
        EXPECT_NE(r.body.find("<errors>"), std::string::npos) << r.body;
        EXPECT_NE(r.body.find("<code>403</code>"), std::string::npos) << r.body;
      } else {
        EXPECT_EQ(json::parse(r.body).as_array().at(0).at("code").to_number<int>(), 403) << r.body;
      }
    }
  }
  EXPECT_GE(routes, 5);
}

TEST_F(RouteTableTest, TheOpenApiDocumentListsExactlyTheTablesRoutes) {
  const Response r = Call("GET", "/api/v1/openapi.json");
  ASSERT_EQ(r.status, 200) << r.body;
  const json::object doc = Body(r);
  EXPECT_EQ(doc.at("openapi").as_string(), "3.1.0");
  std::set<std::string> documented, declared;
  for (const auto& [path, item] : doc.at("paths").as_object()) {
    for (const auto& [method, op] : item.as_object()) {
      std::string m(method);
      for (char& c : m) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.insert(m + " " + std::string(path));
      EXPECT_TRUE(op.as_object().contains("responses")) << path;
    }
  }
  for (const auto& route : api_.routes().routes()) declared.insert(route.method + " " + route.pattern);
  EXPECT_EQ(documented, declared);
}

TEST_F(RouteTableTest, EverySchemaTheDocumentNamesResolves) {
  const json::object doc = Body(Call("GET", "/api/v1/openapi.json"));
  const json::object& components = doc.at("components").as_object().at("schemas").as_object();
  const std::string text = json::serialize(doc);
  const std::string prefix = R"("$ref":"#/components/schemas/)";
  int refs = 0;
  for (auto at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at + 1)) {
    const auto start = at + prefix.size();
    const std::string name = text.substr(start, text.find('"', start) - start);
    EXPECT_TRUE(components.contains(name)) << name;
    ++refs;
  }
  EXPECT_GT(refs, 20);
}

TEST_F(RouteTableTest, TheSchemaCheckerCatchesAWrongShape) {
  // The shape check every Call makes must be able to fail.
  const json::object components = json::parse(api::schemas::Components()).as_object();
  const auto errors = testing_support::CheckSchema(json::parse(api::schemas::kCase),
                                                   json::parse(R"({"id":"seven","clocks":[{}]})"), components);
  EXPECT_GE(errors.size(), 3u);
}

TEST_F(RouteTableTest, AnUnknownMethodOnAKnownPathIs405WithAllow) {
  const Response r = Call("DELETE", "/api/v1/outbox", supervisor_);
  ExpectProblem(r, 405);
  EXPECT_EQ(HeaderOf(r, "Allow"), "GET, HEAD");
}

}  // namespace
}  // namespace petitiond
