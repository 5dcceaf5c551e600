// CaseService: the files of a case (case_attachments).
#include "engine/runtime/services/case_service.hpp"

#include "engine/runtime/security/policy.hpp"
#include "engine/store/database.hpp"

namespace petitiond::runtime {
namespace {

DomainError NoSuchCase(std::int64_t id) {
  return DomainError(ErrorKind::kNotFound, "case " + std::to_string(id) + " does not exist");
}

}  // namespace

void CaseService::RequireVisible(const Actor& actor, std::int64_t id) {
  db_.Run([&](store::Tx& tx) {
    auto rec = store::LoadCase(tx, id, false);
    if (!rec || !CanSee(actor, *rec)) throw NoSuchCase(id);
  });
}

std::vector<store::AttachmentRow> CaseService::Attachments(const Actor& actor, std::int64_t id,
                                                           const std::string& route) {
  std::vector<store::AttachmentRow> rows;
  db_.Run([&](store::Tx& tx) {
    auto rec = store::LoadCase(tx, id, false);
    if (!rec || !CanSee(actor, *rec)) throw NoSuchCase(id);
    LogReads(tx, actor, {&*rec}, route);
    rows = store::ListAttachments(tx, id);
  });
  return rows;
}

store::AttachmentRow CaseService::Attachment(const Actor& actor, std::int64_t id, std::int64_t attachment_id,
                                             const std::string& route) {
  std::optional<store::AttachmentRow> row;
  db_.Run([&](store::Tx& tx) {
    auto rec = store::LoadCase(tx, id, false);
    if (!rec || !CanSee(actor, *rec)) throw NoSuchCase(id);
    row = store::LoadAttachment(tx, id, attachment_id);
    if (!row) throw DomainError(ErrorKind::kNotFound, "case " + std::to_string(id) + " has no attachment " +
                                                           std::to_string(attachment_id));
    if (rec->confidential) {
      store::InsertAccessLog(tx, {rec->id}, actor.login, route, "download", std::nullopt, clock_.Now());
    }
  });
  return std::move(*row);
}

std::vector<store::AttachmentRow> CaseService::AddAttachments(const Actor& actor, std::int64_t id,
                                                              std::vector<petitiond::Attachment> files) {
  if (files.empty()) throw DomainError(ErrorKind::kInvalid, "no file was sent (form field \"file\")");
  auto problems = CheckFiles(files, attachments_);
  if (!problems.empty()) throw DomainError(Error{ErrorKind::kInvalid, "the files cannot be taken", std::move(problems)});
  std::vector<store::AttachmentRow> out;
  db_.Transact([&](store::Tx& tx) {
    auto rec = store::LoadCase(tx, id, /*lock=*/true);
    if (!rec || !CanSee(actor, *rec)) throw NoSuchCase(id);
    const Timestamp now = clock_.Now();
    for (const auto& f : files) {
      const auto aid = store::InsertAttachment(tx, id, std::nullopt, f, actor.login, now);
      RecordIn(tx, *rec,
               AuditEvent{"attachment_added", rec->state.state, rec->state.state, actor.login, now,
                          {{"attachment_id", std::to_string(aid)}, {"filename", f.filename}}, ""});
    }
    out = store::ListAttachments(tx, id);
  });
  return out;
}

}  // namespace petitiond::runtime
