#include "connectors/mailbox/mailbox.hpp"

#include "connectors/html.hpp"
#include "engine/contact.hpp"
#include "engine/time.hpp"

#include <gmime/gmime.h>

#include <boost/json.hpp>
#include <boost/url/decode_view.hpp>
#include <boost/url/parse_query.hpp>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "engine/digest.hpp"
#include "engine/similarity.hpp"

namespace petitiond::connectors::mailbox {
namespace {

void InitGMime() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

template <typename T>
struct GObjectPtr {
  T* p = nullptr;
  explicit GObjectPtr(T* v) : p(v) {}
  ~GObjectPtr() {
    if (p) g_object_unref(p);
  }
  GObjectPtr(const GObjectPtr&) = delete;
  GObjectPtr& operator=(const GObjectPtr&) = delete;
};

struct Walk {
  std::string plain;
  std::string html;
  std::vector<Attachment> attachments;
  std::string error;
  const ParseLimits* limits = nullptr;
};

std::string PartText(GMimePart* part) {
  if (!GMIME_IS_TEXT_PART(part)) return "";
  char* text = g_mime_text_part_get_text(GMIME_TEXT_PART(part));
  std::string out = text ? text : "";
  g_free(text);
  return out;
}

std::string PartBytes(GMimePart* part) {
  GMimeDataWrapper* content = g_mime_part_get_content(part);
  if (!content) return "";
  GMimeStream* mem = g_mime_stream_mem_new();
  g_mime_data_wrapper_write_to_stream(content, mem);
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
  std::string out(reinterpret_cast<const char*>(bytes->data), bytes->len);
  g_object_unref(mem);
  return out;
}

void Visit(GMimeObject* parent, GMimeObject* part, gpointer data) {
  (void)parent;
  auto* w = static_cast<Walk*>(data);
  if (!GMIME_IS_PART(part) || !w->error.empty()) return;
  GMimePart* p = GMIME_PART(part);
  GMimeContentType* type = g_mime_object_get_content_type(part);
  const bool text = g_mime_content_type_is_type(type, "text", "*");
  if (g_mime_part_is_attachment(p) || !text) {
    Attachment a;
    const char* name = g_mime_part_get_filename(p);
    a.filename = name ? name : "attachment";
    char* mime = g_mime_content_type_get_mime_type(type);
    a.content_type = mime ? mime : "application/octet-stream";
    g_free(mime);
    a.data = PartBytes(p);
    if (a.data.size() > w->limits->max_attachment) {
      w->error = "attachment '" + a.filename + "' is " + std::to_string(a.data.size()) + " bytes, over the limit of " +
                 std::to_string(w->limits->max_attachment);
      return;
    }
    w->attachments.push_back(std::move(a));
  } else if (g_mime_content_type_is_type(type, "text", "plain")) {
    if (w->plain.empty()) w->plain = PartText(p);
  } else if (g_mime_content_type_is_type(type, "text", "html")) {
    if (w->html.empty()) w->html = PartText(p);
  }
}

void Warning(gint64 offset, GMimeParserWarning code, const gchar* item, gpointer data) {
  auto* problems = static_cast<std::vector<std::string>*>(data);
  const char* what = nullptr;
  switch (code) {
    case GMIME_WARN_TRUNCATED_MESSAGE: what = "the message is truncated"; break;
    case GMIME_WARN_MALFORMED_MESSAGE: what = "the message is malformed"; break;
    case GMIME_WARN_MALFORMED_MULTIPART: what = "a multipart has no parts"; break;
    case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY: what = "a multipart has no boundary"; break;
    case GMIME_CRIT_NESTING_OVERFLOW: what = "MIME parts are nested too deeply"; break;
    case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT: what = "a MIME part has neither headers nor content"; break;
    case GMIME_CRIT_INVALID_HEADER_NAME: what = "a header name is invalid"; break;
    default: return;  // tolerable: the message still reads correctly
  }
  // Not `item`: for a bad header it is the line itself, which may be the petitioner's
  // text; the warning is shown to staff who may not see that (confidential cases).
  (void)item;
  std::string p = what;
  if (offset >= 0) p += " at byte " + std::to_string(offset);
  problems->push_back(p);
}

std::string Trim(std::string s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

// Where the header block ends when the blank line before the body is missing: the
// offset of the first line that is neither a header ("Name: value", the name printable
// ASCII without ':') nor a folded continuation. npos when the headers end properly.
std::size_t MissingBlankLine(const std::string& raw) {
  std::size_t at = 0;
  if (raw.rfind("From ", 0) == 0) at = raw.find('\n') == std::string::npos ? raw.size() : raw.find('\n') + 1;
  while (at < raw.size()) {
    const std::size_t end = raw.find('\n', at);
    const std::string line = raw.substr(at, end == std::string::npos ? std::string::npos : end - at);
    if (line.empty() || line == "\r") return std::string::npos;  // the blank line is there
    const bool folded = line[0] == ' ' || line[0] == '\t';
    const auto colon = line.find(':');
    const bool header = colon != std::string::npos && colon > 0 &&
                        std::all_of(line.begin(), line.begin() + static_cast<std::ptrdiff_t>(colon),
                                    [](char c) { return c > 32 && c < 127; });
    if (!folded && !header) return at;
    if (end == std::string::npos) return std::string::npos;
    at = end + 1;
  }
  return std::string::npos;
}

}  // namespace

Result<Intake> ParseMessage(const std::string& raw, const std::string& source, const ParseLimits& limits,
                            std::optional<Timestamp> delivered_at) {
  InitGMime();
  Intake in;
  in.channel = "mailbox";
  in.source = source;
  in.origin = Origin::kMail;
  in.content_type = "message/rfc822";
  in.raw = raw;
  auto reject = [](const std::string& why) { return Error{ErrorKind::kInvalid, why, {}}; };
  if (raw.empty()) return reject("the message is empty");

  std::vector<std::string> problems;
  // A client would show the lines after the headers as the body: so do we.
  std::string text = raw;
  if (const auto body_at = MissingBlankLine(raw); body_at != std::string::npos) {
    text.insert(body_at, "\r\n");
    problems.push_back("the headers have no blank line before the body");
  }
  GMimeParserOptions* options = g_mime_parser_options_new();
  g_mime_parser_options_set_warning_callback(options, Warning, &problems);
  // Undeclared 8-bit text in Taiwanese mail is usually Big5; try UTF-8 first.
  const char* fallback[] = {"utf-8", "big5", "gb18030", nullptr};
  g_mime_parser_options_set_fallback_charsets(options, fallback);
  GObjectPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(text.data(), text.size()));
  GObjectPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.p));
  GObjectPtr<GMimeMessage> message(g_mime_parser_construct_message(parser.p, options));
  g_mime_parser_options_free(options);
  if (!message.p) return reject("not a MIME message");
  // Mail is read the way mail clients read it: a defect is noted on the intake row, and
  // whatever text can be extracted is kept (DOMAIN.md: every petition is registered).
  in.warnings = std::move(problems);

  if (const char* id = g_mime_message_get_message_id(message.p); id && *id) {
    in.external_ref = std::string("<") + id + ">";
  } else {
    in.external_ref = "sha256:" + Sha256Hex(raw);
  }
  InternetAddressList* from = g_mime_message_get_from(message.p);
  InternetAddress* sender = from && internet_address_list_length(from) > 0 ? internet_address_list_get_address(from, 0)
                                                                           : nullptr;
  if (sender && INTERNET_ADDRESS_IS_MAILBOX(sender)) {
    if (const char* name = internet_address_get_name(sender)) in.petitioner.name = Trim(name);
    if (const char* addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(sender))) {
      in.petitioner.email = addr;
    }
  } else {
    // Anonymous: registered only (存查) by the intake rules, if the text can be read.
    in.warnings.push_back("the message has no sender (From)");
  }
  // A sender address that could not be replied to safely is left out (the raw message
  // keeps it); the case then goes by the sender's name, or is registered only.
  if (!in.petitioner.email.empty() && EmailProblem(in.petitioner.email)) {
    in.petitioner.email.clear();
    in.warnings.push_back("the sender's address is not usable for a reply");
  }
  in.received_at = delivered_at;
  if (const char* header = g_mime_object_get_header(GMIME_OBJECT(message.p), "Date"); header && *header) {
    in.date_header = Trim(header);
    GDateTime* date = g_mime_message_get_date(message.p);
    const Timestamp arrived = delivered_at.value_or(Timestamp(std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::system_clock::now().time_since_epoch())));
    static const Timestamp kEarliest = TaipeiStartOfDay(std::chrono::sys_days(std::chrono::year(1999) / 1 / 1));
    const auto sent = date ? std::optional(Timestamp(std::chrono::seconds(g_date_time_to_unix(date)))) : std::nullopt;
    if (!sent) {
      in.warnings.push_back("the Date header cannot be read; the time the message reached the office counts");
    } else if (*sent < kEarliest || *sent > arrived + std::chrono::hours(24)) {
      in.warnings.push_back("the Date header (" + *in.date_header +
                            ") is implausible; the time the message reached the office counts");
    }
  } else {
    in.warnings.push_back("the message has no Date header");
  }
  if (const char* subject = g_mime_message_get_subject(message.p)) in.subject = Trim(subject);

  Walk walk;
  walk.limits = &limits;
  if (GMimeObject* body = g_mime_message_get_mime_part(message.p)) {
    if (GMIME_IS_MULTIPART(body)) {
      g_mime_multipart_foreach(GMIME_MULTIPART(body), Visit, &walk);
      // A multipart whose parts could not be told apart (no boundary parameter, or one
      // that never appears) is read as the text it holds.
      if (walk.plain.empty() && walk.html.empty() && walk.attachments.empty()) {
        const char* preface = g_mime_multipart_get_prologue(GMIME_MULTIPART(body));
        if (preface) walk.plain = preface;
      }
    } else {
      Visit(nullptr, body, &walk);
    }
  } else {
    in.warnings.push_back("the message has no body");
  }
  if (!walk.error.empty()) return reject(walk.error);
  in.body = Trim(!walk.plain.empty() ? walk.plain : connectors::HtmlToText(walk.html));
  in.attachments = std::move(walk.attachments);
  if (in.body.find('\0') != std::string::npos) {
    in.body.clear();
    in.warnings.push_back("the body is binary, not text");
  }
  // A letter in English gets English notices (a reply is written by staff either way).
  in.petitioner.language = LanguageOfText(in.subject + "\n" + in.body);
  const bool readable = HasLetters(in.body) || HasLetters(in.subject);
  const bool has_sender = !in.petitioner.email.empty() || !in.petitioner.name.empty();
  if (!readable && !has_sender) {
    std::string why = "no sender and no readable text";
    for (const auto& w : in.warnings) why += "; " + w;
    return reject(why);
  }
  return in;
}

