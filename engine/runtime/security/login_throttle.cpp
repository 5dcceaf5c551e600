#include "engine/runtime/security/login_throttle.hpp"

#include <algorithm>
#include <cctype>

namespace petitiond::runtime {
namespace {

std::string Key(const std::string& login) {
  std::string k = login;
  for (auto& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return k;
}

}  // namespace

std::optional<std::chrono::seconds> LoginThrottle::Wait(const std::string& login, const std::string& address) {
  auto a = by_login_.Wait(Key(login));
  auto b = address.empty() ? std::nullopt : by_address_.Wait(address);
  if (a && b) return std::max(*a, *b);
  return a ? a : b;
}

void LoginThrottle::Failed(const std::string& login, const std::string& address) {
  by_login_.Hit(Key(login));
  if (!address.empty()) by_address_.Hit(address);
}

void LoginThrottle::Succeeded(const std::string& login) { by_login_.Clear(Key(login)); }

}  // namespace petitiond::runtime
