#pragma once

#include "engine/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/time.hpp"

namespace petitiond::store {

// A standard reply (常用答覆, migration 0020): the office's wording for one category,
// or for every category when `category` is empty.
struct ReplyTemplate {
  std::int64_t id = 0;
  std::string office;
  std::optional<std::string> category;
  std::string title;
  std::string body;  // with {{variables}}, filled in for a case (runtime::ReplyTemplateService)
  std::string created_by;
  std::string updated_by;
  Timestamp updated_at{};
};

// The templates of `office` (every office when empty), by title; with `category`,
// those of that category and those of every category.
std::vector<ReplyTemplate> ListReplyTemplates(Tx& tx, const std::optional<std::string>& office,
                                              const std::optional<std::string>& category);
std::optional<ReplyTemplate> LoadReplyTemplate(Tx& tx, std::int64_t id);
// Returns the new id. UniqueViolation (kConflict) when the office has the title already.
std::int64_t InsertReplyTemplate(Tx& tx, const ReplyTemplate& t, Timestamp now);
// Writes title, category and body; false if there is no such template.
bool UpdateReplyTemplate(Tx& tx, const ReplyTemplate& t, Timestamp now);
bool DeleteReplyTemplate(Tx& tx, std::int64_t id);

}  // namespace petitiond::store