namespace {
struct FormWalk {
  FormData* out;
};
void VisitFormPart(GMimeObject* parent, GMimeObject* part, gpointer data) {
  (void)parent;
  auto* w = static_cast<FormWalk*>(data);
  if (!GMIME_IS_PART(part)) return;
  GMimeContentDisposition* disp = g_mime_object_get_content_disposition(part);
  const char* name = disp ? g_mime_content_disposition_get_parameter(disp, "name") : nullptr;
  const char* filename = disp ? g_mime_content_disposition_get_parameter(disp, "filename") : nullptr;
  if (!name) return;
  std::string bytes = PartBytes(GMIME_PART(part));
  if (filename) {
    if (!*filename && bytes.empty()) return;  // a file input left empty
    GMimeContentType* type = g_mime_object_get_content_type(part);
    char* mime = type ? g_mime_content_type_get_mime_type(type) : nullptr;
    w->out->files.push_back(Attachment{filename, mime ? mime : "application/octet-stream", std::move(bytes)});
    g_free(mime);
  } else {
    w->out->fields[name] = std::move(bytes);
  }
}
}  // namespace

Result<FormData> ParseFormData(const std::string& body, const std::string& content_type) {
  InitGMime();
  if (content_type.find("multipart/form-data") == std::string::npos) {
    return Error{ErrorKind::kInvalid, "the body must be multipart/form-data", {}};
  }
  const std::string text = "Content-Type: " + content_type + "\r\n\r\n" + body;
  GObjectPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(text.data(), text.size()));
  GObjectPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.p));
  GObjectPtr<GMimeObject> root(g_mime_parser_construct_part(parser.p, nullptr));
  GMimeContentType* root_type = root.p ? g_mime_object_get_content_type(root.p) : nullptr;
  if (!root.p || !GMIME_IS_MULTIPART(root.p) || !root_type ||
      !g_mime_content_type_get_parameter(root_type, "boundary")) {
    return Error{ErrorKind::kInvalid, "the multipart/form-data body cannot be read: it needs a boundary", {}};
  }
  FormData out;
  FormWalk walk{&out};
  g_mime_multipart_foreach(GMIME_MULTIPART(root.p), VisitFormPart, &walk);
  return out;
}

