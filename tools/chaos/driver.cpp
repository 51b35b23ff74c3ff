#include "tools/chaos/driver.hpp"

#include <map>

#include <boost/json.hpp>

#include "domain/common/assert.hpp"
#include "testkit/api.hpp"

namespace pay::chaos {

namespace {

namespace json = boost::json;

constexpr std::size_t body_shown_max = 300;
constexpr const char* checkouts_path = "/v1/payments";
// Every checkout carries a return_url (docs/stripe.md): a 3-D Secure card
// then waits for the buyer (pspsim's --three-ds-ms decides) instead of being
// declined at once (error_on_requires_action); other cards ignore it.
constexpr const char* return_url = "https://shop.example/chaos/return";

std::string body_of(const it::checkout_spec& spec) {
  auto body = it::checkout_json(spec);
  body["credit_card_info"].as_object()["return_url"] = return_url;
  return json::serialize(body);
}

// testkit's byte-different spelling, with the same return_url first in
// credit_card_info: equal in meaning to body_of(spec).
std::string reordered_body_of(const it::checkout_spec& spec) {
  auto body = it::checkout_body_reordered(spec);
  const std::string card = "\"credit_card_info\": {";
  const auto at = body.find(card);
  PAY_ASSERT(at != std::string::npos);
  body.insert(at + card.size(),
              std::string{"\"return_url\" :  \""} + return_url + "\", ");
  return body;
}

std::string shortened(const std::string& text) {
  if (text.size() <= body_shown_max) return text;
  return text.substr(0, body_shown_max) + "...";
}

bool is_2xx(const final_answer& a) {
  return a.answered && a.status >= 200 && a.status < 300;
}

// Empty when the checkout view in `body` is the one `spec` asked for (ids,
// sellers, amounts and currencies of every order); else what differs.
std::string view_mismatch(const std::string& body,
                          const it::checkout_spec& spec) {
  boost::system::error_code ec;
  const auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return "the body is not a JSON object";
  if (it::string_at(v, {"checkout_id"}) != spec.checkout_id)
    return "checkout_id is " + it::string_at(v, {"checkout_id"});
  const auto* orders = v.as_object().if_contains("payment_orders");
  if (!orders || !orders->is_array()) return "no payment_orders array";
  std::map<std::string, std::string> seen;
  for (const auto& o : orders->as_array()) {
    // A partial capture on fulfilment lowers `amount` to what it took; what
    // was asked for stays the authorized amount.
    const auto* authorized = o.as_object().if_contains("authorized_amount");
    const auto asked = authorized && authorized->is_string()
                         ? std::string{authorized->as_string()}
                         : it::string_at(o, {"amount"});
    seen[it::string_at(o, {"payment_order_id"})] =
      it::string_at(o, {"seller_account"}) + " " + asked + " "
      + it::string_at(o, {"currency"});
  }
  std::map<std::string, std::string> wanted;
  for (const auto& o : spec.orders)
    wanted[o.payment_order_id] = o.seller_account + " " + o.amount + " "
                                 + o.currency;
  if (seen != wanted) return "the orders differ from the request";
  return {};
}

}  // namespace

driver::driver(const std::vector<planned_checkout>& plan,
               const std::atomic<std::uint16_t>& paymentd_port,
               drive_settings settings)
    : plan_(plan),
      paymentd_port_(paymentd_port),
      settings_(settings),
      jobs_left_(plan.size()) {
  result_.acknowledged.assign(plan.size(), false);
  for (std::uint32_t i = 0; i < plan.size(); ++i) {
    // Twins sit next to their primary so two threads take them together.
    jobs_.push_back(job{i, false});
    const auto kind = plan[i].duplicate;
    const bool twin = kind == duplicate_kind::same_key_concurrent
                      || kind == duplicate_kind::no_key_concurrent;
    if (twin) jobs_.push_back(job{i, true});
    jobs_left_[i] = twin ? 2 : 1;
  }
}

driver::~driver() {
  for (auto& t : threads_)
    if (t.joinable()) t.join();
}

void driver::start() {
  for (std::uint32_t w = 0; w < settings_.concurrency; ++w)
    threads_.emplace_back([this, w] { work(w); });
}

drive_result driver::finish() {
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  std::lock_guard<std::mutex> lock{mutex_};
  result_.requests = counters_.requests;
  result_.resends = counters_.resends;
  result_.no_answer = counters_.no_answer;
  result_.answers_503 = counters_.answers_503;
  result_.answers_500 = counters_.answers_500;
  result_.answers_409_in_use = counters_.answers_409_in_use;
  result_.answers_proxy = counters_.answers_proxy;
  return result_;
}

void driver::work(std::uint32_t worker) {
  following_client client{paymentd_port_, aborted_, settings_.client, counters_,
                          settings_.seed * 1'000 + worker};
  while (true) {
    const auto at = next_job_.fetch_add(1);
    if (at >= jobs_.size()) return;
    const auto& j = jobs_[at];
    if (j.twin)
      run_twin(client, j.index);
    else
      run_primary(client, j.index);
    if (jobs_left_[j.index].fetch_sub(1) == 1) ++checkouts_done_;
  }
}

void driver::run_primary(following_client& client, std::uint32_t index) {
  const auto& p = plan_[index];
  const post_request first{
    body_of(p.spec), p.idempotency_key, p.wait_s, checkouts_path, {}};
  const auto answer = client.post_until_final(first);
  expect_created_or_replayed(answer, index, "first request");
  switch (p.duplicate) {
    case duplicate_kind::same_key_sequential:
      expect_created_or_replayed(client.post_until_final(first), index,
                                 "resend with the same key");
      return;
    case duplicate_kind::other_key_sequential: {
      auto other = first;
      other.idempotency_key += "_other";
      expect_created_or_replayed(client.post_until_final(other), index,
                                 "resend under another key");
      return;
    }
    case duplicate_kind::key_reused_other_checkout:
    case duplicate_kind::key_reused_changed_amount:
      // A key is only "used" once its first request was stored.
      if (!is_2xx(answer)) return;
      expect_refused(
        client.post_until_final(post_request{
          body_of(p.refused), p.idempotency_key, p.wait_s, checkouts_path, {}}),
        index);
      return;
    case duplicate_kind::none:
    case duplicate_kind::same_key_concurrent:
    case duplicate_kind::no_key_concurrent:
      return;
  }
}

void driver::run_twin(following_client& client, std::uint32_t index) {
  const auto& p = plan_[index];
  // Byte-different but equal in meaning: the duplicate must still match.
  const post_request twin{
    reordered_body_of(p.spec), p.idempotency_key, p.wait_s, checkouts_path, {}};
  expect_created_or_replayed(client.post_until_final(twin), index,
                             "concurrent duplicate");
}

void driver::expect_created_or_replayed(const final_answer& answer,
                                        std::uint32_t index, const char* role) {
  const auto& p = plan_[index];
  const auto who = "checkout " + p.spec.checkout_id + " (" + role
                   + (p.idempotency_key.empty() ? std::string{", no key"}
                                                : ", key " + p.idempotency_key)
                   + "): ";
  if (!answer.answered) {
    add({invariant::client_answer,
         who + "no final answer before the client deadline; last: "
           + answer.last_problem});
    return;
  }
  if (answer.status != 200 && answer.status != 201) {
    add({invariant::client_answer,
         who + "answered " + std::to_string(answer.status) + " "
           + answer.error_code + ": " + shortened(answer.body)});
    return;
  }
  if (const auto wrong = view_mismatch(answer.body, p.spec); !wrong.empty())
    add({invariant::client_answer, who + std::to_string(answer.status)
                                     + " with the wrong checkout: " + wrong
                                     + ": " + shortened(answer.body)});
  std::lock_guard<std::mutex> lock{mutex_};
  result_.acknowledged[index] = true;
}

void driver::expect_refused(const final_answer& answer, std::uint32_t index) {
  const auto& p = plan_[index];
  const auto who = "key " + p.idempotency_key + " reused ("
                   + to_string(p.duplicate) + "): ";
  {
    std::lock_guard<std::mutex> lock{mutex_};
    ++result_.refusals_sent;
  }
  if (!answer.answered) {
    add({invariant::client_answer,
         who + "no final answer; last: " + answer.last_problem});
    return;
  }
  if (answer.status != 400 || answer.error_type != "idempotency_error") {
    add({invariant::client_answer,
         who + "answered " + std::to_string(answer.status) + " "
           + answer.error_type + "/" + answer.error_code
           + ", expected 400 idempotency_error: " + shortened(answer.body)});
    // A 2xx stored it; invariant 6 would only repeat this.
    if (is_2xx(answer)) return;
  }
  if (p.duplicate != duplicate_kind::key_reused_other_checkout) return;
  std::lock_guard<std::mutex> lock{mutex_};
  result_.refused_checkout_ids.push_back(p.refused.checkout_id);
  for (const auto& o : p.refused.orders)
    result_.refused_order_ids.push_back(o.payment_order_id);
}

void driver::add(violation v) {
  std::lock_guard<std::mutex> lock{mutex_};
  result_.found.push_back(std::move(v));
}

}  // namespace pay::chaos
