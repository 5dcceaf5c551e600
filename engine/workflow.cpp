#include "engine/workflow.hpp"

#include "engine/text.hpp"

#include "engine/yaml_checker.hpp"


#include <algorithm>
#include <cctype>
#include <charconv>
#include <deque>
#include <map>
#include <set>

namespace petitiond {

const StateDef* Workflow::FindState(std::string_view n) const {
  for (const auto& s : states) {
    if (s.name == n) return &s;
  }
  return nullptr;
}

const ClockDef* Workflow::FindClock(std::string_view n) const {
  for (const auto& c : clocks) {
    if (c.name == n) return &c;
  }
  return nullptr;
}

namespace {

// "a, b or c", for the sentences that list a closed set.
std::string OneOf(const std::vector<std::string>& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    out += (i == 0 ? "" : i + 1 == words.size() ? " or " : ", ") + words[i];
  }
  return out;
}

}  // namespace

const std::vector<EventDef>& BuiltinEvents() {
  // Names the engine (machine.hpp) and the runtime write into every trail.
  static const std::vector<EventDef> events = {
      {"created", "受理", "已受理", std::nullopt, {}, "Received"},
      {"request_extension", "申請展延", "", std::nullopt, {}},
      {"approve_extension", "核准展延", "處理期限展延", EventMeaning::kExtensionGranted, {"reason"}, "Deadline extended"},
      {"deny_extension", "駁回展延", "", std::nullopt, {}},
      {"escalated", "逾期提醒", "", std::nullopt, {}},
      {"deadline_recomputed", "期限重算", "", std::nullopt, {}},
      {"merged_in", "他案併入", "", std::nullopt, {}},
      {"news_item_attached", "同則報導", "", std::nullopt, {}},
      {"identity_revealed", "揭露身分", "", std::nullopt, {}},
      {"confidential_set", "設為保密", "", std::nullopt, {}},
      {"confidential_lifted", "解除保密", "", std::nullopt, {}},
      {"comment", "加註", "", std::nullopt, {}},
      {"attachment_added", "新增附件", "", std::nullopt, {}},
      {"draft_submitted", "送陳核", "", std::nullopt, {}},
      {"approve_draft", "核定", "", std::nullopt, {}},
      {"return_draft", "退回修改", "", std::nullopt, {}},
      {"workflow_migrated", "改用新版流程", "", std::nullopt, {}},
  };
  return events;
}

const std::vector<FieldDef>& BuiltinFields() {
  static const std::vector<FieldDef> fields = {
      {"clock", "期限", false},
      {"reason", "理由", true},
      {"attachments", "隨通知寄送的附件", false},
      {"mail_date", "信件標示的日期（寄件者所填）", false},
  };
  return fields;
}

const EventDef* Workflow::FindEvent(std::string_view n) const {
  for (const auto& e : events) {
    if (e.name == n) return &e;
  }
  for (const auto& e : BuiltinEvents()) {
    if (e.name == n) return &e;
  }
  return nullptr;
}

const TransitionDef* Workflow::FindTransition(std::string_view state, std::string_view event) const {
  for (const auto& t : transitions) {
    if (t.on == event && IsKnown(t.from, state)) return &t;
  }
  return nullptr;
}

const TransitionDef* Workflow::TransitionTo(std::string_view state, CaseOutcome outcome) const {
  for (const auto& t : transitions) {
    const StateDef* to = FindState(t.to);
    if (IsKnown(t.from, state) && to && to->final && to->outcome == outcome) return &t;
  }
  return nullptr;
}

std::optional<CaseOutcome> Workflow::OutcomeOfEntering(std::string_view from, std::string_view to) const {
  if (from == to) return std::nullopt;
  const StateDef* s = FindState(to);
  if (!s || !s->final) return std::nullopt;
  return s->outcome;
}

