// Workflow YAML: any bytes give a workflow or a list of FILE:LINE:COL errors, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/workflow.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)petitiond::LoadWorkflow(text, "fuzz.yaml", petitiond::WorkflowRules::kDeploy);
  (void)petitiond::LoadWorkflow(text, "fuzz.yaml", petitiond::WorkflowRules::kStored);
  return 0;
}
