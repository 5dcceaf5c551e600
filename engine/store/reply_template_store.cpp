#include "engine/store/reply_template_store.hpp"
#include "engine/store/session.hpp"

#include <soci/soci.h>

namespace petitiond::store {
namespace {

constexpr const char* kColumns =
    "SELECT id, office, category, title, body, created_by, updated_by, extract(epoch FROM updated_at)::bigint "
    "FROM reply_templates";

// Office and category are each compared only when given (NULL skips the test).
constexpr const char* kList =
    " WHERE (CAST(:o1 AS text) IS NULL OR office = :o2) "
    "AND (CAST(:c1 AS text) IS NULL OR category IS NULL OR category = :c2) ORDER BY office, title";

constexpr const char* kInsert =
    "INSERT INTO reply_templates (office, category, title, body, created_by, updated_by, updated_at) "
    "VALUES (:office, :category, :title, :body, :by, :by2, to_timestamp(:at)) RETURNING id";

constexpr const char* kUpdate =
    "UPDATE reply_templates SET category = :category, title = :title, body = :body, updated_by = :by, "
    "updated_at = to_timestamp(:at) WHERE id = :id";

constexpr const char* kDelete = "DELETE FROM reply_templates WHERE id = :id";

ReplyTemplate Read(const soci::row& r) {
  ReplyTemplate t;
  t.id = r.get<long long>(0);
  t.office = r.get<std::string>(1);
  if (r.get_indicator(2) != soci::i_null) t.category = r.get<std::string>(2);
  t.title = r.get<std::string>(3);
  t.body = r.get<std::string>(4);
  t.created_by = r.get<std::string>(5);
  t.updated_by = r.get<std::string>(6);
  t.updated_at = FromEpoch(r.get<long long>(7));
  return t;
}

}  // namespace

std::vector<ReplyTemplate> ListReplyTemplates(Tx& tx, const std::optional<std::string>& office,
                                              const std::optional<std::string>& category) {
  const std::string o = office.value_or(""), c = category.value_or("");
  soci::indicator oi = office ? soci::i_ok : soci::i_null, ci = category ? soci::i_ok : soci::i_null;
  soci::indicator oi2 = oi, ci2 = ci;
  soci::rowset<soci::row> rows = (Sql(tx).prepare << std::string(kColumns) + kList, soci::use(o, oi, "o1"),
                                  soci::use(o, oi2, "o2"), soci::use(c, ci, "c1"), soci::use(c, ci2, "c2"));
  std::vector<ReplyTemplate> out;
  for (const auto& r : rows) out.push_back(Read(r));
  return out;
}

std::optional<ReplyTemplate> LoadReplyTemplate(Tx& tx, std::int64_t id) {
  const long long key = id;
  soci::rowset<soci::row> rows = (Sql(tx).prepare << std::string(kColumns) + " WHERE id = :id", soci::use(key, "id"));
  for (const auto& r : rows) return Read(r);
  return std::nullopt;
}

std::int64_t InsertReplyTemplate(Tx& tx, const ReplyTemplate& t, Timestamp now) {
  const std::string category = t.category.value_or("");
  soci::indicator ci = t.category ? soci::i_ok : soci::i_null;
  const long long at = Epoch(now);
  long long id = 0;
  Sql(tx) << kInsert, soci::use(t.office, "office"), soci::use(category, ci, "category"), soci::use(t.title, "title"),
      soci::use(t.body, "body"), soci::use(t.updated_by, "by"), soci::use(t.updated_by, "by2"), soci::use(at, "at"),
      soci::into(id);
  return id;
}

bool UpdateReplyTemplate(Tx& tx, const ReplyTemplate& t, Timestamp now) {
  const std::string category = t.category.value_or("");
  soci::indicator ci = t.category ? soci::i_ok : soci::i_null;
  const long long at = Epoch(now), id = t.id;
  soci::statement st = (Sql(tx).prepare << kUpdate, soci::use(category, ci, "category"), soci::use(t.title, "title"),
                        soci::use(t.body, "body"), soci::use(t.updated_by, "by"), soci::use(at, "at"),
                        soci::use(id, "id"));
  st.execute(true);
  return st.get_affected_rows() > 0;
}

bool DeleteReplyTemplate(Tx& tx, std::int64_t id) {
  const long long key = id;
  soci::statement st = (Sql(tx).prepare << kDelete, soci::use(key, "id"));
  st.execute(true);
  return st.get_affected_rows() > 0;
}

}  // namespace petitiond::store
