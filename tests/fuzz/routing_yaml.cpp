// workflows/routing.yaml.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/routing.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto routing = petitiond::LoadRouting(text, "routing.yaml", {"hotline-1999", "news-media"});
  if (routing.ok()) {
    petitiond::Intake in;
    in.channel = "hotline";
    in.subject = "蘭嶼門牌";
    in.body = std::string(text.substr(0, 64));
    (void)routing->Find(in);
  }
  return 0;
}
