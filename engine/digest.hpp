#pragma once

#include <string>
#include <string_view>

namespace petitiond {

// SHA-256 of `bytes` as lower-case hex (migration checksums, token and workflow hashes).
std::string Sha256Hex(std::string_view bytes);

// The one webhook signature of the project, for the notices petitiond posts and for
// the 1999 platform's dispatches it receives: "sha256=" and the lower-case hex
// HMAC-SHA256 of "<timestamp>.<body>" under `secret`.
std::string WebhookSignature(std::string_view secret, std::string_view timestamp, std::string_view body);

}  // namespace petitiond
