#include "engine/store/retention_store.hpp"
#include "engine/store/session.hpp"

#include <soci/soci.h>

namespace petitiond::store {
namespace {

constexpr const char* kFinished =
    "SELECT id, public_no, workflow_name, category, extract(epoch FROM finished_at)::bigint FROM cases "
    "WHERE anonymized_at IS NULL AND finished_at IS NOT NULL AND finished_at < to_timestamp(:before) "
    "AND (finished_at, id) > (to_timestamp(:after_at), :after_id) ORDER BY finished_at, id LIMIT :limit";

constexpr const char* kAnonymize = "SELECT petitiond_anonymize_case(:id, :rule, :actor, to_timestamp(:at))::int";

// Inputs with no case: refused ones and forms never confirmed (a confirmed form has
// its case). Those already cleared are left alone.
constexpr const char* kUnlinked =
    " WHERE case_id IS NULL AND received_at < to_timestamp(:before) AND octet_length(raw) > 0";

constexpr const char* kOfPetitioner =
    "SELECT id FROM cases WHERE (CAST(:p1 AS text) IS NOT NULL AND petitioner ->> 'phone' = :p2) "
    "OR (CAST(:e1 AS text) IS NOT NULL AND lower(petitioner ->> 'email') = lower(:e2)) ORDER BY id";

}  // namespace

std::vector<FinishedCase> FinishedCasesBefore(Tx& tx, Timestamp before,
                                              const std::optional<std::pair<Timestamp, std::int64_t>>& after,
                                              int limit) {
  const long long b = Epoch(before), after_at = after ? Epoch(after->first) : -1;
  const long long after_id = after ? after->second : 0;
  soci::rowset<soci::row> rows = (Sql(tx).prepare << kFinished, soci::use(b, "before"), soci::use(after_at, "after_at"),
                                  soci::use(after_id, "after_id"), soci::use(limit, "limit"));
  std::vector<FinishedCase> out;
  for (const auto& r : rows) {
    FinishedCase c;
    c.id = r.get<long long>(0);
    c.public_no = r.get<std::string>(1);
    c.workflow_name = r.get<std::string>(2);
    if (r.get_indicator(3) != soci::i_null) c.category = r.get<std::string>(3);
    c.finished_at = FromEpoch(r.get<long long>(4));
    out.push_back(std::move(c));
  }
  return out;
}

bool AnonymizeCase(Tx& tx, std::int64_t id, const std::string& rule, const std::string& actor, Timestamp at) {
  const long long key = id, when = Epoch(at);
  int done = 0;
  Sql(tx) << kAnonymize, soci::use(key, "id"), soci::use(rule, "rule"), soci::use(actor, "actor"),
      soci::use(when, "at"), soci::into(done);
  return done != 0;
}

long long ClearUnlinkedInputs(Tx& tx, Timestamp before, bool count_only) {
  const long long b = Epoch(before);
  long long n = 0;
  if (count_only) {
    Sql(tx) << std::string("SELECT count(*) FROM intake_raw") + kUnlinked, soci::use(b, "before"), soci::into(n);
    return n;
  }
  soci::statement st = (Sql(tx).prepare << std::string("UPDATE intake_raw SET raw = ''::bytea, source = channel, "
                                                       "external_ref = NULL, warnings = NULL") +
                                               kUnlinked,
                        soci::use(b, "before"));
  st.execute(true);
  return st.get_affected_rows();
}

std::vector<std::int64_t> CasesOfPetitioner(Tx& tx, const std::optional<std::string>& phone,
                                            const std::optional<std::string>& email) {
  const std::string p = phone.value_or(""), e = email.value_or("");
  soci::indicator pi = phone ? soci::i_ok : soci::i_null, ei = email ? soci::i_ok : soci::i_null;
  soci::indicator pi2 = pi, ei2 = ei;
  soci::rowset<long long> rows = (Sql(tx).prepare << kOfPetitioner, soci::use(p, pi, "p1"), soci::use(p, pi2, "p2"),
                                  soci::use(e, ei, "e1"), soci::use(e, ei2, "e2"));
  std::vector<std::int64_t> ids;
  for (const auto id : rows) ids.push_back(id);
  return ids;
}

}  // namespace petitiond::store
