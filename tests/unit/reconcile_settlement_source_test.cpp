// reconcile.source picks the settlement source; the CSV source reads the
// day's file as the reconciler always did.

#include "actors/reconcile/settlement_source.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "domain/common/sha256.hpp"

namespace pay {
namespace {

struct recorded {
  std::vector<std::string> targets;
  psp_headers headers;
};

psp_opener answering(recorded& seen, const psp_answer& answer) {
  return [&seen, answer] {
    return [&seen, answer](const std::string& target, const psp_headers& h) {
      seen.targets.push_back(target);
      seen.headers = h;
      return answer;
    };
  };
}

settlement_source_options options(std::string name) {
  return {std::move(name), "sk_test_x", "2020-08-27"};
}

const std::string csv =
  "psp_reference,idempotency_key,type,gross,fee,net,currency,settled_date\n"
  "pi_1,po_1,charge,10.00,0.59,9.41,USD,2026-03-01\n"
  "TOTAL,,total,10.00,0.59,9.41,USD,2026-03-01\n";

TEST(reconcile_settlement_source_test,
     reconcile_source_names_one_of_two_sources) {
  recorded seen;
  auto bt = make_settlement_source(options("balance_transactions"),
                                   answering(seen, {{},
                                                    200,
                                                    R"({"object":"list",)"
                                                    R"("has_more":false,)"
                                                    R"("data":[]})"}));
  ASSERT_TRUE(bt);
  EXPECT_EQ(bt->settled_lines_of("2026-03-01").facts.name,
            "balance_transactions");
  EXPECT_EQ(seen.targets.at(0).substr(0, 25), "/v1/balance_transactions?");

  auto file = make_settlement_source(options("settlement_csv"),
                                     answering(seen, {{}, 200, csv}));
  ASSERT_TRUE(file);
  EXPECT_EQ(file->settled_lines_of("2026-03-01").facts.name, "settlement_csv");
  EXPECT_EQ(seen.targets.at(1), "/v1/settlement_files/2026-03-01");

  EXPECT_EQ(make_settlement_source(options("sftp"), answering(seen, {})),
            nullptr);
}

TEST(reconcile_settlement_source_test,
     every_source_sends_the_api_key_and_the_pinned_stripe_version) {
  for (const char* name : {"balance_transactions", "settlement_csv"}) {
    recorded seen;
    make_settlement_source(options(name), answering(seen, {{}, 500, ""}))
      ->settled_lines_of("2026-03-01");
    EXPECT_EQ(seen.headers, (psp_headers{{"Authorization", "Bearer sk_test_x"},
                                         {"Stripe-Version", "2020-08-27"}}))
      << name;
  }
}

TEST(reconcile_settlement_source_test,
     the_csv_source_reads_the_file_with_its_totals_and_digest) {
  recorded seen;
  auto source = make_settlement_source(options("settlement_csv"),
                                       answering(seen, {{}, 200, csv}));
  auto day = source->settled_lines_of("2026-03-01");
  ASSERT_EQ(day.error, "");
  EXPECT_EQ(day.file.date, "2026-03-01");
  EXPECT_TRUE(day.file.states_totals);
  ASSERT_EQ(day.file.lines.size(), 1u);
  EXPECT_EQ(day.file.lines[0].psp_reference, "pi_1");
  EXPECT_EQ(day.file.totals.size(), 1u);
  EXPECT_EQ(day.content_sha256, domain::sha256_hex(csv));
  EXPECT_EQ(day.facts.pages, 1u);
}

TEST(reconcile_settlement_source_test,
     the_csv_source_fails_the_run_on_no_file_or_an_unreadable_one) {
  recorded seen;
  auto none = make_settlement_source(options("settlement_csv"),
                                     answering(seen, {{}, 404, "{}"}));
  EXPECT_EQ(none->settled_lines_of("2026-03-01").error,
            "settlement file answered HTTP 404");
  auto down = make_settlement_source(
    options("settlement_csv"), answering(seen, {"connection refused", 0, {}}));
  EXPECT_EQ(down->settled_lines_of("2026-03-01").error,
            "settlement file download failed: connection refused");
  auto bad = make_settlement_source(options("settlement_csv"),
                                    answering(seen, {{}, 200, "pi_1,po_1\n"}));
  EXPECT_EQ(bad->settled_lines_of("2026-03-01").error.substr(0, 36),
            "settlement file unreadable at line 1");
}

TEST(reconcile_settlement_source_test,
     an_https_base_url_that_is_not_one_fails_without_a_connection) {
  auto get = psp_opener_for({"ftp://psp.example", "", 1'000})();
  auto answer = get("/v1/balance_transactions", {});
  EXPECT_EQ(answer.error, "psp.base_url is not an http(s)://host:port URL");
}

}  // namespace
}  // namespace pay
