#include "engine/workflow.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace petitiond {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Joined(const Error& e) {
  std::string out = e.message + "\n";
  for (const auto& d : e.details) out += d + "\n";
  return out;
}

TEST(WorkflowTest, LoadsTheShippedHotlineWorkflow) {
  auto wf = LoadWorkflow(ReadFile(std::string(PETITIOND_SOURCE_DIR) + "/workflows/hotline-1999.yaml"),
                         "hotline-1999.yaml");
  ASSERT_TRUE(wf.ok()) << Joined(wf.error());
  EXPECT_EQ(wf->name, "hotline-1999");
  EXPECT_EQ(wf->version, 5);
  EXPECT_EQ(wf->InitialState().name, "received");
  ASSERT_NE(wf->FindClock("response"), nullptr);
  EXPECT_EQ(wf->FindClock("response")->within, (Duration{Duration::Unit::kWorkdays, 6}));
  ASSERT_TRUE(wf->FindClock("response")->extend.has_value());
  EXPECT_EQ(wf->FindClock("response")->extend->needs_role, "supervisor");
  EXPECT_TRUE(wf->FindState("closed")->final);
  EXPECT_EQ(wf->escalations.size(), 4u);
}

// One broken file, every error at once, each with the line and column of the culprit.
TEST(WorkflowTest, ReportsEveryErrorWithLineAndColumn) {
  const std::string yaml =
      "workflow: broken\n"                                              // 1
      "version: 1\n"                                                    // 2
      "colour: blue\n"                                                  // 3 unknown key
      "clocks:\n"                                                       // 4
      "  response: { within: 6 weekdays }\n"                            // 5 malformed duration
      "states:\n"                                                       // 6
      "  received: { initial: true, starts: [respons] }\n"              // 7 unknown clock
      "  assigned: {}\n"                                                // 8 dead end, not final
      "  orphan: { final: true, outcome: answered }\n"                                     // 9 unreachable
      "  closed: { final: true, outcome: answered }\n"                                     // 10
      "transitions:\n"                                                  // 11
      "  - { on: assign, from: received, to: assigned }\n"              // 12
      "  - { on: assign, from: received, to: closed }\n"                // 13 same event twice
      "  - { on: close, from: nowhere, to: closed }\n"                  // 14 unknown state
      "escalations:\n"                                                  // 15
      "  - { clock: response, at: soon, notify: [assignee] }\n";        // 16 malformed point
  auto wf = LoadWorkflow(yaml, "broken.yaml");
  ASSERT_FALSE(wf.ok());
  const std::string all = Joined(wf.error());
  for (const char* expected : {
           "broken.yaml:3:1: unknown key 'colour'",
           "broken.yaml:5:23: '6 weekdays' is not a duration",
           "broken.yaml:7:39: state 'received' names unknown clock 'respons'",
           "broken.yaml:8:3: state 'assigned' is a dead end",
           "broken.yaml:9:3: state 'orphan' cannot be reached",
           "broken.yaml:13:25: event 'assign' from state 'received' is defined twice",
           "broken.yaml:14:24: transition 'close' starts from unknown state 'nowhere'",
           "broken.yaml:16:28: 'soon' is not an escalation point",
       }) {
    EXPECT_NE(all.find(expected), std::string::npos) << "missing: " << expected << "\ngot:\n" << all;
  }
}

TEST(WorkflowTest, EveryTransitionNamesItsRolesInANewDeployment) {
  const std::string yaml =
      "workflow: w\nversion: 1\nstates:\n  a: { initial: true }\n  b: { final: true, outcome: answered }\n"
      "transitions:\n  - { on: go, from: a, to: b }\n";
  auto fresh = LoadWorkflow(yaml, "w.yaml");
  ASSERT_FALSE(fresh.ok());
  EXPECT_NE(Joined(fresh.error()).find("w.yaml:7:5: transition 'go' must name the roles that may take it"),
            std::string::npos)
      << Joined(fresh.error());
  // A version stored before the rule keeps its meaning: any staff may take it.
  EXPECT_TRUE(LoadWorkflow(yaml, "w v1", WorkflowRules::kStored).ok());
}

TEST(WorkflowTest, RejectsAWorkflowWithoutAnInitialState) {
  auto wf = LoadWorkflow(
      "workflow: w\nversion: 1\nstates:\n  a: {}\n  b: { final: true, outcome: answered }\ntransitions:\n"
      "  - { on: go, from: a, to: b }\n",
      "w.yaml");
  ASSERT_FALSE(wf.ok());
  EXPECT_NE(Joined(wf.error()).find("w.yaml:4:3: no initial state"), std::string::npos) << Joined(wf.error());
}

