#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "engine/runtime/jobs/listen_loop.hpp"
#include "engine/runtime/security/sealer.hpp"
#include "engine/runtime/services/notifications.hpp"
#include "engine/store/attachment_store.hpp"
#include "engine/store/outbox_store.hpp"
#include "engine/random.hpp"
#include "engine/time.hpp"

namespace petitiond::store {
class Database;
}

namespace petitiond::runtime {

// Delivers one message, an e-mail with the case's `files` (OutboxMessage::attachment_ids,
// loaded by the dispatcher). Returns nullopt when delivered, else why not.
class Transport {
 public:
  virtual ~Transport() = default;
  virtual std::optional<std::string> Send(const store::OutboxMessage& message,
                                          const std::vector<store::AttachmentRow>& files) = 0;
};

struct SmtpConfig {
  std::string url;   // smtp://host:port (smtps:// for TLS)
  std::string from;  // envelope and From: address
  std::string username;
  std::string password;
};

struct SmsConfig {
  std::string url;  // the gateway takes POST {to, text, idempotency_key} as JSON
};

// libcurl: e-mail over SMTP (UTF-8, base64, Message-ID from the idempotency key), SMS
// through an HTTP gateway, webhooks as JSON with X-Timestamp and
// X-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">. Every call has a
// connect timeout of 5 s and a total timeout of 20 s.
class CurlTransport final : public Transport {
 public:
  // `clock` stamps X-Timestamp and the mail Date header.
  CurlTransport(SmtpConfig smtp, SmsConfig sms, std::vector<WebhookTarget> webhooks, const Clock& clock);
  std::optional<std::string> Send(const store::OutboxMessage& message,
                                  const std::vector<store::AttachmentRow>& files) override;

 private:
  std::optional<std::string> SendMail(const store::OutboxMessage& m, const std::vector<store::AttachmentRow>& files);
  std::optional<std::string> SendSms(const store::OutboxMessage& m);
  std::optional<std::string> SendWebhook(const store::OutboxMessage& m);
  std::optional<std::string> Post(const std::string& url, const std::string& body,
                                  const std::vector<std::string>& headers);

  SmtpConfig smtp_;
  SmsConfig sms_;
  std::vector<WebhookTarget> webhooks_;
  const Clock& clock_;
};

// libsodium's CSPRNG.
class SystemRandom final : public Random {
 public:
  std::uint32_t Uniform(std::uint32_t upper) override;
};

// The wait before attempt number `attempts` + 1: first_retry doubled per failed attempt,
// capped at max_retry, times a jitter factor from 0.5 to 1.5 drawn from `random` (so
// messages that failed together, a mail server down, do not retry together). At
// least one second.
std::chrono::seconds RetryDelay(int attempts, std::chrono::seconds first_retry, std::chrono::seconds max_retry,
                                Random& random);

// Sends what the outbox holds: claims due messages in batches with a lease, sends each,
// marks it sent, or schedules a retry with exponential backoff and jitter, and
// dead-letters it after max_attempts. Delivery is at least once; each message carries
// its idempotency key so receivers can drop a repeat after a crash mid-send.
class Dispatcher {
 public:
  struct Options {
    std::string node;
    int batch = 50;
    int lease_seconds = 120;
    // The longest one send can take (CurlTransport: 20 s). Before a send that could
    // outlast the batch's lease, the lease of what is left is renewed, so a slow batch
    // is never taken over and sent twice by another node.
    std::chrono::milliseconds send_timeout{20000};
    int max_attempts = 8;
    std::chrono::seconds first_retry{30};
    std::chrono::seconds max_retry{3600};
    std::chrono::milliseconds max_sleep{5000};
    Random* random = nullptr;  // retry jitter; null: SystemRandom
    // Opens the sealed secrets of a message (IntakeService::outbox_sealer). Null: a
    // message with secrets fails (and is retried, perhaps by a node that can open it).
    const Sealer* sealer = nullptr;
  };

  // REQUIRES: all references outlive the dispatcher.
  Dispatcher(store::Database& db, Transport& transport, const Clock& clock, Options options);

  // Sends every message due now. Returns how many were delivered.
  int RunOnce();
  // RetryDelay with this dispatcher's limits and random source.
  std::chrono::seconds RetryDelay(int attempts) const;
  // `m` with its sealed secrets filled into subject and body; the error otherwise.
  std::variant<store::OutboxMessage, std::string> Unseal(const store::OutboxMessage& m) const;

  void Start() { loop_.Start(); }
  void Stop() { loop_.Stop(); }

 private:
  store::Database& db_;
  Transport& transport_;
  const Clock& clock_;
  Options options_;
  mutable SystemRandom system_random_;  // stateless; Uniform is thread-safe
  ListenLoop loop_;
};

}  // namespace petitiond::runtime
