#pragma once

#include <string>
#include <string_view>

namespace petitiond {

// SHA-256 of `bytes` as lower-case hex (migration checksums, token and workflow hashes).
std::string Sha256Hex(std::string_view bytes);

// A 128-bit BLAKE2b digest of `bytes` as 32 hex characters: a content tag (HTTP ETags
// of list bodies), where speed matters and collisions need no attacker resistance
// beyond what 128 bits give. BLAKE2b runs several times faster than SHA-256 here.
std::string ContentTagHex(std::string_view bytes);

// The one webhook signature of the project, for the notices petitiond posts and for
// the 1999 platform's dispatches it receives: "sha256=" and the lower-case hex
// HMAC-SHA256 of "<timestamp>.<body>" under `secret`.
std::string WebhookSignature(std::string_view secret, std::string_view timestamp, std::string_view body);

}  // namespace petitiond