Result<Intake> ParseForm(const std::string& body, const std::string& content_type, const AttachmentPolicy& files) {
  std::map<std::string, std::string> f;
  std::vector<Attachment> attached;
  if (content_type.find("multipart/form-data") != std::string::npos) {
    auto form = ParseFormData(body, content_type);
    if (!form) return form.error();
    f = std::move(form->fields);
    attached = std::move(form->files);
  } else if (content_type.find("application/json") != std::string::npos) {
    boost::json::error_code ec;
    auto v = boost::json::parse(body, ec);
    if (ec || !v.is_object()) return Error{ErrorKind::kInvalid, "the body must be a JSON object", {}};
    for (const auto& [k, val] : v.as_object()) {
      if (val.is_string()) f[std::string(k)] = std::string(val.as_string());
    }
  } else {
    auto params = ParseUrlEncoded(body);
    if (!params) return params.error();
    f = std::move(*params);
  }
  Error bad{ErrorKind::kInvalid, "the mailbox form is incomplete", {}};
  Intake in;
  in.channel = "mailbox";
  in.source = "mailbox web form";
  in.origin = Origin::kForm;
  in.content_type = content_type.empty() ? "application/x-www-form-urlencoded" : content_type;
  in.raw = body;
  in.petitioner.name = Trim(f["name"]);
  in.petitioner.email = Trim(f["email"]);
  in.petitioner.phone = Trim(f["phone"]);
  in.subject = Trim(f["subject"]);
  in.body = Trim(f["body"]);
  // The page's language (a hidden field); a form without it is read by what it says.
  if (const std::string language = Trim(f["language"]); !language.empty()) {
    if (const auto l = ParseLanguage(language)) {
      in.petitioner.language = *l;
    } else {
      bad.details.push_back("language must be zh-Hant-TW or en");
    }
  } else {
    in.petitioner.language = LanguageOfText(in.subject + "\n" + in.body);
  }
  if (in.petitioner.email.empty()) {
    bad.details.push_back("email is required: the confirmation link is sent there");
  } else if (auto why = EmailProblem(in.petitioner.email)) {
    bad.details.push_back("email: " + *why);
  }
  if (!in.petitioner.phone.empty()) {
    if (auto why = PhoneProblem(in.petitioner.phone)) bad.details.push_back("phone: " + *why);
  }
  if (in.petitioner.name.size() > 200) bad.details.push_back("name is longer than 200 bytes");
  // The honeypot: the public page hides this field from people; a program that fills
  // in every field gives itself away. Stored as rejected like any bad form.
  if (!Trim(f["website"]).empty()) bad.details.push_back("the hidden field 'website' must stay empty");
  if (in.subject.empty()) bad.details.push_back("subject is required");
  if (in.body.empty()) bad.details.push_back("body is required");
  if (in.subject.size() > 500) bad.details.push_back("subject is longer than 500 bytes");
  if (in.body.size() > 100000) bad.details.push_back("body is longer than 100,000 bytes");
  for (auto& why : CheckFiles(attached, files)) bad.details.push_back(std::move(why));
  if (!bad.details.empty()) return bad;
  in.attachments = std::move(attached);
  return in;
}