void InheritVocabulary(Workflow& older, const Workflow& newer) {
  const auto fill = [](std::string& mine, const std::string& theirs) {
    if (mine.empty()) mine = theirs;
  };
  for (auto& s : older.states) {
    const StateDef* n = newer.FindState(s.name);
    if (!n) continue;
    fill(s.label, n->label);
    fill(s.public_label, n->public_label);
    fill(s.public_label_en, n->public_label_en);
    if (s.final && !s.outcome && n->final) s.outcome = n->outcome;
  }
  for (auto& c : older.clocks) {
    if (const ClockDef* n = newer.FindClock(c.name)) fill(c.label, n->label);
  }
  for (auto& e : older.events) {
    const auto it = std::find_if(newer.events.begin(), newer.events.end(), [&](const EventDef& d) { return d.name == e.name; });
    if (it == newer.events.end()) continue;
    fill(e.label, it->label);
    fill(e.public_label, it->public_label);
    fill(e.public_label_en, it->public_label_en);
    if (!e.counts_as) e.counts_as = it->counts_as;
    if (e.public_data.empty()) e.public_data = it->public_data;
  }
  for (const auto& f : newer.fields) {
    const auto it = std::find_if(older.fields.begin(), older.fields.end(), [&](const FieldDef& d) { return d.name == f.name; });
    if (it == older.fields.end()) older.fields.push_back(f);
  }
}

namespace {

const std::map<std::string, Template>& EnglishDefaults() {
  static const std::map<std::string, Template> defaults = {
      {"escalation",
       {"[Reminder] {{public_no}} {{subject}}",
        "The {{clock}} deadline of case {{public_no}} \"{{subject}}\" is {{due_at}}; it is now: {{state}}.\n"
        "Reminder: {{at}}. Please attend to it.\n"}},
      {"extension",
       {"[Extension] {{public_no}}: more time is needed",
        "Dear petitioner, your case {{public_no}} \"{{subject}}\" needs more time; the new deadline is {{new_due}}.\n"
        "Reason: {{reason}}\nWe apologise for the delay.\n"}},
      {"ask",
       {"[Information needed] {{public_no}}",
        "Dear petitioner, to handle your case {{public_no}} \"{{subject}}\" we need the following (all at once):\n"
        "{{missing}}\nThe deadline is paused until we receive it; we continue as soon as it arrives.\n"}},
      {"transfer",
       {"[Transferred] {{public_no}} has been sent to {{agency}}",
        "Dear petitioner, your case {{public_no}} \"{{subject}}\" is not within this office's remit and has been "
        "transferred to {{agency}}.\nReason: {{reason}}\nPlease contact them about it from now on.\n"}},
      {"reply",
       {"[Reply] {{public_no}} {{subject}}",
        "Dear petitioner, our reply to your case {{public_no}} \"{{subject}}\":\n{{reply}}\n"}},
      {"merge",
       {"[Merged] {{public_no}} is handled with {{into_public_no}}",
        "Dear petitioner, your case {{public_no}} \"{{subject}}\" concerns the same matter as case "
        "{{into_public_no}} and is handled with it; you will hear about case {{into_public_no}}.\n"}},
      {"register_only",
       {"[Registered] {{public_no}}",
        "Dear petitioner, your case {{public_no}} has been registered without further action.\nReason: {{reason}}\n"}},
      {"accepted",
       {"[Accepted] Director's mailbox case {{public_no}}",
        "Dear petitioner, your message \"{{subject}}\" to the director's mailbox has been accepted.\n"
        "Case number: {{public_no}}\nAccess code: {{access_code}}\n"
        "Use the case number and access code to follow your case.\n"}},
      {"confirm_email",
       {"[Director's mailbox] Please confirm your e-mail address",
        "Dear petitioner, we received your message \"{{subject}}\" to the director's mailbox. Please open the link "
        "below before {{expires_at}} to confirm it; the case is accepted only then:\n{{link}}\n"}},
      {"draft_submitted",
       {"[To approve] {{public_no}} {{subject}}",
        "{{drafted_by}} drafted the {{event_label}} of case {{public_no}} \"{{subject}}\" for your approval.\n"}},
      {"draft_returned",
       {"[Returned] {{public_no}} {{subject}}",
        "{{returned_by}} returned the draft {{event_label}} of case {{public_no}} \"{{subject}}\".\n"
        "Reason: {{reason}}\n"}},
      {"generic", {"[Case update] {{public_no}}", "Case {{public_no}} \"{{subject}}\" has moved on: {{event}}.\n"}},
  };
  return defaults;
}

}  // namespace

