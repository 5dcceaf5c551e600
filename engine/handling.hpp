#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/calendar.hpp"
#include "engine/time.hpp"
#include "engine/workflow.hpp"

namespace petitiond {

// A state the case entered, and when.
struct StateEntry {
  std::string state;
  Timestamp at{};
};

// Handling time of a reply (docs/stats.md): working days of `office` from the day of
// receipt to the day of the reply, counted as deadlines are (the receipt day itself
// does not count), less the working days the case spent in states that pause a clock
// (waiting for the petitioner). `entries` are the states entered before the reply, in
// order. Never negative.
int HandlingWorkdays(const BusinessCalendar& calendar, const Workflow& wf, std::string_view office,
                     Timestamp received_at, const std::vector<StateEntry>& entries, Timestamp replied_at);

}  // namespace petitiond
