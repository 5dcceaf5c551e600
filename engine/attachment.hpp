#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/intake.hpp"

namespace petitiond {

// What a file is, read from its bytes (never from its name or a declared type).
struct FileKind {
  std::string mime;    // "image/png", "application/pdf", "application/vnd.oasis.opendocument.text" ...
  std::string family;  // "image", "pdf" or "office": what config attachments.types names
  // Shown in the browser (an <img> of a separately checked raster type), never for
  // anything that can hold script: SVG, HTML and PDF are always downloads.
  bool previewable = false;
};

// The kind of `data`, or nullopt when it is none of the kinds petitiond takes: JPEG,
// PNG, GIF, WebP, HEIC; PDF; ODF (the government's document standard), OOXML without
// macros (no vbaProject.bin), and the older OLE2 Office files.
std::optional<FileKind> SniffFile(std::string_view data);

// Whether a file of the sniffed type `mime` may be shown in the browser (PNG, JPEG,
// GIF, WebP), as FileKind::previewable says.
bool PreviewableType(std::string_view mime);

// The event data key by which a notice carries files of its case ("12,15": the ids of
// case_attachments rows), e.g. the reply with the documents the handler chose.
inline constexpr const char* kAttachmentsKey = "attachments";
// "12, 15" as {12, 15}; nullopt unless every item is a positive integer. At most 20.
std::optional<std::vector<std::int64_t>> ParseIdList(std::string_view text);

// config `attachments`: what the mailbox form and staff uploads accept.
struct AttachmentPolicy {
  std::size_t max_bytes = 10 * 1024 * 1024;  // per file
  int max_files = 5;                         // per form or upload
  std::vector<std::string> families = {"image", "pdf", "office"};
};

// A name safe to store and to send back: the last path segment, no control
// characters or quotes, at most 200 bytes (whole UTF-8 characters); "attachment" if
// nothing is left.
std::string SafeFilename(std::string_view name);

// Every reason `files` break `policy` ("photo.exe: not an image, a PDF or an Office
// document"); empty when they are all acceptable. Sets each file's content_type to
// the sniffed type.
std::vector<std::string> CheckFiles(std::vector<Attachment>& files, const AttachmentPolicy& policy);

// The Content-Disposition value for `filename` (RFC 6266: an ASCII fallback and the
// UTF-8 name): `disposition` is "attachment" or "inline".
std::string ContentDisposition(std::string_view disposition, std::string_view filename);

}  // namespace petitiond
