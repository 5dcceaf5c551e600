// GET /api/v1/stats, the spreadsheet exports and the open data through the API: who
// may ask, bad input, CSV as Excel reads it, XLSX read back with openpyxl, confidential
// petitioners redacted in every export.
#include <cstdio>
#include <fstream>

#include "tests/api/api_fixture.hpp"

namespace petitiond {
namespace {

class StatsApiTest : public ApiTest {
 protected:
  void SetUp() override {
    auth_.AddUser("su-beinan", "supervisor-pass", {"supervisor"}, "beinan");
    Post(R"({"channel":"hotline","office":"main","category":"戶籍登記","subject":"戶口名簿遺失","body":"補發",)"
         R"("petitioner":{"name":"陳小姐","phone":"0911000111"}})");
    Post(R"j({"channel":"counter","office":"main","category":"檢舉","subject":"=HYPERLINK(\"http://x\")","body":"檢舉",)j"
         R"("petitioner":{"name":"林告發","phone":"0922000222","email":"whistle@example.tw"}})");
    Post(R"({"channel":"mailbox","office":"beinan","subject":"門牌整編","body":"詢問",)"
         R"("petitioner":{"name":"王先生","email":"wang@example.tw"}})");
  }

  void Post(const std::string& body) {
    const Response r = Call("POST", "/api/v1/cases", director_, body);
    ASSERT_EQ(r.status, 201) << r.body;
  }

