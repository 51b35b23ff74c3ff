#include "domain/reconcile/utc_day.hpp"

#include <gtest/gtest.h>

namespace pay::domain {
namespace {

TEST(reconcile_utc_day_test, a_day_spans_its_86400_seconds_from_utc_midnight) {
  auto day = utc_day_span_of("2026-03-01");
  ASSERT_TRUE(day);
  EXPECT_EQ(day->start_unix_s, 1'772'323'200);
  EXPECT_EQ(day->end_unix_s, 1'772'409'600);
}

TEST(reconcile_utc_day_test, leap_days_century_years_and_the_ends_are_exact) {
  EXPECT_EQ(utc_day_span_of("1970-01-01")->start_unix_s, 0);
  EXPECT_EQ(utc_day_span_of("2000-02-29")->start_unix_s, 951'782'400);
  EXPECT_EQ(utc_day_span_of("2024-02-29")->start_unix_s, 1'709'164'800);
  EXPECT_EQ(utc_day_span_of("2100-03-01")->start_unix_s, 4'107'542'400);
  EXPECT_EQ(utc_day_span_of("9999-12-31")->end_unix_s, utc_unix_s_end);
}

TEST(reconcile_utc_day_test, only_real_calendar_dates_have_a_span) {
  for (const char* text : {"2026-02-29", "2100-02-29", "2026-13-01",
                           "1969-12-31", "2026-3-1", "", "yesterday"})
    EXPECT_FALSE(utc_day_span_of(text)) << text;
}

TEST(reconcile_utc_day_test, the_date_of_a_second_is_the_utc_day_holding_it) {
  EXPECT_EQ(utc_date_of(0), "1970-01-01");
  EXPECT_EQ(utc_date_of(1'772'323'200), "2026-03-01");
  EXPECT_EQ(utc_date_of(1'772'409'599), "2026-03-01");
  EXPECT_EQ(utc_date_of(1'772'409'600), "2026-03-02");
  EXPECT_EQ(utc_date_of(951'782'400 + 3'600), "2000-02-29");
  EXPECT_EQ(utc_date_of(utc_unix_s_end - 1), "9999-12-31");
}

TEST(reconcile_utc_day_test, every_day_of_four_centuries_round_trips) {
  // 1970 .. 2370: every month length and leap rule at least once.
  for (std::int64_t day = 0; day < 146'097; ++day) {
    auto date = utc_date_of(day * 86'400 + 43'200);
    auto span = utc_day_span_of(date);
    ASSERT_TRUE(span) << date;
    ASSERT_EQ(span->start_unix_s, day * 86'400) << date;
  }
}

}  // namespace
}  // namespace pay::domain