const Template& DefaultTemplate(const std::string& name, Language language) {
  if (language == Language::kEn) {
    const auto& en = EnglishDefaults();
    auto it = en.find(name);
    return it == en.end() ? en.at("generic") : it->second;
  }
  static const std::map<std::string, Template> defaults = {
      {"escalation",
       {"【案件提醒】{{public_no}} {{subject}}",
        "案件 {{public_no}}「{{subject}}」的{{clock}}期限為 {{due_at}}，目前狀態：{{state}}。\n"
        "觸發條件：{{at}}。請儘速處理。\n"}},
      {"extension",
       {"【展延通知】{{public_no}} 案件處理期限展延",
        "您好：您陳情的案件 {{public_no}}「{{subject}}」因故需延長處理期限至 {{new_due}}。\n"
        "展延原因：{{reason}}\n造成不便，敬請見諒。\n"}},
      {"ask",
       {"【補正通知】{{public_no}} 請補充陳情資料",
        "您好：您陳情的案件 {{public_no}}「{{subject}}」尚需補充下列資料（一次告知）：\n{{missing}}\n"
        "補正期間處理期限暫停計算，收到資料後繼續辦理。\n"}},
      {"transfer",
       {"【移送通知】{{public_no}} 案件已移送 {{agency}}",
        "您好：您陳情的案件 {{public_no}}「{{subject}}」非本所權責，已移送 {{agency}} 處理。\n"
        "移送理由：{{reason}}\n後續請逕洽該機關。\n"}},
      {"reply",
       {"【答覆通知】{{public_no}} {{subject}}", "您好：您陳情的案件 {{public_no}}「{{subject}}」答覆如下：\n{{reply}}\n"}},
      {"merge",
       {"【併案通知】{{public_no}} 已併入案件 {{into_public_no}}",
        "您好：您陳情的案件 {{public_no}}「{{subject}}」與案件 {{into_public_no}} 為同一事項，已併案處理，"
        "後續進度將以案件 {{into_public_no}} 通知您。\n"}},
      {"register_only",
       {"【存查通知】{{public_no}}", "您好：您陳情的案件 {{public_no}} 已登記存查，不另處理。\n理由：{{reason}}\n"}},
      {"accepted",
       {"【受理通知】主任信箱案件 {{public_no}}",
        "您好：您寄至主任信箱的「{{subject}}」已受理。\n案件編號：{{public_no}}\n查詢密碼：{{access_code}}\n"
        "請以案件編號及查詢密碼查詢處理進度。\n"}},
      {"confirm_email",
       {"【主任信箱】請確認您的電子郵件地址",
        "您好：我們收到您寄給主任信箱的「{{subject}}」。請於期限 {{expires_at}} 前開啟下列連結確認，"
        "確認後才會受理：\n{{link}}\n"}},
      {"draft_submitted",
       {"【待核定】{{public_no}} {{subject}}",
        "案件 {{public_no}}「{{subject}}」的{{event_label}}已由 {{drafted_by}} 擬稿，待您核定。\n"
        "請至案件頁核定或退回修改；核定前不會送出，處理期限照常計算。\n"}},
      {"draft_returned",
       {"【退回修改】{{public_no}} {{subject}}",
        "案件 {{public_no}}「{{subject}}」的{{event_label}}擬稿已由 {{returned_by}} 退回修改。\n"
        "退回理由：{{reason}}\n請修改後再送核定；處理期限照常計算。\n"}},
      {"generic", {"【案件通知】{{public_no}}", "案件 {{public_no}}「{{subject}}」有新的進度：{{event}}。\n"}},
  };
  auto it = defaults.find(name);
  return it == defaults.end() ? defaults.at("generic") : it->second;
}

std::string RenderTemplate(const std::string& text, const std::map<std::string, std::string>& vars) {
  return ReplacePlaceholders(text, [&](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  });
}

const Template& Workflow::TemplateFor(const std::string& template_name, Language language) const {
  const auto& own = language == Language::kEn ? templates_en : templates;
  auto it = own.find(template_name);
  return it == own.end() ? DefaultTemplate(template_name, language) : it->second;
}

const StateDef& Workflow::InitialState() const {
  for (const auto& s : states) {
    if (s.initial) return s;
  }
  return states.front();
}

namespace {

const std::set<std::string> kNotifyTargets = {"assignee", "supervisor", "director", "petitioner"};

// Collects every problem of one file, each with its position, before failing.
class Loader {
 public:
  Loader(std::string_view file, WorkflowRules rules) : check_(file), rules_(rules) {}

