#include "tests/common/mail_sink.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace petitiond::testing_support {

std::string MailContaining(const std::string& maildir, const std::string& needle) {
  for (const auto& f : std::filesystem::directory_iterator(maildir + "/new")) {
    std::ifstream in(f.path());
    std::stringstream s;
    s << in.rdbuf();
    if (s.str().find(needle) != std::string::npos) return s.str();
  }
  return "";
}

}  // namespace petitiond::testing_support
