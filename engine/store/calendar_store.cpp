#include "engine/store/calendar_store.hpp"
#include "engine/store/session.hpp"

#include <soci/soci.h>

#include <cstdio>

#include "engine/store/database.hpp"
#include "engine/store/pg_array.hpp"

namespace petitiond::store {
namespace {

constexpr const char* kUpsertDays =
    "INSERT INTO calendar_days (day, workday, note, source) "
    "SELECT d, w, n, :source FROM unnest(CAST(:days AS date[]), CAST(:work AS boolean[]), CAST(:notes AS text[])) "
    "AS t(d, w, n) "
    "ON CONFLICT (day) DO UPDATE SET workday = EXCLUDED.workday, note = EXCLUDED.note, source = EXCLUDED.source, "
    "loaded_at = now()";
constexpr const char* kDays = "SELECT to_char(day, 'YYYYMMDD'), workday::int, note FROM calendar_days";
constexpr const char* kClosures = "SELECT office, to_char(day, 'YYYYMMDD'), reason FROM office_closures";
constexpr const char* kInsertClosure =
    "INSERT INTO office_closures (office, day, reason, created_by) VALUES (:office, CAST(:day AS date), :reason, :by) "
    "ON CONFLICT DO NOTHING";
constexpr const char* kSpanning =
    "SELECT DISTINCT c.id FROM cases c JOIN clocks k ON k.case_id = c.id "
    "WHERE c.office = :office AND k.stopped_at IS NULL "
    "AND ((k.started_at AT TIME ZONE 'Asia/Taipei')::date < CAST(:d1 AS date) "
    "     OR (k.due_at AT TIME ZONE 'Asia/Taipei')::date = CAST(:d3 AS date)) "
    "AND (k.due_at AT TIME ZONE 'Asia/Taipei')::date >= CAST(:d2 AS date) ORDER BY c.id";

std::chrono::sys_days ParseYmd(const std::string& ymd) {
  const int v = std::stoi(ymd);
  return std::chrono::sys_days(std::chrono::year(v / 10000) / std::chrono::month(static_cast<unsigned>(v / 100 % 100)) /
                               std::chrono::day(static_cast<unsigned>(v % 100)));
}

}  // namespace

std::string IsoDate(std::chrono::sys_days day) {
  const std::chrono::year_month_day ymd(day);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

int UpsertCalendarDays(Tx& tx, const BusinessCalendar& calendar, const std::string& source) {
  soci::session& sql = Sql(tx);
  PgArray days, work, notes;
  for (const auto& [d, day] : calendar.AllDays()) {
    days.Add(IsoDate(d));
    work.Add(day.workday);
    notes.Add(day.note);
  }
  const std::string days_arr = days.str(), work_arr = work.str(), notes_arr = notes.str();
  sql << kUpsertDays, soci::use(source, "source"), soci::use(days_arr, "days"), soci::use(work_arr, "work"),
      soci::use(notes_arr, "notes");
  return static_cast<int>(calendar.AllDays().size());
}

BusinessCalendar LoadCalendar(Tx& tx) {
  soci::session& sql = Sql(tx);
  BusinessCalendar calendar;
  soci::rowset<soci::row> days = (sql.prepare << kDays);
  for (const auto& r : days) {
    calendar.SetDay(ParseYmd(r.get<std::string>(0)), BusinessCalendar::Day{r.get<int>(1) != 0, r.get<std::string>(2)});
  }
  soci::rowset<soci::row> closures = (sql.prepare << kClosures);
  for (const auto& r : closures) {
    calendar.AddClosure(r.get<std::string>(0), ParseYmd(r.get<std::string>(1)), r.get<std::string>(2));
  }
  return calendar;
}

std::vector<ClosureRow> ListClosures(Tx& tx, const std::string& office, std::chrono::sys_days from) {
  const std::string d = IsoDate(from);
  soci::rowset<soci::row> rows =
      (Sql(tx).prepare << "SELECT office, to_char(day, 'YYYYMMDD'), reason, created_by, "
                          "extract(epoch FROM created_at)::bigint FROM office_closures "
                          "WHERE (:o1 = '' OR office = :o2) AND day >= CAST(:d AS date) ORDER BY day DESC, office",
       soci::use(office, "o1"), soci::use(office, "o2"), soci::use(d, "d"));
  std::vector<ClosureRow> out;
  for (const auto& r : rows) {
    out.push_back(ClosureRow{r.get<std::string>(0), ParseYmd(r.get<std::string>(1)), r.get<std::string>(2),
                             r.get<std::string>(3), FromEpoch(r.get<long long>(4))});
  }
  return out;
}

bool InsertClosure(Tx& tx, const std::string& office, std::chrono::sys_days day, const std::string& reason,
                   const std::string& created_by) {
  soci::session& sql = Sql(tx);
  const std::string d = IsoDate(day);
  soci::statement st = (sql.prepare << kInsertClosure, soci::use(office, "office"), soci::use(d, "day"),
                        soci::use(reason, "reason"), soci::use(created_by, "by"));
  st.execute(true);
  return st.get_affected_rows() == 1;
}

std::vector<std::int64_t> CasesWithClocksSpanning(Tx& tx, const std::string& office,
                                                  std::chrono::sys_days day) {
  soci::session& sql = Sql(tx);
  const std::string d = IsoDate(day);
  std::vector<std::int64_t> ids;
  soci::rowset<soci::row> rows =
      (sql.prepare << kSpanning, soci::use(office, "office"), soci::use(d, "d1"), soci::use(d, "d2"),
       soci::use(d, "d3"));
  for (const auto& r : rows) ids.push_back(r.get<long long>(0));
  return ids;
}

void NotifyCalendarChanged(Tx& tx) { Sql(tx) << std::string("SELECT pg_notify('") + kCalendarChannel + "', '')"; }

}  // namespace petitiond::store