  Result<Workflow> Load(std::string_view text) {
    auto parsed = check_.Parse(text);
    if (!parsed) return Finish();
    const YAML::Node root = *parsed;
    if (!root.IsMap()) {
      Report(root.Mark(), "a workflow file must be a mapping with workflow, version, clocks, states and transitions");
      return Finish();
    }
    CheckKeys(root,
              {"workflow", "version", "calendar", "channels", "case_limit", "clocks", "states", "transitions",
               "escalations", "templates", "fields"},
              "workflow");
    wf_.name = RequiredString(root, "workflow");
    if (auto v = Required(root, "version")) {
      wf_.version = Int(v, "version", 1);
    }
    if (root["calendar"]) wf_.calendar = String(root["calendar"], "calendar");
    if (root["channels"]) wf_.channels = check_.Channels(root["channels"], "channels");
    if (root["case_limit"]) {
      wf_.case_limit = ParseDurationAt(root["case_limit"], "case_limit");
      if (wf_.case_limit.unit != Duration::Unit::kDays) {
        Report(root["case_limit"].Mark(), "case_limit counts calendar days, e.g. '30 days'");
      }
    }
    if (root["templates"]) LoadTemplates(root["templates"]);
    LoadClocks(root["clocks"]);
    if (auto states = Required(root, "states")) LoadStates(states);
    if (auto transitions = Required(root, "transitions")) LoadTransitions(transitions);
    if (root["escalations"]) LoadEscalations(root["escalations"]);
    if (root["fields"]) LoadFields(root["fields"]);
    CheckGraph(root);
    CheckMeanings();
    return Finish();
  }

 private:
  Result<Workflow> Finish() {
    if (check_.ok()) return wf_;
    return check_.Failure(check_.file() + ": the workflow has errors");
  }

  void Report(const YAML::Mark& mark, const std::string& sentence) { check_.Report(mark, sentence); }

  void CheckKeys(const YAML::Node& map, std::initializer_list<std::string_view> allowed, const std::string& where) {
    check_.CheckKeys(map, allowed, where);
  }
  YAML::Node Required(const YAML::Node& map, const std::string& key) { return check_.Required(map, key); }
  std::string String(const YAML::Node& n, const std::string& what) { return check_.String(n, what); }
  std::string RequiredString(const YAML::Node& map, const std::string& key) { return check_.RequiredString(map, key); }
  int Int(const YAML::Node& n, const std::string& what, int min) { return check_.Int(n, what, min); }
  bool Bool(const YAML::Node& n, const std::string& what) { return check_.Bool(n, what); }
  std::vector<std::string> Strings(const YAML::Node& n, const std::string& what) { return check_.Names(n, what); }
  Duration ParseDurationAt(const YAML::Node& n, const std::string& what) {
    return check_.DurationOf(n, what).value_or(Duration{});
  }

  void LoadTemplates(const YAML::Node& templates) {
    if (!templates.IsMap()) {
      Report(templates.Mark(), "templates must map names (escalation, extension) to { subject, body }");
      return;
    }
    for (auto it = templates.begin(); it != templates.end(); ++it) {
      const std::string name = it->first.Scalar();
      if (!it->second.IsMap()) {
        Report(it->second.Mark(), "template '" + name + "' must be a mapping { subject, body }");
        continue;
      }
      CheckKeys(it->second, {"subject", "body", "en"}, "template '" + name + "'");
      Template t;
      t.subject = RequiredString(it->second, "subject");
      t.body = RequiredString(it->second, "body");
      wf_.templates[name] = std::move(t);
      if (const YAML::Node en = it->second["en"]) {
        if (!en.IsMap()) {
          Report(en.Mark(), "template '" + name + "' en must be a mapping { subject, body } (the English text)");
          continue;
        }
        CheckKeys(en, {"subject", "body"}, "template '" + name + "' en");
        wf_.templates_en[name] = Template{RequiredString(en, "subject"), RequiredString(en, "body")};
      }
    }
  }

