// A Maildir message to an intake (GMime, charsets, HTML to text, attachments).
#include <cstddef>
#include <cstdint>
#include <string>

#include "connectors/mailbox/mailbox.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  petitiond::connectors::mailbox::ParseLimits limits;
  limits.max_attachment = 4096;
  auto in = petitiond::connectors::mailbox::ParseMessage(std::string(reinterpret_cast<const char*>(data), size),
                                                         "fuzz", limits);
  if (in.ok()) (void)petitiond::RegisteredOnlyReason(*in);
  return 0;
}
