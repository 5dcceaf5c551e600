// Open311 GeoReport v2 against the specification's examples
// (https://wiki.open311.org/GeoReport_v2): the same fields, in JSON and in XML, a
// request posted and read back, the errors in the specification's format.
#include <pugixml.hpp>

#include <set>

#include "tests/api/api_fixture.hpp"

namespace petitiond {
namespace {

// The element names of the specification's example answers.
const std::vector<std::string> kServiceFields = {"service_code", "service_name", "description", "metadata",
                                                 "type",         "keywords",     "group"};
const std::vector<std::string> kRequestFields = {
    "service_request_id", "status",          "status_notes",      "service_name",       "service_code",
    "description",        "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
    "expected_datetime",  "address",         "address_id",        "zipcode",            "lat",
    "long",               "media_url"};
// The specification's POST example, with this office's service code.
const std::string kExamplePost =
    "service_code=house-numbers&lat=37.76524078&long=-122.4212043&address_string=1234+5th+street"
    "&email=smit333%40sfgov.edu&device_id=tt222111&account_id=123456&first_name=john&last_name=smith"
    "&phone=111111111&description=A+large+sinkhole+is+destroying+the+street"
    "&media_url=http%3A%2F%2Ftinyurl.com%2Fsfgeo311";

class Open311Test : public ApiTest {
 protected:
  void SetUp() override {
    const Response r = Call("POST", "/api/v1/open311/clients", admin_, R"({"name":"臺東縣民服務 App"})");
    ASSERT_EQ(r.status, 201) << r.body;
    key_ = std::string(Body(r).at("api_key").as_string());
  }

  Response Post(const std::string& ext, const std::string& body) {
    return Call("POST", "/open311/v2/requests." + ext, "", body,
                {{"content-type", "application/x-www-form-urlencoded"}});
  }

  static std::vector<std::string> Keys(const json::object& o) {
    std::vector<std::string> keys;
    for (const auto& kv : o) keys.emplace_back(kv.key());
    return keys;
  }
  static std::vector<std::string> Children(const pugi::xml_node& n) {
    std::vector<std::string> names;
    for (const auto& c : n.children()) names.emplace_back(c.name());
    return names;
  }

  std::string key_;
};

TEST_F(Open311Test, ServicesListRoutingCategoriesInBothFormats) {
  Response r = Call("GET", "/open311/v2/services.json");
  ASSERT_EQ(r.status, 200) << r.body;
  const json::array services = json::parse(r.body).as_array();
  ASSERT_GE(services.size(), 6u);
  for (const auto& s : services) EXPECT_EQ(Keys(s.as_object()), kServiceFields);
  EXPECT_EQ(services[2].at("service_code").as_string(), "house-numbers");
  EXPECT_EQ(services[2].at("service_name").as_string(), "門牌整編");
  EXPECT_EQ(services[2].at("metadata").as_bool(), false);
  EXPECT_EQ(services[2].at("type").as_string(), "realtime");

  r = Call("GET", "/open311/v2/services.xml");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "text/xml; charset=utf-8");
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(r.body.c_str())) << r.body;
  const auto list = doc.child("services");
  ASSERT_TRUE(list);
  std::size_t n = 0;
  for (const auto& s : list.children("service")) {
    EXPECT_EQ(Children(s), kServiceFields);
    ++n;
  }
  EXPECT_EQ(n, services.size());
  EXPECT_STREQ(list.child("service").next_sibling().next_sibling().child_value("service_name"), "門牌整編");

  r = Call("GET", "/open311/v2/services/house-numbers.json");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"service_code":"house-numbers","attributes":[]})");
  r = Call("GET", "/open311/v2/services/house-numbers.xml");
  ASSERT_TRUE(doc.load_string(r.body.c_str())) << r.body;
  EXPECT_STREQ(doc.child("service_definition").child_value("service_code"), "house-numbers");
  EXPECT_TRUE(doc.child("service_definition").child("attributes"));
  r = Call("GET", "/open311/v2/services/potholes.json");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(json::parse(r.body).as_array().at(0).at("code").as_int64(), 404);
}

