#include "engine/runtime/jobs/dispatcher.hpp"
#include "engine/store/session.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sodium.h>
#include <soci/soci.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "engine/store/database.hpp"
#include "engine/store/outbox_store.hpp"
#include "tests/common/mail_sink.hpp"
#include "tests/common/pg_fixture.hpp"

namespace petitiond {
namespace {

using testing_support::FakeClock;
using testing_support::TestDatabase;

// A one-thread HTTP receiver on loopback: records each request, answers `status`.
class HookReceiver {
 public:
  explicit HookReceiver(int status) : status_(status) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    listen(fd_, 16);
    thread_ = std::thread([this] { Serve(); });
  }
  ~HookReceiver() {
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  std::vector<std::string> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  void Serve() {
    for (;;) {
      const int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string req;
      char buf[4096];
      // Read headers, then Content-Length bytes of body.
      std::size_t need = std::string::npos;
      while (true) {
        const ssize_t n = recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        req.append(buf, static_cast<std::size_t>(n));
        const auto end = req.find("\r\n\r\n");
        if (end != std::string::npos && need == std::string::npos) {
          const auto cl = req.find("Content-Length: ");
          need = end + 4 + (cl == std::string::npos ? 0 : std::stoul(req.substr(cl + 16)));
        }
        if (need != std::string::npos && req.size() >= need) break;
      }
      {
        std::lock_guard lock(mu_);
        requests_.push_back(req);
      }
      const std::string resp = "HTTP/1.1 " + std::to_string(status_) + " X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      send(c, resp.data(), resp.size(), MSG_NOSIGNAL);
      close(c);
    }
  }

  int status_;
  int fd_ = -1;
  unsigned short port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::string> requests_;
};

std::string Header(const std::string& request, const std::string& name) {
  const auto at = request.find(name + ": ");
  if (at == std::string::npos) return "";
  return request.substr(at + name.size() + 2, request.find("\r\n", at) - at - name.size() - 2);
}

store::OutboxMessage Msg(OutboxChannel channel, const std::string& recipient, const std::string& subject,
                         const std::string& body, const std::string& key) {
  store::OutboxMessage m;
  m.channel = channel;
  m.recipient = recipient;
  m.subject = subject;
  m.body = body;
  m.idempotency_key = key;
  return m;
}

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

class DispatcherTest : public testing::Test {
 protected:
  DispatcherTest() : clock_(*ParseTimestamp("2026-11-26T10:00:00+08:00")) {}

  std::int64_t Queue(store::OutboxMessage m) {
    m.next_attempt_at = clock_.Now();
    t_.db().Run([&](store::Tx& tx) { store::InsertOutbox(tx, {m}); });
    return ListAll().front().id;
  }
  std::vector<store::OutboxMessage> ListAll() {
    std::vector<store::OutboxMessage> rows;
    t_.db().Run([&](store::Tx& tx) { rows = store::ListOutbox(tx, {}, std::nullopt, std::nullopt, 100); });
    return rows;
  }
  runtime::Dispatcher::Options Opts(int max_attempts = 3) {
    runtime::Dispatcher::Options o;
    o.node = "test-node";
    o.max_attempts = max_attempts;
    return o;
  }

