#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "engine/attachment.hpp"
#include "engine/error.hpp"
#include "engine/retention.hpp"
#include "engine/runtime/jobs/dispatcher.hpp"
#include "engine/runtime/services/notifications.hpp"

namespace petitiond::app {

// `petitiond serve --config FILE.yaml`. Every section is optional:
//   smtp:       { url, from, username, password }
//   sms:        { url }
//   webhooks:   [ { url, secret } ]
//   dispatcher: { max_attempts, first_retry, max_retry, lease }   (intervals like 30s, 15 minutes)
//   hotline:    { secret }                                        (1999 platform webhook HMAC key)
//   mailbox:    { maildir, confirm_days, public_url, max_attachment, interval }
//   news:       { workers, feeds: [ { url, office, keywords: [...], exclude: [...], interval, allow_private } ] }
//   intake:     { duplicate_window, news_story_window, max_attempts } (e.g. 30 days, 24 hours, 3)
//   database:   { connect_timeout, statement_timeout, lease_timeout } (e.g. 5s, 30s, 2s)
//   shutdown:   { grace }   (SIGTERM: at most this long, then exit; default 10s)
//   access_codes: { key_file }   (32+ secret bytes outside the database; see AccessCodes)
//   attachments: { max_bytes, max_files, types: [image, pdf, office] }  (uploads, mailbox form)
//   digest:     { at }   (the supervisors' morning digest, Taipei time "HH:MM"; default "08:00")
//   retention:  { default: { after_closed: 5 years }, categories: { NAME: { after_closed: 10 years } },
//                 workflows: { NAME: { after_closed: never } }, unlinked_inputs: { after: 1 year } }
//   server:     { workers, io_threads, max_pending, max_connections, max_body, header_timeout,
//                 request_timeout }   (HTTP limits; defaults below)
struct HotlineConfig {
  std::string secret;
};
struct MailboxConfig {
  std::string maildir;                 // empty: no Maildir polling
  int confirm_days = 7;                // the web form's confirmation link is valid this long
  std::string public_url = "http://127.0.0.1:8080";  // base of links mailed to petitioners
  std::size_t max_attachment = 10 * 1024 * 1024;     // bytes per attachment
  std::chrono::seconds interval{30};   // Maildir polling
};
struct NewsFeedConfig {
  std::string url;
  std::string office;
  std::vector<std::string> keywords;
  std::vector<std::string> exclude;
  std::chrono::seconds interval{15 * 60};
  bool allow_private = false;  // redirects may lead to private addresses
};
struct DatabaseConfig {
  std::chrono::seconds connect_timeout{5};
  std::chrono::seconds statement_timeout{30};
  // A request that waits longer than this for a database connection answers 503.
  std::chrono::seconds lease_timeout{2};
};
// The HTTP server's limits (api::HttpServer::Options), as config keys.
struct ServerConfig {
  int workers = 4;            // request workers = database sessions for requests (--db-pool wins)
  int io_threads = 2;
  int max_pending = 0;        // requests queued for a worker; past it 503 (0: 16 per worker)
  int max_connections = 1024;  // open connections; at the cap the server stops accepting
  std::size_t max_body = 1 << 20;             // bytes a request body may have (uploads: their own limit)
  std::chrono::seconds header_timeout{10};    // a client that sends no complete headers is closed
  std::chrono::seconds request_timeout{30};   // a request's body, and each write
};
struct Config {
  DatabaseConfig database;
  ServerConfig server;
  std::chrono::seconds shutdown_grace{10};
  // PETITIOND_ACCESS_CODE_KEY_FILE in the environment takes precedence.
  std::string access_code_key_file;
  runtime::SmtpConfig smtp;
  runtime::SmsConfig sms;
  runtime::NotifyConfig notify;  // webhooks
  int max_attempts = 8;
  std::chrono::seconds first_retry{30};
  std::chrono::seconds max_retry{3600};
  std::chrono::seconds dispatcher_lease{120};
  HotlineConfig hotline;
  MailboxConfig mailbox;
  std::vector<NewsFeedConfig> news_feeds;
  // Threads that fetch feeds at once (news.workers); every feed is first fetched within
  // its first 30 s after start.
  int news_workers = 8;
  // Same petitioner, similar subject within this window: a possible repeated petition.
  std::chrono::seconds duplicate_window{30 * 86400};
  // A news report on a story with an open case within this window attaches to it.
  std::chrono::seconds news_story_window{86400};
  // A polled input that fails this many times is stored as rejected and set aside.
  int intake_max_attempts = 3;
  // Staff uploads and the mailbox form's files: checked by content.
  AttachmentPolicy attachments{};
  // How long finished cases keep their personal data (docs/retention.md); empty: kept.
  RetentionPolicy retention{};
  // The supervisors' morning digest goes out at this Taipei time of day.
  std::chrono::minutes digest_at{8 * 60};
};

// Reads and validates a config file; every problem as "FILE:LINE:COL: sentence" in the
// details of a kInvalid error.
Result<Config> LoadConfig(std::string_view yaml_text, std::string_view file_name);

}  // namespace petitiond::app
