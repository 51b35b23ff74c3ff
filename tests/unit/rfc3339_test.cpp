// Wall-clock timestamps as rows and the API spell them, read back.

#include <gtest/gtest.h>

#include "domain/common/rfc3339.hpp"

namespace {

using pay::domain::unix_s_of_rfc3339;

TEST(rfc3339, a_row_timestamp_reads_back_as_its_unix_second) {
  EXPECT_EQ(unix_s_of_rfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(unix_s_of_rfc3339("2026-12-05T05:30:00.123456Z"), 1'796'448'600);
}

TEST(rfc3339, what_it_writes_it_reads) {
  auto at = std::chrono::system_clock::time_point{
    std::chrono::seconds{1'796'448'601}};
  EXPECT_EQ(unix_s_of_rfc3339(pay::domain::to_rfc3339_utc(at)), 1'796'448'601);
}

TEST(rfc3339, anything_else_is_nothing) {
  for (const char* text :
       {"", "2026-12-05", "2026-12-05T05:30:00", "2026-12-05 05:30:00Z",
        "2026-13-05T05:30:00Z", "2026-12-05T25:30:00Z",
        "2026-12-05T05:30:00+01:00", "2026-12-05T05:30:00xZ"})
    EXPECT_FALSE(unix_s_of_rfc3339(text).has_value()) << text;
}

}  // namespace
