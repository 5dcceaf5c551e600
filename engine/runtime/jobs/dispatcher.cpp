#include "engine/digest.hpp"
#include "engine/runtime/jobs/dispatcher.hpp"

#include <boost/json.hpp>
#include <curl/curl.h>
#include <gmime/gmime.h>
#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <cstring>
#include <ctime>

#include "engine/contact.hpp"
#include "engine/runtime/services/metrics.hpp"
#include "engine/workflow.hpp"
#include "engine/store/database.hpp"

namespace petitiond::runtime {
namespace {

// The message as GMime writes it: encoded words for the subject, base64 UTF-8 text,
// CRLF line ends, and each file a base64 part of multipart/mixed (its name RFC 2231
// encoded). No header is assembled by hand.
std::string MimeMail(const std::string& from, const std::string& to, const std::string& subject,
                     const std::string& body, const std::string& message_id, Timestamp date,
                     const std::vector<store::AttachmentRow>& files) {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
  GMimeMessage* msg = g_mime_message_new(TRUE);
  g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_FROM, nullptr, from.c_str());
  g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_TO, nullptr, to.c_str());
  g_mime_message_set_subject(msg, subject.c_str(), "utf-8");
  GDateTime* when = g_date_time_new_from_unix_utc(std::chrono::duration_cast<std::chrono::seconds>(date.time_since_epoch()).count());
  g_mime_message_set_date(msg, when);
  g_date_time_unref(when);
  g_mime_message_set_message_id(msg, message_id.c_str());
  GMimeTextPart* text = g_mime_text_part_new_with_subtype("plain");
  g_mime_text_part_set_text(text, body.c_str());
  g_mime_text_part_set_charset(text, "utf-8");
  g_mime_part_set_content_encoding(GMIME_PART(text), GMIME_CONTENT_ENCODING_BASE64);
  if (files.empty()) {
    g_mime_message_set_mime_part(msg, GMIME_OBJECT(text));
  } else {
    GMimeMultipart* mixed = g_mime_multipart_new_with_subtype("mixed");
    g_mime_multipart_add(mixed, GMIME_OBJECT(text));
    for (const auto& f : files) {
      // The type read from the bytes when it is one petitiond takes, else a plain download.
      const std::string type = f.kind.value_or("application/octet-stream");
      const auto slash = type.find('/');
      GMimePart* part = g_mime_part_new_with_type(type.substr(0, slash).c_str(), type.substr(slash + 1).c_str());
      g_mime_part_set_filename(part, f.filename.c_str());
      GMimeStream* stream = g_mime_stream_mem_new_with_buffer(f.data.data(), f.data.size());
      GMimeDataWrapper* content = g_mime_data_wrapper_new_with_stream(stream, GMIME_CONTENT_ENCODING_DEFAULT);
      g_mime_part_set_content(part, content);
      g_mime_part_set_content_encoding(part, GMIME_CONTENT_ENCODING_BASE64);
      g_mime_multipart_add(mixed, GMIME_OBJECT(part));
      g_object_unref(content);
      g_object_unref(stream);
      g_object_unref(part);
    }
    g_mime_message_set_mime_part(msg, GMIME_OBJECT(mixed));
    g_object_unref(mixed);
  }
  g_object_unref(text);
  GMimeFormatOptions* format = g_mime_format_options_new();
  g_mime_format_options_set_newline_format(format, GMIME_NEWLINE_FORMAT_DOS);
  char* written = g_mime_object_to_string(GMIME_OBJECT(msg), format);
  std::string out = written ? written : "";
  g_free(written);
  g_mime_format_options_free(format);
  g_object_unref(msg);
  return out;
}

struct Upload {
  std::string data;
  std::size_t pos = 0;
};

std::size_t ReadUpload(char* dest, std::size_t size, std::size_t n, void* user) {
  auto* u = static_cast<Upload*>(user);
  const std::size_t len = std::min(size * n, u->data.size() - u->pos);
  std::memcpy(dest, u->data.data() + u->pos, len);
  u->pos += len;
  return len;
}

std::size_t Discard(char*, std::size_t size, std::size_t n, void*) { return size * n; }

struct CurlHandle {
  CURL* c = curl_easy_init();
  curl_slist* list = nullptr;
  ~CurlHandle() {
    curl_slist_free_all(list);
    curl_easy_cleanup(c);
  }
};

void CommonOptions(CURL* c) {
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
}

}  // namespace

CurlTransport::CurlTransport(SmtpConfig smtp, SmsConfig sms, std::vector<WebhookTarget> webhooks, const Clock& clock)
    : smtp_(std::move(smtp)), sms_(std::move(sms)), webhooks_(std::move(webhooks)), clock_(clock) {
  static const CURLcode init = curl_global_init(CURL_GLOBAL_DEFAULT);
  (void)init;
}