TEST_F(Open311Test, ARequestRoundTripsInJsonAndXml) {
  Response r = Post("json", kExamplePost + "&api_key=" + key_);
  ASSERT_EQ(r.status, 201) << r.body;
  const json::array posted = json::parse(r.body).as_array();
  ASSERT_EQ(posted.size(), 1u);
  EXPECT_EQ(Keys(posted[0].as_object()), (std::vector<std::string>{"service_request_id", "service_notice", "account_id"}));
  EXPECT_TRUE(posted[0].at("account_id").is_null());
  const std::string id(posted[0].at("service_request_id").as_string());
  EXPECT_EQ(id.rfind("115-", 0), 0u) << "the case number is the request id: " << id;
  // It became a hotline intake of the office, kept raw.
  EXPECT_EQ(Count("SELECT count(*) FROM intake_raw WHERE channel = 'hotline' AND source LIKE 'open311 client %' "
                  "AND status = 'accepted' AND convert_from(raw, 'UTF8') LIKE '%sinkhole%'"),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM cases WHERE channel = 'hotline' AND category = '門牌整編' AND public_no = '" + id + "'"), 1);

  r = Call("GET", "/open311/v2/requests/" + id + ".json?api_key=" + key_);
  ASSERT_EQ(r.status, 200) << r.body;
  const json::array got = json::parse(r.body).as_array();
  ASSERT_EQ(got.size(), 1u);
  const json::object& q = got[0].as_object();
  EXPECT_EQ(Keys(q), kRequestFields);
  EXPECT_EQ(q.at("service_request_id").as_string(), id);
  EXPECT_EQ(q.at("status").as_string(), "open");
  EXPECT_EQ(q.at("service_code").as_string(), "house-numbers");
  EXPECT_EQ(q.at("service_name").as_string(), "門牌整編");
  EXPECT_EQ(q.at("description").as_string(), "A large sinkhole is destroying the street");
  EXPECT_EQ(q.at("address").as_string(), "1234 5th street");
  EXPECT_DOUBLE_EQ(q.at("lat").as_double(), 37.76524078);
  EXPECT_DOUBLE_EQ(q.at("long").as_double(), -122.4212043);
  EXPECT_EQ(q.at("media_url").as_string(), "http://tinyurl.com/sfgeo311");
  EXPECT_EQ(q.at("agency_responsible").as_string(), "main");
  EXPECT_EQ(q.at("requested_datetime").as_string(), "2026-11-26T10:00:00+08:00");
  // The legal due date: 6 workdays from the next workday after receipt (Thu 11-26).
  EXPECT_EQ(q.at("expected_datetime").as_string(), "2026-12-04T23:59:59+08:00");
  for (const char* personal : {"smit333", "111111111", "john", "smith"}) {
    EXPECT_EQ(r.body.find(personal), std::string::npos) << "no petitioner details in the answer: " << personal;
  }

  // The same in XML, posted as XML.
  r = Post("xml", "api_key=" + key_ +
                      "&service_code=house-numbers&address_string=%E8%98%AD%E5%B6%BC%E9%84%89%E7%B4%85%E9%A0%AD%E6%9D%91"
                      "&description=%E9%96%80%E7%89%8C%E8%A2%AB%E9%A2%B1%E9%A2%A8%E5%90%B9%E8%90%BD&first_name=%E5%B0%8F%E6%98%8E"
                      "&last_name=%E7%8E%8B&phone=0912345678");
  ASSERT_EQ(r.status, 201) << r.body;
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(r.body.c_str())) << r.body;
  const auto req = doc.child("service_requests").child("request");
  EXPECT_EQ(Children(req), (std::vector<std::string>{"service_request_id", "service_notice", "account_id"}));
  const std::string xml_id = req.child_value("service_request_id");
  r = Call("GET", "/open311/v2/requests.xml?api_key=" + key_ + "&service_request_id=" + id + "," + xml_id);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(doc.load_string(r.body.c_str())) << r.body;
  std::map<std::string, pugi::xml_node> by_id;
  for (const auto& n : doc.child("service_requests").children("request")) {
    EXPECT_EQ(Children(n), kRequestFields);
    by_id[n.child_value("service_request_id")] = n;
  }
  ASSERT_EQ(by_id.size(), 2u);
  EXPECT_STREQ(by_id[xml_id].child_value("description"), "門牌被颱風吹落");
  EXPECT_STREQ(by_id[xml_id].child_value("address"), "蘭嶼鄉紅頭村");
  EXPECT_STREQ(by_id[xml_id].child_value("agency_responsible"), "lanyu") << "routed by routing.yaml's keywords";
  EXPECT_STREQ(by_id[id].child_value("lat"), "37.76524078");
  EXPECT_STREQ(by_id[xml_id].child_value("status"), "open");

  // Filters: service_code, status, dates.
  const auto count = [&](const std::string& query) {
    const Response a = Call("GET", "/open311/v2/requests.json?api_key=" + key_ + query);
    EXPECT_EQ(a.status, 200) << a.body;
    return json::parse(a.body).as_array().size();
  };
  EXPECT_EQ(count(""), 2u);
  EXPECT_EQ(count("&service_code=house-numbers"), 2u);
  EXPECT_EQ(count("&service_code=certificates"), 0u);
  EXPECT_EQ(count("&status=open"), 2u);
  EXPECT_EQ(count("&status=closed"), 0u);
  EXPECT_EQ(count("&start_date=2026-11-27T00:00:00+08:00"), 0u);
  EXPECT_EQ(count("&start_date=2026-11-26T00:00:00+08:00&end_date=2026-11-26T23:59:59+08:00"), 2u);

  // Closing the case shows as closed.
  const std::int64_t case_id = Count("SELECT id FROM cases WHERE public_no = '" + id + "'");
  ASSERT_EQ(Event(case_id, supervisor_, "\"1\"", R"({"event":"register_only","data":{"reason":"非本所業務"}})").status, 200);
  EXPECT_EQ(count("&status=closed"), 1u);
}

