// Attachments: a mailbox form's files reach the case; staff list, download and upload
// them, scoped like the case; downloads are never rendered as pages.
#include "tests/api/api_fixture.hpp"

namespace petitiond {
namespace {

const std::string kPng = std::string("\x89PNG\r\n\x1A\n\x00\x00\x00\rIHDR", 16);
const std::string kType = "multipart/form-data; boundary=----petitiond";

std::string Part(const std::string& name, const std::string& filename, const std::string& data) {
  std::string out = "------petitiond\r\nContent-Disposition: form-data; name=\"" + name + "\"";
  if (!filename.empty()) out += "; filename=\"" + filename + "\"\r\nContent-Type: image/png";
  return out + "\r\n\r\n" + data + "\r\n";
}
std::string End() { return "------petitiond--\r\n"; }

class AttachmentApiTest : public ApiTest {
 protected:
  AttachmentApiTest() {
    auth_.AddUser("kao", "lanyu-supervisor", {"supervisor"}, "lanyu");
    lanyu_ = Token("kao", "lanyu-supervisor");
  }
  std::string Path(std::int64_t id) { return "/api/v1/cases/" + std::to_string(id) + "/attachments"; }
  Response Upload(std::int64_t id, const std::string& token, const std::string& body) {
    return Call("POST", Path(id), token, body, {{"content-type", kType}});
  }
  static std::string Header(const Response& r, const std::string& name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return "";
  }
  std::string lanyu_;
};

TEST_F(AttachmentApiTest, TheMailboxFormsPhotoReachesTheHandler) {
  const std::string form = Part("name", "", "林小姐") + Part("email", "", "lin@example.tw") +
                           Part("subject", "", "路燈不亮") + Part("body", "", "中華路的路燈壞了，附照片") +
                           Part("file", "路燈.png", kPng) + End();
  Response sent = Call("POST", "/public/mailbox", "", form, {{"content-type", kType}});
  ASSERT_EQ(sent.status, 202) << sent.body;
  const std::string link = ConfirmationLink("lin@example.tw");
  Response confirmed = Call("GET", "/public/mailbox/confirm?token=" + link.substr(link.find("token=") + 6, 64));
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;
  const auto id = Count("SELECT id FROM cases WHERE channel = 'mailbox'");

  Response list = Call("GET", Path(id), handler_);
  ASSERT_EQ(list.status, 200) << list.body;
  const json::object listed = Body(list);
  const auto& items = listed.at("items").as_array();
  ASSERT_EQ(items.size(), 1u) << list.body;
  const auto& file = items[0].as_object();
  EXPECT_EQ(file.at("filename").as_string(), "路燈.png");
  EXPECT_EQ(file.at("content_type").as_string(), "image/png");
  EXPECT_EQ(file.at("source").as_string(), "intake");
  EXPECT_TRUE(file.at("previewable").as_bool());

  const std::string href(file.at("href").as_string());
  Response download = Call("GET", href, handler_);
  ASSERT_EQ(download.status, 200);
  EXPECT_EQ(download.body, kPng);
  EXPECT_EQ(download.content_type, "application/octet-stream");
  EXPECT_EQ(Header(download, "Content-Disposition").rfind("attachment; ", 0), 0u);
  EXPECT_NE(Header(download, "Content-Disposition").find("filename*=UTF-8''%E8%B7%AF%E7%87%88.png"), std::string::npos);
  EXPECT_EQ(Header(download, "X-Content-Type-Options"), "nosniff");
  Response preview = Call("GET", href + "?preview=true", handler_);
  ASSERT_EQ(preview.status, 200);
  EXPECT_EQ(preview.content_type, "image/png");
  EXPECT_EQ(Header(preview, "Content-Disposition").rfind("inline; ", 0), 0u);
  EXPECT_EQ(Header(preview, "Content-Security-Policy"), "default-src 'none'; sandbox");

  // Another office sees neither the list nor the file; guessing ids finds nothing.
  ExpectProblem(Call("GET", Path(id), lanyu_), 404);
  ExpectProblem(Call("GET", href, lanyu_), 404);
  ExpectProblem(Call("GET", Path(id) + "/999999", handler_), 404);
  ExpectProblem(Call("GET", href), 401);
}

TEST_F(AttachmentApiTest, StaffUploadsAreCheckedByContentAndAudited) {
  const auto id = CreateCase();
  // A page pretending to be a picture is refused, and nothing is stored.
  Response bad = Upload(id, handler_,
                        Part("file", "photo.png", "<html><script>alert(1)</script></html>") +
                            Part("file", "scan.png", kPng) + End());
  ExpectProblem(bad, 400);
  EXPECT_NE(bad.body.find("photo.png: the content is not a kind"), std::string::npos) << bad.body;
  EXPECT_EQ(Count("SELECT count(*) FROM case_attachments"), 0) << "all or nothing";
  ExpectProblem(Upload(id, handler_, End()), 400);
  ExpectProblem(Upload(id, lanyu_, Part("file", "scan.png", kPng) + End()), 404);

  const std::string pdf = "%PDF-1.7\n陳情書";
  Response ok = Upload(id, handler_, Part("file", "掃描 陳情書.pdf", pdf) + Part("file", "scan.png", kPng) + End());
  ASSERT_EQ(ok.status, 201) << ok.body;
  const json::object uploaded = Body(ok);
  const auto& items = uploaded.at("items").as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].at("filename").as_string(), "掃描 陳情書.pdf");
  EXPECT_EQ(items[0].at("content_type").as_string(), "application/pdf");
  EXPECT_FALSE(items[0].at("previewable").as_bool()) << "a PDF can carry script: download only";
  EXPECT_EQ(items[0].at("added_by").as_string(), "wang");
  EXPECT_EQ(items[0].at("source").as_string(), "upload");
  ExpectProblem(Call("GET", std::string(items[0].at("href").as_string()) + "?preview=true", handler_), 422);
  EXPECT_EQ(Count("SELECT count(*) FROM case_events WHERE case_id = " + std::to_string(id) +
                  " AND event = 'attachment_added' AND actor = 'wang'"),
            2);
}

TEST_F(AttachmentApiTest, DownloadsOfAConfidentialCasesFilesAreLogged) {
  const auto id = CreateCase();
  ASSERT_EQ(Call("POST", "/api/v1/cases/" + std::to_string(id) + "/confidentiality", handler_,
                 R"({"confidential":true,"reason":"檢舉人要求保密"})")
                .status,
            200);
  Response ok = Upload(id, handler_, Part("file", "證據.png", kPng) + End());
  ASSERT_EQ(ok.status, 201) << ok.body;
  const std::string href(Body(ok).at("items").as_array()[0].at("href").as_string());
  const auto before = Count("SELECT count(*) FROM case_access_log WHERE action = 'download'");
  ASSERT_EQ(Call("GET", href, handler_).status, 200);
  EXPECT_EQ(Count("SELECT count(*) FROM case_access_log WHERE action = 'download' AND login = 'wang' AND route = "
                  "'GET /api/v1/cases/{id}/attachments/{aid}'"),
            before + 1);
}

TEST_F(AttachmentApiTest, UploadRoutesTakeLargerBodiesThanTheRest) {
  EXPECT_EQ(api_.BodyLimit("POST", "/api/v1/cases/7/attachments"), 5u * 10 * 1024 * 1024 + (1 << 20));
  EXPECT_EQ(api_.BodyLimit("POST", "/api/v1/cases"), 0u);
  EXPECT_EQ(api_.BodyLimit("GET", "/api/v1/cases/7/attachments?x=1"), 0u);
}

}  // namespace
}  // namespace petitiond
