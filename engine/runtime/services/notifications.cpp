#include "engine/runtime/services/notifications.hpp"

#include <boost/json.hpp>

#include "engine/digest.hpp"
#include "engine/runtime/security/auth.hpp"
#include "engine/runtime/security/sealer.hpp"
#include "engine/attachment.hpp"
#include "engine/store/attachment_store.hpp"
#include "engine/store/intake_store.hpp"
#include "engine/store/survey_store.hpp"

#include <algorithm>
#include <optional>


namespace petitiond::runtime {
namespace {

struct Recipient {
  std::string who;  // login or "petitioner"
  std::optional<std::string> email;
  std::optional<std::string> phone;
  Language language = Language::kZhHantTw;  // staff read Chinese; a petitioner their own
};

const std::vector<store::Contact>& WithRole(store::Tx& tx, ContactCache& cache, const std::string& role,
                                            const std::string& office) {
  auto key = std::pair{role, office};
  auto it = cache.by_role.find(key);
  if (it == cache.by_role.end()) it = cache.by_role.emplace(key, store::ContactsWithRole(tx, role, office)).first;
  return it->second;
}

std::vector<Recipient> Resolve(store::Tx& tx, ContactCache& cache, const std::string& target,
                               const store::CaseRecord& c) {
  std::vector<Recipient> out;
  auto add = [&](const store::Contact& k) { out.push_back(Recipient{k.login, k.email, k.phone}); };
  if (target == "assignee") {
    if (!c.state.assignee) return out;
    auto it = cache.by_login.find(*c.state.assignee);
    if (it == cache.by_login.end()) {
      it = cache.by_login.emplace(*c.state.assignee, store::ContactOf(tx, *c.state.assignee)).first;
    }
    if (const auto& k = it->second) {
      add(*k);
    } else {
      out.push_back(Recipient{*c.state.assignee, std::nullopt, std::nullopt});
    }
  } else if (target == "supervisor") {
    for (const auto& k : WithRole(tx, cache, "supervisor", c.office)) add(k);
  } else if (target == "director") {
    for (const auto& k : WithRole(tx, cache, "director", "")) add(k);
  } else if (target == "petitioner") {
    // Petitioners of cases merged (併案) into this one are kept informed through it.
    std::vector<Petitioner> petitioners{c.petitioner};
    if (cache.merged_petitioners) {
      if (auto it = cache.merged_petitioners->find(c.id); it != cache.merged_petitioners->end()) {
        petitioners.insert(petitioners.end(), it->second.begin(), it->second.end());
      }
    } else {
      for (auto& p : store::MergedPetitioners(tx, c.id)) petitioners.push_back(std::move(p));
    }
    for (std::size_t i = 0; i < petitioners.size(); ++i) {
      Recipient r{i == 0 ? "petitioner" : "petitioner" + std::to_string(i), std::nullopt, std::nullopt,
                  petitioners[i].language};
      if (!petitioners[i].email.empty()) r.email = petitioners[i].email;
      if (!petitioners[i].phone.empty()) r.phone = petitioners[i].phone;
      out.push_back(std::move(r));
    }
  }
  return out;
}

}  // namespace

store::OutboxMessage AddressedNotice(std::int64_t case_id, const std::string& subject, const std::string& body,
                                     const std::optional<std::string>& email, const std::optional<std::string>& phone,
                                     const std::string& who, Timestamp now) {
  store::OutboxMessage m;
  m.case_id = case_id;
  m.next_attempt_at = now;
  m.subject = subject;
  m.body = body;
  m.channel = OutboxChannel::kEmail;
  if (email) {
    m.recipient = *email;
  } else if (phone) {
    m.channel = OutboxChannel::kSms;
    m.recipient = *phone;
    m.body = subject + "\n" + body;
  } else {
    m.status = OutboxStatus::kUndeliverable;
    m.last_error = who + " has no e-mail address or phone number";
  }
  return m;
}

std::optional<SurveyOffer> OfferSurvey(store::Tx& tx, const Workflow& wf, const store::CaseRecord& after,
                                       const Outcome& out, const NotifyConfig& config, Timestamp now) {
  if (!config.sealer) return std::nullopt;
  for (std::size_t n = 0; n < out.notifications.size(); ++n) {
    const Notification& note = out.notifications[n];
    const EventDef* event = wf.FindEvent(note.template_name);  // a transition's notice is named after its event
    if (!event || event->counts_as != EventMeaning::kReply ||
        std::find(note.targets.begin(), note.targets.end(), "petitioner") == note.targets.end()) {
      continue;
    }
    const std::string token = NewToken();
    store::UpsertSurvey(tx, after.id, Sha256Hex(token), now, now + std::chrono::days(30));
    std::string link = config.public_url + "/survey?no=" + after.public_no + "&token=" + token;
    if (after.petitioner.language == Language::kEn) link += "&lang=en";  // the page in their language
    boost::json::object secret{{"survey_link", std::move(link)}};
    return SurveyOffer{n, config.sealer->Seal(boost::json::serialize(secret))};
  }
  return std::nullopt;
}

std::vector<store::OutboxMessage> PlanNotifications(store::Tx& tx, const Workflow& wf,
                                                    const store::CaseRecord& after, const Outcome& out,
                                                    const NotifyConfig& config, Timestamp now, ContactCache& cache,
                                                    const std::optional<SurveyOffer>& survey) {
  std::vector<store::OutboxMessage> messages;
  const std::string change = std::to_string(after.id) + ":" + std::to_string(after.row_version);
  for (std::size_t n = 0; n < out.notifications.size(); ++n) {
    const Notification& note = out.notifications[n];
    auto vars = note.vars;
    vars["public_no"] = after.public_no;
    vars["subject"] = after.subject;
    vars["state"] = after.state.state;
    vars["office"] = after.office;
    const Template& tmpl = wf.TemplateFor(note.template_name);
    const std::string subject = RenderTemplate(tmpl.subject, vars);
    const std::string body = RenderTemplate(tmpl.body, vars);
    const Template& tmpl_en = wf.TemplateFor(note.template_name, Language::kEn);
    const std::string survey_sealed = survey && survey->notification == n ? survey->sealed_link : "";
    // Files of the case the notice carries to the petitioner by e-mail (the reply's
    // documents), checked against the case when the event was taken.
    std::vector<store::AttachmentRow> files;
    if (auto it = note.vars.find(kAttachmentsKey); it != note.vars.end() && !it->second.empty()) {
      if (const auto ids = ParseIdList(it->second)) {
        for (auto& f : store::ListAttachments(tx, after.id)) {
          if (std::find(ids->begin(), ids->end(), f.id) != ids->end()) files.push_back(std::move(f));
        }
      }
    }
    const std::string prefix = "petitiond:" + change + ":" + std::to_string(n) + ":";

    for (const auto& target : note.targets) {
      for (const auto& r : Resolve(tx, cache, target, after)) {
        // A petitioner who wrote in English reads English; staff read the office's Chinese.
        const bool en = r.language == Language::kEn;
        store::OutboxMessage m = AddressedNotice(after.id, en ? RenderTemplate(tmpl_en.subject, vars) : subject,
                                                 en ? RenderTemplate(tmpl_en.body, vars) : body, r.email, r.phone,
                                                 target + " " + r.who, now);
        if (target == "petitioner" && m.channel == OutboxChannel::kEmail && !files.empty()) {
          std::string names;
          for (const auto& f : files) {
            m.attachment_ids.push_back(f.id);
            names += (names.empty() ? "" : (en ? ", " : "、")) + f.filename;
          }
          m.body += (en ? "\nAttached: " : "\n附件：") + names + "\n";
        }
        if (target == "petitioner" && !survey_sealed.empty() && m.status != OutboxStatus::kUndeliverable) {
          m.body += en ? "\nPlease tell us how we did (the survey is open for 30 days):\n{{survey_link}}\n"
                       : "\n歡迎填寫滿意度問卷（30 日內有效）：\n{{survey_link}}\n";
          m.sealed = survey_sealed;
        }
        m.idempotency_key = prefix + target + ":" + r.who + ":" + std::string(Name(m.channel));
        messages.push_back(std::move(m));
      }
    }
    for (const auto& hook : config.webhooks) {
      boost::json::object payload{{"case_id", after.id},
                                  {"public_no", after.public_no},
                                  {"office", after.office},
                                  {"state", after.state.state},
                                  {"template", note.template_name},
                                  {"subject", subject},
                                  {"body", body}};
      boost::json::object v;
      for (const auto& [k, val] : note.vars) v[k] = val;
      payload["vars"] = std::move(v);
      store::OutboxMessage m;
      m.case_id = after.id;
      m.next_attempt_at = now;
      m.channel = OutboxChannel::kWebhook;
      m.recipient = hook.url;
      m.subject = subject;
      m.idempotency_key = prefix + "webhook:" + hook.url;
      payload["idempotency_key"] = m.idempotency_key;
      m.body = boost::json::serialize(payload);
      messages.push_back(std::move(m));
    }
  }
  return messages;
}

}  // namespace petitiond::runtime
