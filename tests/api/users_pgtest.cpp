// Admin routes for accounts (issue 9, item 3): create, change, disable, reset, each
// audited; disabling and resetting end the sessions.
#include "tests/api/api_fixture.hpp"

namespace petitiond {
namespace {

class UsersTest : public ApiTest {};

TEST_F(UsersTest, AnAdminCreatesAnAccountWithAGeneratedPasswordThatWorks) {
  Response r = Call("POST", "/api/v1/users", admin_,
                    R"({"login":"syaman","roles":["handler","intake"],"office":"lanyu","email":"syaman@lanyu.gov.tw"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string password(Body(r).at("password").as_string());
  EXPECT_EQ(password.size(), 16u);
  EXPECT_EQ(Body(r).at("office").as_string(), "lanyu");
  const std::string token = Token("syaman", password);
  EXPECT_EQ(Call("GET", "/api/v1/cases", token).status, 200);
  // Not readable again: the list holds no password.
  Response list = Call("GET", "/api/v1/users", admin_);
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.body.find(password), std::string::npos);
  EXPECT_EQ(list.body.find("password"), std::string::npos);
  EXPECT_EQ(Count("SELECT count(*) FROM account_events WHERE login = 'syaman' AND actor = 'root' AND action = 'created'"),
            1);
}

TEST_F(UsersTest, BadAccountsAreRefusedWithEveryReason) {
  ExpectProblem(Call("POST", "/api/v1/users", admin_, R"({"login":"x","roles":["king"],"office":"main"})"), 400);
  ExpectProblem(Call("POST", "/api/v1/users", admin_, R"({"login":"x","roles":["handler"],"office":"Main Office"})"),
                400);
  ExpectProblem(Call("POST", "/api/v1/users", admin_, R"({"login":"x","roles":["handler"],"office":"main","password":"short"})"),
                400);
  ExpectProblem(Call("POST", "/api/v1/users", admin_,
                     R"({"login":"x","roles":["handler"],"office":"main","email":"a@b.tw\r\nBcc: c@d.tw"})"),
                400);
  ExpectProblem(Call("POST", "/api/v1/users", admin_, R"({"login":"wang","roles":["handler"],"office":"main"})"), 409);
  ExpectProblem(Call("POST", "/api/v1/users", supervisor_, R"({"login":"y","roles":["handler"],"office":"main"})"),
                403);
  EXPECT_EQ(Count("SELECT count(*) FROM users WHERE login IN ('x', 'y')"), 0);
}

TEST_F(UsersTest, DisablingEndsTheSessionsAndIsAudited) {
  EXPECT_EQ(Call("GET", "/api/v1/cases", handler_).status, 200);
  Response r = Call("PATCH", "/api/v1/users/wang", admin_, R"({"disabled":true})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(Body(r).at("disabled").as_bool());
  ExpectProblem(Call("GET", "/api/v1/cases", handler_), 401);
  ExpectProblem(Call("POST", "/api/v1/sessions", "", R"({"login":"wang","password":"handler-pass"})"), 401);
  ASSERT_EQ(Call("PATCH", "/api/v1/users/wang", admin_, R"({"disabled":false})").status, 200);
  EXPECT_EQ(Call("POST", "/api/v1/sessions", "", R"({"login":"wang","password":"handler-pass"})").status, 201);
  Response events = Call("GET", "/api/v1/account-events?login=wang", admin_);
  ASSERT_EQ(events.status, 200) << events.body;
  const auto items = Body(events).at("items").as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].at("action").as_string(), "enabled");
  EXPECT_EQ(items[1].at("action").as_string(), "disabled");
  EXPECT_THROW(t_.db().Run([](store::Tx& tx) { store::Sql(tx) << "UPDATE account_events SET actor = 'x'"; }),
               DomainError);
}

TEST_F(UsersTest, RolesAndOfficeChangeTakeEffectOnTheNextRequest) {
  const auto id = CreateCase();
  ASSERT_EQ(Call("GET", "/api/v1/cases/" + std::to_string(id), handler_).status, 200);
  Response r = Call("PATCH", "/api/v1/users/wang", admin_, R"({"office":"lanyu","roles":["handler","supervisor"]})");
  ASSERT_EQ(r.status, 200) << r.body;
  ExpectProblem(Call("GET", "/api/v1/cases/" + std::to_string(id), handler_), 404);
  EXPECT_EQ(Call("GET", "/api/v1/outbox", handler_).status, 200) << "now a supervisor";
  EXPECT_EQ(Count("SELECT count(*) FROM account_events WHERE login = 'wang' AND action IN "
                  "('office_changed', 'roles_changed')"),
            2);
  ExpectProblem(Call("PATCH", "/api/v1/users/nobody", admin_, R"({"disabled":true})"), 404);
  ExpectProblem(Call("PATCH", "/api/v1/users/wang", admin_, R"({"password":"x"})"), 400);
}

TEST_F(UsersTest, AnAdminCannotLockThemselvesOut) {
  ExpectProblem(Call("PATCH", "/api/v1/users/root", admin_, R"({"disabled":true})"), 409);
  ExpectProblem(Call("PATCH", "/api/v1/users/root", admin_, R"({"roles":["director"]})"), 409);
  EXPECT_EQ(Call("GET", "/api/v1/users", admin_).status, 200);
}

TEST_F(UsersTest, AResetEndsTheSessionsAndTheOldPassword) {
  Response r = Call("POST", "/api/v1/users/wang/password", admin_, "{}");
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string password(Body(r).at("password").as_string());
  ExpectProblem(Call("GET", "/api/v1/cases", handler_), 401);
  ExpectProblem(Call("POST", "/api/v1/sessions", "", R"({"login":"wang","password":"handler-pass"})"), 401);
  Token("wang", password);
  ASSERT_EQ(Call("POST", "/api/v1/users/wang/password", admin_, R"({"password":"chosen-by-admin"})").status, 200);
  Token("wang", "chosen-by-admin");
  EXPECT_EQ(Count("SELECT count(*) FROM account_events WHERE login = 'wang' AND action = 'password_reset'"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM account_events WHERE detail::text LIKE '%chosen-by-admin%'"), 0);
}

}  // namespace
}  // namespace petitiond