  void LoadClocks(const YAML::Node& clocks) {
    if (!clocks) return;  // a workflow without deadlines is allowed
    if (!clocks.IsMap()) {
      Report(clocks.Mark(), "clocks must map clock names to { within: ... }");
      return;
    }
    for (auto it = clocks.begin(); it != clocks.end(); ++it) {
      ClockDef c;
      c.name = it->first.Scalar();
      const YAML::Node body = it->second;
      clock_marks_[c.name] = it->first.Mark();
      if (!body.IsMap()) {
        Report(body.Mark(), "clock '" + c.name + "' must be a mapping with 'within'");
        continue;
      }
      CheckKeys(body, {"within", "by", "extend", "label"}, "clock '" + c.name + "'");
      if (body["within"] && body["by"]) {
        Report(body["by"].Mark(), "clock '" + c.name + "' gives both within and by; a deadline is one of them");
      } else if (const YAML::Node by = body["by"]) {
        const std::string text = String(by, "by");
        const bool shaped = text.size() == 5 && text[2] == ':' && std::isdigit(static_cast<unsigned char>(text[0])) &&
                            std::isdigit(static_cast<unsigned char>(text[1])) &&
                            std::isdigit(static_cast<unsigned char>(text[3])) &&
                            std::isdigit(static_cast<unsigned char>(text[4]));
        const int h = shaped ? std::stoi(text.substr(0, 2)) : -1, m = shaped ? std::stoi(text.substr(3, 2)) : -1;
        if (h < 0 || h > 23 || m < 0 || m > 59) {
          Report(by.Mark(), "by must be a Taipei time of day HH:MM, e.g. \"17:00\", not '" + text + "'");
        } else {
          c.by = std::chrono::minutes(h * 60 + m);
        }
      } else if (auto w = Required(body, "within")) {
        c.within = ParseDurationAt(w, "within");
      }
      if (body["label"]) c.label = String(body["label"], "label");
      if (auto ext = body["extend"]) {
        if (!ext.IsMap()) {
          Report(ext.Mark(), "extend must be a mapping with max, by and needs_role");
        } else {
          CheckKeys(ext, {"max", "by", "needs_role", "notify"}, "extend of clock '" + c.name + "'");
          ExtendRule r;
          if (ext["max"]) r.max = Int(ext["max"], "extend.max", 1);
          if (auto by = Required(ext, "by")) r.by = ParseDurationAt(by, "extend.by");
          if (ext["needs_role"]) {
            r.needs_role = String(ext["needs_role"], "needs_role");
            if (!IsKnown(KnownRoles(), r.needs_role)) Report(ext["needs_role"].Mark(), UnknownRole(r.needs_role));
          }
          if (ext["notify"]) r.notify = NotifyTargets(ext["notify"]);
          c.extend = r;
        }
      }
      if (wf_.FindClock(c.name)) Report(it->first.Mark(), "clock '" + c.name + "' is defined twice");
      wf_.clocks.push_back(std::move(c));
    }
  }

  static std::string UnknownRole(const std::string& r) {
    return "unknown role '" + r + "'; roles are admin, intake, handler, supervisor and director";
  }

  std::vector<std::string> NotifyTargets(const YAML::Node& n) {
    auto targets = Strings(n, "notify");
    check_.CheckEach(
        n, targets, [](const std::string& t) { return kNotifyTargets.count(t) > 0; },
        [](const std::string& t) {
          return "unknown notify target '" + t + "'; targets are assignee, supervisor, director and petitioner";
        });
    return targets;
  }

  void CheckClockRefs(const YAML::Node& n, const std::vector<std::string>& names, const std::string& state) {
    check_.CheckEach(
        n, names, [&](const std::string& c) { return wf_.FindClock(c) != nullptr; },
        [&](const std::string& c) { return "state '" + state + "' names unknown clock '" + c + "'"; });
  }

