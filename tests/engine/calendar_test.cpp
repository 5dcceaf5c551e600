#include "engine/calendar.hpp"
#include "engine/text.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace petitiond {
namespace {

using namespace std::chrono;

sys_days D(int y, unsigned m, unsigned d) { return sys_days(year(y) / month(m) / day(d)); }

Timestamp Taipei(int y, unsigned m, unsigned d, int h, int min = 0) {
  return TaipeiStartOfDay(D(y, m, d)) + hours(h) + minutes(min);
}

const BusinessCalendar& Shipped() {
  static const BusinessCalendar calendar = BusinessCalendar::Shipped();
  return calendar;
}

TEST(CalendarTest, ShippedFilesCoverEveryDayOf2024To2026) {
  for (sys_days d = D(2024, 1, 1); d <= D(2026, 12, 31); d += days(1)) {
    ASSERT_TRUE(Shipped().Covers(d)) << "no calendar entry for " << FormatTimestamp(TaipeiStartOfDay(d));
  }
  EXPECT_FALSE(Shipped().Covers(D(2027, 1, 4)));
}

TEST(CalendarTest, MakeUpSaturdayIsAWorkday) {
  EXPECT_TRUE(Shipped().IsWorkday(D(2025, 2, 8)));
  EXPECT_EQ(Shipped().Find(D(2025, 2, 8))->note, "補行上班");
  EXPECT_TRUE(Shipped().IsWorkday(D(2024, 2, 17)));
  EXPECT_FALSE(Shipped().IsWorkday(D(2025, 2, 15)));  // an ordinary Saturday
}

TEST(CalendarTest, FallsBackToMondayToFridayOutsideTheData) {
  EXPECT_TRUE(Shipped().IsWorkday(D(2027, 1, 4)));    // Monday
  EXPECT_FALSE(Shipped().IsWorkday(D(2027, 1, 2)));   // Saturday
  EXPECT_FALSE(Shipped().IsWorkday(D(2027, 1, 3)));   // Sunday
}

struct DeadlineCase {
  const char* name;
  Timestamp received;
  int workdays;
  sys_days expected_last_day;
};

class WorkdayDeadlineTest : public testing::TestWithParam<DeadlineCase> {};

TEST_P(WorkdayDeadlineTest, EndsAtTheEndOfTheNthWorkdayAfterReceipt) {
  const auto& c = GetParam();
  EXPECT_EQ(FormatTimestamp(Shipped().WorkdayDeadline(c.received, c.workdays)),
            FormatTimestamp(TaipeiEndOfDay(c.expected_last_day)))
      << c.name;
}

INSTANTIATE_TEST_SUITE_P(
    Real2024To2026, WorkdayDeadlineTest,
    testing::Values(
        // An ordinary week: received Monday, 1 workday = Tuesday.
        DeadlineCase{"ordinary", Taipei(2026, 11, 23, 10), 1, D(2026, 11, 24)},
        // Received late on a Friday counts from Monday.
        DeadlineCase{"friday evening", Taipei(2026, 11, 27, 23, 30), 1, D(2026, 11, 30)},
        // Receipt at 00:30 Taipei is still that Taipei day although it is the previous UTC day.
        DeadlineCase{"taipei midnight", Taipei(2026, 11, 24, 0, 30), 1, D(2026, 11, 25)},
        // 2026 Lunar New Year: 2/14-2/22 off, so Friday 2/13 + 1 workday = Monday 2/23.
        DeadlineCase{"lunar new year 2026", Taipei(2026, 2, 13, 9), 1, D(2026, 2, 23)},
        // 6 workdays from 2/13: 2/23, 24, 25, 26, (2/27 補假, 2/28 holiday) 3/2, 3/3.
        DeadlineCase{"lunar new year 2026, 6 workdays", Taipei(2026, 2, 13, 9), 6, D(2026, 3, 3)},
        // 2025-02-08 is a make-up Saturday: Friday 2/7 + 1 workday = Saturday 2/8.
        DeadlineCase{"make-up saturday 2025", Taipei(2025, 2, 7, 15), 1, D(2025, 2, 8)},
        DeadlineCase{"make-up saturday 2025, 2 workdays", Taipei(2025, 2, 7, 15), 2, D(2025, 2, 10)},
        // Received on a holiday: counting starts at the next workday after it.
        DeadlineCase{"received on a holiday", Taipei(2026, 2, 17, 11), 1, D(2026, 2, 23)},
        // A 補假 Friday: Thursday 2026-02-26 + 1 workday = Monday 3/2.
        DeadlineCase{"bujia friday", Taipei(2026, 2, 26, 16), 1, D(2026, 3, 2)},
        // Across the year end into days without data (Monday-Friday fallback).
        DeadlineCase{"into 2027", Taipei(2026, 12, 31, 10), 2, D(2027, 1, 4)},
        // 0 workdays: the end of the day of receipt.
        DeadlineCase{"same day", Taipei(2026, 11, 26, 8), 0, D(2026, 11, 26)},
        // 0 workdays never ends on a day off: the end of the next working day.
        DeadlineCase{"same day taken in late on a saturday", Taipei(2026, 11, 21, 23, 30), 0, D(2026, 11, 23)},
        DeadlineCase{"same day taken in on a sunday", Taipei(2026, 11, 22, 9), 0, D(2026, 11, 23)},
        DeadlineCase{"same day taken in on national day", Taipei(2026, 10, 10, 9), 0, D(2026, 10, 12)},
        DeadlineCase{"same day in lunar new year", Taipei(2026, 2, 17, 11), 0, D(2026, 2, 23)},
        DeadlineCase{"same day on a make-up saturday", Taipei(2025, 2, 8, 10), 0, D(2025, 2, 8)}),
    [](const testing::TestParamInfo<DeadlineCase>& param) {
      std::string n = param.param.name;
      for (char& c : n) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return n;
    });

TEST(CalendarTest, CountsWorkdaysBetweenDates) {
  EXPECT_EQ(Shipped().WorkdaysBetween(D(2026, 2, 13), D(2026, 2, 23)), 1);
  EXPECT_EQ(Shipped().WorkdaysBetween(D(2026, 11, 23), D(2026, 11, 23)), 0);
  EXPECT_EQ(Shipped().WorkdaysBetween(D(2026, 11, 23), D(2026, 11, 30)), 5);
}

TEST(CalendarTest, ReadsTheBig5CopyLikeTheUtf8One) {
  std::ifstream in(std::string(PETITIOND_TEST_DATA) + "/tw-gov-2024.big5.csv", std::ios::binary);
  ASSERT_TRUE(in) << "missing test data";
  std::stringstream bytes;
  bytes << in.rdbuf();
  ASSERT_FALSE(IsValidUtf8(bytes.str()));
  BusinessCalendar big5;
  auto loaded = big5.LoadDgpaCsv(bytes.str(), "tw-gov-2024.big5.csv");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded.value(), 366);
  for (sys_days d = D(2024, 1, 1); d <= D(2024, 12, 31); d += days(1)) {
    ASSERT_EQ(big5.IsWorkday(d), Shipped().IsWorkday(d)) << FormatTimestamp(TaipeiStartOfDay(d));
  }
  EXPECT_EQ(big5.Find(D(2024, 2, 17))->note, "補行上班");
}