  TestDatabase t_;
  FakeClock clock_;
};

TEST_F(DispatcherTest, SendsRealMailThroughTheSmtpSink) {
  const std::string smtp = Env("PETITIOND_TEST_SMTP_URL"), maildir = Env("PETITIOND_TEST_MAILDIR");
  ASSERT_FALSE(smtp.empty() || maildir.empty()) << "scripts/test starts the mail sink and sets PETITIOND_TEST_SMTP_URL";
  runtime::CurlTransport transport({smtp, "petitiond@hr.example.gov.tw", "", ""}, {}, {}, clock_);
  runtime::Dispatcher dispatcher(t_.db(), transport, clock_, Opts());
  const std::string key = "test-mail-" + std::to_string(getpid()) + "-" + std::to_string(std::time(nullptr));
  Queue(Msg(OutboxChannel::kEmail, "chen@lanyu.example.tw", "【案件提醒】115-000001", "案件已逾期，請儘速處理。", key));
  EXPECT_EQ(dispatcher.RunOnce(), 1);
  EXPECT_EQ(ListAll().front().status, OutboxStatus::kSent);
  // Find the message the sink stored.
  const std::string found = testing_support::MailContaining(maildir, key);
  ASSERT_FALSE(found.empty()) << "no message with Message-ID " << key << " in " << maildir;
  // Header names and encoded-word markers are case-insensitive (RFC 5322, RFC 2047).
  std::string lower = found;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_NE(lower.find("message-id: <" + key + "@petitiond>"), std::string::npos) << found;
  EXPECT_NE(lower.find("subject: =?utf-8?b?"), std::string::npos) << found;
  EXPECT_NE(lower.find("content-transfer-encoding: base64"), std::string::npos) << found;
  // The body is base64 UTF-8; decode and compare.
  const auto body_at = found.find("\n\n") != std::string::npos ? found.find("\n\n") + 2 : found.find("\r\n\r\n") + 4;
  std::string b64;
  for (char c : found.substr(body_at)) {
    if (c != '\r' && c != '\n') b64 += c;
  }
  std::string decoded(b64.size(), '\0');
  std::size_t len = 0;
  ASSERT_EQ(sodium_base642bin(reinterpret_cast<unsigned char*>(decoded.data()), decoded.size(), b64.c_str(), b64.size(),
                              nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL),
            0);
  decoded.resize(len);
  EXPECT_EQ(decoded, "案件已逾期，請儘速處理。");
}

// An address that would break the envelope or the To: header is never sent to,
// whatever put it in the outbox; the message dead-letters with the reason.
TEST_F(DispatcherTest, NeverMailsAnAddressThatCouldBreakTheHeaders) {
  runtime::CurlTransport transport({"smtp://127.0.0.1:9", "petitiond@hr.example.gov.tw", "", ""}, {}, {}, clock_);
  const auto why = transport.Send(Msg(OutboxChannel::kEmail, "lin@example.tw\r\nBcc: victim@example.com", "s", "b", "k"), {});
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("not a usable e-mail address"), std::string::npos) << *why;
}

// Found by reading: a 50-message batch could outlive its 120 s lease (20 s per send)
// and be taken over and sent again by a second node. Here a batch of three slow sends
// (1.2 s each) under a 2 s lease: the lease is renewed before a send could outlast
// it, so the second node finds nothing to take.
class SlowTransport final : public runtime::Transport {
 public:
  std::optional<std::string> Send(const store::OutboxMessage& m, const std::vector<store::AttachmentRow>&) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    std::lock_guard lock(mu);
    sent.push_back(m.idempotency_key);
    return std::nullopt;
  }
  std::mutex mu;
  std::vector<std::string> sent;
};

// Access codes and confirmation links are not readable from the outbox: the stored body
// keeps the {{access_code}} variable, the value is sealed, filled in only on the way out, and gone
// from the row once sent. A node with another key cannot open it and says why.
class RecordingTransport final : public runtime::Transport {
 public:
  std::optional<std::string> Send(const store::OutboxMessage& m, const std::vector<store::AttachmentRow>&) override {
    sent.push_back(m);
    return std::nullopt;
  }
  std::vector<store::OutboxMessage> sent;
};

TEST_F(DispatcherTest, SealedSecretsAreFilledInOnlyWhenSent) {
  const runtime::Sealer sealer(std::string(32, 'k')), other(std::string(32, 'x'));
  auto m = Msg(OutboxChannel::kEmail, "lin@example.tw", "受理通知", "查詢密碼：{{access_code}}", "sealed-1");
  m.sealed = sealer.Seal(R"({"access_code":"ABCDEFGHJK"})");
  Queue(m);
  std::string body, sealed;
  t_.db().Run([&](store::Tx& tx) { store::Sql(tx) << "SELECT body, sealed FROM outbox", soci::into(body), soci::into(sealed); });
  EXPECT_EQ(body.find("ABCDEFGHJK"), std::string::npos);
  EXPECT_EQ(sealed.find("ABCDEFGHJK"), std::string::npos);

  RecordingTransport transport;
  auto opts = Opts();
  opts.sealer = &other;
  EXPECT_EQ(runtime::Dispatcher(t_.db(), transport, clock_, opts).RunOnce(), 0);
  EXPECT_TRUE(transport.sent.empty());
  ASSERT_TRUE(ListAll().front().last_error);
  EXPECT_NE(ListAll().front().last_error->find("another key"), std::string::npos);

  clock_.Advance(std::chrono::hours(2));
  opts.sealer = &sealer;
  EXPECT_EQ(runtime::Dispatcher(t_.db(), transport, clock_, opts).RunOnce(), 1);
  ASSERT_EQ(transport.sent.size(), 1u);
  EXPECT_EQ(transport.sent[0].body, "查詢密碼：ABCDEFGHJK");
  long long left = -1;
  t_.db().Run([&](store::Tx& tx) {
    store::Sql(tx) << "SELECT count(*) FROM outbox WHERE sealed IS NOT NULL OR body LIKE '%ABCDEFGHJK%'", soci::into(left);
  });
  EXPECT_EQ(left, 0) << "the secret leaves the database once sent";
}

