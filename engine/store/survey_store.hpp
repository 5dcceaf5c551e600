#pragma once

#include "engine/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>

#include "engine/time.hpp"

namespace petitiond::store {

// One questionnaire per case (migration 0013). A new reply before any answer gives
// the case a new token (the latest notice's link works); an answered survey stays.
void UpsertSurvey(Tx& tx, std::int64_t case_id, const std::string& token_hash, Timestamp now, Timestamp expires);

struct SurveyRow {
  std::int64_t case_id = 0;
  std::string token_hash;
  std::string office;
  std::string public_no;
  Timestamp expires_at{};
  bool answered = false;
};
// The survey of case `public_no`; `lock` takes its row lock.
std::optional<SurveyRow> FindSurvey(Tx& tx, const std::string& public_no, bool lock);
void AnswerSurvey(Tx& tx, std::int64_t case_id, int speed, int result, int attitude,
                  const std::optional<std::string>& comment, Timestamp now);

}  // namespace petitiond::store
