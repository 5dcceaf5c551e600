#include "engine/runtime/services/metrics.hpp"

namespace petitiond::runtime {

Metrics& GlobalMetrics() {
  static Metrics metrics;
  return metrics;
}

std::string Metrics::PrometheusText() const {
  std::string out;
  auto counter = [&](const char* name, const char* help, std::uint64_t value) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " counter\n" + name + " " +
           std::to_string(value) + "\n";
  };
  counter("petitiond_timers_fired_total", "Escalation timers fired by this process.", timers_fired.load());
  counter("petitiond_outbox_sent_total", "Notifications delivered by this process.", outbox_sent.load());
  counter("petitiond_outbox_retried_total", "Failed delivery attempts scheduled for retry.", outbox_retried.load());
  counter("petitiond_outbox_dead_total", "Notifications dead-lettered after the last attempt.", outbox_dead.load());
  counter("petitiond_calendar_incomplete_deadlines_total",
          "Deadlines counted through days no calendar file covers (Monday-Friday assumed).",
          calendar_incomplete_deadlines.load());
  return out;
}

}  // namespace petitiond::runtime
