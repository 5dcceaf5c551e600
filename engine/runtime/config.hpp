#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "engine/error.hpp"
#include "engine/runtime/dispatcher.hpp"
#include "engine/runtime/notifications.hpp"

namespace petitiond::runtime {

// `petitiond serve --config FILE.yaml`. Every section is optional:
//   smtp:       { url, from, username, password }
//   sms:        { url }
//   webhooks:   [ { url, secret } ]
//   dispatcher: { max_attempts, first_retry, max_retry, lease }   (intervals like 30s, 15 minutes)
struct Config {
  SmtpConfig smtp;
  SmsConfig sms;
  NotifyConfig notify;  // webhooks
  int max_attempts = 8;
  std::chrono::seconds first_retry{30};
  std::chrono::seconds max_retry{3600};
  std::chrono::seconds dispatcher_lease{120};
};

// Reads and validates a config file; every problem as "FILE:LINE:COL: sentence" in the
// details of a kInvalid error.
Result<Config> LoadConfig(std::string_view yaml_text, std::string_view file_name);

// The whole file; kInvalid naming the path if it cannot be read.
std::string ReadFileText(const std::string& path);

// "30s", "90 seconds", "15 minutes", "1 hour", "2 hours".
Result<std::chrono::seconds> ParseInterval(std::string_view text);

}  // namespace petitiond::runtime
