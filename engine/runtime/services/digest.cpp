#include "engine/runtime/services/digest.hpp"

#include <spdlog/spdlog.h>

#include <vector>

#include "engine/calendar.hpp"
#include "engine/runtime/services/calendar_holder.hpp"
#include "engine/store/calendar_store.hpp"
#include "engine/store/database.hpp"
#include "engine/store/digest_store.hpp"
#include "engine/store/outbox_store.hpp"

namespace petitiond::runtime {
namespace {

constexpr int kShown = 10;  // cases listed per section; the count covers all

std::string Section(const std::string& title, const store::DigestList& list) {
  std::string out = "■ " + title + "：" + std::to_string(list.count) + " 件\n";
  for (const auto& c : list.first) {
    out += "  " + c.public_no + "　" + c.subject;
    if (c.due) out += "（期限 " + RocShortDate(TaipeiDate(*c.due)) + "）";
    out += "\n";
  }
  if (list.count > static_cast<int>(list.first.size())) {
    out += "  …另 " + std::to_string(list.count - static_cast<int>(list.first.size())) + " 件\n";
  }
  return out;
}

}  // namespace

Timestamp DigestService::RunDue() {
  const Timestamp now = clock_.Now();
  const auto today = TaipeiDate(now);
  const Timestamp due_today = TaipeiStartOfDay(today) + options_.at;
  if (now < due_today) return due_today;
  std::vector<store::DigestRecipient> recipients;
  db_.Run([&](store::Tx& tx) { recipients = store::DigestRecipients(tx); });
  std::map<std::string, std::vector<store::DigestRecipient>> by_office;
  for (auto& r : recipients) by_office[r.office].push_back(std::move(r));
  const auto calendar = calendar_.Get();
  for (const auto& entry : by_office) {
    // Named, not a structured binding: the lambda below captures them (clang < 16).
    const std::string& office = entry.first;
    const std::vector<store::DigestRecipient>& people = entry.second;
    if (!calendar->IsWorkday(today, office)) continue;  // weekends, holidays, a typhoon closure
    // Due within 2 workdays, today counted: by the end of the next working day.
    const Timestamp soon = TaipeiEndOfDay(calendar->NthWorkdayAfter(today, 1, office));
    const auto name = office_names_.find(office);
    const std::string office_name = name == office_names_.end() ? office : name->second;
    int sent = 0;
    db_.Transact([&](store::Tx& tx) {
      if (!store::ClaimDailyRun(tx, "digest:" + office, today, options_.node)) return;
      const auto d = store::LoadOfficeDigest(tx, office, now, soon, kShown);
      const std::string subject = "【每日案件摘要】" + office_name + " " + RocShortDate(today);
      const std::string body = office_name + " " + RocDate(today) + " 案件摘要\n\n" + Section("逾期", d.overdue) +
                               Section("兩個工作天內到期", d.due_soon) + Section("待分案", d.unassigned) +
                               Section("待核定的擬稿", d.drafts) + "\n請至主控台查看：" + options_.public_url +
                               "/#/office\n不想收到此摘要，可於主控台「設定」關閉。\n";
      std::vector<store::OutboxMessage> messages;
      for (const auto& p : people) {
        store::OutboxMessage m;
        m.channel = OutboxChannel::kEmail;
        m.recipient = p.email;
        m.subject = subject;
        m.body = body;
        m.next_attempt_at = now;
        m.idempotency_key = "petitiond:digest:" + office + ":" + store::IsoDate(today) + ":" + p.login;
        messages.push_back(std::move(m));
      }
      store::InsertOutbox(tx, messages);
      store::NotifyOutbox(tx);
      sent = static_cast<int>(messages.size());
    });
    if (sent > 0) spdlog::info("morning digest of {} queued for {} supervisor(s)", office, sent);
  }
  return TaipeiStartOfDay(today + std::chrono::days(1)) + options_.at;
}

}  // namespace petitiond::runtime
