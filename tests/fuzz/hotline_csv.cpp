// The 1999 open-data CSV (RFC 4180 quoting, BOM, Chinese or English header).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "connectors/hotline/hotline.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)petitiond::connectors::hotline::ReadCsv(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.csv");
  return 0;
}
