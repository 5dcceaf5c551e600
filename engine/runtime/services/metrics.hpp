#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace petitiond::runtime {

// Process-wide counters, exposed at /metrics in Prometheus text format.
struct Metrics {
  std::atomic<std::uint64_t> timers_fired{0};
  std::atomic<std::uint64_t> outbox_sent{0};
  std::atomic<std::uint64_t> outbox_retried{0};
  std::atomic<std::uint64_t> outbox_dead{0};
  std::atomic<std::uint64_t> calendar_incomplete_deadlines{0};  // deadlines counted past the calendar data

  std::string PrometheusText() const;
};

Metrics& GlobalMetrics();

}  // namespace petitiond::runtime
