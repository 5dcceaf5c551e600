#include "engine/store/survey_store.hpp"
#include "engine/store/session.hpp"

#include <soci/soci.h>

namespace petitiond::store {

void UpsertSurvey(Tx& tx, std::int64_t case_id, const std::string& token_hash, Timestamp now, Timestamp expires) {
  const long long id = case_id, at = Epoch(now), until = Epoch(expires);
  Sql(tx) << "INSERT INTO surveys (case_id, token_hash, created_at, expires_at) "
             "VALUES (:id, :h, to_timestamp(:at), to_timestamp(:until)) "
             "ON CONFLICT (case_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at, "
             "expires_at = excluded.expires_at WHERE surveys.answered_at IS NULL",
      soci::use(id, "id"), soci::use(token_hash, "h"), soci::use(at, "at"), soci::use(until, "until");
}

std::optional<SurveyRow> FindSurvey(Tx& tx, const std::string& public_no, bool lock) {
  soci::rowset<soci::row> rows =
      (Sql(tx).prepare << std::string("SELECT s.case_id, s.token_hash, c.office, c.public_no, "
                                      "extract(epoch FROM s.expires_at)::bigint, (s.answered_at IS NOT NULL)::int "
                                      "FROM surveys s JOIN cases c ON c.id = s.case_id WHERE c.public_no = :n") +
                              (lock ? " FOR UPDATE OF s" : ""),
       soci::use(public_no, "n"));
  for (const auto& r : rows) {
    return SurveyRow{r.get<long long>(0), r.get<std::string>(1), r.get<std::string>(2), r.get<std::string>(3),
                     FromEpoch(r.get<long long>(4)), r.get<int>(5) != 0};
  }
  return std::nullopt;
}

void AnswerSurvey(Tx& tx, std::int64_t case_id, int speed, int result, int attitude,
                  const std::optional<std::string>& comment, Timestamp now) {
  const long long id = case_id, at = Epoch(now);
  const std::string text = comment.value_or("");
  soci::indicator ind = comment ? soci::i_ok : soci::i_null;
  Sql(tx) << "UPDATE surveys SET answered_at = to_timestamp(:at), speed = :s, result = :r, attitude = :a, "
             "comment = :c WHERE case_id = :id",
      soci::use(at, "at"), soci::use(speed, "s"), soci::use(result, "r"), soci::use(attitude, "a"),
      soci::use(text, ind, "c"), soci::use(id, "id");
}

}  // namespace petitiond::store
