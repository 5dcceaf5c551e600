#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/connector.hpp"
#include "engine/attachment.hpp"
#include "engine/error.hpp"
#include "engine/intake.hpp"

namespace petitiond::connectors::mailbox {

struct ParseLimits {
  std::size_t max_attachment = 10 * 1024 * 1024;  // bytes per file; larger: the message is rejected
};

// One message of the director's mailbox, parsed with GMime: Message-ID (dedupe; the
// SHA-256 of the message if it has none), From, Subject (RFC 2047 words decoded), the
// body as UTF-8 whatever its charset (text/plain preferred, HTML reduced to text),
// attachments. kInvalid with the reason for a message that cannot be taken: not MIME,
// truncated, no sender, an attachment over the limit.
// The petition was received when the message reached the office (`delivered_at`, its
// delivery into the Maildir; none: now). The Date: header is what the sender's clock
// said: kept as written (Intake::date_header) and shown, never the receipt time; a
// missing one, or one before 1999 or over a day after delivery, is a warning.
Result<Intake> ParseMessage(const std::string& raw, const std::string& source, const ParseLimits& limits = {},
                            std::optional<Timestamp> delivered_at = std::nullopt);

// When a Maildir file was delivered: the seconds its name starts with (the Maildir
// convention, "1733486400.M123P45.host"), else the file's modification time.
std::optional<Timestamp> MaildirDeliveryTime(const std::string& path);


// The public mailbox form (application/x-www-form-urlencoded, JSON, or
// multipart/form-data with files in fields named "file") with name, email, phone,
// subject, body, and `website`, a honeypot the page hides from people (it must stay
// empty). Files are checked against `files` by their content. kInvalid names each
// missing or bad field and file.
Result<Intake> ParseForm(const std::string& body, const std::string& content_type,
                         const AttachmentPolicy& files = {});

// A multipart/form-data body (RFC 7578), read with GMime: text fields by name, and
// every part that names a filename as a file (a part with an empty filename and no
// bytes, a file input left empty, is skipped). kInvalid if it is not multipart.
struct FormData {
  std::map<std::string, std::string> fields;
  std::vector<Attachment> files;
};
Result<FormData> ParseFormData(const std::string& body, const std::string& content_type);

// A Maildir: messages arrive in new/; one moves to cur/ only after `take` returned
// its Maildir flags ("S", "FS"; its case, or its rejection, is committed). Returns how
// many were taken. A message `take` returns nullopt for (the database is down) stays
// in new/.
int DrainMaildir(const std::string& maildir,
                 const std::function<std::optional<std::string>(const std::string& path, const std::string& raw)>& take);

// The director's Maildir as a Source: each message in new/ parsed (a malformed one
// handed over as refused), moved to cur/ once `take` committed it.
class MaildirSource : public Source {
 public:
  MaildirSource(std::string maildir, ParseLimits limits, std::chrono::seconds interval)
      : maildir_(std::move(maildir)), limits_(limits), interval_(interval) {}
  std::string name() const override { return "maildir " + maildir_; }
  std::chrono::seconds interval() const override { return interval_; }
  int Poll(const std::function<bool(const Received&)>& take) override;

 private:
  std::string maildir_;
  ParseLimits limits_;
  std::chrono::seconds interval_;
};

}  // namespace petitiond::connectors::mailbox