std::optional<std::string> CurlTransport::Send(const store::OutboxMessage& m,
                                               const std::vector<store::AttachmentRow>& files) {
  switch (m.channel) {
    case OutboxChannel::kEmail:
      return SendMail(m, files);
    case OutboxChannel::kSms:
      return SendSms(m);
    case OutboxChannel::kWebhook:
      return SendWebhook(m);
  }
  return "unknown channel";
}

std::optional<std::string> CurlTransport::SendSms(const store::OutboxMessage& m) {
  if (sms_.url.empty()) return "no SMS gateway is configured (sms.url)";
  const std::string body = boost::json::serialize(
      boost::json::object{{"to", m.recipient}, {"text", m.body}, {"idempotency_key", m.idempotency_key}});
  return Post(sms_.url, body, {"X-Idempotency-Key: " + m.idempotency_key});
}

std::optional<std::string> CurlTransport::SendWebhook(const store::OutboxMessage& m) {
  auto hook = std::find_if(webhooks_.begin(), webhooks_.end(), [&](const auto& w) { return w.url == m.recipient; });
  if (hook == webhooks_.end()) return "webhook " + m.recipient + " is no longer configured";
  const std::string ts =
      std::to_string(std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count());
  return Post(m.recipient, m.body,
              {"X-Idempotency-Key: " + m.idempotency_key, "X-Timestamp: " + ts,
               "X-Signature: " + WebhookSignature(hook->secret, ts, m.body)});
}