int DrainMaildir(const std::string& maildir,
                 const std::function<std::optional<std::string>(const std::string& path, const std::string& raw)>& take) {
  namespace fs = std::filesystem;
  const fs::path dir(maildir);
  std::error_code ec;
  fs::create_directories(dir / "cur", ec);
  fs::create_directories(dir / "tmp", ec);
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir / "new", ec)) {
    if (e.is_regular_file()) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  int taken = 0;
  for (const auto& path : files) {
    std::ifstream file(path, std::ios::binary);
    if (!file) continue;  // taken by another node meanwhile
    std::ostringstream raw;
    raw << file.rdbuf();
    const auto flags = take(path.string(), raw.str());
    if (!flags) break;
    // Maildir: a message read is moved to cur/ with the ":2," info suffix and its flags.
    fs::rename(path, dir / "cur" / (path.filename().string() + ":2," + *flags), ec);
    ++taken;
  }
  return taken;
}

std::optional<Timestamp> MaildirDeliveryTime(const std::string& path) {
  const std::string name = std::filesystem::path(path).filename().string();
  long long seconds = 0;
  const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), seconds);
  if (ec == std::errc() && end != name.data() && end < name.data() + name.size() && *end == '.' && seconds > 0) {
    return Timestamp(std::chrono::seconds(seconds));
  }
  std::error_code error;
  const auto written = std::filesystem::last_write_time(path, error);
  if (error) return std::nullopt;
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::file_clock::to_sys(written));
}

int MaildirSource::Poll(const std::function<bool(const Received&)>& take) {
  return DrainMaildir(maildir_, [&](const std::string& path, const std::string& raw) -> std::optional<std::string> {
    const std::string source = "maildir " + path;
    const Received in = FromResult(ParseMessage(raw, source, limits_, MaildirDeliveryTime(path)), "mailbox", source,
                                   "message/rfc822", raw);
    if (!take(in)) return std::nullopt;
    // Seen; a message refused (stored as rejected with its reason) is also Flagged, so
    // that it stands out in a mail client.
    return in.error ? "FS" : "S";
  });
}

}  // namespace petitiond::connectors::mailbox
