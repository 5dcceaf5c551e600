#include "engine/runtime/public_status.hpp"

#include <boost/json.hpp>

#include <map>

#include "engine/error.hpp"
#include "engine/runtime/case_service.hpp"
#include "engine/store/case_store.hpp"
#include "engine/store/database.hpp"

namespace petitiond::runtime {
namespace {

constexpr const char* kNoSuchCase = "查無此案件或查詢碼錯誤";

// The event data a public step may show as its reason (never a reply's recipients,
// an assignee or a comment).
std::optional<std::string> PublicReason(const std::string& event, const std::string& data_json) {
  static const std::map<std::string, std::vector<std::string>> keys = {
      {"ask", {"missing"}},       {"transfer", {"agency", "reason"}}, {"register_only", {"reason"}},
      {"approve_extension", {"reason"}},      {"merge", {"into_public_no"}},
  };
  const auto it = keys.find(event);
  if (it == keys.end()) return std::nullopt;
  boost::json::error_code ec;
  const auto v = boost::json::parse(data_json, ec);
  if (ec || !v.is_object()) return std::nullopt;
  std::string out;
  for (const auto& k : it->second) {
    if (const auto* s = v.as_object().if_contains(k); s && s->is_string() && !s->as_string().empty()) {
      out += (out.empty() ? "" : "：") + std::string(s->as_string());
    }
  }
  if (out.empty()) return std::nullopt;
  return out;
}

}  // namespace

std::string PublicStateLabel(const std::string& state) {
  static const std::map<std::string, std::string> labels = {
      {"received", "已受理，待分案"},   {"assigned", "承辦中"},          {"joint", "會辦中"},
      {"waiting", "待陳情人補正資料"}, {"supplemented", "已補正，承辦中"}, {"replied", "已答覆"},
      {"closed", "已結案"},            {"transferred", "已移送其他機關"}, {"merged", "已併案處理"},
      {"registered_only", "已登記存查"}, {"review", "主任審閱中"},     {"drafting", "承辦中"},
  };
  const auto it = labels.find(state);
  return it == labels.end() ? "處理中" : it->second;
}

std::optional<std::string> PublicEventLabel(const std::string& event) {
  static const std::map<std::string, std::string> labels = {
      {"created", "已受理"},           {"assign", "已分案處理"},       {"involve_units", "會同其他單位辦理"},
      {"ask", "請陳情人補正資料（一次告知）"}, {"answer", "陳情人已補正"}, {"reply", "已答覆"},
      {"close", "結案"},               {"transfer", "移送其他機關"},   {"merge", "併入同一事項案件"},
      {"register_only", "登記存查"},   {"approve_extension", "處理期限展延"},
  };
  const auto it = labels.find(event);
  if (it == labels.end()) return std::nullopt;
  return it->second;
}

PublicCase PublicStatus::Lookup(const std::string& public_no, const std::string& code, const std::string& client) {
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
  out.state_label = PublicStateLabel(rec->state.state);
  out.finished = cases_.IsFinal(*rec);
  out.received_at = rec->received_at;
  for (const auto& k : rec->state.clocks) {
    if (!k.Running()) continue;
    if (!out.due_at || k.due_at > *out.due_at) out.due_at = k.due_at;
    out.paused = out.paused || k.Paused();
  }
  for (const auto& e : events) {
    auto label = PublicEventLabel(e.event);
    if (!label) continue;
    out.steps.push_back(PublicStep{e.at, *label, PublicReason(e.event, e.data_json)});
  }
  return out;
}

}  // namespace petitiond::runtime