TEST_F(Open311Test, ClientsSeeOnlyTheirOwnRequests) {
  ASSERT_EQ(Post("json", kExamplePost + "&api_key=" + key_).status, 201);
  const Response other = Call("POST", "/api/v1/open311/clients", admin_, R"({"name":"另一個 App"})");
  const std::string other_key(Body(other).at("api_key").as_string());
  Response r = Call("GET", "/open311/v2/requests.json?api_key=" + other_key);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "[]");
  r = Call("GET", "/open311/v2/requests/115-000001.json?api_key=" + other_key);
  EXPECT_EQ(r.status, 404) << r.body;

  // A revoked key stops at once.
  const std::int64_t id = Body(other).at("id").as_int64();
  ASSERT_EQ(Call("DELETE", "/api/v1/open311/clients/" + std::to_string(id), admin_).status, 200);
  r = Call("GET", "/open311/v2/requests.json?api_key=" + other_key);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(json::parse(r.body).as_array().at(0).at("code").as_int64(), 403);
  // Only admins manage clients; the key is never listed.
  ExpectProblem(Call("POST", "/api/v1/open311/clients", supervisor_, R"({"name":"x"})"), 403);
  r = Call("GET", "/api/v1/open311/clients", admin_);
  EXPECT_EQ(r.body.find(key_), std::string::npos);
  EXPECT_EQ(Body(r).at("items").as_array().size(), 2u);
}

TEST_F(Open311Test, BadPostsGetTheSpecificationsErrors) {
  Response r = Post("json", "service_code=house-numbers&description=x&address_string=y");
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(r.body.rfind(R"([{"code":403,"description":"api_key)", 0), 0u) << r.body;
  r = Post("json", "api_key=" + key_ + "&service_code=potholes&description=x");
  ASSERT_EQ(r.status, 400) << r.body;
  const json::array errors = json::parse(r.body).as_array();
  ASSERT_EQ(errors.size(), 2u) << r.body;  // unknown service, no location
  EXPECT_NE(std::string(errors[0].at("description").as_string()).find("service_code"), std::string::npos);
  EXPECT_NE(std::string(errors[1].at("description").as_string()).find("location"), std::string::npos);
  r = Post("xml", "api_key=" + key_ + "&service_code=other&lat=abc&long=1&description=x");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("<error>"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("<code>400</code>"), std::string::npos) << r.body;
  r = Call("POST", "/open311/v2/requests.json", "", R"({"api_key":"x"})", {{"content-type", "application/json"}});
  EXPECT_EQ(r.status, 400) << r.body;
  r = Call("GET", "/open311/v2/requests.json?api_key=" + key_ + "&status=pending");
  EXPECT_EQ(r.status, 400) << r.body;
  r = Call("GET", "/open311/v2/requests.json?api_key=" + key_ + "&start_date=yesterday");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(Count("SELECT count(*) FROM cases"), 0) << "nothing was made of a bad post";
  EXPECT_EQ(Count("SELECT count(*) FROM intake_raw WHERE status = 'rejected' AND source LIKE 'open311 client %' "
                  "AND reason LIKE 'the service request is invalid; service_code%' "
                  "AND convert_from(raw, 'UTF8') LIKE '%service_code=potholes%'"),
            1)
      << "but its raw post is kept, with why";
}

TEST_F(Open311Test, PostsAndWrongKeysAreRateLimited) {
  runtime::Open311Service limited(t_.db(), intake_service_, clock_, runtime::Open311Limits{2, 3});
  const auto client = limited.Authenticate(key_, "10.0.0.1");
  runtime::Open311Post post;
  post.service_code = "other";
  post.address_string = "臺東市";
  post.description = "路燈不亮";
  post.raw = "service_code=other";
  post.content_type = "application/x-www-form-urlencoded";
  limited.Submit(client, post);
  limited.Submit(client, post);
  EXPECT_THROW(limited.Submit(client, post), TooManyRequests);
  for (int i = 0; i < 3; ++i) EXPECT_THROW(limited.Authenticate("wrong", "10.0.0.2"), DomainError);
  EXPECT_THROW(limited.Authenticate(key_, "10.0.0.2"), TooManyRequests) << "the address is held off, key or not";
  EXPECT_NO_THROW(limited.Authenticate(key_, "10.0.0.3"));
}

}  // namespace
}  // namespace petitiond
