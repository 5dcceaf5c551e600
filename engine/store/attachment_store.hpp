#pragma once

#include "engine/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/intake.hpp"
#include "engine/time.hpp"

namespace petitiond::store {

// One row of case_attachments, without its bytes unless loaded with them.
struct AttachmentRow {
  std::int64_t id = 0;
  std::int64_t case_id = 0;
  std::optional<std::int64_t> intake_id;  // null: uploaded by staff
  std::string filename;
  std::string content_type;               // as declared (a mail's part header) or sniffed (uploads)
  std::optional<std::string> kind;        // the type read from the bytes; null: none petitiond takes
  std::int64_t size = 0;
  std::string added_by;
  Timestamp added_at{};
  std::string data;                       // LoadAttachment only
};

// Stores one file of a case; `kind` is sniffed here. Returns its id.
std::int64_t InsertAttachment(Tx& tx, std::int64_t case_id, std::optional<std::int64_t> intake_id,
                              const Attachment& file, const std::string& added_by, Timestamp at);
// The files of a case, oldest first, without their bytes.
std::vector<AttachmentRow> ListAttachments(Tx& tx, std::int64_t case_id);
// One file of `case_id` with its bytes; nullopt if the case has no such file.
std::optional<AttachmentRow> LoadAttachment(Tx& tx, std::int64_t case_id, std::int64_t id);
// The files `ids` of `case_id` with their bytes, in the order asked; kNotFound for one
// the case does not have.
std::vector<AttachmentRow> LoadAttachments(Tx& tx, std::int64_t case_id, const std::vector<std::int64_t>& ids);

}  // namespace petitiond::store
