#include "domain/reconcile/settlement_csv.hpp"

#include <chrono>
#include <string>

#include <gtest/gtest.h>

namespace pay::domain {
namespace {

const std::string header =
  "psp_reference,idempotency_key,type,gross,fee,net,currency,settled_date\n";

settlement_line make_line(std::string ref, std::string key,
                          settlement_type type, std::int64_t gross,
                          std::int64_t fee, std::string currency) {
  settlement_line l;
  l.psp_reference = std::move(ref);
  l.idempotency_key = std::move(key);
  l.type = type;
  l.gross_minor = gross;
  l.fee_minor = fee;
  l.net_minor = gross - fee;
  l.currency = std::move(currency);
  l.settled_date = "2026-03-01";
  return l;
}

settlement_file sample_file() {
  settlement_file f;
  f.date = "2026-03-01";
  f.lines = {
    make_line("pi_1", "po_1", settlement_type::charge, 1234, 66, "USD"),
    make_line("pi_2", "po_2", settlement_type::charge, 500, 45, "JPY"),
    make_line("re_1", "rf_1", settlement_type::refund, -234, 0, "USD"),
    make_line("po_x", "pyo_1", settlement_type::payout, -1000, 0, "USD"),
    make_line("fee_1", "pyo_1", settlement_type::fee, 0, 25, "USD"),
    make_line("pi_3", "po_3", settlement_type::charge, 12345, 66, "BHD"),
  };
  f.totals = settlement_totals_of(f.lines);
  return f;
}

std::string data(const std::string& rows) { return header + rows; }

TEST(SettlementCsv, formats_header_lines_and_totals_exactly) {
  settlement_file f;
  f.date = "2026-03-01";
  f.lines = {
    make_line("pi_1", "po_1", settlement_type::charge, 1234, 66, "USD"),
    make_line("re_1", "rf_1", settlement_type::refund, -200, 0, "USD"),
    make_line("pi_2", "po_2", settlement_type::charge, 500, 45, "JPY")};
  f.totals = settlement_totals_of(f.lines);
  EXPECT_EQ(format_settlement_csv(f),
            data("pi_1,po_1,charge,12.34,0.66,11.68,USD,2026-03-01\n"
                 "re_1,rf_1,refund,-2.00,0.00,-2.00,USD,2026-03-01\n"
                 "pi_2,po_2,charge,500,45,455,JPY,2026-03-01\n"
                 "TOTAL,,total,500,45,455,JPY,2026-03-01\n"
                 "TOTAL,,total,10.34,0.66,9.68,USD,2026-03-01\n"));
}

TEST(SettlementCsv, empty_day_is_just_the_header) {
  settlement_file f;
  f.date = "2026-03-01";
  EXPECT_EQ(format_settlement_csv(f), header);
  const auto parsed = parse_settlement_csv(header);
  EXPECT_EQ(parsed.error, "");
  EXPECT_TRUE(parsed.file.lines.empty());
  EXPECT_TRUE(parsed.file.totals.empty());
}

TEST(SettlementCsv, round_trip_keeps_every_field) {
  const settlement_file f = sample_file();
  const auto parsed = parse_settlement_csv(format_settlement_csv(f));
  ASSERT_EQ(parsed.error, "") << parsed.error_line;
  EXPECT_EQ(parsed.file.date, f.date);
  ASSERT_EQ(parsed.file.lines.size(), f.lines.size());
  for (std::size_t i = 0; i < f.lines.size(); ++i) {
    const auto& a = parsed.file.lines[i];
    const auto& b = f.lines[i];
    EXPECT_EQ(a.line_no, i + 1);
    EXPECT_EQ(a.psp_reference, b.psp_reference);
    EXPECT_EQ(a.idempotency_key, b.idempotency_key);
    EXPECT_EQ(a.type, b.type);
    EXPECT_EQ(a.gross_minor, b.gross_minor);
    EXPECT_EQ(a.fee_minor, b.fee_minor);
    EXPECT_EQ(a.net_minor, b.net_minor);
    EXPECT_EQ(a.currency, b.currency);
    EXPECT_EQ(a.settled_date, b.settled_date);
  }
  ASSERT_EQ(parsed.file.totals.size(), 3u);
  EXPECT_EQ(parsed.file.totals[0].currency, "BHD");
  EXPECT_EQ(parsed.file.totals[1].currency, "JPY");
  EXPECT_EQ(parsed.file.totals[2].currency, "USD");
  EXPECT_EQ(parsed.file.totals[2].gross_minor, 1234 - 234 - 1000);
  EXPECT_EQ(parsed.file.totals[2].fee_minor, 66 + 25);
  EXPECT_EQ(parsed.file.totals[2].net_minor, 1234 - 66 - 234 - 1000 - 25);
}

TEST(SettlementCsv, jpy_has_no_decimals_and_bhd_three) {
  const auto parsed = parse_settlement_csv(
    data("pi_1,k,charge,500,45,455,JPY,2026-03-01\n"
         "pi_2,k,charge,12.345,0.066,12.279,BHD,2026-03-01\n"
         "TOTAL,,total,500,45,455,JPY,2026-03-01\n"
         "TOTAL,,total,12.345,0.066,12.279,BHD,2026-03-01\n"));
  ASSERT_EQ(parsed.error, "");
  EXPECT_EQ(parsed.file.lines[0].gross_minor, 500);
  EXPECT_EQ(parsed.file.lines[1].gross_minor, 12345);
  EXPECT_EQ(parsed.file.lines[1].net_minor, 12279);
  // Two decimals on JPY, or two on BHD, are refused.
  EXPECT_NE(parse_settlement_csv(
              data("pi_1,k,charge,5.00,0,5.00,JPY,2026-03-01\n"
                   "TOTAL,,total,5.00,0,5.00,JPY,2026-03-01\n"))
              .error,
            "");
  EXPECT_NE(parse_settlement_csv(
              data("pi_1,k,charge,5.00,0.000,5.000,BHD,2026-03-01\n"
                   "TOTAL,,total,5.000,0.000,5.000,BHD,2026-03-01\n"))
              .error,
            "");
}

TEST(SettlementCsv, negative_and_zero_amounts_are_accepted) {
  const auto parsed = parse_settlement_csv(
    data("re_1,rf_1,refund,-2.50,0.00,-2.50,USD,2026-03-01\n"
         "fee_1,pyo_1,fee,0.00,0.25,-0.25,USD,2026-03-01\n"
         "TOTAL,,total,-2.50,0.25,-2.75,USD,2026-03-01\n"));
  ASSERT_EQ(parsed.error, "");
  EXPECT_EQ(parsed.file.lines[0].gross_minor, -250);
  EXPECT_EQ(parsed.file.lines[1].net_minor, -25);
  EXPECT_EQ(parsed.file.totals[0].net_minor, -275);
}

TEST(SettlementCsv, quoted_fields_with_commas_quotes_and_newlines_round_trip) {
  settlement_file f;
  f.date = "2026-03-01";
  f.lines = {make_line("pi_1", "po,\"odd\"\nkey", settlement_type::charge, 100,
                       33, "USD"),
             make_line("pi_2", "plain", settlement_type::charge, 100, 33,
                       "USD")};
  f.totals = settlement_totals_of(f.lines);
  const std::string text = format_settlement_csv(f);
  EXPECT_NE(text.find("\"po,\"\"odd\"\"\nkey\""), std::string::npos) << text;
  const auto parsed = parse_settlement_csv(text);
  ASSERT_EQ(parsed.error, "");
  EXPECT_EQ(parsed.file.lines[0].idempotency_key, "po,\"odd\"\nkey");
  EXPECT_EQ(parsed.file.lines[1].idempotency_key, "plain");
  // A quoted field that needs no quoting reads the same as unquoted.
  const auto quoted = parse_settlement_csv(
    data("\"pi_1\",\"a,b\",\"charge\",1.00,0.33,0.67,USD,\"2026-03-01\"\n"
         "TOTAL,,total,1.00,0.33,0.67,USD,2026-03-01\n"));
  ASSERT_EQ(quoted.error, "");
  EXPECT_EQ(quoted.file.lines[0].psp_reference, "pi_1");
  EXPECT_EQ(quoted.file.lines[0].idempotency_key, "a,b");
}

TEST(SettlementCsv, crlf_line_ends_and_a_missing_final_newline_are_read) {
  const auto parsed = parse_settlement_csv(
    "psp_reference,idempotency_key,type,gross,fee,net,currency,settled_date\r\n"
    "pi_1,k,charge,1.00,0.33,0.67,USD,2026-03-01\r\n"
    "TOTAL,,total,1.00,0.33,0.67,USD,2026-03-01");
  ASSERT_EQ(parsed.error, "");
  EXPECT_EQ(parsed.file.lines.size(), 1u);
  EXPECT_EQ(parsed.file.totals.size(), 1u);
}

TEST(SettlementCsv, totals_that_disagree_with_lines_are_kept_as_given) {
  const auto parsed = parse_settlement_csv(
    data("pi_1,k,charge,1.00,0.33,0.67,USD,2026-03-01\n"
         "TOTAL,,total,9.00,0.00,9.00,USD,2026-03-01\n"));
  ASSERT_EQ(parsed.error, "");
  EXPECT_EQ(parsed.file.totals[0].gross_minor, 900);
}

struct bad_case {
  const char* name;
  std::string text;
  std::uint32_t line;
  const char* error_part;
};

class SettlementCsvRefuses : public ::testing::TestWithParam<bad_case> {};

TEST_P(SettlementCsvRefuses, with_the_line_and_reason) {
  const auto parsed = parse_settlement_csv(GetParam().text);
  EXPECT_EQ(parsed.error_line, GetParam().line) << parsed.error;
  EXPECT_NE(parsed.error.find(GetParam().error_part), std::string::npos)
    << parsed.error;
}

const std::string ok_total = "TOTAL,,total,1.00,0.33,0.67,USD,2026-03-01\n";

INSTANTIATE_TEST_SUITE_P(
  each_error, SettlementCsvRefuses,
  ::testing::Values(
    bad_case{"empty_text", "", 1, "header"},
    bad_case{"other_header", "ref,key,type,gross,fee,net,currency,date\n", 1,
             "header"},
    bad_case{"seven_fields",
             data("pi_1,charge,1.00,0.33,0.67,USD,2026-03-01\n"), 2,
             "expected 8 fields, found 7"},
    bad_case{"nine_fields",
             data("pi_1,k,charge,1.00,0.33,0.67,USD,2026-03-01,x\n"), 2,
             "found 9"},
    bad_case{"blank_line", data("\n" + ok_total), 2, "found 1"},
    bad_case{"unknown_type",
             data("pi_1,k,chargeback,1.00,0.33,0.67,USD,2026-03-01\n"), 2,
             "unknown type"},
    bad_case{"unknown_currency",
             data("pi_1,k,charge,1.00,0.33,0.67,XYZ,2026-03-01\n"), 2,
             "unknown currency"},
    bad_case{"lowercase_currency",
             data("pi_1,k,charge,1.00,0.33,0.67,usd,2026-03-01\n"), 2,
             "unknown currency"},
    bad_case{"one_decimal_usd",
             data("pi_1,k,charge,1.0,0.33,0.67,USD,2026-03-01\n"), 2,
             "bad gross"},
    bad_case{"letters_in_fee",
             data("pi_1,k,charge,1.00,0.3x,0.67,USD,2026-03-01\n"), 2,
             "bad fee"},
    bad_case{"plus_sign",
             data("pi_1,k,charge,+1.00,0.33,0.67,USD,2026-03-01\n"), 2,
             "bad gross"},
    bad_case{
      "overflow",
      data("pi_1,k,charge,99999999999999999999.00,0.00,99999999999999999999.00,"
           "USD,2026-03-01\n"),
      2, "bad gross"},
    bad_case{"net_wrong", data("pi_1,k,charge,1.00,0.33,0.68,USD,2026-03-01\n"),
             2, "net is not gross - fee"},
    bad_case{"bad_date", data("pi_1,k,charge,1.00,0.33,0.67,USD,2026-02-30\n"),
             2, "bad settled_date"},
    bad_case{"date_shape", data("pi_1,k,charge,1.00,0.33,0.67,USD,2026-3-01\n"),
             2, "bad settled_date"},
    bad_case{"missing_total",
             data("pi_1,k,charge,1.00,0.33,0.67,USD,2026-03-01\n"
                  "pi_2,k,charge,5,0,5,JPY,2026-03-01\n"
                  "TOTAL,,total,5,0,5,JPY,2026-03-01\n"),
             5, "no TOTAL row for USD"},
    bad_case{"duplicate_total",
             data("pi_1,k,charge,1.00,0.33,0.67,USD,2026-03-01\n" + ok_total
                  + ok_total),
             4, "a second TOTAL row"},
    bad_case{"line_after_totals",
             data(ok_total + "pi_1,k,charge,1.00,0.33,0.67,USD,2026-03-01\n"),
             3, "after the TOTAL"},
    bad_case{"unclosed_quote",
             data("\"pi_1,k,charge,1.00,0.33,0.67,USD,2026-03-01\n"), 2,
             "not closed"},
    bad_case{"text_after_quote",
             data("\"pi\"1,k,charge,1.00,0.33,0.67,USD,2026-03-01\n"), 2,
             "after a closing quote"},
    bad_case{"quote_in_unquoted",
             data("p\"i,k,charge,1.00,0.33,0.67,USD,2026-03-01\n"), 2,
             "quote inside"},
    bad_case{"bad_total_amount",
             data("pi_1,k,charge,1.00,0.33,0.67,USD,2026-03-01\n"
                  "TOTAL,,total,1,0.33,0.67,USD,2026-03-01\n"),
             3, "bad gross"}),
  [](const auto& info) { return std::string(info.param.name); });

TEST(SettlementCsv, error_line_counts_physical_lines_across_quoted_newlines) {
  const auto parsed = parse_settlement_csv(
    data("pi_1,\"a\nb\",charge,1.00,0.33,0.67,USD,2026-03-01\n"
         "pi_2,k,charge,1.00,0.33,0.99,USD,2026-03-01\n"));
  EXPECT_EQ(parsed.error_line, 4u) << parsed.error;
}

TEST(SettlementCsv, settlement_dates_are_real_calendar_days) {
  EXPECT_TRUE(is_settlement_date("2024-02-29"));
  EXPECT_FALSE(is_settlement_date("2023-02-29"));
  EXPECT_FALSE(is_settlement_date("2100-02-29"));
  EXPECT_TRUE(is_settlement_date("2000-02-29"));
  EXPECT_FALSE(is_settlement_date("2026-13-01"));
  EXPECT_FALSE(is_settlement_date("2026-00-10"));
  EXPECT_FALSE(is_settlement_date("2026-01-32"));
  EXPECT_FALSE(is_settlement_date("2026-01-1"));
  EXPECT_FALSE(is_settlement_date("20260101"));
  EXPECT_FALSE(is_settlement_date("1969-12-31"));
}

TEST(SettlementCsv, parses_100000_lines_quickly) {
  settlement_file f;
  f.date = "2026-03-01";
  for (int i = 0; i < 100'000; ++i) {
    f.lines.push_back(make_line("pi_" + std::to_string(i),
                                "po_" + std::to_string(i),
                                settlement_type::charge, 1000 + i, 59, "USD"));
  }
  f.totals = settlement_totals_of(f.lines);
  const std::string text = format_settlement_csv(f);
  const auto start = std::chrono::steady_clock::now();
  const auto parsed = parse_settlement_csv(text);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - start)
                    .count();
  ASSERT_EQ(parsed.error, "");
  EXPECT_EQ(parsed.file.lines.size(), 100'000u);
  EXPECT_EQ(parsed.file.totals[0].gross_minor, f.totals[0].gross_minor);
  RecordProperty("parse_ms", static_cast<int>(ms));
  // Generous for a shared 2-core box (and sanitizer builds): a regex or
  // per-field allocation parser would still be far slower.
  EXPECT_LT(ms, 2000);
}

TEST(SettlementCsv, type_names_round_trip) {
  for (const auto t : {settlement_type::charge, settlement_type::refund,
                       settlement_type::payout, settlement_type::fee}) {
    settlement_type back{};
    ASSERT_TRUE(parse_settlement_type(to_string(t), back));
    EXPECT_EQ(back, t);
  }
  settlement_type out{};
  EXPECT_FALSE(parse_settlement_type("total", out));
  EXPECT_FALSE(parse_settlement_type("Charge", out));
}

}  // namespace
}  // namespace pay::domain
