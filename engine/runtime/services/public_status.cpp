#include "engine/runtime/services/public_status.hpp"

#include <boost/json.hpp>

#include <map>

#include "engine/error.hpp"
#include "engine/runtime/services/case_service.hpp"
#include "engine/store/case_store.hpp"
#include "engine/store/database.hpp"

namespace petitiond::runtime {
namespace {

constexpr const char* kNoSuchCase = "查無此案件或查詢碼錯誤";

// The data of a step the workflow lets the public see (`public_data:`): never a
// reply's recipients, an assignee or a comment unless the workflow says so.
std::optional<std::string> PublicReason(const std::vector<std::string>& keys, const std::string& data_json) {
  if (keys.empty()) return std::nullopt;
  boost::json::error_code ec;
  const auto v = boost::json::parse(data_json, ec);
  if (ec || !v.is_object()) return std::nullopt;
  std::string out;
  for (const auto& k : keys) {
    if (const auto* s = v.as_object().if_contains(k); s && s->is_string() && !s->as_string().empty()) {
      out += (out.empty() ? "" : "：") + std::string(s->as_string());
    }
  }
  if (out.empty()) return std::nullopt;
  return out;
}

}  // namespace

std::string PublicStateLabel(const Workflow& wf, const std::string& state, Language language) {
  const StateDef* s = wf.FindState(state);
  const bool en = language == Language::kEn;
  if (s && en && !s->public_label_en.empty()) return s->public_label_en;
  if (s && !s->public_label.empty() && !en) return s->public_label;
  if (en) return s && s->final ? "Closed" : "In progress";
  return s && s->final ? "已結案" : "處理中";
}

PublicCase PublicStatus::Lookup(const std::string& public_no, const std::string& code, const std::string& client,
                                Language language) {
  const std::string client_key = client.empty() ? "-" : client;
  for (auto* limit : {&failures_by_client_, &failures_by_case_}) {
    const std::string& key = limit == &failures_by_client_ ? client_key : public_no;
    if (auto wait = limit->Wait(key)) {
      throw TooManyRequests("查詢錯誤次數過多，請稍後再試", std::max(*wait, std::chrono::seconds(1)));
    }
  }
  std::optional<std::pair<std::int64_t, std::string>> found;
  if (public_no.size() <= 32 && code.size() <= 64) {
    db_.Run([&](store::Tx& tx) { found = store::CaseByPublicNo(tx, public_no); });
  }
  if (!found || code.empty() || !cases_.access_codes().Verify(found->second, code)) {
    failures_by_client_.Hit(client_key);
    failures_by_case_.Hit(public_no);
    throw DomainError(ErrorKind::kNotFound, kNoSuchCase);
  }
  PublicCase out;
  std::optional<store::CaseRecord> rec;
  std::vector<store::EventRow> events;
  db_.Run([&](store::Tx& tx) {
    rec = store::LoadCase(tx, found->first, false);
    events = store::LoadEvents(tx, found->first);
  });
  if (!rec) throw DomainError(ErrorKind::kNotFound, kNoSuchCase);
  out.public_no = rec->public_no;
  out.state = rec->state.state;
  const auto wf = cases_.WorkflowOf(*rec);
  out.state_label = PublicStateLabel(*wf, rec->state.state, language);
  out.finished = cases_.IsFinal(*rec);
  out.received_at = rec->received_at;
  for (const auto& k : rec->state.clocks) {
    if (!k.Running()) continue;
    if (!out.due_at || k.due_at > *out.due_at) out.due_at = k.due_at;
    out.paused = out.paused || k.Paused();
  }
  for (const auto& e : events) {
    const EventDef* def = wf->FindEvent(e.event);
    if (!def || def->public_label.empty()) continue;
    const std::string& label =
        language == Language::kEn && !def->public_label_en.empty() ? def->public_label_en : def->public_label;
    out.steps.push_back(PublicStep{e.at, label, PublicReason(def->public_data, e.data_json)});
  }
  return out;
}

}  // namespace petitiond::runtime
