#pragma once

#include <cstdint>

namespace petitiond {

// Injected wherever chance matters (retry jitter), so the rules that use it are unit
// tests with a fixed sequence. Implementations must be thread-safe.
class Random {
 public:
  virtual ~Random() = default;
  // Uniform in [0, upper). REQUIRES: upper > 0.
  virtual std::uint32_t Uniform(std::uint32_t upper) = 0;
};

}  // namespace petitiond
