#include "engine/runtime/services/files.hpp"

#include <fstream>
#include <sstream>

#include "engine/error.hpp"

namespace petitiond::runtime {

std::string ReadFileText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DomainError(ErrorKind::kInvalid, path + ": cannot be read");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace petitiond::runtime