TEST(CalendarTest, RejectsABadRowWithItsLineAndAddsNothing) {
  BusinessCalendar calendar;
  auto loaded = calendar.LoadDgpaCsv("西元日期,星期,是否放假,備註\r\n20270104,一,0,\r\n20270105,二,7,\r\n", "x.csv");
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("x.csv:3:"), std::string::npos) << loaded.error().message;
  EXPECT_FALSE(calendar.Covers(D(2027, 1, 4)));
}

TEST(CalendarTest, RejectsAFileWithoutTheDgpaHeader) {
  BusinessCalendar calendar;
  auto loaded = calendar.LoadDgpaCsv("date,weekday,off\n20270104,Mon,0\n", "y.csv");
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("y.csv:1:"), std::string::npos) << loaded.error().message;
}

// The calendar is read with the same CSV reader as the 1999 exports: a quoted note
// may hold a comma, and a blank line between days is no day.
TEST(CalendarTest, ReadsQuotedNotesAsOneField) {
  BusinessCalendar calendar;
  auto loaded = calendar.LoadDgpaCsv(
      "\xEF\xBB\xBF西元日期,星期,是否放假,備註\n20270104,一,2,\"颱風停班,全縣\"\n\n20270105,二,0,\n", "q.csv");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded.value(), 2);
  EXPECT_EQ(calendar.Find(D(2027, 1, 4))->note, "颱風停班,全縣");
  EXPECT_FALSE(calendar.Find(D(2027, 1, 4))->workday);
  EXPECT_TRUE(calendar.Find(D(2027, 1, 5))->workday);
}

}  // namespace
}  // namespace petitiond
