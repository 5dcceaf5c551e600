#include "engine/runtime/services/survey.hpp"

#include <sodium.h>

#include "engine/digest.hpp"
#include "engine/error.hpp"
#include "engine/runtime/services/notifications.hpp"
#include "engine/store/database.hpp"
#include "engine/store/outbox_store.hpp"
#include "engine/store/survey_store.hpp"
#include "engine/store/user_store.hpp"

namespace petitiond::runtime {
namespace {

constexpr const char* kNoSurvey = "查無此問卷或連結錯誤";

bool Matches(const std::string& stored_hash, const std::string& token) {
  const std::string h = Sha256Hex(token);
  return h.size() == stored_hash.size() && sodium_memcmp(h.data(), stored_hash.data(), h.size()) == 0;
}

}  // namespace

store::SurveyRow SurveyService::Find(store::Tx& tx, const std::string& public_no, const std::string& token,
                                     const std::string& client, bool lock) {
  const std::string key = client.empty() ? "-" : client;
  if (auto wait = failures_.Wait(key)) throw TooManyRequests("錯誤次數過多，請稍後再試", *wait);
  std::optional<store::SurveyRow> row;
  if (public_no.size() <= 32 && token.size() <= 128) row = store::FindSurvey(tx, public_no, lock);
  if (!row || !Matches(row->token_hash, token)) {
    failures_.Hit(key);
    throw DomainError(ErrorKind::kNotFound, kNoSurvey);
  }
  return *row;
}

SurveyState SurveyService::Open(const std::string& public_no, const std::string& token, const std::string& client) {
  store::SurveyRow row;
  db_.Run([&](store::Tx& tx) { row = Find(tx, public_no, token, client, /*lock=*/false); });
  return SurveyState{row.public_no, row.answered, row.expires_at};
}

void SurveyService::Answer(const std::string& public_no, const std::string& token, const SurveyAnswer& a,
                           const std::string& client) {
  Error invalid{ErrorKind::kInvalid, "the answer is incomplete", {}};
  for (const auto& [name, v] : {std::pair{"speed", a.speed}, {"result", a.result}, {"attitude", a.attitude}}) {
    if (v < 1 || v > 5) invalid.details.push_back(std::string(name) + " must be 1 to 5");
  }
  if (a.comment && a.comment->size() > 2000) invalid.details.push_back("comment is longer than 2,000 bytes");
  if (!invalid.details.empty()) throw DomainError(invalid);
  db_.Transact([&](store::Tx& tx) {
    const store::SurveyRow row = Find(tx, public_no, token, client, /*lock=*/true);
    if (row.answered) throw DomainError(ErrorKind::kConflict, "此案件的問卷已填答，謝謝您");
    const Timestamp now = clock_.Now();
    if (now > row.expires_at) throw DomainError(ErrorKind::kConflict, "問卷已逾 30 日填答期限");
    store::AnswerSurvey(tx, row.case_id, a.speed, a.result, a.attitude, a.comment, now);
    if (a.speed <= 2 || a.result <= 2 || a.attitude <= 2) {
      // Dissatisfied: a call-back or a second review (DOMAIN.md). The scores, not the
      // comment, go out by mail; the supervisor reads the rest in the console.
      std::vector<store::OutboxMessage> messages;
      const std::string body = "案件 " + row.public_no + " 的陳情人填答滿意度問卷：處理速度 " +
                               std::to_string(a.speed) + "、處理結果 " + std::to_string(a.result) + "、服務態度 " +
                               std::to_string(a.attitude) + "（1-5 分）。請回電了解或辦理複查。\n";
      for (const auto& k : store::ContactsWithRole(tx, "supervisor", row.office)) {
        store::OutboxMessage m = AddressedNotice(row.case_id, "【滿意度警示】" + row.public_no, body, k.email, k.phone,
                                                 "supervisor " + k.login, now);
        m.idempotency_key = "petitiond:survey:" + std::to_string(row.case_id) + ":" + k.login;
        messages.push_back(std::move(m));
      }
      store::InsertOutbox(tx, messages);
      store::NotifyOutbox(tx);
    }
  });
}

}  // namespace petitiond::runtime
