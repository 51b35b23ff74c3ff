// GET /v1/refunds and GET /v1/payment_intents against the real pspsim
// process: Stripe's list shape with each object exactly as its GET renders
// it, newest first, paging both ways across pages, the created filters
// (brackets plain or percent-encoded), the refund filters, and the
// refusals: unknown parameters, unknown filter objects and cursors.
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "http/form.hpp"
#include "http/sync_client.hpp"
#include "tests/pspsim/pspsim_fixtures.hpp"

namespace pay::pspsim {
namespace {

using namespace harness;

class lists : public pspsim_suite<lists> {
 public:
  static std::vector<std::string> pspsim_options() {
    return {"--processing-ms", "600000"};
  }

 protected:
  std::string charge(const std::string& order,
                     const std::string& token = "pm_card_visa",
                     const std::string& amount = "1000") {
    return intent_id_of(
      post("/v1/payment_intents", {{"amount", amount},
                                   {"currency", "usd"},
                                   {"payment_method", token},
                                   {"confirm", "true"},
                                   {"metadata[payment_order_id]", order}}));
  }
  std::string refund(const std::string& pi, const std::string& refund_id,
                     const std::string& amount = "100") {
    const auto r = post("/v1/refunds",
                        {{"payment_intent", pi},
                         {"amount", amount},
                         {"metadata[refund_id]", refund_id}},
                        refund_id);
    EXPECT_EQ(r.res.result_int(), 200u) << r.res.body();
    return id_of(r);
  }
  boost::json::object list(const std::string& target) {
    const auto r = get(target);
    EXPECT_EQ(r.res.result_int(), 200u) << target << ": " << r.res.body();
    return json_of(r);
  }
  // Pages through `target` (which ends in '&' or '?') with starting_after.
  std::vector<std::string> all_pages(const std::string& target, int& pages) {
    std::vector<std::string> out;
    std::string after;
    pages = 0;
    for (;;) {
      const auto page = list(
        target + (after.empty() ? "" : "starting_after=" + after));
      ++pages;
      const auto ids = ids_of(page);
      out.insert(out.end(), ids.begin(), ids.end());
      if (!page.at("has_more").as_bool() || ids.empty() || pages > 50) break;
      after = ids.back();
    }
    return out;
  }
  void expect_error(const std::string& target, unsigned status,
                    const std::string& code, const std::string& param) {
    const auto r = get(target);
    EXPECT_EQ(r.res.result_int(), status) << target << ": " << r.res.body();
    EXPECT_EQ(error_field(r, "code"), code) << target;
    EXPECT_EQ(error_field(r, "param"), param) << target;
  }
};

TEST_F(lists, refunds_of_an_intent_newest_first_exactly_as_retrieved) {
  const auto pi = charge("po_shape");
  const auto first = refund(pi, "rf_1");
  advance_clock(*client_, 5);
  const auto second = refund(pi, "rf_2");
  const auto third = refund(pi, "rf_3");
  charge("po_other");

  const auto page = list("/v1/refunds?limit=100&payment_intent=" + pi);
  EXPECT_EQ(page.at("object"), "list");
  EXPECT_EQ(page.at("url"), "/v1/refunds");
  EXPECT_FALSE(page.at("has_more").as_bool());
  const auto& data = page.at("data").as_array();
  ASSERT_EQ(data.size(), 3u);
  EXPECT_EQ(std::string(data[2].at("id").as_string()), first);
  const std::set<std::string> newer{second, third};
  EXPECT_EQ(std::set<std::string>({std::string(data[0].at("id").as_string()),
                                   std::string(data[1].at("id").as_string())}),
            newer);
  // second and third (almost always) share a second: then the larger id
  // comes first.
  const auto created = [&](std::size_t i) {
    return data[i].at("created").as_int64();
  };
  if (created(0) == created(1)) {
    EXPECT_GT(data[0].at("id").as_string(), data[1].at("id").as_string());
  } else {
    EXPECT_GT(created(0), created(1));
  }
  EXPECT_GT(created(1), created(2));
  for (const auto& r : data) {
    const std::string id(r.at("id").as_string());
    EXPECT_EQ(r, boost::json::parse(get("/v1/refunds/" + id).res.body())) << id;
    EXPECT_EQ(r.at("object"), "refund");
    EXPECT_EQ(r.at("payment_intent").as_string(), pi);
  }
  // What paymentd looks for.
  EXPECT_EQ(data[2].at("metadata").at("refund_id"), "rf_1");
}

TEST_F(lists, refunds_page_across_pages_both_ways_and_filter) {
  const auto a = charge("po_a");
  const auto b = charge("po_b");
  std::vector<std::string> made;
  for (int i = 0; i < 7; ++i) {
    made.push_back(refund(i % 2 == 0 ? a : b, "rf_" + std::to_string(i)));
    if (i % 3 == 0) advance_clock(*client_, 2);
  }
  const auto everything = ids_of(list("/v1/refunds?limit=100"));
  ASSERT_EQ(everything.size(), 7u);
  EXPECT_EQ(std::set<std::string>(everything.begin(), everything.end()),
            std::set<std::string>(made.begin(), made.end()));
  EXPECT_EQ(ids_of(list("/v1/refunds")).size(), 7u) << "default limit 10";

  int pages = 0;
  EXPECT_EQ(all_pages("/v1/refunds?limit=3&", pages), everything);
  EXPECT_EQ(pages, 3);

  // ending_before the last page's first id answers the page before it.
  const auto last = list("/v1/refunds?limit=3&starting_after=" + everything[5]);
  EXPECT_EQ(ids_of(last), std::vector<std::string>{everything[6]});
  EXPECT_FALSE(last.at("has_more").as_bool());
  const auto back = list("/v1/refunds?limit=3&ending_before=" + everything[6]);
  EXPECT_EQ(ids_of(back), std::vector<std::string>(everything.begin() + 3,
                                                   everything.begin() + 6));
  EXPECT_TRUE(back.at("has_more").as_bool());
  const auto top = list("/v1/refunds?limit=3&ending_before=" + everything[3]);
  EXPECT_EQ(ids_of(top), std::vector<std::string>(everything.begin(),
                                                  everything.begin() + 3));
  EXPECT_FALSE(top.at("has_more").as_bool());

  // By intent, by charge: the same refunds in the same order.
  std::vector<std::string> of_a;
  for (const auto& id : everything) {
    const auto r = json_of(get("/v1/refunds/" + id));
    if (r.at("payment_intent").as_string() == a) of_a.push_back(id);
  }
  ASSERT_EQ(of_a.size(), 4u);
  EXPECT_EQ(all_pages("/v1/refunds?limit=2&payment_intent=" + a + "&", pages),
            of_a);
  EXPECT_EQ(pages, 2);
  const auto charge_a = charge_id_of(json_of(get("/v1/payment_intents/" + a)));
  EXPECT_EQ(ids_of(list("/v1/refunds?limit=100&charge=" + charge_a)), of_a);
  EXPECT_EQ(ids_of(list("/v1/refunds?limit=100&charge=" + charge_a
                        + "&payment_intent=" + a)),
            of_a);
  EXPECT_TRUE(
    ids_of(list("/v1/refunds?charge=" + charge_a + "&payment_intent=" + b))
      .empty());
}

TEST_F(lists, refunds_created_filters_in_either_encoding) {
  const auto pi = charge("po_created");
  const auto early = refund(pi, "rf_early");
  advance_clock(*client_, 100);
  const std::int64_t middle = now();
  const auto late = refund(pi, "rf_late");
  const auto t = std::to_string(middle);
  for (const std::string gte :
       {"created[gte]=", "created%5Bgte%5D=", "created%5bgte%5d="}) {
    EXPECT_EQ(ids_of(list("/v1/refunds?" + gte + t)),
              std::vector<std::string>{late})
      << gte;
  }
  EXPECT_EQ(ids_of(list("/v1/refunds?created%5Blt%5D=" + t)),
            std::vector<std::string>{early});
  const auto late_at = std::to_string(
    json_of(get("/v1/refunds/" + late)).at("created").as_int64());
  EXPECT_EQ(ids_of(list("/v1/refunds?created[gt]=" + late_at)),
            std::vector<std::string>{});
  EXPECT_EQ(ids_of(list("/v1/refunds?created[lte]=" + late_at
                        + "&payment_intent=" + pi)),
            (std::vector<std::string>{late, early}));
}

TEST_F(lists, refunds_of_known_objects_without_refunds_are_an_empty_list) {
  const auto pi = charge("po_none");
  const auto ch = charge_id_of(json_of(get("/v1/payment_intents/" + pi)));
  ASSERT_FALSE(ch.empty());
  for (const auto& target :
       {"/v1/refunds?limit=100&payment_intent=" + pi,
        "/v1/refunds?charge=" + ch, std::string("/v1/refunds")}) {
    const auto page = list(target);
    EXPECT_TRUE(page.at("data").as_array().empty()) << target;
    EXPECT_FALSE(page.at("has_more").as_bool()) << target;
  }
  const auto declined = charge("po_declined", "pm_card_chargeDeclined");
  EXPECT_TRUE(ids_of(list("/v1/refunds?payment_intent=" + declined)).empty());
}

TEST_F(lists, refund_list_refusals) {
  const auto pi = charge("po_refusals");
  refund(pi, "rf_x");
  expect_error("/v1/refunds?limit=100&payment_intent=pi_unknown", 404,
               "resource_missing", "payment_intent");
  EXPECT_EQ(error_field(get("/v1/refunds?payment_intent=pi_unknown"),
                        "message"),
            "No such payment_intent: 'pi_unknown'");
  expect_error("/v1/refunds?charge=ch_unknown", 404, "resource_missing",
               "charge");
  expect_error("/v1/refunds?starting_after=re_unknown", 400, "resource_missing",
               "starting_after");
  EXPECT_EQ(error_field(get("/v1/refunds?starting_after=re_unknown"),
                        "message"),
            "No such refund: 're_unknown'");
  expect_error("/v1/refunds?ending_before=re_unknown", 400, "resource_missing",
               "ending_before");
  expect_error("/v1/refunds?payment_order_id=po_1", 400, "parameter_unknown",
               "payment_order_id");
  expect_error("/v1/refunds?limit=10&metadata%5Brefund_id%5D=rf_x", 400,
               "parameter_unknown", "metadata[refund_id]");
  expect_error("/v1/refunds?expand[]=data.charge", 400, "parameter_unknown",
               "expand[0]");
  expect_error("/v1/refunds?limit=0", 400, "parameter_invalid_integer",
               "limit");
  expect_error("/v1/refunds?limit=101", 400, "parameter_invalid_integer",
               "limit");
  expect_error("/v1/refunds?payment_intent=", 400, "parameter_invalid_empty",
               "payment_intent");
  expect_error("/v1/refunds?starting_after=a&ending_before=b", 400,
               "parameters_exclusive", "ending_before");
  const auto r = client_->get("/v1/refunds");
  EXPECT_EQ(r.res.result_int(), 401u);
}

TEST_F(lists, intents_newest_first_exactly_as_retrieved) {
  const auto ok = charge("po_1");
  advance_clock(*client_, 3);
  const auto declined = charge("po_2", "pm_card_chargeDeclined");
  advance_clock(*client_, 3);
  const auto processing = charge("po_3", "pm_card_processing");
  const auto page = list("/v1/payment_intents");
  EXPECT_EQ(page.at("object"), "list");
  EXPECT_EQ(page.at("url"), "/v1/payment_intents");
  EXPECT_FALSE(page.at("has_more").as_bool());
  EXPECT_EQ(ids_of(page), (std::vector<std::string>{processing, declined, ok}));
  for (const auto& pi : page.at("data").as_array()) {
    const std::string id(pi.at("id").as_string());
    EXPECT_EQ(pi,
              boost::json::parse(get("/v1/payment_intents/" + id).res.body()))
      << id;
  }
  EXPECT_EQ(page.at("data").as_array()[2].at("metadata").at("payment_order_id"),
            "po_1");
}

TEST_F(lists, intents_page_the_way_paymentd_searches) {
  // An older intent, outside the window searched below.
  const auto old = charge("po_old");
  advance_clock(*client_, 60);
  const std::int64_t window = now();
  std::set<std::string> made;
  for (int i = 0; i < 25; ++i) {
    made.insert(charge("po_" + std::to_string(i)));
    if (i % 10 == 9) advance_clock(*client_, 1);
  }
  auto everything = ids_of(list("/v1/payment_intents?limit=100"));
  ASSERT_EQ(everything.size(), 26u);
  EXPECT_EQ(everything.back(), old);
  everything.pop_back();
  EXPECT_EQ(std::set<std::string>(everything.begin(), everything.end()), made);

  // paymentd: GET /v1/payment_intents?limit=..&created%5Bgte%5D=..
  // [&starting_after=pi_...], percent-encoded by form_encode.
  int pages = 0;
  const auto paged = all_pages("/v1/payment_intents?"
                                 + http::form_encode(
                                   {{"limit", "10"},
                                    {"created[gte]", std::to_string(window)}})
                                 + "&",
                               pages);
  EXPECT_EQ(paged, everything);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(ids_of(list("/v1/payment_intents?limit=100&created%5Blt%5D="
                        + std::to_string(window))),
            std::vector<std::string>{old});
  // Exactly those of the window's first second.
  std::vector<std::string> first_second;
  const auto full = list("/v1/payment_intents?limit=100");
  for (const auto& pi : full.at("data").as_array()) {
    if (pi.at("created").as_int64() == window) {
      first_second.emplace_back(pi.at("id").as_string());
    }
  }
  EXPECT_GE(first_second.size(), 1u);
  EXPECT_EQ(ids_of(list("/v1/payment_intents?limit=100&created[gte]="
                        + std::to_string(window)
                        + "&created[lte]=" + std::to_string(window))),
            first_second);

  // ending_before walks back up.
  const auto back = list("/v1/payment_intents?limit=10&ending_before="
                         + everything[20]);
  EXPECT_EQ(ids_of(back), std::vector<std::string>(everything.begin() + 10,
                                                   everything.begin() + 20));
  EXPECT_TRUE(back.at("has_more").as_bool());
}

TEST_F(lists, intent_list_refusals) {
  charge("po_refused");
  expect_error("/v1/payment_intents?starting_after=pi_unknown", 400,
               "resource_missing", "starting_after");
  EXPECT_EQ(error_field(get("/v1/payment_intents?starting_after=pi_unknown"),
                        "message"),
            "No such payment_intent: 'pi_unknown'");
  expect_error("/v1/payment_intents?ending_before=pi_unknown", 400,
               "resource_missing", "ending_before");
  expect_error("/v1/payment_intents?customer=cus_1", 404, "resource_missing",
               "customer");
  expect_error("/v1/payment_intents?limit=100&status=succeeded", 400,
               "parameter_unknown", "status");
  expect_error("/v1/payment_intents?payment_intent=pi_1", 400,
               "parameter_unknown", "payment_intent");
  expect_error("/v1/payment_intents?created=5", 400, "parameter_unknown",
               "created");
  expect_error("/v1/payment_intents?created%5Bgte%5D=soon", 400,
               "parameter_invalid_integer", "created[gte]");
  expect_error("/v1/payment_intents?limit=1000", 400,
               "parameter_invalid_integer", "limit");
  expect_error("/v1/payment_intents?created%5Bgte%5", 400, "body_invalid",
               "<null>");
  EXPECT_EQ(client_->get("/v1/payment_intents").res.result_int(), 401u);
}

}  // namespace
}  // namespace pay::pspsim