  void LoadStates(const YAML::Node& states) {
    if (!states.IsMap() || states.size() == 0) {
      Report(states.Mark(), "states must map state names to their properties");
      return;
    }
    for (auto it = states.begin(); it != states.end(); ++it) {
      StateDef s;
      s.name = it->first.Scalar();
      state_marks_[s.name] = it->first.Mark();
      const YAML::Node body = it->second;
      if (body.IsMap()) {
        CheckKeys(body,
                  {"initial", "final", "starts", "stops", "pauses", "label", "public_label", "public_label_en", "outcome"},
                  "state '" + s.name + "'");
        if (body["initial"]) s.initial = Bool(body["initial"], "initial");
        if (body["final"]) s.final = Bool(body["final"], "final");
        if (body["label"]) s.label = String(body["label"], "label");
        if (body["public_label"]) s.public_label = String(body["public_label"], "public_label");
        if (body["public_label_en"]) s.public_label_en = String(body["public_label_en"], "public_label_en");
        if (const YAML::Node o = body["outcome"]) {
          outcome_given_.insert(s.name);
          const std::string word = String(o, "outcome");
          s.outcome = ParseCaseOutcome(word);
          if (!s.outcome && !word.empty()) {
            Report(o.Mark(), "unknown outcome '" + word + "'; outcomes are " + OneOf(CaseOutcomeNames()));
          }
          if (!s.final) Report(o.Mark(), "state '" + s.name + "' declares an outcome but is not final");
        }
        for (auto [key, list] : {std::pair{"starts", &s.starts}, {"stops", &s.stops}, {"pauses", &s.pauses}}) {
          if (body[key]) {
            *list = Strings(body[key], key);
            CheckClockRefs(body[key], *list, s.name);
          }
        }
        if (s.initial && s.final) Report(it->first.Mark(), "state '" + s.name + "' cannot be both initial and final");
      } else if (!body.IsNull()) {
        Report(body.Mark(), "state '" + s.name + "' must be a mapping, e.g. { final: true }");
      }
      if (wf_.FindState(s.name)) Report(it->first.Mark(), "state '" + s.name + "' is defined twice");
      wf_.states.push_back(std::move(s));
    }
    std::vector<const StateDef*> initial;
    for (const auto& s : wf_.states) {
      if (s.initial) initial.push_back(&s);
    }
    if (initial.empty()) Report(states.Mark(), "no initial state; mark exactly one state with 'initial: true'");
    for (std::size_t i = 1; i < initial.size(); ++i) {
      Report(state_marks_[initial[i]->name], "state '" + initial[i]->name + "' is a second initial state ('" +
                                                 initial[0]->name + "' is already initial)");
    }
  }

  void LoadTransitions(const YAML::Node& transitions) {
    if (!check_.List(transitions, "transitions", "{ on, from, to }")) return;
    std::map<std::pair<std::string, std::string>, YAML::Mark> seen;
    for (const auto& t : transitions) {
      if (!t.IsMap()) {
        Report(t.Mark(), "a transition must be a mapping { on, from, to }");
        continue;
      }
      CheckKeys(t,
                {"on", "from", "to", "roles", "require", "notify", "lengthen", "label", "public_label",
                 "public_label_en", "counts_as", "public_data", "approve"},
                "transition");
      TransitionDef d;
      d.on = RequiredString(t, "on");
      LoadEventWords(t, d.on);
      if (auto from = Required(t, "from")) {
        d.from = Strings(from, "from");
        for (std::size_t i = 0; i < d.from.size(); ++i) {
          const YAML::Mark mark = YamlChecker::ItemMark(from, i);
          const StateDef* s = wf_.FindState(d.from[i]);
          if (!s) {
            Report(mark, "transition '" + d.on + "' starts from unknown state '" + d.from[i] + "'");
          } else if (s->final) {
            Report(mark, "transition '" + d.on + "' leaves final state '" + d.from[i] + "'; final states allow nothing");
          }
          auto [it, inserted] = seen.emplace(std::pair{d.on, d.from[i]}, mark);
          if (!inserted) {
            Report(mark, "event '" + d.on + "' from state '" + d.from[i] + "' is defined twice (first at line " +
                             std::to_string(it->second.line + 1) + ")");
          }
        }
      }
      if (auto to = Required(t, "to")) {
        d.to = String(to, "to");
        if (!d.to.empty() && !wf_.FindState(d.to)) {
          Report(to.Mark(), "transition '" + d.on + "' goes to unknown state '" + d.to + "'");
        }
      }
      if (!t["roles"] && rules_ == WorkflowRules::kDeploy) {
        Report(t.Mark(), "transition '" + d.on + "' must name the roles that may take it (roles: [...])");
      }
      if (t["roles"]) {
        d.roles = Strings(t["roles"], "roles");
        check_.CheckEach(
            t["roles"], d.roles, [](const std::string& r) { return IsKnown(KnownRoles(), r); }, UnknownRole);
      }
      if (t["require"]) d.require = Strings(t["require"], "require");
      if (t["notify"]) d.notify = NotifyTargets(t["notify"]);
      if (const YAML::Node l = t["lengthen"]) {
        if (!l.IsMap()) {
          Report(l.Mark(), "lengthen must map clock names to durations, e.g. { response: 4 workdays }");
        } else {
          for (auto it = l.begin(); it != l.end(); ++it) {
            const std::string clock = it->first.Scalar();
            if (!wf_.FindClock(clock)) Report(it->first.Mark(), "lengthen names unknown clock '" + clock + "'");
            d.lengthen.emplace_back(clock, ParseDurationAt(it->second, "lengthen." + clock));
          }
        }
      }
      if (const YAML::Node a = t["approve"]) {
        if (!a.IsMap()) {
          Report(a.Mark(), "approve must be a mapping { role: ROLE }, e.g. approve: { role: director }");
        } else {
          CheckKeys(a, {"role"}, "approve of transition '" + d.on + "'");
          if (const YAML::Node r = Required(a, "role")) {
            d.approve_role = String(r, "role");
            if (!IsKnown(KnownRoles(), d.approve_role)) Report(r.Mark(), UnknownRole(d.approve_role));
          }
        }
      }
      wf_.transitions.push_back(std::move(d));
      transition_marks_.push_back(t.Mark());
    }
  }

