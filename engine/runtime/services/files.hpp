#pragma once

#include <string>

namespace petitiond::runtime {

// The whole file (workflows, routing.yaml, config, calendars, CSV imports); kInvalid
// naming the path if it cannot be read.
std::string ReadFileText(const std::string& path);

}  // namespace petitiond::runtime
