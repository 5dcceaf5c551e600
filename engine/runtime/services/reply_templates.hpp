#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/machine.hpp"
#include "engine/store/reply_template_store.hpp"
#include "engine/time.hpp"

namespace petitiond::store {
class Database;
}
namespace petitiond::runtime {

class CaseService;

// What a supervisor writes: office (default: their own), category (none: every
// category), title and body with {{variables}}.
struct ReplyTemplateInput {
  std::optional<std::string> office;
  std::optional<std::string> category;
  std::string title;
  std::string body;
};

// A template filled in for one case, as the caller may see that case.
struct FilledTemplate {
  store::ReplyTemplate source;
  std::string text;
};

// Standard replies (常用答覆): the office's wording per category, with variables filled
// in for a case (ReplyTemplateVariables). Every member of staff reads their office's
// templates (directors and admins every office's); supervisors manage their own
// office's, directors and admins any office's (kForbidden otherwise). Another office's
// template answers kNotFound, as if it did not exist. Blocking (database).
class ReplyTemplateService {
 public:
  // `office_names`: routing.yaml's offices, code to the name letters use.
  // REQUIRES: db, cases and clock outlive the service.
  ReplyTemplateService(store::Database& db, CaseService& cases, const Clock& clock,
                       std::map<std::string, std::string> office_names)
      : db_(db), cases_(cases), clock_(clock), office_names_(std::move(office_names)) {}

  // The templates of `office` (default: the caller's own; every office for those who
  // see all when `office` is empty), those of `category` and of every category when
  // it is given.
  std::vector<store::ReplyTemplate> List(const Actor& actor, const std::optional<std::string>& office,
                                         const std::optional<std::string>& category);
  // The templates that fit case `case_id` (its office, its category or every category),
  // each filled in for it. kNotFound for a case outside the caller's view. A
  // confidential petitioner's name is filled in only for those who may see it.
  std::vector<FilledTemplate> ForCase(const Actor& actor, std::int64_t case_id, const std::string& route);
  // kInvalid naming each problem (an empty or long title or body, an unknown
  // {{variable}}); kConflict when the office has a template of that title.
  // One template; kNotFound outside the caller's offices.
  store::ReplyTemplate Get(const Actor& actor, std::int64_t id);
  store::ReplyTemplate Create(const Actor& actor, const ReplyTemplateInput& in);
  store::ReplyTemplate Update(const Actor& actor, std::int64_t id, const ReplyTemplateInput& in);
  void Delete(const Actor& actor, std::int64_t id);

 private:
  void CheckManages(const Actor& actor, const std::string& office) const;
  store::ReplyTemplate Visible(store::Tx& tx, const Actor& actor, std::int64_t id) const;

  store::Database& db_;
  CaseService& cases_;
  const Clock& clock_;
  std::map<std::string, std::string> office_names_;
};

// The variables a template may use, each with what it is filled with (documented in the
// API and shown to supervisors in the console).
const std::vector<std::pair<std::string, std::string>>& ReplyTemplateVariables();

// The {{names}} of `text` that are not ReplyTemplateVariables, in order of appearance.
std::vector<std::string> UnknownTemplateVariables(const std::string& text);

}  // namespace petitiond::runtime