TEST_F(DispatcherTest, ASlowBatchRenewsItsLeaseAndIsNeverSentTwice) {
  for (int i = 0; i < 3; ++i) Queue(Msg(OutboxChannel::kWebhook, "http://127.0.0.1:9/x", "", "{}", "slow-" + std::to_string(i)));
  SlowTransport transport;
  auto opts = Opts();
  opts.lease_seconds = 2;
  opts.send_timeout = std::chrono::milliseconds(1500);
  runtime::Dispatcher a(t_.db(), transport, clock_, opts);
  opts.node = "other-node";
  runtime::Dispatcher b(t_.db(), transport, clock_, opts);
  std::thread first([&] { EXPECT_EQ(a.RunOnce(), 3); });
  std::this_thread::sleep_for(std::chrono::milliseconds(2600));  // past the first lease
  EXPECT_EQ(b.RunOnce(), 0) << "the batch's lease was renewed";
  first.join();
  EXPECT_EQ(transport.sent.size(), 3u);
}

TEST_F(DispatcherTest, SignsWebhooksWithHmacOverTimestampAndBody) {
  HookReceiver receiver(200);
  runtime::CurlTransport transport({}, {}, {{receiver.url(), "s3cret"}}, clock_);
  runtime::Dispatcher dispatcher(t_.db(), transport, clock_, Opts());
  const std::string body = R"({"case_id":1,"subject":"逾期"})";
  Queue(Msg(OutboxChannel::kWebhook, receiver.url(), "", body, "hook-key-1"));
  EXPECT_EQ(dispatcher.RunOnce(), 1);
  auto reqs = receiver.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(Header(reqs[0], "X-Idempotency-Key"), "hook-key-1");
  const std::string ts = Header(reqs[0], "X-Timestamp");
  EXPECT_EQ(ts, std::to_string(std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count()))
      << "stamped by the injected clock";
  const std::string signed_text = ts + "." + body;
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>("s3cret"), 6);
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size());
  crypto_auth_hmacsha256_final(&st, mac);
  char hex[sizeof mac * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  EXPECT_EQ(Header(reqs[0], "X-Signature"), std::string("sha256=") + hex);
  EXPECT_NE(reqs[0].find(body), std::string::npos);
}

TEST_F(DispatcherTest, RetriesWithBackoffThenDeadLetters) {
  HookReceiver receiver(500);
  runtime::CurlTransport transport({}, {}, {{receiver.url(), "k"}}, clock_);
  runtime::Dispatcher dispatcher(t_.db(), transport, clock_, Opts(/*max_attempts=*/2));
  Queue(Msg(OutboxChannel::kWebhook, receiver.url(), "", "{}", "retry-key"));
  EXPECT_EQ(dispatcher.RunOnce(), 0);
  auto m = ListAll().front();
  EXPECT_EQ(m.status, OutboxStatus::kPending);
  EXPECT_EQ(m.attempts, 1);
  EXPECT_NE(m.last_error.value_or("").find("500"), std::string::npos);
  EXPECT_GE(m.next_attempt_at, clock_.Now() + std::chrono::seconds(15)) << "first retry after ~30 s, with jitter";
  EXPECT_EQ(dispatcher.RunOnce(), 0) << "not due yet";
  EXPECT_EQ(receiver.requests().size(), 1u);
  clock_.Advance(std::chrono::hours(2));
  EXPECT_EQ(dispatcher.RunOnce(), 0);
  m = ListAll().front();
  EXPECT_EQ(m.status, OutboxStatus::kDead);
  EXPECT_EQ(m.attempts, 2);
  EXPECT_EQ(receiver.requests().size(), 2u);
}

TEST_F(DispatcherTest, LeavesUndeliverableMessagesVisibleAndUnsent) {
  runtime::CurlTransport transport({}, {}, {}, clock_);
  runtime::Dispatcher dispatcher(t_.db(), transport, clock_, Opts());
  store::OutboxMessage m = Msg(OutboxChannel::kEmail, "", "s", "b", "no-address");
  m.status = OutboxStatus::kUndeliverable;
  m.last_error = "assignee wang has no e-mail address or phone number";
  Queue(m);
  EXPECT_EQ(dispatcher.RunOnce(), 0);
  std::vector<store::OutboxMessage> failed;
  t_.db().Run([&](store::Tx& tx) { failed = store::ListOutbox(tx, {OutboxStatus::kDead, OutboxStatus::kUndeliverable}, std::nullopt, std::nullopt, 10); });
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].attempts, 0);
}

}  // namespace
}  // namespace petitiond
