#include "engine/time.hpp"

#include <cstdio>

namespace petitiond {

using std::chrono::days;
using std::chrono::floor;
using std::chrono::sys_days;

sys_days TaipeiDate(Timestamp t) { return floor<days>(t + kTaipeiOffset); }

Timestamp TaipeiStartOfDay(sys_days date) {
  return Timestamp(date.time_since_epoch()) - kTaipeiOffset;
}

Timestamp TaipeiEndOfDay(sys_days date) {
  return TaipeiStartOfDay(date + days(1)) - std::chrono::seconds(1);
}

std::string FormatTimestamp(Timestamp t) {
  const Timestamp local = t + kTaipeiOffset;
  const sys_days date = floor<days>(local);
  const std::chrono::year_month_day ymd(date);
  const std::chrono::hh_mm_ss hms(local - Timestamp(date.time_since_epoch()));
  const int year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ld+08:00", year, static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()), static_cast<long>(hms.hours().count()),
                  static_cast<long>(hms.minutes().count()), static_cast<long>(hms.seconds().count()));
    return buf;
  }
  // Digit by digit: lists write several timestamps per case, and snprintf showed in
  // their profile.
  std::string out = "0000-00-00T00:00:00+08:00";
  const auto two = [&out](std::size_t at, long v) {
    out[at] = static_cast<char>('0' + v / 10);
    out[at + 1] = static_cast<char>('0' + v % 10);
  };
  two(0, year / 100);
  two(2, year % 100);
  two(5, static_cast<long>(static_cast<unsigned>(ymd.month())));
  two(8, static_cast<long>(static_cast<unsigned>(ymd.day())));
  two(11, static_cast<long>(hms.hours().count()));
  two(14, static_cast<long>(hms.minutes().count()));
  two(17, static_cast<long>(hms.seconds().count()));
  return out;
}

namespace {

bool ReadInt(std::string_view s, std::size_t pos, std::size_t len, int& out) {
  if (pos + len > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + len; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

}  // namespace

std::optional<Timestamp> ParseTimestamp(std::string_view s) {
  int y, mo, d, h, mi, sec;
  if (!ReadInt(s, 0, 4, y) || s.size() < 19 || s[4] != '-' || !ReadInt(s, 5, 2, mo) || s[7] != '-' ||
      !ReadInt(s, 8, 2, d) || (s[10] != 'T' && s[10] != ' ') || !ReadInt(s, 11, 2, h) || s[13] != ':' ||
      !ReadInt(s, 14, 2, mi) || s[16] != ':' || !ReadInt(s, 17, 2, sec)) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
  }
  int offset_minutes = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!ReadInt(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' || !ReadInt(s, pos + 4, 2, om)) {
      return std::nullopt;
    }
    offset_minutes = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;  // an instant without an offset is ambiguous
  }
  if (pos != s.size()) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(mo)),
                                        std::chrono::day(static_cast<unsigned>(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  return Timestamp(sys_days(ymd).time_since_epoch()) + std::chrono::hours(h) + std::chrono::minutes(mi) +
         std::chrono::seconds(sec) - std::chrono::minutes(offset_minutes);
}

std::optional<sys_days> ParseDate(std::string_view text) {
  if (text.size() != 10) return std::nullopt;
  auto t = ParseTimestamp(std::string(text) + "T00:00:00Z");
  if (!t) return std::nullopt;
  return floor<days>(*t);
}

Timestamp SystemClock::Now() const {
  return floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

std::string RocDate(std::chrono::sys_days date) {
  const std::chrono::year_month_day ymd(date);
  return "民國" + std::to_string(static_cast<int>(ymd.year()) - 1911) + "年" +
         std::to_string(static_cast<unsigned>(ymd.month())) + "月" + std::to_string(static_cast<unsigned>(ymd.day())) +
         "日";
}

std::string RocShortDate(std::chrono::sys_days date) {
  const std::chrono::year_month_day ymd(date);
  const auto two = [](unsigned v) { return (v < 10 ? "0" : "") + std::to_string(v); };
  return std::to_string(static_cast<int>(ymd.year()) - 1911) + "/" + two(static_cast<unsigned>(ymd.month())) + "/" +
         two(static_cast<unsigned>(ymd.day()));
}

}  // namespace petitiond
