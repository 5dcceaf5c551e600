// The DGPA government office calendar CSV (UTF-8 or Big5).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/calendar.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  petitiond::BusinessCalendar calendar;
  (void)calendar.LoadDgpaCsv(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.csv");
  return 0;
}