TEST(WorkflowTest, RejectsTwoInitialStates) {
  auto wf = LoadWorkflow(
      "workflow: w\nversion: 1\nstates:\n  a: { initial: true }\n  b: { initial: true }\n  c: { final: true, outcome: answered }\n"
      "transitions:\n  - { on: go, from: [a, b], to: c }\n",
      "w.yaml");
  ASSERT_FALSE(wf.ok());
  EXPECT_NE(Joined(wf.error()).find("w.yaml:5:3: state 'b' is a second initial state"), std::string::npos)
      << Joined(wf.error());
}

TEST(WorkflowTest, ReportsYamlSyntaxErrorsWithPosition) {
  auto wf = LoadWorkflow("workflow: w\nstates: { a: [\n", "syntax.yaml");
  ASSERT_FALSE(wf.ok());
  ASSERT_EQ(wf.error().details.size(), 1u);
  EXPECT_EQ(wf.error().details[0].rfind("syntax.yaml:", 0), 0u) << wf.error().details[0];
  EXPECT_NE(wf.error().details[0].find("YAML syntax error"), std::string::npos);
}

TEST(WorkflowTest, RejectsTransitionsOutOfAFinalState) {
  auto wf = LoadWorkflow(
      "workflow: w\nversion: 1\nstates:\n  a: { initial: true }\n  b: { final: true, outcome: answered }\n"
      "transitions:\n  - { on: go, from: a, to: b }\n  - { on: back, from: b, to: a }\n",
      "w.yaml");
  ASSERT_FALSE(wf.ok());
  EXPECT_NE(Joined(wf.error()).find("w.yaml:8:23: transition 'back' leaves final state 'b'"), std::string::npos)
      << Joined(wf.error());
}

TEST(WorkflowTest, RejectsUnknownRolesAndVersionZero) {
  auto wf = LoadWorkflow(
      "workflow: w\nversion: 0\nstates:\n  a: { initial: true }\n  b: { final: true, outcome: answered }\n"
      "transitions:\n  - { on: go, from: a, to: b, roles: [janitor] }\n",
      "w.yaml");
  ASSERT_FALSE(wf.ok());
  const std::string all = Joined(wf.error());
  EXPECT_NE(all.find("w.yaml:2:10: version must be a whole number of at least 1"), std::string::npos) << all;
  EXPECT_NE(all.find("w.yaml:7:39: unknown role 'janitor'"), std::string::npos) << all;
}


// The words and meanings code reads are declared, and a new deployment declares what
// each final state means.
TEST(WorkflowTest, ReadsDeclaredLabelsOutcomesAndMeanings) {
  const std::string yaml =
      "workflow: w\nversion: 1\n"
      "clocks:\n  fix: { within: 2 workdays, label: 修復期限 }\n"
      "states:\n"
      "  new: { initial: true, starts: [fix], label: 新案, public_label: 已收件 }\n"
      "  hold: { pauses: [fix], label: 待說明 }\n"
      "  done: { final: true, outcome: answered, public_label: 已完成 }\n"
      "  gone: { final: true, outcome: merged }\n"
      "transitions:\n"
      "  - { on: ask, from: new, to: hold, roles: [handler], require: [q], label: 詢問, public_data: [q] }\n"
      "  - { on: fixed, from: [new], to: done, roles: [handler], label: 修好, counts_as: reply }\n"
      "  - { on: fixed, from: hold, to: done, roles: [handler], counts_as: reply }\n"
      "  - { on: fold, from: [new, hold], to: gone, roles: [supervisor], require: [into] }\n"
      "fields:\n  q: { label: 問題, multiline: true }\n";
  auto wf = LoadWorkflow(yaml, "w.yaml");
  ASSERT_TRUE(wf.ok()) << Joined(wf.error());
  EXPECT_EQ(wf->FindState("new")->label, "新案");
  EXPECT_EQ(wf->FindState("new")->public_label, "已收件");
  EXPECT_EQ(wf->FindState("done")->outcome, CaseOutcome::kAnswered);
  EXPECT_EQ(wf->FindClock("fix")->label, "修復期限");
  ASSERT_NE(wf->FindEvent("fixed"), nullptr);
  EXPECT_EQ(wf->FindEvent("fixed")->label, "修好");
  EXPECT_EQ(wf->FindEvent("fixed")->counts_as, EventMeaning::kReply);
  EXPECT_EQ(wf->FindEvent("ask")->public_data, std::vector<std::string>{"q"});
  EXPECT_EQ(wf->FindEvent("approve_extension")->counts_as, EventMeaning::kExtensionGranted);  // built in
  ASSERT_EQ(wf->fields.size(), 1u);
  EXPECT_TRUE(wf->fields[0].multiline);
  EXPECT_EQ(wf->OutcomeOfEntering("hold", "gone"), CaseOutcome::kMerged);
  EXPECT_EQ(wf->OutcomeOfEntering("new", "hold"), std::nullopt);
  ASSERT_NE(wf->TransitionTo("hold", CaseOutcome::kMerged), nullptr);
  EXPECT_EQ(wf->TransitionTo("hold", CaseOutcome::kMerged)->on, "fold");
  EXPECT_EQ(wf->TransitionTo("new", CaseOutcome::kRegisteredOnly), nullptr);
}

