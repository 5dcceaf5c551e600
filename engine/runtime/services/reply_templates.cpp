#include "engine/runtime/services/reply_templates.hpp"

#include <algorithm>

#include "engine/runtime/security/policy.hpp"
#include "engine/runtime/services/case_service.hpp"
#include "engine/store/database.hpp"
#include "engine/workflow.hpp"

namespace petitiond::runtime {
namespace {

std::size_t Characters(const std::string& s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

void Check(const ReplyTemplateInput& in) {
  Error e{ErrorKind::kInvalid, "the template has invalid fields", {}};
  const auto blank = [](const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; };
  if (blank(in.title)) e.details.push_back("title is required");
  if (Characters(in.title) > 200) e.details.push_back("title is at most 200 characters");
  if (blank(in.body)) e.details.push_back("body is required");
  if (Characters(in.body) > 20000) e.details.push_back("body is at most 20,000 characters");
  if (in.category && Characters(*in.category) > 100) e.details.push_back("category is at most 100 characters");
  for (const auto& name : UnknownTemplateVariables(in.body)) {
    std::string known;
    for (const auto& [v, what] : ReplyTemplateVariables()) known += (known.empty() ? "" : ", ") + v;
    e.details.push_back("body: {{" + name + "}} is not a variable (" + known + ")");
  }
  if (!e.details.empty()) throw DomainError(e);
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& ReplyTemplateVariables() {
  static const std::vector<std::pair<std::string, std::string>> vars = {
      {"public_no", "案件編號"},
      {"received_date", "收件日期（民國年）"},
      {"today", "今天日期（民國年）"},
      {"petitioner_name", "陳情人姓名（保密案件為「陳情人」）"},
      {"subject", "案件主旨"},
      {"category", "案件類別"},
      {"office_name", "辦公處所名稱"},
      {"assignee", "承辦人帳號"},
  };
  return vars;
}

std::vector<std::string> UnknownTemplateVariables(const std::string& text) {
  std::vector<std::string> unknown;
  for (std::size_t open = text.find("{{"); open != std::string::npos; open = text.find("{{", open + 2)) {
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string::npos) break;
    const std::string name = text.substr(open + 2, close - open - 2);
    const auto& vars = ReplyTemplateVariables();
    const bool known = std::any_of(vars.begin(), vars.end(), [&](const auto& v) { return v.first == name; });
    if (!known && std::find(unknown.begin(), unknown.end(), name) == unknown.end()) unknown.push_back(name);
  }
  return unknown;
}

void ReplyTemplateService::CheckManages(const Actor& actor, const std::string& office) const {
  if (SeesAllOffices(actor)) return;
  if (!actor.HasRole("supervisor")) {
    throw DomainError(ErrorKind::kForbidden, "standard replies are managed by supervisors, directors and admins");
  }
  if (office != actor.office) {
    throw DomainError(ErrorKind::kForbidden, "a supervisor manages the standard replies of their own office only");
  }
}

store::ReplyTemplate ReplyTemplateService::Visible(store::Tx& tx, const Actor& actor, std::int64_t id) const {
  auto t = store::LoadReplyTemplate(tx, id);
  if (!t || !InScope(actor, t->office)) {
    throw DomainError(ErrorKind::kNotFound, "reply template " + std::to_string(id) + " does not exist");
  }
  return *t;
}

std::vector<store::ReplyTemplate> ReplyTemplateService::List(const Actor& actor,
                                                             const std::optional<std::string>& office,
                                                             const std::optional<std::string>& category) {
  std::optional<std::string> scope = office;
  if (!SeesAllOffices(actor)) {
    if (office && *office != actor.office) return {};
    scope = actor.office;
  }
  std::vector<store::ReplyTemplate> out;
  db_.Run([&](store::Tx& tx) { out = store::ListReplyTemplates(tx, scope, category); });
  return out;
}

std::vector<FilledTemplate> ReplyTemplateService::ForCase(const Actor& actor, std::int64_t case_id,
                                                          const std::string& route) {
  const CaseView view = cases_.Get(actor, case_id, route);  // scope, redaction and the access log
  const store::CaseRecord& c = view.record;
  std::vector<store::ReplyTemplate> found;
  db_.Run([&](store::Tx& tx) {
    found = store::ListReplyTemplates(tx, c.office, c.category.value_or(""));
  });
  const auto office = office_names_.find(c.office);
  const bool hidden = c.confidential && !SeesIdentity(actor);
  const std::map<std::string, std::string> vars{
      {"public_no", c.public_no},
      {"received_date", RocDate(TaipeiDate(c.received_at))},
      {"today", RocDate(TaipeiDate(clock_.Now()))},
      {"petitioner_name", hidden || c.petitioner.name.empty() ? "陳情人" : c.petitioner.name},
      {"subject", c.subject},
      {"category", c.category.value_or("")},
      {"office_name", office == office_names_.end() ? c.office : office->second},
      {"assignee", c.state.assignee.value_or("")},
  };
  std::vector<FilledTemplate> out;
  for (auto& t : found) {
    std::string text = RenderTemplate(t.body, vars);
    out.push_back(FilledTemplate{std::move(t), std::move(text)});
  }
  return out;
}

store::ReplyTemplate ReplyTemplateService::Get(const Actor& actor, std::int64_t id) {
  store::ReplyTemplate t;
  db_.Run([&](store::Tx& tx) { t = Visible(tx, actor, id); });
  return t;
}

store::ReplyTemplate ReplyTemplateService::Create(const Actor& actor, const ReplyTemplateInput& in) {
  Check(in);
  store::ReplyTemplate t;
  t.office = in.office.value_or(actor.office);
  t.category = in.category && !in.category->empty() ? in.category : std::nullopt;
  t.title = in.title;
  t.body = in.body;
  t.created_by = t.updated_by = actor.login;
  CheckManages(actor, t.office);
  try {
    db_.Transact([&](store::Tx& tx) {
      t.id = store::InsertReplyTemplate(tx, t, clock_.Now());
      t = *store::LoadReplyTemplate(tx, t.id);
    });
  } catch (const store::UniqueViolation&) {
    throw DomainError(ErrorKind::kConflict, "office " + t.office + " already has a standard reply titled '" +
                                                t.title + "'");
  }
  return t;
}

store::ReplyTemplate ReplyTemplateService::Update(const Actor& actor, std::int64_t id, const ReplyTemplateInput& in) {
  Check(in);
  store::ReplyTemplate t;
  try {
    db_.Transact([&](store::Tx& tx) {
      t = Visible(tx, actor, id);
      CheckManages(actor, t.office);
      if (in.office && *in.office != t.office) {
        throw DomainError(ErrorKind::kInvalid, "a template stays in its office; make a new one for another office");
      }
      t.category = in.category && !in.category->empty() ? in.category : std::nullopt;
      t.title = in.title;
      t.body = in.body;
      t.updated_by = actor.login;
      store::UpdateReplyTemplate(tx, t, clock_.Now());
      t = *store::LoadReplyTemplate(tx, id);
    });
  } catch (const store::UniqueViolation&) {
    throw DomainError(ErrorKind::kConflict, "office " + t.office + " already has a standard reply titled '" +
                                                in.title + "'");
  }
  return t;
}

void ReplyTemplateService::Delete(const Actor& actor, std::int64_t id) {
  db_.Transact([&](store::Tx& tx) {
    const auto t = Visible(tx, actor, id);
    CheckManages(actor, t.office);
    store::DeleteReplyTemplate(tx, id);
  });
}

}  // namespace petitiond::runtime
