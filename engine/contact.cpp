#include "engine/contact.hpp"

#include <cstring>

namespace petitiond {
namespace {

bool Atext(unsigned char c) {
  if (c >= 0x80) return true;  // UTF-8 (RFC 6531)
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return c != 0 && std::strchr("!#$%&'*+-/=?^_`{|}~", c) != nullptr;
}

bool LabelChar(unsigned char c) {
  return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

}  // namespace

std::optional<std::string> EmailProblem(std::string_view a) {
  for (unsigned char c : a) {
    if (c < 0x20 || c == 0x7f) return "an e-mail address cannot hold control characters or line breaks";
  }
  if (a.size() > 254) return "an e-mail address is at most 254 characters";
  const auto at = a.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == a.size()) return "an e-mail address is name@domain";
  const std::string_view local = a.substr(0, at), domain = a.substr(at + 1);
  if (local.size() > 64) return "the part before @ is at most 64 characters";
  bool dot_ok = false;  // a dot may not start, end or repeat
  for (unsigned char c : local) {
    if (c == '.') {
      if (!dot_ok) return "the part before @ has a misplaced dot";
      dot_ok = false;
    } else if (Atext(c)) {
      dot_ok = true;
    } else {
      return "the part before @ holds a character addresses cannot (space, quote, comma, <, >, @ ...)";
    }
  }
  if (!dot_ok) return "the part before @ has a misplaced dot";
  std::size_t labels = 0;
  for (std::size_t start = 0; start <= domain.size();) {
    const auto dot = domain.find('.', start);
    const std::string_view label = domain.substr(start, dot == std::string_view::npos ? domain.npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return "the domain after @ is not a domain name";
    }
    for (unsigned char c : label) {
      if (!LabelChar(c)) return "the domain after @ is not a domain name";
    }
    ++labels;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (labels < 2) return "the domain after @ needs a dot, e.g. example.tw";
  return std::nullopt;
}

std::optional<std::string> PhoneProblem(std::string_view p) {
  int digits = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c == '+' && i == 0) {
    } else if (c != ' ' && c != '-' && c != '(' && c != ')' && c != '#') {
      return "a phone number holds digits, +, spaces, hyphens, parentheses and # only";
    }
  }
  if (digits < 6 || digits > 20) return "a phone number has 6 to 20 digits";
  return std::nullopt;
}

std::string NormalPhone(std::string_view phone) {
  std::string out;
  for (const char c : phone) {
    if (c != ' ' && c != '-' && c != '(' && c != ')') out += c;
  }
  if (out.rfind("+886", 0) == 0) out = "0" + out.substr(4);
  return out;
}

}  // namespace petitiond
