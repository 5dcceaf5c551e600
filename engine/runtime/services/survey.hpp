#pragma once

#include <optional>
#include <string>

#include "engine/runtime/security/rate_limit.hpp"
#include "engine/store/survey_store.hpp"
#include "engine/time.hpp"

namespace petitiond::runtime {

struct SurveyAnswer {
  int speed = 0;     // 處理速度 1-5
  int result = 0;    // 處理結果 1-5
  int attitude = 0;  // 服務態度 1-5
  std::optional<std::string> comment;
};

struct SurveyState {
  std::string public_no;
  bool answered = false;
  Timestamp expires_at{};
};

// The petitioner's satisfaction questionnaire (/survey), opened by the case number and
// the token of the reply notice's link. One answer per case, within 30 days. A score
// of 1 or 2 notifies the office's supervisors in the same transaction. A wrong token
// and an unknown number answer alike (kNotFound) and count toward a limit per client
// address (10 in 15 minutes: TooManyRequests). Blocking (database).
class SurveyService {
 public:
  SurveyService(store::Database& db, const Clock& clock)
      : db_(db), clock_(clock), failures_(db, clock, "survey_client", 10, std::chrono::minutes(15)) {}

  SurveyState Open(const std::string& public_no, const std::string& token, const std::string& client);
  // kInvalid for a score outside 1-5 or a comment over 2,000 bytes; kConflict once
  // answered or after the 30 days.
  void Answer(const std::string& public_no, const std::string& token, const SurveyAnswer& answer,
              const std::string& client);

 private:
  // The survey of `public_no` if `token` opens it, counting a wrong link toward the limit.
  store::SurveyRow Find(store::Tx& tx, const std::string& public_no, const std::string& token,
                        const std::string& client, bool lock);

  store::Database& db_;
  const Clock& clock_;
  RateLimit failures_;
};

}  // namespace petitiond::runtime
