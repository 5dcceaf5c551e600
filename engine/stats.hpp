#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/status.hpp"

namespace petitiond::stats {

// A calendar month in Asia/Taipei.
using Month = std::chrono::year_month;

// "2026-11" -> 2026/11; nullopt unless exactly YYYY-MM with a month 01-12.
std::optional<Month> ParseMonth(std::string_view text);
std::string FormatMonth(Month m);
// ROC-era label as the office writes it: 2026-11 -> "115年11月".
std::string RocLabel(Month m);
int MonthsBetween(Month from, Month to);  // to - from, in months

// What one rollup row is about (migrations/0014): the month and the case's office,
// channel and category ("" = none).
struct Key {
  Month month{};
  std::string office;
  std::string channel;
  std::string category;
};

// Additive counters of stats_monthly.
struct Counts {
  std::int64_t received = 0, closed = 0, transferred = 0, merged = 0, registered_only = 0, withdrawn = 0, replied = 0;
  std::int64_t handling_n = 0, handling_sum = 0, online_form = 0, online_webhook = 0, online_open311 = 0;
  std::int64_t surveys_sent = 0, answers = 0, speed_sum = 0, result_sum = 0, attitude_sum = 0;
  std::int64_t speed_sat = 0, result_sat = 0, attitude_sat = 0;

  Counts& operator+=(const Counts& o);
  std::int64_t Finished() const { return closed + transferred + merged + registered_only + withdrawn; }
  // The counter of cases finished with `o` (closed counts answered); of events counted
  // as `m`, or nullptr for a meaning counted per clock.
  std::int64_t& Finished(CaseOutcome o);
  std::int64_t* Counted(EventMeaning m);
};

struct MonthlyRow {
  Key key;
  Counts counts;
};
struct ClockRow {
  Key key;
  std::string clock;
  std::int64_t stopped = 0, on_time = 0, extensions = 0;
};
struct HandlingRow {
  Key key;
  int workdays = 0;
  std::int64_t replies = 0;
};
// Open cases marked overdue now, by the month they were received.
struct OverdueRow {
  Key key;
  std::int64_t cases = 0;
};
// Cases received minus cases finished before `Rollups::loaded_from` (key.month unused).
struct OpenBefore {
  Key key;
  std::int64_t open = 0;
};

// The monthly rows of months [loaded_from, to] and the clock, handling and overdue rows
// of the reported months, all of one office or of every office.
struct Rollups {
  Month loaded_from{};
  std::vector<MonthlyRow> monthly;
  std::vector<ClockRow> clocks;
  std::vector<HandlingRow> handling;
  std::vector<OverdueRow> overdue;
  std::vector<OpenBefore> open_before;
};

// The first month a report on [from, to] needs: a year back (year-on-year) or one whole
// period back (the previous period), whichever is earlier.
Month FirstMonthNeeded(Month from, Month to);

enum class GroupBy { kOffice, kChannel, kCategory, kMonth };
std::optional<GroupBy> ParseGroupBy(std::string_view text);

// A change between two periods (成長率, docs/stats.md): `diff` is this minus the earlier
// figure (percentage points for rates), `percent` that difference over the earlier
// figure. Either is empty when a side has no figure (or the earlier one is zero).
struct Change {
  std::optional<double> diff;
  std::optional<double> percent;
};

struct Satisfaction {
  std::int64_t sent = 0, answers = 0;
  std::optional<double> response_rate;                       // percent of sent
  std::optional<double> mean_speed, mean_result, mean_attitude, mean_all;  // 1-5
  std::optional<double> satisfied_speed, satisfied_result, satisfied_attitude, satisfied_all;  // percent 4-5
};
struct SatisfactionChange {
  Change answers, response_rate, mean_all, satisfied_all;
};

struct ClockFigures {
  std::int64_t stopped = 0, on_time = 0, extensions = 0;
  std::optional<double> on_time_rate;  // percent of stopped
};

struct GroupFigures {
  std::string group;  // office, channel, category or "YYYY-MM"; "" for the total
  Counts counts;
  std::int64_t open_at_end = 0;
  std::int64_t overdue_now = 0;
  std::map<std::string, ClockFigures> clocks;
  std::int64_t extensions = 0;
  std::optional<double> handling_avg;  // workdays
  std::optional<int> handling_p90;
  Satisfaction satisfaction;
  SatisfactionChange mom, yoy;
};

// Received per channel in one month, with the growth over the month before.
struct ChannelMonth {
  Month month{};
  std::map<std::string, std::int64_t> cases;          // channel -> received
  std::map<std::string, std::optional<double>> growth;  // channel -> percent
  std::int64_t online_form = 0, online_webhook = 0, online_open311 = 0;
  std::optional<double> online_form_growth, online_webhook_growth, online_open311_growth, online_growth;
};

struct Report {
  Month from{}, to{};
  std::optional<std::string> office;  // the one office reported on; empty for every office
  GroupBy group_by = GroupBy::kOffice;
  std::vector<GroupFigures> groups;
  GroupFigures total;
  std::vector<ChannelMonth> channels;
};

// REQUIRES: from <= to; `r` loaded from FirstMonthNeeded(from, to) through `to`.
Report BuildReport(const Rollups& r, Month from, Month to, GroupBy group_by);

// Figures per month, office, channel and category (open data): counts, clocks,
// average handling time and satisfaction; no open, overdue or changes.
struct KeyFigures {
  Key key;
  GroupFigures figures;
};
std::vector<KeyFigures> PerKey(const Rollups& r, Month from, Month to);

// Nearest-rank percentile (0 < p <= 100) of a histogram value -> count.
std::optional<int> Percentile(const std::map<int, std::int64_t>& histogram, double p);

}  // namespace petitiond::stats