  // The event's words: every transition on one event may repeat them, and must agree.
  void LoadEventWords(const YAML::Node& t, const std::string& on) {
    if (on.empty()) return;
    auto it = std::find_if(wf_.events.begin(), wf_.events.end(), [&](const EventDef& e) { return e.name == on; });
    if (it == wf_.events.end()) {
      wf_.events.push_back(EventDef{on, "", "", std::nullopt, {}});
      it = std::prev(wf_.events.end());
    }
    EventDef& e = *it;
    const auto agree = [&](const char* key, std::string& have, const std::string& value) {
      if (!have.empty() && have != value) {
        Report(t[key].Mark(), "event '" + on + "' has " + key + " '" + have +
                                  "' on another transition; every transition on one event says the same");
        return;
      }
      have = value;
    };
    if (t["label"]) agree("label", e.label, String(t["label"], "label"));
    if (t["public_label"]) agree("public_label", e.public_label, String(t["public_label"], "public_label"));
    if (t["public_label_en"]) {
      agree("public_label_en", e.public_label_en, String(t["public_label_en"], "public_label_en"));
    }
    if (const YAML::Node c = t["counts_as"]) {
      const std::string word = String(c, "counts_as");
      const auto meaning = ParseEventMeaning(word);
      if (!meaning && !word.empty()) {
        Report(c.Mark(), "unknown counts_as '" + word + "'; an event counts as " + OneOf(EventMeaningNames()));
      } else if (meaning == EventMeaning::kExtensionGranted) {
        // Extensions are the engine's own events (approve_extension), granted per clock.
        Report(c.Mark(), "a transition cannot count as extension_granted; approving an extension does");
      } else if (e.counts_as && e.counts_as != meaning) {
        Report(c.Mark(), "event '" + on + "' counts as '" + std::string(Name(*e.counts_as)) +
                             "' on another transition; every transition on one event says the same");
      } else {
        e.counts_as = meaning;
      }
    }
    if (t["public_data"]) {
      auto keys = Strings(t["public_data"], "public_data");
      if (!e.public_data.empty() && e.public_data != keys) {
        Report(t["public_data"].Mark(),
               "event '" + on + "' shows other public_data on another transition; every transition on one event "
               "says the same");
      }
      e.public_data = std::move(keys);
    }
  }

  void LoadFields(const YAML::Node& fields) {
    if (!fields.IsMap()) {
      Report(fields.Mark(), "fields must map data keys to { label, multiline }, e.g. reply: { label: 答覆內容 }");
      return;
    }
    for (auto it = fields.begin(); it != fields.end(); ++it) {
      FieldDef f;
      f.name = it->first.Scalar();
      if (!it->second.IsMap()) {
        Report(it->second.Mark(), "field '" + f.name + "' must be a mapping { label, multiline }");
        continue;
      }
      CheckKeys(it->second, {"label", "multiline"}, "field '" + f.name + "'");
      f.label = RequiredString(it->second, "label");
      if (it->second["multiline"]) f.multiline = Bool(it->second["multiline"], "multiline");
      wf_.fields.push_back(std::move(f));
    }
  }

  // What code must know is declared (DESIGN.md "Workflows"): a new deployment's final
  // states say what the case came to, and the step into a merge names the surviving case.
  void CheckMeanings() {
    for (const auto& s : wf_.states) {
      if (!s.final || outcome_given_.count(s.name) || rules_ != WorkflowRules::kDeploy) continue;
      Report(state_marks_.count(s.name) ? state_marks_[s.name] : YAML::Mark(),
             "final state '" + s.name + "' must declare its outcome (" + OneOf(CaseOutcomeNames()) + ")");
    }
    for (const auto& t : wf_.transitions) {
      const StateDef* to = wf_.FindState(t.to);
      if (to && to->outcome == CaseOutcome::kMerged && !IsKnown(t.require, "into")) {
        Report(transition_marks_[&t - wf_.transitions.data()],
               "transition '" + t.on + "' ends in a merged outcome, so it must require 'into' (the surviving case)");
      }
    }
  }

