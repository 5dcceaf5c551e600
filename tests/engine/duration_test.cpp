#include "engine/duration.hpp"

#include <gtest/gtest.h>

#include "engine/time.hpp"

namespace petitiond {
namespace {

struct DurationCase {
  const char* text;
  Duration::Unit unit;
  int amount;
};

class ParseDurationTest : public testing::TestWithParam<DurationCase> {};

TEST_P(ParseDurationTest, ReadsAmountAndUnit) {
  auto d = ParseDuration(GetParam().text);
  ASSERT_TRUE(d.ok()) << GetParam().text << ": " << d.error().message;
  EXPECT_EQ(d->unit, GetParam().unit);
  EXPECT_EQ(d->amount, GetParam().amount);
}

INSTANTIATE_TEST_SUITE_P(Forms, ParseDurationTest,
                         testing::Values(DurationCase{"6 workdays", Duration::Unit::kWorkdays, 6},
                                         DurationCase{"1 workday", Duration::Unit::kWorkdays, 1},
                                         DurationCase{" 30 days ", Duration::Unit::kDays, 30},
                                         DurationCase{"4 hours", Duration::Unit::kHours, 4},
                                         DurationCase{"1 minute", Duration::Unit::kMinutes, 1}));

TEST(ParseDurationTest, RejectsMalformedDurations) {
  for (const char* bad : {"", "six workdays", "6", "6workdays", "6 weeks", "-1 days", "1.5 days", "workdays 6"}) {
    EXPECT_FALSE(ParseDuration(bad).ok()) << "'" << bad << "' was accepted";
  }
}

TEST(ParseEscalationPointTest, ReadsPercentDueAndDuePlus) {
  auto p = ParseEscalationPoint("75%");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->kind, EscalationPoint::Kind::kPercent);
  EXPECT_EQ(p->percent, 75);
  p = ParseEscalationPoint("due");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->kind, EscalationPoint::Kind::kDue);
  EXPECT_EQ(p->after_due.amount, 0);
  p = ParseEscalationPoint("due + 2 workdays");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->after_due, (Duration{Duration::Unit::kWorkdays, 2}));
  // 0% fires as the clock starts: news cases tell the director at once.
  p = ParseEscalationPoint("0%");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->percent, 0);
}

TEST(ParseEscalationPointTest, RejectsMalformedPoints) {
  for (const char* bad : {"-1%", "101%", "soon", "due - 1 workday", "due + later", "75 %x"}) {
    EXPECT_FALSE(ParseEscalationPoint(bad).ok()) << "'" << bad << "' was accepted";
  }
}

TEST(TimestampTest, FormatsInTaipeiAndParsesOffsets) {
  auto t = ParseTimestamp("2026-11-26T01:30:00Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(FormatTimestamp(*t), "2026-11-26T09:30:00+08:00");
  EXPECT_EQ(ParseTimestamp("2026-11-26T09:30:00+08:00"), t);
  EXPECT_EQ(ParseTimestamp("2026-11-26T09:30:00.250+08:00"), t);
  EXPECT_FALSE(ParseTimestamp("2026-11-26T09:30:00"));  // no offset: ambiguous
  EXPECT_FALSE(ParseTimestamp("2026-02-30T09:30:00Z"));
  // Every field's two digits, across the date line in Taipei and at the year's ends.
  EXPECT_EQ(FormatTimestamp(*ParseTimestamp("1999-12-31T16:00:00Z")), "2000-01-01T00:00:00+08:00");
  EXPECT_EQ(FormatTimestamp(*ParseTimestamp("2026-12-31T15:59:59Z")), "2026-12-31T23:59:59+08:00");
  EXPECT_EQ(FormatTimestamp(*ParseTimestamp("2031-07-04T02:05:07+08:00")), "2031-07-04T02:05:07+08:00");
  EXPECT_EQ(FormatTimestamp(Timestamp{}), "1970-01-01T08:00:00+08:00");
}

}  // namespace
}  // namespace petitiond

namespace petitiond {
namespace {

TEST(ParseDateTest, ReadsIsoDatesAndRejectsOthers) {
  auto d = ParseDate("2026-11-25");
  ASSERT_TRUE(d);
  EXPECT_EQ(FormatTimestamp(TaipeiStartOfDay(*d)), "2026-11-25T00:00:00+08:00");
  for (const char* bad : {"27/11", "2026-11-31", "2026-1-5", "", "2026-11-25T00:00"}) {
    EXPECT_FALSE(ParseDate(bad)) << bad;
  }
}

}  // namespace
}  // namespace petitiond

namespace petitiond {
namespace {

TEST(DurationGrammarTest, ShortFormsAndSecondsParseThroughTheSameGrammar) {
  EXPECT_EQ(ParseDuration("30s").value(), (Duration{Duration::Unit::kSeconds, 30}));
  EXPECT_EQ(ParseDuration("30 seconds").value(), (Duration{Duration::Unit::kSeconds, 30}));
  EXPECT_EQ(ParseDuration("15m").value(), (Duration{Duration::Unit::kMinutes, 15}));
  EXPECT_EQ(ParseDuration("2 h").value(), (Duration{Duration::Unit::kHours, 2}));
  EXPECT_EQ(ParseDuration("1d").value(), (Duration{Duration::Unit::kDays, 1}));
  EXPECT_FALSE(ParseDuration("6workdays").ok()) << "words still need their space";
  EXPECT_EQ(ToString(ParseDuration("90s").value()), "90 seconds");
}

TEST(DurationGrammarTest, ElapsedIntervalsRefuseWorkdaysAndZero) {
  EXPECT_EQ(ToElapsed(ParseDuration("15 minutes").value(), "15 minutes").value(), std::chrono::seconds(900));
  EXPECT_FALSE(ToElapsed(ParseDuration("2 workdays").value(), "2 workdays").ok());
  EXPECT_FALSE(ToElapsed(ParseDuration("0s").value(), "0s").ok());
}

TEST(Duration, IntervalsAreElapsedTimeOnly) {
  EXPECT_EQ(ParseInterval("30s").value(), std::chrono::seconds(30));
  EXPECT_EQ(ParseInterval("15 minutes").value(), std::chrono::seconds(900));
  EXPECT_EQ(ParseInterval("1 hour").value(), std::chrono::seconds(3600));
  EXPECT_FALSE(ParseInterval("0s").ok());
  EXPECT_FALSE(ParseInterval("fortnight").ok());
  EXPECT_FALSE(ParseInterval("2 workdays").ok());  // needs a calendar
}

}  // namespace

}  // namespace petitiond
