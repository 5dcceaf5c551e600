// The JSON bodies the public reaches without a session: the 1999 platform's webhook and
// the mailbox form (JSON and form-encoded).
#include <cstddef>
#include <cstdint>
#include <string>

#include "connectors/hotline/hotline.hpp"
#include "connectors/mailbox/mailbox.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  auto hook = petitiond::connectors::hotline::ParseWebhook(body);
  if (hook.ok()) (void)petitiond::RegisteredOnlyReason(*hook);
  (void)petitiond::connectors::mailbox::ParseForm(body, "application/json");
  (void)petitiond::connectors::mailbox::ParseForm(body, "application/x-www-form-urlencoded");
  return 0;
}
