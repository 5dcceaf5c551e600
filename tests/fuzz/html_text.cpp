// HTML to text (gumbo, with the nesting guard).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "connectors/html.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)petitiond::connectors::HtmlToText(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
