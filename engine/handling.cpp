#include "engine/handling.hpp"

#include <algorithm>
#include <optional>

namespace petitiond {

int HandlingWorkdays(const BusinessCalendar& calendar, const Workflow& wf, std::string_view office,
                     Timestamp received_at, const std::vector<StateEntry>& entries, Timestamp replied_at) {
  const auto pauses = [&wf](const std::string& state) {
    const StateDef* s = wf.FindState(state);
    return s != nullptr && !s->pauses.empty();
  };
  int paused = 0;
  std::optional<Timestamp> since;
  for (const auto& e : entries) {
    if (e.at > replied_at) break;
    if (pauses(e.state)) {
      if (!since) since = e.at;
    } else if (since) {
      paused += calendar.WorkdaysBetween(TaipeiDate(*since), TaipeiDate(e.at), office);
      since.reset();
    }
  }
  if (since) paused += calendar.WorkdaysBetween(TaipeiDate(*since), TaipeiDate(replied_at), office);
  const int total = calendar.WorkdaysBetween(TaipeiDate(received_at), TaipeiDate(replied_at), office);
  return std::max(0, total - paused);
}

}  // namespace petitiond
