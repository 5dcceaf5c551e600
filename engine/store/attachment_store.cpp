#include "engine/store/attachment_store.hpp"

#include <soci/soci.h>

#include "engine/attachment.hpp"
#include "engine/store/session.hpp"

namespace petitiond::store {
namespace {

constexpr const char* kColumns =
    "SELECT id, case_id, intake_id, filename, content_type, kind, size, added_by, "
    "extract(epoch FROM added_at)::bigint";

AttachmentRow Read(const soci::row& r) {
  AttachmentRow a;
  a.id = r.get<long long>(0);
  a.case_id = r.get<long long>(1);
  if (r.get_indicator(2) == soci::i_ok) a.intake_id = r.get<long long>(2);
  a.filename = r.get<std::string>(3);
  a.content_type = r.get<std::string>(4);
  if (r.get_indicator(5) == soci::i_ok) a.kind = r.get<std::string>(5);
  a.size = r.get<long long>(6);
  a.added_by = r.get<std::string>(7);
  a.added_at = FromEpoch(r.get<long long>(8));
  if (r.size() > 9) a.data = BytesFromHex(r.get<std::string>(9));
  return a;
}

}  // namespace

std::int64_t InsertAttachment(Tx& tx, std::int64_t case_id, std::optional<std::int64_t> intake_id,
                              const Attachment& file, const std::string& added_by, Timestamp at) {
  soci::session& sql = Sql(tx);
  const long long cid = case_id, iid = intake_id.value_or(0), size = static_cast<long long>(file.data.size());
  const long long t = std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count();
  const auto kind = SniffFile(file.data);
  const std::string data = HexBytes(file.data), kind_text = kind ? kind->mime : "";
  soci::indicator iid_ind = intake_id ? soci::i_ok : soci::i_null;
  soci::indicator kind_ind = kind ? soci::i_ok : soci::i_null;
  long long id = 0;
  sql << "INSERT INTO case_attachments (case_id, intake_id, filename, content_type, data, size, kind, added_by, "
         "added_at) VALUES (:c, :i, :f, :t, decode(:d, 'hex'), :s, :k, :by, to_timestamp(:at)) RETURNING id",
      soci::use(cid, "c"), soci::use(iid, iid_ind, "i"), soci::use(file.filename, "f"),
      soci::use(file.content_type, "t"), soci::use(data, "d"), soci::use(size, "s"),
      soci::use(kind_text, kind_ind, "k"), soci::use(added_by, "by"), soci::use(t, "at"), soci::into(id);
  return id;
}

std::vector<AttachmentRow> ListAttachments(Tx& tx, std::int64_t case_id) {
  soci::session& sql = Sql(tx);
  const long long cid = case_id;
  soci::rowset<soci::row> rows =
      (sql.prepare << std::string(kColumns) + " FROM case_attachments WHERE case_id = :c ORDER BY id",
       soci::use(cid, "c"));
  std::vector<AttachmentRow> out;
  for (const auto& r : rows) out.push_back(Read(r));
  return out;
}

std::optional<AttachmentRow> LoadAttachment(Tx& tx, std::int64_t case_id, std::int64_t id) {
  soci::session& sql = Sql(tx);
  const long long cid = case_id, aid = id;
  soci::rowset<soci::row> rows =
      (sql.prepare << std::string(kColumns) +
                          ", encode(data, 'hex') FROM case_attachments WHERE case_id = :c AND id = :a",
       soci::use(cid, "c"), soci::use(aid, "a"));
  for (const auto& r : rows) return Read(r);
  return std::nullopt;
}

std::vector<AttachmentRow> LoadAttachments(Tx& tx, std::int64_t case_id, const std::vector<std::int64_t>& ids) {
  std::vector<AttachmentRow> out;
  for (auto id : ids) {
    auto a = LoadAttachment(tx, case_id, id);
    if (!a) throw DomainError(ErrorKind::kNotFound, "the case has no attachment " + std::to_string(id));
    out.push_back(std::move(*a));
  }
  return out;
}

}  // namespace petitiond::store
