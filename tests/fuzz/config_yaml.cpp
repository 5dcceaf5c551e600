// The server's config YAML.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "app/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)petitiond::app::LoadConfig(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.yaml");
  return 0;
}
