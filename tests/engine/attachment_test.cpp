#include "engine/attachment.hpp"

#include <gtest/gtest.h>

#include <cstdint>

namespace petitiond {
namespace {

void Put16(std::string& s, std::uint16_t v) {
  s.push_back(static_cast<char>(v & 0xFF));
  s.push_back(static_cast<char>(v >> 8));
}
void Put32(std::string& s, std::uint32_t v) {
  Put16(s, static_cast<std::uint16_t>(v & 0xFFFF));
  Put16(s, static_cast<std::uint16_t>(v >> 16));
}

// A stored (uncompressed) zip of `files` (name, content), with its central directory.
std::string Zip(const std::vector<std::pair<std::string, std::string>>& files) {
  std::string out, central;
  for (const auto& [name, data] : files) {
    const auto offset = static_cast<std::uint32_t>(out.size());
    out += std::string("PK\x03\x04", 4);
    Put16(out, 10); Put16(out, 0); Put16(out, 0); Put16(out, 0); Put16(out, 0);
    Put32(out, 0);
    Put32(out, static_cast<std::uint32_t>(data.size()));
    Put32(out, static_cast<std::uint32_t>(data.size()));
    Put16(out, static_cast<std::uint16_t>(name.size()));
    Put16(out, 0);
    out += name + data;
    central += std::string("PK\x01\x02", 4);
    Put16(central, 20); Put16(central, 10); Put16(central, 0); Put16(central, 0); Put16(central, 0); Put16(central, 0);
    Put32(central, 0);
    Put32(central, static_cast<std::uint32_t>(data.size()));
    Put32(central, static_cast<std::uint32_t>(data.size()));
    Put16(central, static_cast<std::uint16_t>(name.size()));
    Put16(central, 0); Put16(central, 0); Put16(central, 0); Put16(central, 0);
    Put32(central, 0);
    Put32(central, offset);
    central += name;
  }
  const auto cd_offset = static_cast<std::uint32_t>(out.size());
  out += central;
  out += std::string("PK\x05\x06", 4);
  Put16(out, 0); Put16(out, 0);
  Put16(out, static_cast<std::uint16_t>(files.size()));
  Put16(out, static_cast<std::uint16_t>(files.size()));
  Put32(out, static_cast<std::uint32_t>(central.size()));
  Put32(out, cd_offset);
  Put16(out, 0);
  return out;
}

TEST(AttachmentTest, KnowsFilesByTheirBytesNotTheirNames) {
  EXPECT_EQ(SniffFile(std::string("\xFF\xD8\xFF\xE0rest", 8))->mime, "image/jpeg");
  EXPECT_EQ(SniffFile("\x89PNG\r\n\x1A\n....")->mime, "image/png");
  EXPECT_EQ(SniffFile("GIF89a...")->mime, "image/gif");
  EXPECT_EQ(SniffFile(std::string("RIFF\x10\x00\x00\x00WEBPVP8 ", 16))->mime, "image/webp");
  EXPECT_EQ(SniffFile(std::string("\0\0\0\x18" "ftypheic", 12))->mime, "image/heic");
  EXPECT_FALSE(SniffFile(std::string("\0\0\0\x18" "ftypheic", 12))->previewable);
  EXPECT_EQ(SniffFile("%PDF-1.7\n...")->family, "pdf");
  EXPECT_FALSE(SniffFile("%PDF-1.7\n...")->previewable);  // PDF can carry script: never inline
  EXPECT_EQ(SniffFile(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8))->family, "office");
  // Script, markup and programs are none of the kinds taken, whatever they are called.
  EXPECT_FALSE(SniffFile("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"));
  EXPECT_FALSE(SniffFile("<!DOCTYPE html><html>"));
  EXPECT_FALSE(SniffFile("MZ\x90\x00"));
  EXPECT_FALSE(SniffFile(""));
  EXPECT_FALSE(SniffFile("\x89PN"));
}

TEST(AttachmentTest, ReadsOfficeAndOdfPackagesAndRefusesMacros) {
  const auto docx = SniffFile(Zip({{"[Content_Types].xml", "<Types/>"}, {"word/document.xml", "<w/>"}}));
  ASSERT_TRUE(docx);
  EXPECT_EQ(docx->mime, "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
  EXPECT_EQ(SniffFile(Zip({{"[Content_Types].xml", "<Types/>"}, {"xl/workbook.xml", "<x/>"}}))->mime,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  const auto odt = SniffFile(Zip({{"mimetype", "application/vnd.oasis.opendocument.text"}, {"content.xml", "<o/>"}}));
  ASSERT_TRUE(odt);
  EXPECT_EQ(odt->mime, "application/vnd.oasis.opendocument.text");
  EXPECT_FALSE(SniffFile(Zip({{"[Content_Types].xml", "<Types/>"}, {"word/document.xml", "<w/>"},
                              {"word/vbaProject.bin", "macro"}})));
  EXPECT_FALSE(SniffFile(Zip({{"readme.txt", "a plain zip"}})));
  EXPECT_FALSE(SniffFile(Zip({{"mimetype", "text/html"}})));
  EXPECT_FALSE(SniffFile(std::string("PK\x03\x04", 4)));  // truncated
}

TEST(AttachmentTest, ChecksEachFileAgainstThePolicy) {
  AttachmentPolicy policy;
  policy.max_bytes = 1024;
  policy.max_files = 2;
  policy.families = {"image", "pdf"};
  std::vector<Attachment> files = {{"../../etc/照片.png", "text/plain", "\x89PNG\r\n\x1A\nxx"},
                                   {"big.pdf", "application/pdf", "%PDF-" + std::string(1020, 'x')},
                                   {"resume.docx", "image/png", Zip({{"[Content_Types].xml", ""}, {"word/d", ""}})}};
  const auto problems = CheckFiles(files, policy);
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_EQ(problems[0], "3 files: at most 2 may be sent at once");
  EXPECT_EQ(problems[1], "big.pdf: 1025 bytes, over the limit of 1024");
  EXPECT_EQ(problems[2], "resume.docx: the content is not a kind this office takes (image, pdf)");
  EXPECT_EQ(files[0].filename, "照片.png");
  EXPECT_EQ(files[0].content_type, "image/png");  // the sniffed type, not the declared one
}

TEST(AttachmentTest, FilenamesAreMadeSafeAndSentInBothForms) {
  EXPECT_EQ(SafeFilename("C:\\Users\\me\\陳情書.pdf"), "陳情書.pdf");
  EXPECT_EQ(SafeFilename("a\"b\r\nc.pdf"), "abc.pdf");
  EXPECT_EQ(SafeFilename("..."), "attachment");
  EXPECT_EQ(SafeFilename(std::string(300, 'x')).size(), 200u);
  EXPECT_EQ(SafeFilename(std::string(199, 'x') + "照").size(), 199u);  // whole characters only
  EXPECT_EQ(ContentDisposition("attachment", "陳情 1.pdf"),
            "attachment; filename=\"______ 1.pdf\"; filename*=UTF-8''%E9%99%B3%E6%83%85%201.pdf");
}

}  // namespace
}  // namespace petitiond
