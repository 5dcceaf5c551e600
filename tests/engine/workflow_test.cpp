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
  EXPECT_EQ(wf->version, 3);
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
      "  orphan: { final: true }\n"                                     // 9 unreachable
      "  closed: { final: true }\n"                                     // 10
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
      "workflow: w\nversion: 1\nstates:\n  a: { initial: true }\n  b: { final: true }\n"
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
      "workflow: w\nversion: 1\nstates:\n  a: {}\n  b: { final: true }\ntransitions:\n"
      "  - { on: go, from: a, to: b }\n",
      "w.yaml");
  ASSERT_FALSE(wf.ok());
  EXPECT_NE(Joined(wf.error()).find("w.yaml:4:3: no initial state"), std::string::npos) << Joined(wf.error());
}

TEST(WorkflowTest, RejectsTwoInitialStates) {
  auto wf = LoadWorkflow(
      "workflow: w\nversion: 1\nstates:\n  a: { initial: true }\n  b: { initial: true }\n  c: { final: true }\n"
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
      "workflow: w\nversion: 1\nstates:\n  a: { initial: true }\n  b: { final: true }\n"
      "transitions:\n  - { on: go, from: a, to: b }\n  - { on: back, from: b, to: a }\n",
      "w.yaml");
  ASSERT_FALSE(wf.ok());
  EXPECT_NE(Joined(wf.error()).find("w.yaml:8:23: transition 'back' leaves final state 'b'"), std::string::npos)
      << Joined(wf.error());
}

TEST(WorkflowTest, RejectsUnknownRolesAndVersionZero) {
  auto wf = LoadWorkflow(
      "workflow: w\nversion: 0\nstates:\n  a: { initial: true }\n  b: { final: true }\n"
      "transitions:\n  - { on: go, from: a, to: b, roles: [janitor] }\n",
      "w.yaml");
  ASSERT_FALSE(wf.ok());
  const std::string all = Joined(wf.error());
  EXPECT_NE(all.find("w.yaml:2:10: version must be a whole number of at least 1"), std::string::npos) << all;
  EXPECT_NE(all.find("w.yaml:7:39: unknown role 'janitor'"), std::string::npos) << all;
}

}  // namespace
}  // namespace petitiond
