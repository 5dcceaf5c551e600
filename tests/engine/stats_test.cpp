#include "engine/stats.hpp"

#include <gtest/gtest.h>

#include "engine/handling.hpp"
#include "engine/workflow.hpp"

namespace petitiond {
namespace {

using namespace std::chrono;
using stats::Month;

Month M(int y, unsigned m) { return year(y) / month(m); }

stats::MonthlyRow Row(Month m, const std::string& office, const std::string& channel, stats::Counts c) {
  return {{m, office, channel, ""}, c};
}

TEST(StatsTest, ParsesMonthsAndWritesRocLabels) {
  EXPECT_EQ(stats::ParseMonth("2026-11"), M(2026, 11));
  EXPECT_FALSE(stats::ParseMonth("2026-13"));
  EXPECT_FALSE(stats::ParseMonth("2026-1"));
  EXPECT_FALSE(stats::ParseMonth("20x6-01"));
  EXPECT_FALSE(stats::ParseMonth("2026-11' OR 1=1"));
  EXPECT_EQ(stats::RocLabel(M(2026, 11)), "115年11月");
  EXPECT_EQ(stats::RocLabel(M(2025, 1)), "114年1月");
  EXPECT_EQ(stats::FormatMonth(M(2025, 1)), "2025-01");
  EXPECT_EQ(stats::MonthsBetween(M(2025, 11), M(2026, 2)), 3);
  EXPECT_EQ(stats::FirstMonthNeeded(M(2026, 11), M(2026, 11)), M(2025, 11));
  EXPECT_EQ(stats::FirstMonthNeeded(M(2024, 1), M(2025, 12)), M(2022, 1));
}

TEST(StatsTest, NearestRankPercentile) {
  EXPECT_FALSE(stats::Percentile({}, 90));
  EXPECT_EQ(stats::Percentile({{3, 1}}, 90), 3);
  // 10 values 1..10: the 9th is the 90th percentile.
  std::map<int, std::int64_t> h;
  for (int i = 1; i <= 10; ++i) h[i] = 1;
  EXPECT_EQ(stats::Percentile(h, 90), 9);
  h[10] = 2;  // 11 values: rank ceil(9.9) = 10
  EXPECT_EQ(stats::Percentile(h, 90), 10);
}

TEST(StatsTest, SatisfactionChangesInPointsAndPercent) {
  stats::Rollups r;
  r.loaded_from = M(2025, 10);
  stats::Counts oct, nov, last_year;
  last_year.surveys_sent = 10, last_year.answers = 5, last_year.result_sat = 5, last_year.speed_sat = 5,
  last_year.attitude_sat = 5;
  last_year.speed_sum = last_year.result_sum = last_year.attitude_sum = 25;
  oct.surveys_sent = 10, oct.answers = 4, oct.speed_sat = oct.result_sat = oct.attitude_sat = 2;
  oct.speed_sum = oct.result_sum = oct.attitude_sum = 12;
  nov.surveys_sent = 10, nov.answers = 8, nov.speed_sat = nov.result_sat = nov.attitude_sat = 6;
  nov.speed_sum = nov.result_sum = nov.attitude_sum = 32;
  r.monthly = {Row(M(2025, 11), "main", "hotline", last_year), Row(M(2026, 10), "main", "hotline", oct),
               Row(M(2026, 11), "main", "hotline", nov)};
  const auto rep = stats::BuildReport(r, M(2026, 11), M(2026, 11), stats::GroupBy::kOffice);
  ASSERT_EQ(rep.groups.size(), 1u);
  const auto& g = rep.groups[0];
  EXPECT_EQ(g.satisfaction.answers, 8);
  EXPECT_DOUBLE_EQ(*g.satisfaction.response_rate, 80.0);
  EXPECT_DOUBLE_EQ(*g.satisfaction.satisfied_all, 75.0);
  EXPECT_DOUBLE_EQ(*g.satisfaction.mean_all, 4.0);
  // Month on month: 75% against 50% = +25 points, +50 %.
  EXPECT_DOUBLE_EQ(*g.mom.satisfied_all.diff, 25.0);
  EXPECT_DOUBLE_EQ(*g.mom.satisfied_all.percent, 50.0);
  EXPECT_DOUBLE_EQ(*g.mom.answers.diff, 4.0);
  EXPECT_DOUBLE_EQ(*g.mom.answers.percent, 100.0);
  EXPECT_DOUBLE_EQ(*g.mom.response_rate.diff, 40.0);
  // Year on year: 75% against 100% = -25 points, -25 %.
  EXPECT_DOUBLE_EQ(*g.yoy.satisfied_all.diff, -25.0);
  EXPECT_DOUBLE_EQ(*g.yoy.satisfied_all.percent, -25.0);
  EXPECT_DOUBLE_EQ(*g.yoy.mean_all.diff, -1.0);
}

TEST(StatsTest, NoEarlierFigureGivesNoChange) {
  stats::Rollups r;
  r.loaded_from = M(2025, 11);
  stats::Counts nov;
  nov.surveys_sent = 2, nov.answers = 1, nov.result_sat = 1, nov.result_sum = 5, nov.speed_sum = 5,
  nov.attitude_sum = 5;
  r.monthly = {Row(M(2026, 11), "main", "hotline", nov)};
  const auto rep = stats::BuildReport(r, M(2026, 11), M(2026, 11), stats::GroupBy::kMonth);
  ASSERT_EQ(rep.groups.size(), 1u);
  EXPECT_FALSE(rep.groups[0].mom.satisfied_all.diff);
  EXPECT_FALSE(rep.groups[0].yoy.response_rate.percent);
  EXPECT_DOUBLE_EQ(*rep.groups[0].mom.answers.diff, 1.0);
  EXPECT_FALSE(rep.groups[0].mom.answers.percent) << "growth over zero is undefined";
}

TEST(StatsTest, OpenAtPeriodEndCarriesEarlierMonthsAndChannelGrowth) {
  stats::Rollups r;
  r.loaded_from = M(2025, 10);
  r.open_before = {{{M(2025, 10), "main", "hotline", ""}, 5}};
  stats::Counts oct, nov;
  oct.received = 10, oct.closed = 4, oct.online_webhook = 4;
  nov.received = 15, nov.closed = 6, nov.merged = 1, nov.online_webhook = 6;
  stats::Counts mail;
  mail.received = 3, mail.online_form = 3;
  r.monthly = {Row(M(2026, 10), "main", "hotline", oct), Row(M(2026, 11), "main", "hotline", nov),
               Row(M(2026, 11), "beinan", "mailbox", mail)};
  r.overdue = {{{M(2026, 11), "main", "hotline", ""}, 2}};
  const auto rep = stats::BuildReport(r, M(2026, 11), M(2026, 11), stats::GroupBy::kOffice);
  ASSERT_EQ(rep.groups.size(), 2u);
  EXPECT_EQ(rep.groups[0].group, "beinan");
  EXPECT_EQ(rep.groups[0].open_at_end, 3);
  EXPECT_EQ(rep.groups[1].open_at_end, 5 + 10 - 4 + 15 - 7);
  EXPECT_EQ(rep.groups[1].overdue_now, 2);
  EXPECT_EQ(rep.total.counts.received, 18);
  ASSERT_EQ(rep.channels.size(), 1u);
  EXPECT_EQ(rep.channels[0].cases.at("hotline"), 15);
  EXPECT_DOUBLE_EQ(*rep.channels[0].growth.at("hotline"), 50.0);
  EXPECT_FALSE(rep.channels[0].growth.at("mailbox"));
  EXPECT_DOUBLE_EQ(*rep.channels[0].online_webhook_growth, 50.0);
  EXPECT_DOUBLE_EQ(*rep.channels[0].online_growth, 125.0);  // 9 against 4
}

TEST(HandlingTest, CountsWorkdaysFromReceiptAndLeavesOutThePause) {
  Workflow wf;
  for (const char* name : {"received", "assigned", "waiting", "supplemented"}) {
    StateDef s;
    s.name = name;
    if (s.name == "waiting") s.pauses = {"response"};
    wf.states.push_back(s);
  }
  const BusinessCalendar cal = BusinessCalendar::Shipped();
  const auto at = [](int y, unsigned m, unsigned d) {
    return TaipeiStartOfDay(sys_days(year(y) / month(m) / day(d))) + hours(10);
  };
  // Received Monday 2026-11-02, replied Friday 11-06: Tue..Fri = 4 workdays.
  EXPECT_EQ(HandlingWorkdays(cal, wf, "main", at(2026, 11, 2), {{"received", at(2026, 11, 2)}}, at(2026, 11, 6)), 4);
  // Asked on Tuesday 11-03, answered Monday 11-09: Wed, Thu, Fri, Mon paused (4).
  // Replied Wednesday 11-11: Tue 11-03 .. Wed 11-11 = 7 workdays, less 4.
  const std::vector<StateEntry> paused{{"received", at(2026, 11, 2)},
                                       {"assigned", at(2026, 11, 2)},
                                       {"waiting", at(2026, 11, 3)},
                                       {"supplemented", at(2026, 11, 9)}};
  EXPECT_EQ(HandlingWorkdays(cal, wf, "main", at(2026, 11, 2), paused, at(2026, 11, 11)), 3);
  // Same-day reply: no working day has passed.
  EXPECT_EQ(HandlingWorkdays(cal, wf, "main", at(2026, 11, 2), {}, at(2026, 11, 2)), 0);
  // A typhoon closure of the office is not a working day there.
  BusinessCalendar closed = cal;
  closed.AddClosure("lanyu", sys_days(year(2026) / month(11) / day(4)), "颱風");
  EXPECT_EQ(HandlingWorkdays(closed, wf, "lanyu", at(2026, 11, 2), {}, at(2026, 11, 6)), 3);
  EXPECT_EQ(HandlingWorkdays(closed, wf, "main", at(2026, 11, 2), {}, at(2026, 11, 6)), 4);
}

}  // namespace
}  // namespace petitiond
