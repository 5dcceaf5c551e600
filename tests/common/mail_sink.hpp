#pragma once

#include <string>

namespace petitiond::testing_support {

// The mail sink scripts/test starts (aiosmtpd writing a Maildir): the first message
// under MAILDIR/new that contains `needle` (a Message-ID, an address), as the sink
// stored it; empty if none does.
std::string MailContaining(const std::string& maildir, const std::string& needle);

}  // namespace petitiond::testing_support