TEST(WorkflowTest, RejectsUndeclaredOrContradictoryMeanings) {
  const std::string yaml =
      "workflow: w\nversion: 1\n"                                                                       // 1-2
      "states:\n"                                                                                       // 3
      "  a: { initial: true, outcome: answered }\n"                                                     // 4
      "  b: { final: true }\n"                                                                          // 5
      "  c: { final: true, outcome: finished }\n"                                                       // 6
      "  d: { final: true, outcome: merged }\n"                                                         // 7
      "transitions:\n"                                                                                  // 8
      "  - { on: x, from: a, to: b, roles: [handler], label: 一, counts_as: reply }\n"                  // 9
      "  - { on: x, from: [a], to: c, roles: [handler], label: 二, counts_as: answer }\n"               // 10
      "  - { on: m, from: a, to: d, roles: [handler] }\n";                                              // 11
  auto wf = LoadWorkflow(yaml, "w.yaml");
  ASSERT_FALSE(wf.ok());
  const std::string all = Joined(wf.error());
  for (const char* expected : {
           "w.yaml:4:32: state 'a' declares an outcome but is not final",
           "w.yaml:5:3: final state 'b' must declare its outcome (answered, transferred, merged, registered_only or "
           "withdrawn)",
           "w.yaml:6:30: unknown outcome 'finished'",
           "w.yaml:10:57: event 'x' has label '一' on another transition",
           "w.yaml:10:73: unknown counts_as 'answer'; an event counts as reply or extension_granted",
           "w.yaml:11:5: transition 'm' ends in a merged outcome, so it must require 'into'",
       }) {
    EXPECT_NE(all.find(expected), std::string::npos) << "missing: " << expected << "\ngot:\n" << all;
  }
  EXPECT_EQ(all.find("final state 'c' must declare"), std::string::npos) << "one sentence for c's unknown outcome";
  // A version stored before outcomes were declared still loads.
  EXPECT_TRUE(LoadWorkflow("workflow: w\nversion: 1\nstates:\n  a: { initial: true }\n  b: { final: true }\n"
                           "transitions:\n  - { on: x, from: a, to: b }\n",
                           "w.yaml", WorkflowRules::kStored)
                  .ok());
}

// An old version takes what it does not declare from the latest one, state by state.
TEST(WorkflowTest, AStoredVersionInheritsTheLatestVersionsVocabulary) {
  auto old = LoadWorkflow(ReadFile(std::string(PETITIOND_SOURCE_DIR) + "/tests/engine/hotline-1999-v1.yaml"),
                          "hotline-1999.yaml", WorkflowRules::kStored);
  auto latest = LoadWorkflow(ReadFile(std::string(PETITIOND_SOURCE_DIR) + "/workflows/hotline-1999.yaml"),
                             "hotline-1999.yaml");
  ASSERT_TRUE(old.ok() && latest.ok());
  EXPECT_EQ(old->FindState("closed")->outcome, std::nullopt);
  InheritVocabulary(old.value(), latest.value());
  EXPECT_EQ(old->FindState("closed")->outcome, CaseOutcome::kAnswered);
  EXPECT_EQ(old->FindState("waiting")->public_label, "待陳情人補正資料");
  EXPECT_EQ(old->FindState("waiting")->public_label_en, "Waiting for information from you");
  EXPECT_EQ(old->FindEvent("ask")->public_label_en, "Information requested from you (all at once)");
  EXPECT_EQ(old->FindEvent("reply")->counts_as, EventMeaning::kReply);
  EXPECT_EQ(old->FindClock("response")->label, "答覆期限");
}

