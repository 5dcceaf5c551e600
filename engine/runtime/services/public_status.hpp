#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/runtime/security/rate_limit.hpp"
#include "engine/time.hpp"
#include "engine/workflow.hpp"

namespace petitiond::store {
class Database;
}

namespace petitiond::runtime {

class CaseService;

// What the petitioner sees on /track: plain Chinese, public steps only, never the
// petitioner's identity or staff names.
struct PublicStep {
  Timestamp at{};
  std::string label;                  // 已受理, 分案處理, 請補正資料, ...
  std::optional<std::string> reason;  // a pause's missing items, an extension's reason, a transfer's agency
};

struct PublicCase {
  std::string public_no;
  std::string state;        // the workflow state name
  std::string state_label;  // in plain Chinese
  bool finished = false;
  Timestamp received_at{};
  std::optional<Timestamp> due_at;  // the legal due date of the reply (the latest running clock)
  bool paused = false;
  std::vector<PublicStep> steps;
};

// The public status lookup by case number and access code. A wrong code and an unknown
// number get the same answer (kNotFound), and each counts toward a limit per client
// address (10 in 15 minutes) and per case number (20 in an hour): past either,
// TooManyRequests. Blocking (database).
class PublicStatus {
 public:
  PublicStatus(store::Database& db, CaseService& cases, const Clock& clock)
      : db_(db), cases_(cases), failures_by_client_(db, clock, "track_client", 10, std::chrono::minutes(15)),
        failures_by_case_(db, clock, "track_case", 20, std::chrono::hours(1)) {}

  // Labels in `language` (public_label_en for English, else the Chinese one).
  PublicCase Lookup(const std::string& public_no, const std::string& code, const std::string& client,
                    Language language = Language::kZhHantTw);

 private:
  store::Database& db_;
  CaseService& cases_;
  RateLimit failures_by_client_;
  RateLimit failures_by_case_;
};

// What the public is told of a case in `state`: the state's `public_label:`, else a
// plain 已結案 (final) or 處理中.
std::string PublicStateLabel(const Workflow& wf, const std::string& state, Language language = Language::kZhHantTw);

}  // namespace petitiond::runtime