  void LoadEscalations(const YAML::Node& escalations) {
    if (!check_.List(escalations, "escalations", "{ clock, at, notify }")) return;
    for (const auto& e : escalations) {
      if (!e.IsMap()) {
        Report(e.Mark(), "an escalation must be a mapping { clock, at, notify }");
        continue;
      }
      CheckKeys(e, {"clock", "at", "notify", "mark", "raise", "every"}, "escalation");
      EscalationDef d;
      d.clock = RequiredString(e, "clock");
      if (!d.clock.empty() && !wf_.FindClock(d.clock)) {
        Report(e["clock"].Mark(), "escalation names unknown clock '" + d.clock + "'");
      }
      if (auto at = Required(e, "at")) {
        d.at_text = String(at, "at");
        auto p = ParseEscalationPoint(d.at_text);
        if (!p) {
          Report(at.Mark(), p.error().message);
        } else {
          d.at = p.value();
        }
      }
      if (e["notify"]) d.notify = NotifyTargets(e["notify"]);
      if (e["mark"]) {
        d.mark = String(e["mark"], "mark");
        if (*d.mark != "overdue") Report(e["mark"].Mark(), "mark can only be 'overdue'");
      }
      if (e["raise"]) {
        d.raise = String(e["raise"], "raise");
        if (*d.raise != "priority") Report(e["raise"].Mark(), "raise can only be 'priority'");
      }
      if (e["every"]) {
        d.every = ParseDurationAt(e["every"], "every");
        if (d.every->amount == 0) Report(e["every"].Mark(), "every must be longer than zero");
      }
      if (d.notify.empty() && !d.mark && !d.raise) {
        Report(e.Mark(), "an escalation must notify someone, mark the case or raise its priority");
      }
      wf_.escalations.push_back(std::move(d));
    }
  }

  // Reachability from the initial state, and a way out of every non-final state.
  void CheckGraph(const YAML::Node& root) {
    const StateDef* initial = nullptr;
    for (const auto& s : wf_.states) {
      if (s.initial) {
        initial = &s;
        break;
      }
    }
    if (!initial) return;  // already reported
    std::set<std::string> reached{initial->name};
    std::deque<std::string> queue{initial->name};
    while (!queue.empty()) {
      const std::string at = queue.front();
      queue.pop_front();
      for (const auto& t : wf_.transitions) {
        if (std::find(t.from.begin(), t.from.end(), at) != t.from.end() && wf_.FindState(t.to) &&
            reached.insert(t.to).second) {
          queue.push_back(t.to);
        }
      }
    }
    for (const auto& s : wf_.states) {
      const YAML::Mark mark = state_marks_.count(s.name) ? state_marks_[s.name] : root.Mark();
      if (!reached.count(s.name)) {
        Report(mark, "state '" + s.name + "' cannot be reached from initial state '" + initial->name + "'");
      }
      if (!s.final) {
        bool has_exit = false;
        for (const auto& t : wf_.transitions) {
          if (std::find(t.from.begin(), t.from.end(), s.name) != t.from.end()) has_exit = true;
        }
        if (!has_exit) {
          Report(mark, "state '" + s.name + "' is a dead end: it has no transitions out and is not final");
        }
      }
    }
    for (const auto& c : wf_.clocks) {
      bool started = false;
      for (const auto& s : wf_.states) {
        if (std::find(s.starts.begin(), s.starts.end(), c.name) != s.starts.end()) started = true;
      }
      if (!started) Report(clock_marks_[c.name], "clock '" + c.name + "' is never started by any state");
    }
  }

  YamlChecker check_;
  WorkflowRules rules_;
  Workflow wf_;
  std::map<std::string, YAML::Mark> state_marks_;
  std::map<std::string, YAML::Mark> clock_marks_;
  std::vector<YAML::Mark> transition_marks_;  // one per loaded transition
  std::set<std::string> outcome_given_;       // states with an `outcome:` key, known or not
};

}  // namespace

Result<Workflow> LoadWorkflow(std::string_view yaml_text, std::string_view file_name, WorkflowRules rules) {
  return Loader(file_name, rules).Load(yaml_text);
}

}  // namespace petitiond