// Every shipped workflow declares what its final states mean and which event replies.
TEST(WorkflowTest, ShippedWorkflowsDeclareEveryMeaning) {
  for (const char* name : {"hotline-1999", "director-mailbox", "counter-petition", "news-media"}) {
    auto wf = LoadWorkflow(ReadFile(std::string(PETITIOND_SOURCE_DIR) + "/workflows/" + name + ".yaml"), name);
    ASSERT_TRUE(wf.ok()) << Joined(wf.error());
    int replies = 0;
    for (const auto& e : wf->events) replies += e.counts_as == EventMeaning::kReply ? 1 : 0;
    EXPECT_EQ(replies, 1) << name;
    for (const auto& s : wf->states) {
      EXPECT_FALSE(s.label.empty()) << name << " " << s.name;
      EXPECT_FALSE(s.public_label.empty()) << name << " " << s.name;
      EXPECT_FALSE(s.public_label_en.empty()) << name << " " << s.name << ": /track in English";
      EXPECT_EQ(s.final, s.outcome.has_value()) << name << " " << s.name;
    }
    for (const auto& e : wf->events) {
      EXPECT_FALSE(e.label.empty()) << name << " " << e.name;
      EXPECT_EQ(e.public_label.empty(), e.public_label_en.empty()) << name << " " << e.name << ": a public step in English";
    }
  }
}

// A template's English text sits beside its Chinese one; the built-in notices exist in
// both languages, so a workflow that writes only Chinese still mails English speakers
// in English.
TEST(WorkflowTest, TemplatesAndPublicLabelsComeInEnglishToo) {
  const std::string yaml =
      "workflow: w\nversion: 1\n"
      "states:\n"
      "  new: { initial: true, public_label: 已收件, public_label_en: Received }\n"
      "  done: { final: true, outcome: answered }\n"
      "transitions:\n"
      "  - { on: reply, from: new, to: done, roles: [handler], require: [reply], counts_as: reply,\n"
      "      public_label: 已答覆, public_label_en: Replied }\n"
      "templates:\n"
      "  reply:\n"
      "    subject: 答覆 {{public_no}}\n"
      "    body: 您好\n"
      "    en: { subject: 'Reply {{public_no}}', body: Dear petitioner }\n";
  auto wf = LoadWorkflow(yaml, "w.yaml");
  ASSERT_TRUE(wf.ok()) << Joined(wf.error());
  EXPECT_EQ(wf->FindState("new")->public_label_en, "Received");
  EXPECT_EQ(wf->FindEvent("reply")->public_label_en, "Replied");
  // The built-in public steps (receipt, an approved extension) are in English too.
  for (const char* builtin : {"created", "approve_extension"}) {
    EXPECT_FALSE(wf->FindEvent(builtin)->public_label.empty()) << builtin;
    EXPECT_FALSE(wf->FindEvent(builtin)->public_label_en.empty()) << builtin;
  }
  EXPECT_EQ(wf->TemplateFor("reply").subject, "答覆 {{public_no}}");
  EXPECT_EQ(wf->TemplateFor("reply", Language::kEn).subject, "Reply {{public_no}}");
  EXPECT_EQ(wf->TemplateFor("transfer", Language::kEn).subject, "[Transferred] {{public_no}} has been sent to {{agency}}");
  EXPECT_EQ(wf->TemplateFor("transfer").subject, "【移送通知】{{public_no}} 案件已移送 {{agency}}");
  for (const char* name : {"extension", "ask", "transfer", "reply", "merge", "register_only", "accepted", "confirm_email"}) {
    EXPECT_NE(DefaultTemplate(name, Language::kEn).subject, DefaultTemplate("generic", Language::kEn).subject) << name;
  }

  const std::string bad = "workflow: w\nversion: 1\nstates:\n  a: { initial: true }\n  b: { final: true, outcome: answered }\n"
                          "transitions:\n  - { on: go, from: a, to: b, roles: [handler] }\n"
                          "templates:\n  go: { subject: s, body: b, en: { subject: s, text: t } }\n";
  auto refused = LoadWorkflow(bad, "bad.yaml");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(Joined(refused.error()).find("bad.yaml:9:"), std::string::npos) << Joined(refused.error());
  EXPECT_NE(Joined(refused.error()).find("text"), std::string::npos) << Joined(refused.error());
}

}  // namespace
}  // namespace petitiond
