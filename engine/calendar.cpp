#include "engine/calendar.hpp"

#include <charconv>

#include "engine/embedded.hpp"
#include "engine/text.hpp"

namespace petitiond {

using std::chrono::days;
using std::chrono::sys_days;

Result<int> BusinessCalendar::LoadDgpaCsv(std::string_view bytes, std::string_view source) {
  std::string text;
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  if (IsValidUtf8(bytes)) {
    text = std::string(bytes);
  } else {
    auto converted = Big5ToUtf8(bytes);
    if (!converted) {
      return Error{ErrorKind::kInvalid, std::string(source) + ": " + converted.error().message, {}};
    }
    text = std::move(converted.value());
  }

  std::map<sys_days, Day> read;
  int line_no = 0;
  auto fail = [&](const std::string& why) {
    return Error{ErrorKind::kInvalid, std::string(source) + ":" + std::to_string(line_no) + ": " + why, {}};
  };
  bool header = true;
  for (const auto& record : ReadCsvRecords(text)) {
    line_no = record.line;
    const auto& fields = record.fields;
    if (header) {
      header = false;
      if (fields.size() < 3 || fields[0] != "西元日期") {
        return fail("expected the DGPA header 西元日期,星期,是否放假,備註");
      }
      continue;
    }
    if (fields.size() < 3) return fail("expected 4 columns (西元日期,星期,是否放假,備註)");
    const std::string_view date = fields[0];
    int ymd = 0;
    auto [ptr, ec] = std::from_chars(date.data(), date.data() + date.size(), ymd);
    const std::chrono::year_month_day parsed{std::chrono::year(ymd / 10000),
                                             std::chrono::month(static_cast<unsigned>(ymd / 100 % 100)),
                                             std::chrono::day(static_cast<unsigned>(ymd % 100))};
    if (date.size() != 8 || ec != std::errc() || ptr != date.data() + date.size() || !parsed.ok()) {
      return fail("'" + std::string(date) + "' is not a date in YYYYMMDD form");
    }
    Day day;
    if (fields[2] == "0") {
      day.workday = true;
    } else if (fields[2] == "2") {
      day.workday = false;
    } else {
      return fail("是否放假 must be 0 (work) or 2 (day off), not '" + std::string(fields[2]) + "'");
    }
    if (fields.size() > 3) day.note = std::string(fields[3]);
    read[sys_days(parsed)] = std::move(day);
  }
  if (read.empty()) return Error{ErrorKind::kInvalid, std::string(source) + ": no days in file", {}};
  const int count = static_cast<int>(read.size());
  for (auto& [d, day] : read) days_[d] = std::move(day);
  return count;
}

BusinessCalendar BusinessCalendar::Shipped() {
  BusinessCalendar calendar;
  for (const auto& file : EmbeddedCalendars()) {
    auto loaded = calendar.LoadDgpaCsv(file.bytes, file.name);
    if (!loaded) throw DomainError(loaded.error());  // shipped data is checked by tests
  }
  return calendar;
}

const BusinessCalendar::Day* BusinessCalendar::Find(sys_days date) const {
  auto it = days_.find(date);
  return it == days_.end() ? nullptr : &it->second;
}

bool BusinessCalendar::Covers(sys_days date) const { return days_.count(date) != 0; }

bool BusinessCalendar::AddClosure(const std::string& office, sys_days date, std::string reason) {
  return closures_.emplace(std::pair{office, date}, std::move(reason)).second;
}

const std::string* BusinessCalendar::Closure(std::string_view office, sys_days date) const {
  auto it = closures_.find(std::pair{std::string(office), date});
  return it == closures_.end() ? nullptr : &it->second;
}

bool BusinessCalendar::IsWorkday(sys_days date, std::string_view office) const {
  if (!office.empty() && Closure(office, date)) return false;
  if (const Day* day = Find(date)) return day->workday;
  const std::chrono::weekday wd(date);
  return wd != std::chrono::Saturday && wd != std::chrono::Sunday;
}

bool BusinessCalendar::Check(sys_days date, std::string_view office, bool* incomplete) const {
  if (incomplete && !Covers(date)) *incomplete = true;
  return IsWorkday(date, office);
}

sys_days BusinessCalendar::NthWorkdayAfter(sys_days date, int n, std::string_view office, bool* incomplete) const {
  sys_days d = date;
  for (int counted = 0; counted < n;) {
    d += days(1);
    if (Check(d, office, incomplete)) ++counted;
  }
  return d;
}

int BusinessCalendar::WorkdaysBetween(sys_days after, sys_days upto, std::string_view office,
                                      bool* incomplete) const {
  int count = 0;
  for (sys_days d = after + days(1); d <= upto; d += days(1)) {
    if (Check(d, office, incomplete)) ++count;
  }
  return count;
}

Timestamp BusinessCalendar::WorkdayDeadline(Timestamp received, int n, std::string_view office,
                                            bool* incomplete) const {
  const sys_days receipt_day = TaipeiDate(received);
  if (n <= 0) {
    // Same day, but a deadline never ends on a day the office does not work: taken in
    // on a weekend, holiday or closure, it is due at the end of the next working day.
    if (Check(receipt_day, office, incomplete)) return TaipeiEndOfDay(receipt_day);
    return TaipeiEndOfDay(NthWorkdayAfter(receipt_day, 1, office, incomplete));
  }
  return TaipeiEndOfDay(NthWorkdayAfter(receipt_day, n, office, incomplete));
}

}  // namespace petitiond
