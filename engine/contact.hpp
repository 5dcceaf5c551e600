#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace petitiond {

// Contact details that reach mail headers, SMTP envelopes and SMS gateways. Checked
// where they enter (the public form, staff intake, the 1999 webhook and CSV), so no
// control character or header-breaking text is ever stored as an address.

// nullopt for a usable address, else the reason. An address is local@domain, at most
// 254 bytes (RFC 5321), local part at most 64; the local part is dot-atoms of RFC
// 5322 atext, the domain dot-separated labels of letters, digits and hyphens (or UTF-8
// for internationalised names) with at least one dot. No space, quote, angle bracket,
// comma or control character anywhere.
std::optional<std::string> EmailProblem(std::string_view address);

// nullopt for a usable phone number, else the reason: digits with optional leading
// '+', spaces, hyphens, parentheses and a '#' extension; 6 to 20 digits.
std::optional<std::string> PhoneProblem(std::string_view phone);

// A phone number in the one form it is stored and compared in: spaces, hyphens and
// parentheses dropped, a leading +886 written as 0 (0912-345-678, 0912345678 and
// +886 912 345 678 are one number). The same rule as migrations/0018's
// petitiond_phone_norm, which normalised the numbers stored before.
std::string NormalPhone(std::string_view phone);

}  // namespace petitiond