  // The workbook's sheets as openpyxl reads them.
  json::object ReadXlsx(const std::string& bytes) {
    char path[] = "/tmp/petitiond-xlsx-test-XXXXXX.xlsx";  // openpyxl goes by the extension
    const int fd = mkstemps(path, 5);
    EXPECT_GE(fd, 0);
    close(fd);
    std::ofstream(path, std::ios::binary) << bytes;
    const std::string cmd = std::string("/usr/bin/python3 ") + PETITIOND_SOURCE_DIR + "/tests/tools/read_xlsx.py " + path;
    FILE* p = popen(cmd.c_str(), "r");
    std::string out;
    char buf[4096];
    for (std::size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    EXPECT_EQ(pclose(p), 0) << out;
    std::remove(path);
    return json::parse(out).as_object();
  }
};

TEST_F(StatsApiTest, SupervisorsGetTheirOfficeAndTheDirectorEveryOffice) {
  Response r = Call("GET", "/api/v1/stats?from=2026-11&to=2026-11", supervisor_);
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = Body(r);
  ASSERT_EQ(body.at("groups").as_array().size(), 1u);
  EXPECT_EQ(body.at("groups").as_array()[0].at("group").as_string(), "main");
  EXPECT_EQ(body.at("total").at("received").as_int64(), 2);
  EXPECT_EQ(body.at("from_label").as_string(), "115年11月");
  EXPECT_EQ(body.at("office").as_string(), "main") << "the report says whose figures it holds";

  r = Call("GET", "/api/v1/stats?from=2026-11&to=2026-11&group_by=office", director_);
  ASSERT_EQ(r.status, 200) << r.body;
  body = Body(r);
  EXPECT_EQ(body.at("groups").as_array().size(), 2u);
  EXPECT_EQ(body.at("total").at("received").as_int64(), 3);
  EXPECT_EQ(body.at("channels").as_array().size(), 1u);
  EXPECT_EQ(body.at("channels").as_array()[0].at("label").as_string(), "115年11月");

  r = Call("GET", "/api/v1/stats?from=2026-10&to=2026-11&group_by=month", director_);
  ASSERT_EQ(r.status, 200) << r.body;
  body = Body(r);
  ASSERT_EQ(body.at("groups").as_array().size(), 2u);
  EXPECT_EQ(body.at("groups").as_array()[1].at("label").as_string(), "115年11月");
  EXPECT_EQ(body.at("groups").as_array()[1].at("open_at_end").as_int64(), 3);

  ExpectProblem(Call("GET", "/api/v1/stats?office=beinan", supervisor_), 403);
  ExpectProblem(Call("GET", "/api/v1/stats", handler_), 403);
  ExpectProblem(Call("GET", "/api/v1/stats", intake_), 403);
  ExpectProblem(Call("GET", "/api/v1/stats"), 401);
  r = Call("GET", "/api/v1/stats?office=main", supervisor_);
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(StatsApiTest, BadParametersAreProblems) {
  for (const char* q : {"from=2026-13", "from=2026-1", "to=115-11", "group_by=person", "format=pdf",
                        "from=2026-11&to=2026-10", "from=2000-01&to=2026-11"}) {
    const Response r = Call("GET", std::string("/api/v1/stats?") + q, director_);
    ExpectProblem(r, 400);
  }
  EXPECT_NE(Call("GET", "/api/v1/stats?from=2026-13", director_).body.find("YYYY-MM"), std::string::npos);
}

TEST_F(StatsApiTest, CsvOpensInExcelWithChineseIntact) {
  const Response r = Call("GET", "/api/v1/stats?from=2026-11&to=2026-11&format=csv", director_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "text/csv; charset=utf-8");
  ASSERT_GT(r.body.size(), 3u);
  EXPECT_EQ(r.body.substr(0, 3), "\xEF\xBB\xBF") << "Excel needs the BOM to read UTF-8";
  EXPECT_EQ(r.body.substr(3, std::string("辦理單位,收件,結案").size()), "辦理單位,收件,結案");
  EXPECT_NE(r.body.find("\r\nmain,2,"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("\r\n合計,3,"), std::string::npos) << r.body;
  // Cases with no category are their own row, apart from the total.
  const Response by_category = Call("GET", "/api/v1/stats?from=2026-11&to=2026-11&group_by=category&format=csv", director_);
  EXPECT_NE(by_category.body.find("\r\n未分類,1,"), std::string::npos) << by_category.body;
  EXPECT_NE(by_category.body.find("\r\n合計,3,"), std::string::npos) << by_category.body;
  // Every line ends CRLF; no bare LF.
  for (std::size_t i = 0; i < r.body.size(); ++i) {
    if (r.body[i] == '\n') {
      EXPECT_EQ(r.body[i - 1], '\r') << "bare LF at " << i;
    }
  }
}

TEST_F(StatsApiTest, XlsxReadsBackCellForCell) {
  const Response r = Call("GET", "/api/v1/stats?from=2026-11&to=2026-11&format=xlsx", director_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  const json::object book = ReadXlsx(r.body);
  const auto& figures = book.at("統計").as_array();
  ASSERT_EQ(figures.size(), 4u);  // header, beinan, main, 合計
  EXPECT_EQ(figures[0].as_array()[0].as_string(), "辦理單位");
  EXPECT_EQ(figures[0].as_array()[1].as_string(), "收件");
  EXPECT_EQ(figures[2].as_array()[0].as_string(), "main");
  EXPECT_EQ(figures[2].as_array()[1].to_number<double>(), 2.0);
  EXPECT_EQ(figures[3].as_array()[0].as_string(), "合計");
  EXPECT_EQ(figures[3].as_array()[1].to_number<double>(), 3.0);
  const auto& trend = book.at("管道月趨勢").as_array();
  ASSERT_EQ(trend.size(), 2u);
  EXPECT_EQ(trend[1].as_array()[0].as_string(), "115年11月");
}

TEST_F(StatsApiTest, CaseExportsRedactConfidentialPetitionersWhoeverAsks) {
  // The director sees the identity in the case view, but not in a spreadsheet.
  Response r = Call("GET", "/api/v1/cases?format=xlsx", director_);
  ASSERT_EQ(r.status, 200) << r.body;
  const json::object book = ReadXlsx(r.body);
  const auto& rows = book.at("案件").as_array();
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].as_array()[0].as_string(), "案號");
  bool redacted = false;
  for (const auto& row : rows) {
    const auto& cells = row.as_array();
    const std::string text = json::serialize(cells);
    EXPECT_EQ(text.find("林告發"), std::string::npos) << text;
    EXPECT_EQ(text.find("0922000222"), std::string::npos) << text;
    EXPECT_EQ(text.find("whistle@"), std::string::npos) << text;
    EXPECT_EQ(text.find("0911000111"), std::string::npos) << "no contact details in exports: " << text;
    if (cells[3].is_string() && cells[3].as_string() == "檢舉") {
      EXPECT_EQ(cells[10].as_string(), "保密");
      // Written as text, never run as a formula.
      EXPECT_EQ(cells[4].as_string(), "=HYPERLINK(\"http://x\")");
      redacted = true;
    }
  }
  EXPECT_TRUE(redacted);

  r = Call("GET", "/api/v1/cases?format=csv&channel=counter", director_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_EQ(r.body.find("林告發"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("保密"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(",\"'=HYPERLINK(\"\"http://x\"\")\","), std::string::npos)
      << "a formula-looking cell is quoted as text: " << r.body;
  EXPECT_EQ(r.body.find("陳小姐"), std::string::npos) << "the filter applies: " << r.body;

  // Office scope holds in exports: beinan's supervisor gets beinan's case only.
  r = Call("GET", "/api/v1/cases?format=csv", Token("su-beinan", "supervisor-pass"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("門牌整編"), std::string::npos);
  EXPECT_EQ(r.body.find("戶口名簿遺失"), std::string::npos) << r.body;
  ExpectProblem(Call("GET", "/api/v1/cases?format=doc", director_), 400);
}

TEST_F(StatsApiTest, OpenDataHoldsCountsAndNoPersonalData) {
  const Response r = Call("GET", "/api/v1/open-data/monthly.csv?from=2026-11&to=2026-11");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body.rfind("\xEF\xBB\xBFmonth,roc_month,office,channel,category,received", 0), 0u) << r.body;
  EXPECT_NE(r.body.find("\r\n2026-11,115年11月,main,counter,檢舉,1,"), std::string::npos) << r.body;
  for (const char* personal : {"陳小姐", "林告發", "王先生", "0911000111", "wang@example.tw", "HYPERLINK"}) {
    EXPECT_EQ(r.body.find(personal), std::string::npos) << personal;
  }
  ExpectProblem(Call("GET", "/api/v1/open-data/monthly.csv?from=x"), 400);
}

}  // namespace
}  // namespace petitiond