std::optional<std::string> CurlTransport::SendMail(const store::OutboxMessage& m,
                                                   const std::vector<store::AttachmentRow>& files) {
  if (smtp_.url.empty()) return "no SMTP server is configured (smtp.url)";
  // The address reaches the envelope and the To: header: never send to one that could
  // break either, whatever put it in the outbox.
  if (auto why = EmailProblem(m.recipient)) return "not a usable e-mail address: " + *why;
  Upload upload;
  upload.data =
      MimeMail(smtp_.from, m.recipient, m.subject, m.body, m.idempotency_key + "@petitiond", clock_.Now(), files);
  CurlHandle h;
  if (!h.c) return "curl_easy_init failed";
  CommonOptions(h.c);
  curl_easy_setopt(h.c, CURLOPT_URL, smtp_.url.c_str());
  if (!smtp_.username.empty()) {
    curl_easy_setopt(h.c, CURLOPT_USERNAME, smtp_.username.c_str());
    curl_easy_setopt(h.c, CURLOPT_PASSWORD, smtp_.password.c_str());
  }
  const std::string from = "<" + smtp_.from + ">";
  curl_easy_setopt(h.c, CURLOPT_MAIL_FROM, from.c_str());
  h.list = curl_slist_append(h.list, ("<" + m.recipient + ">").c_str());
  curl_easy_setopt(h.c, CURLOPT_MAIL_RCPT, h.list);
  curl_easy_setopt(h.c, CURLOPT_READFUNCTION, ReadUpload);
  curl_easy_setopt(h.c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(h.c, CURLOPT_UPLOAD, 1L);
  const CURLcode rc = curl_easy_perform(h.c);
  if (rc != CURLE_OK) return std::string("SMTP: ") + curl_easy_strerror(rc);
  return std::nullopt;
}

std::optional<std::string> CurlTransport::Post(const std::string& url, const std::string& body,
                                               const std::vector<std::string>& headers) {
  CurlHandle h;
  if (!h.c) return "curl_easy_init failed";
  CommonOptions(h.c);
  curl_easy_setopt(h.c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h.c, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(h.c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(h.c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h.c, CURLOPT_WRITEFUNCTION, Discard);
  h.list = curl_slist_append(h.list, "Content-Type: application/json");
  for (const auto& header : headers) h.list = curl_slist_append(h.list, header.c_str());
  curl_easy_setopt(h.c, CURLOPT_HTTPHEADER, h.list);
  const CURLcode rc = curl_easy_perform(h.c);
  if (rc != CURLE_OK) return std::string("HTTP: ") + curl_easy_strerror(rc);
  long status = 0;
  curl_easy_getinfo(h.c, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status > 299) return "HTTP status " + std::to_string(status) + " from " + url;
  return std::nullopt;
}

Dispatcher::Dispatcher(store::Database& db, Transport& transport, const Clock& clock, Options options)
    : db_(db),
      transport_(transport),
      clock_(clock),
      options_(std::move(options)),
      loop_("dispatcher " + options_.node, db, clock, {store::kOutboxChannel}, options_.max_sleep,
            [this](store::Tx& listen, const std::set<std::string>&) {
              RunOnce();
              return store::NextOutboxDue(listen);
            }) {}

std::uint32_t SystemRandom::Uniform(std::uint32_t upper) { return randombytes_uniform(upper); }

std::chrono::seconds RetryDelay(int attempts, std::chrono::seconds first_retry, std::chrono::seconds max_retry,
                                Random& random) {
  const int exponent = std::clamp(attempts - 1, 0, 20);
  const auto base = std::min<long long>(first_retry.count() << exponent, max_retry.count());
  const double factor = 0.5 + random.Uniform(1001) / 1000.0;
  return std::chrono::seconds(std::max<long long>(1, static_cast<long long>(base * factor)));
}

std::chrono::seconds Dispatcher::RetryDelay(int attempts) const {
  Random& random = options_.random ? *options_.random : system_random_;
  return runtime::RetryDelay(attempts, options_.first_retry, options_.max_retry, random);
}

std::variant<store::OutboxMessage, std::string> Dispatcher::Unseal(const store::OutboxMessage& m) const {
  if (m.sealed.empty()) return m;
  if (!options_.sealer) return std::string("this node cannot open the message's sealed secrets (no sealer)");
  const auto opened = options_.sealer->Open(m.sealed);
  if (!opened) {
    return std::string("the message's secrets were sealed under another key; give every node the same "
                       "access_codes.key_file");
  }
  std::map<std::string, std::string> vars;
  boost::json::error_code ec;
  const auto v = boost::json::parse(*opened, ec);
  if (ec || !v.is_object()) return std::string("the message's sealed secrets are not a JSON object");
  for (const auto& kv : v.as_object()) {
    if (kv.value().is_string()) vars[std::string(kv.key())] = std::string(kv.value().as_string());
  }
  store::OutboxMessage out = m;
  out.subject = RenderTemplate(m.subject, vars);
  out.body = RenderTemplate(m.body, vars);
  return out;
}

int Dispatcher::RunOnce() {
  int sent = 0;
  while (!loop_.stopping()) {
    std::vector<store::OutboxMessage> batch;
    db_.Run([&](store::Tx& tx) {
      batch = store::ClaimOutbox(tx, options_.node, clock_.Now(), options_.batch, options_.lease_seconds);
    });
    if (batch.empty()) break;
    auto lease_ends = std::chrono::steady_clock::now() + std::chrono::seconds(options_.lease_seconds);
    std::set<std::int64_t> lost;  // taken over by another node after our lease ran out
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const auto& m = batch[i];
      if (std::chrono::steady_clock::now() + options_.send_timeout >= lease_ends) {
        std::vector<std::int64_t> rest;
        for (std::size_t k = i; k < batch.size(); ++k) rest.push_back(batch[k].id);
        std::vector<std::int64_t> held;
        lease_ends = std::chrono::steady_clock::now() + std::chrono::seconds(options_.lease_seconds);
        db_.Run([&](store::Tx& tx) { held = store::RenewClaim(tx, rest, options_.node, options_.lease_seconds); });
        for (auto id : rest) {
          if (std::find(held.begin(), held.end(), id) == held.end()) lost.insert(id);
        }
      }
      if (lost.count(m.id)) continue;
      auto ready = Unseal(m);
      // The case's files a mail carries, read now: a file removed since is left out.
      std::vector<store::AttachmentRow> files;
      if (m.case_id && m.channel == OutboxChannel::kEmail && !m.attachment_ids.empty()) {
        db_.Run([&](store::Tx& tx) {
          for (const auto id : m.attachment_ids) {
            if (auto f = store::LoadAttachment(tx, *m.case_id, id)) files.push_back(std::move(*f));
          }
        });
      }
      const auto error = std::holds_alternative<std::string>(ready)
                             ? std::optional<std::string>(std::get<std::string>(ready))
                             : transport_.Send(std::get<store::OutboxMessage>(ready), files);
      db_.Run([&](store::Tx& tx) {
        if (!error) {
          if (store::MarkSent(tx, m.id, options_.node, clock_.Now())) {
            ++sent;
            GlobalMetrics().outbox_sent += 1;
          }
          return;
        }
        const bool last = m.attempts >= options_.max_attempts;  // attempts counts this one (set at claim)
        std::optional<Timestamp> retry;
        if (!last) retry = clock_.Now() + RetryDelay(m.attempts);
        if (store::MarkFailed(tx, m.id, options_.node, *error, retry)) {
          (last ? GlobalMetrics().outbox_dead : GlobalMetrics().outbox_retried) += 1;
          // The id, never the recipient: addresses and phone numbers stay out of logs.
          spdlog::warn("outbox {} ({}) failed (attempt {}): {}{}", m.id, Name(m.channel), m.attempts, *error,
                       last ? "; dead-lettered" : "");
        }
      });
    }
  }
  return sent;
}

}  // namespace petitiond::runtime
