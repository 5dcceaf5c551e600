#include "engine/runtime/services/calendar_holder.hpp"


#include "engine/embedded.hpp"
#include "engine/store/calendar_store.hpp"
#include "engine/store/database.hpp"

namespace petitiond::runtime {

void CalendarHolder::Reload(store::Database& db) {
  BusinessCalendar loaded;
  db.Run([&](store::Tx& tx) { loaded = store::LoadCalendar(tx); });
  Set(std::move(loaded));
}

int ImportCalendar(store::Database& db, std::string_view bytes, const std::string& source) {
  BusinessCalendar parsed;
  const int count = parsed.LoadDgpaCsv(bytes, source).ValueOrThrow();
  db.Transact([&](store::Tx& tx) {
    store::UpsertCalendarDays(tx, parsed, source);
    store::NotifyCalendarChanged(tx);
  });
  return count;
}

int ImportShippedCalendars(store::Database& db) {
  int total = 0;
  for (const auto& file : EmbeddedCalendars()) total += ImportCalendar(db, file.bytes, std::string(file.name));
  return total;
}

}  // namespace petitiond::runtime
