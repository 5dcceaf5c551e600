#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

namespace petitiond {

// How long a finished case keeps its personal data (config `retention`, docs/retention.md):
// a period after it closed, or never made anonymous (media cases of public concern
// are archived permanently, DOMAIN.md).
struct RetentionRule {
  std::optional<std::chrono::days> after_closed;  // nullopt: kept as it is
};

// Rules by category and by workflow, and a default; without one a case is kept.
struct RetentionPolicy {
  std::optional<RetentionRule> default_rule;
  std::map<std::string, RetentionRule> categories;  // by the case's category
  std::map<std::string, RetentionRule> workflows;   // by the case's workflow name
  // Raw inputs that never became a case (refused, or forms never confirmed) lose their
  // bytes this long after they arrived; nullopt: kept.
  std::optional<std::chrono::days> unlinked_inputs;

  // The rule for a case and its name for the audit trail ("category 檢舉: 3650 days"):
  // its category's, else its workflow's, else the default; nullopt when none applies.
  struct Applied {
    std::string name;
    RetentionRule rule;
  };
  std::optional<Applied> For(const std::string& workflow, const std::optional<std::string>& category) const;
  // The shortest period of any rule: no case finished after now minus this is due.
  std::optional<std::chrono::days> Shortest() const;
  bool empty() const { return !default_rule && categories.empty() && workflows.empty() && !unlinked_inputs; }
};

// "5 years" (365 days each), "90 days" or "never"; nullopt for anything else. `never`
// sets *never.
std::optional<std::chrono::days> ParseRetentionPeriod(const std::string& text, bool* never);

}  // namespace petitiond
