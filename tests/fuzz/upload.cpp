// An upload: a multipart/form-data body (GMime), its files sniffed and checked.
#include <cstddef>
#include <cstdint>
#include <string>

#include "connectors/mailbox/mailbox.hpp"
#include "engine/attachment.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  (void)petitiond::SniffFile(body);
  auto form = petitiond::connectors::mailbox::ParseFormData(body, "multipart/form-data; boundary=XyZ");
  if (form.ok()) {
    petitiond::AttachmentPolicy policy;
    policy.max_bytes = 4096;
    (void)petitiond::CheckFiles(form->files, policy);
  }
  return 0;
}
