#include "tools/chaos/money_cycle.hpp"

#include <chrono>
#include <ctime>

#include <boost/json.hpp>
#include <pqxx/pqxx>

#include "domain/common/currency.hpp"
#include "domain/common/money.hpp"
#include "testkit/json_read.hpp"
#include "tools/chaos/plan.hpp"
#include "tools/chaos/sql_checks.hpp"

namespace pay::chaos {

namespace {

namespace json = boost::json;
using clock_type = std::chrono::steady_clock;

constexpr const char* other_reason = "chaos_other_reason";
constexpr std::size_t body_shown_max = 300;

std::string shortened(const std::string& text) {
  return text.size() <= body_shown_max ? text
                                       : text.substr(0, body_shown_max) + "...";
}

bool is_2xx(const final_answer& a) {
  return a.answered && (a.status == 200 || a.status == 201);
}

std::string answer_text(const final_answer& a) {
  if (!a.answered) return "no final answer; last: " + a.last_problem;
  return "answered " + std::to_string(a.status) + " " + a.error_type + "/"
         + a.error_code + ": " + shortened(a.body);
}

std::string utc_today() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m-%d", &utc);
  return text;
}

std::string refund_body(const std::string& order_id, std::int64_t amount_minor,
                        const std::string& currency, const char* reason) {
  json::object body{{"payment_order_id", order_id}, {"reason", reason}};
  // 0: no amount, i.e. everything that is left.
  if (amount_minor > 0)
    body["amount"] = domain::format_minor(amount_minor,
                                          *domain::find_currency(currency));
  return json::serialize(body);
}

struct refund_view {
  std::string id;
  std::string mismatch;  // empty when the view is the refund asked for
  std::int64_t amount_minor = 0;
};

refund_view read_refund(const std::string& body, const std::string& order_id,
                        std::int64_t expected_minor,
                        const std::string& currency) {
  refund_view out;
  boost::system::error_code ec;
  const auto v = json::parse(body, ec);
  if (ec || !v.is_object()) {
    out.mismatch = "the body is not a JSON object";
    return out;
  }
  out.id = it::string_at(v, {"id"});
  const auto parsed = domain::parse_money(it::string_at(v, {"amount"}),
                                          currency);
  out.amount_minor = parsed.error == domain::money_error::ok
                       ? parsed.value.amount_minor
                       : -1;
  if (it::string_at(v, {"payment_order_id"}) != order_id)
    out.mismatch = "payment_order_id is "
                   + it::string_at(v, {"payment_order_id"});
  else if (out.amount_minor != expected_minor)
    out.mismatch = "amount is " + it::string_at(v, {"amount"}) + ", expected "
                   + std::to_string(expected_minor) + " minor units";
  else if (out.id.rfind("rf_", 0) != 0)
    out.mismatch = "id is " + out.id;
  return out;
}

}  // namespace

money_cycle::money_cycle(std::string database_url,
                         const std::atomic<std::uint16_t>& paymentd_port,
                         money_cycle_settings settings)
    : database_url_(std::move(database_url)),
      paymentd_port_(paymentd_port),
      settings_(std::move(settings)) {}

money_cycle::~money_cycle() {
  aborted_ = true;
  {
    std::lock_guard<std::mutex> lock{mutex_};
    stop_feeding_ = true;
    workers_stop_ = true;
  }
  changed_.notify_all();
  if (feeder_.joinable()) feeder_.join();
  for (auto& t : workers_)
    if (t.joinable()) t.join();
}

void money_cycle::start() {
  for (std::uint32_t w = 0; w < settings_.workers; ++w)
    workers_.emplace_back([this, w] { work(w); });
  feeder_ = std::thread{[this] { feed(); }};
}

money_cycle_result money_cycle::finish() {
  {
    std::lock_guard<std::mutex> lock{mutex_};
    stop_feeding_ = true;
  }
  changed_.notify_all();
  if (feeder_.joinable()) feeder_.join();
  {
    std::lock_guard<std::mutex> lock{mutex_};
    workers_stop_ = true;
  }
  changed_.notify_all();
  for (auto& t : workers_)
    if (t.joinable()) t.join();
  std::lock_guard<std::mutex> lock{mutex_};
  result_.requests = counters_.requests;
  result_.resends = counters_.resends;
  return result_;
}

void money_cycle::feed() {
  following_client op{paymentd_port_, aborted_, settings_.client, counters_,
                      settings_.seed * 1'000 + 999};
  const auto interval = std::chrono::milliseconds{settings_.run_interval_ms};
  auto next_run = clock_type::now() + interval;
  std::uint32_t runs = 0;
  while (!stop_feeding_ && !aborted_) {
    scan();
    if (runs < settings_.runs_during_round_max
        && clock_type::now() >= next_run) {
      run_operator_jobs(op);
      ++runs;
      next_run = clock_type::now() + interval;
    }
    std::unique_lock<std::mutex> lock{mutex_};
    changed_.wait_for(lock,
                      std::chrono::milliseconds{settings_.scan_interval_ms},
                      [this] { return stop_feeding_.load(); });
  }
  if (aborted_) return;
  scan();
  {
    std::unique_lock<std::mutex> lock{mutex_};
    changed_.wait(lock, [this] { return queue_.empty() && busy_ == 0; });
  }
  // Last: the fulfilments and refunds above are what this run pays out on.
  run_operator_jobs(op);
}

void money_cycle::scan() {
  std::vector<job> found;
  try {
    // A new connection per look: PostgreSQL may have restarted.
    pqxx::connection conn{database_url_};
    pqxx::read_transaction txn{conn};
    for (const auto& r : txn.exec(sql::booked_success_orders)) {
      job j;
      j.payment_order_id = r[0].c_str();
      j.amount_minor = r[1].as<std::int64_t>();
      j.currency = r[2].c_str();
      found.push_back(std::move(j));
    }
    for (const auto& r : txn.exec(sql::authorized_orders)) {
      job j;
      j.payment_order_id = r[0].c_str();
      j.amount_minor = r[1].as<std::int64_t>();
      j.currency = r[2].c_str();
      j.authorized = true;
      found.push_back(std::move(j));
    }
  } catch (const std::exception&) {
    return;  // PostgreSQL is restarting; the next look finds them
  }
  {
    std::lock_guard<std::mutex> lock{mutex_};
    for (auto& j : found) {
      // An authorized order seen once is settled once; once captured it is
      // seen again, booked, for its after-pay-in story.
      const auto seen_as = (j.authorized ? "authorized:" : "")
                           + j.payment_order_id;
      if (!seen_.insert(seen_as).second) continue;
      if (j.authorized) {
        ++result_.authorized_seen;
        j.settle = plan_authorized(j.payment_order_id, settings_.seed);
        if (j.settle != settle_story::leave) queue_.push_back(std::move(j));
        continue;
      }
      ++result_.orders_seen;
      j.step = plan_after_payin(j.payment_order_id, settings_.seed);
      if (j.step.fulfil || j.step.refund != refund_story::none)
        queue_.push_back(std::move(j));
    }
  }
  changed_.notify_all();
}

bool money_cycle::next_job(job& out) {
  std::unique_lock<std::mutex> lock{mutex_};
  changed_.wait(lock, [this] { return workers_stop_ || !queue_.empty(); });
  if (queue_.empty()) return false;
  out = std::move(queue_.front());
  queue_.pop_front();
  ++busy_;
  return true;
}

void money_cycle::work(std::uint32_t worker) {
  following_client client{paymentd_port_, aborted_, settings_.client, counters_,
                          settings_.seed * 1'000 + 500 + worker};
  job j;
  while (next_job(j)) {
    run_job(client, worker, j);
    {
      std::lock_guard<std::mutex> lock{mutex_};
      --busy_;
    }
    changed_.notify_all();
  }
}

void money_cycle::run_job(following_client& client, std::uint32_t worker,
                          const job& j) {
  if (j.authorized) {
    settle_authorized(client, j);
    return;
  }
  if (j.step.fulfil) fulfil(client, j);
  if (j.step.refund == refund_story::none) return;
  {
    std::lock_guard<std::mutex> lock{mutex_};
    ++result_.refund_stories;
  }
  if (j.step.refund == refund_story::concurrent_over)
    play_concurrent_over(worker, j);
  else
    play_refund(client, worker, j);
}

void money_cycle::fulfil(following_client& client, const job& j) {
  post_request r;
  r.path = "/v1/payment_orders/" + j.payment_order_id + "/fulfill";
  const auto answer = client.post_until_final(r);
  if (answer.answered && answer.status == 200) {
    std::lock_guard<std::mutex> lock{mutex_};
    ++result_.fulfilled;
    return;
  }
  add({invariant::client_answer,
       "fulfil " + j.payment_order_id + ": " + answer_text(answer)});
}

// Fulfil (capture all or half) or cancel (void) an authorized order, under
// the round's faults and kills. A repeat after a lost answer meets the
// decision its first attempt persisted: 409 (not AUTHORIZED any more), or
// 200 once captured (then the fulfilment only marks it). Anything else
// breaks the contract.
void money_cycle::settle_authorized(following_client& client, const job& j) {
  post_request r;
  const bool cancel = j.settle == settle_story::cancel;
  r.path = "/v1/payment_orders/" + j.payment_order_id
           + (cancel ? "/cancel" : "/fulfill");
  if (j.settle == settle_story::fulfil_part) {
    const auto info = domain::find_currency(j.currency);
    const auto part = partial_capture_minor(
      j.amount_minor, amount_rule_for(j.currency).step_minor);
    json::object body{{"amount", domain::format_minor(part, *info)}};
    r.body = json::serialize(body);
  }
  const auto answer = client.post_until_final(r);
  const bool accepted = answer.answered
                        && (answer.status == 202 || answer.status == 200
                            || (answer.status == 409
                                && (answer.error_code == "order_not_succeeded"
                                    || answer.error_code
                                         == "order_not_cancelable")));
  if (accepted) {
    std::lock_guard<std::mutex> lock{mutex_};
    ++(cancel ? result_.voids_asked : result_.captures_asked);
    return;
  }
  add({invariant::client_answer, std::string{to_string(j.settle)} + " "
                                   + j.payment_order_id + ": "
                                   + answer_text(answer)});
}

void money_cycle::play_refund(following_client& client, std::uint32_t,
                              const job& j) {
  const auto story = j.step.refund;
  const auto key = "rfk_" + j.payment_order_id;
  const std::int64_t amount_minor = story == refund_story::full
                                      ? 0
                                      : partial_refund_minor(
                                        j.amount_minor,
                                        amount_rule_for(j.currency).step_minor);
  const std::int64_t expected_minor = amount_minor > 0 ? amount_minor
                                                       : j.amount_minor;
  post_request r;
  r.path = "/v1/refunds";
  r.idempotency_key = key;
  r.body = refund_body(j.payment_order_id, amount_minor, j.currency,
                       "requested_by_customer");
  const auto who = "refund " + key + " (" + to_string(story) + "): ";
  const auto first = client.post_until_final(r);
  if (!is_2xx(first)) {
    add({invariant::client_answer, who + answer_text(first)});
    if (first.answered && (first.status == 400 || first.status == 409)
        && first.error_type != "idempotency_error") {
      std::lock_guard<std::mutex> lock{mutex_};
      result_.refund_keys_refused.push_back(key);
    }
    return;
  }
  const auto view = read_refund(first.body, j.payment_order_id, expected_minor,
                                j.currency);
  if (!view.mismatch.empty())
    add({invariant::client_answer, who + "the wrong refund: " + view.mismatch});
  {
    std::lock_guard<std::mutex> lock{mutex_};
    result_.refunds_acknowledged.push_back(
      {key, view.id, j.payment_order_id, view.amount_minor});
  }
  if (story == refund_story::same_key_twice) {
    const auto again = client.post_until_final(r);
    const auto replay = is_2xx(again)
                          ? read_refund(again.body, j.payment_order_id,
                                        expected_minor, j.currency)
                          : refund_view{};
    if (!is_2xx(again) || replay.id != view.id || !replay.mismatch.empty())
      add({invariant::client_answer,
           who + "the same request again must answer refund " + view.id + ": "
             + answer_text(again)});
  } else if (story == refund_story::key_reused_other_reason) {
    auto other = r;
    other.body = refund_body(j.payment_order_id, amount_minor, j.currency,
                             other_reason);
    const auto refused = client.post_until_final(other);
    if (refused.answered && (refused.status == 400 || refused.status == 409)
        && refused.error_type == "idempotency_error") {
      std::lock_guard<std::mutex> lock{mutex_};
      ++result_.key_reuses_refused;
    } else {
      add({invariant::client_answer,
           who
             + "the key with another reason must be refused"
               " idempotency_error: "
             + answer_text(refused)});
    }
  }
}

void money_cycle::play_concurrent_over(std::uint32_t worker, const job& j) {
  const auto amount_minor = over_half_refund_minor(
    j.amount_minor, amount_rule_for(j.currency).step_minor);
  const std::string keys[2] = {"rfk_" + j.payment_order_id + "_a",
                               "rfk_" + j.payment_order_id + "_b"};
  final_answer answers[2];
  std::thread racers[2];
  for (int i = 0; i < 2; ++i)
    racers[i] = std::thread{[&, i] {
      following_client c{paymentd_port_, aborted_, settings_.client, counters_,
                         settings_.seed * 1'000 + 700 + worker * 2 + i};
      post_request r;
      r.path = "/v1/refunds";
      r.idempotency_key = keys[i];
      r.body = refund_body(j.payment_order_id, amount_minor, j.currency,
                           "requested_by_customer");
      answers[i] = c.post_until_final(r);
    }};
  for (auto& t : racers) t.join();
  int acknowledged = 0;
  for (int i = 0; i < 2; ++i) {
    const auto who = "refund " + keys[i] + " (concurrent_over): ";
    const auto& a = answers[i];
    if (is_2xx(a)) {
      ++acknowledged;
      const auto view = read_refund(a.body, j.payment_order_id, amount_minor,
                                    j.currency);
      if (!view.mismatch.empty())
        add({invariant::client_answer,
             who + "the wrong refund: " + view.mismatch});
      std::lock_guard<std::mutex> lock{mutex_};
      result_.refunds_acknowledged.push_back(
        {keys[i], view.id, j.payment_order_id, view.amount_minor});
      continue;
    }
    if (a.answered && a.status == 400 && a.error_code == "amount_too_large") {
      std::lock_guard<std::mutex> lock{mutex_};
      result_.refund_keys_refused.push_back(keys[i]);
      continue;
    }
    add({invariant::client_answer, who + answer_text(a)});
  }
  if (acknowledged != 1)
    add({invariant::client_answer,
         "refunds " + keys[0] + " and " + keys[1] + " of "
           + std::to_string(amount_minor) + " minor units each on "
           + j.payment_order_id + " (" + std::to_string(j.amount_minor)
           + "): " + std::to_string(acknowledged)
           + " acknowledged, exactly 1 expected"});
}

void money_cycle::run_operator_jobs(following_client& client) {
  post_request reconcile;
  reconcile.path = "/admin/reconciliation/run?date=" + utc_today();
  const auto rec = client.post_until_final(reconcile);
  if (rec.answered && rec.status == 200) {
    std::lock_guard<std::mutex> lock{mutex_};
    ++result_.reconciliations;
  } else if (rec.answered && rec.status == 502) {
    std::lock_guard<std::mutex> lock{mutex_};
    ++result_.reconciliations_failed;
    result_.warnings.push_back("reconciliation run failed: "
                               + shortened(rec.body));
  } else {
    add({invariant::client_answer,
         "POST " + reconcile.path + ": " + answer_text(rec)});
  }
  onboard_sellers(client);
  post_request payouts;
  payouts.path = "/admin/payouts/run";
  const auto run = client.post_until_final(payouts);
  if (run.answered && run.status == 200) {
    std::lock_guard<std::mutex> lock{mutex_};
    ++result_.payout_runs;
    return;
  }
  add(
    {invariant::client_answer, "POST /admin/payouts/run: " + answer_text(run)});
}

// Every seller of the plan gets its connected account before the first
// pay-out run (a seller without one is never paid). The first has a closed
// bank account at pspsim, so its pay-outs fail and take their transfers back
// under the same faults as everything else.
void money_cycle::onboard_sellers(following_client& client) {
  {
    std::lock_guard<std::mutex> lock{mutex_};
    if (sellers_onboarded_) return;
  }
  bool all = true;
  for (std::uint32_t i = 0; i < sellers_count; ++i) {
    post_request r;
    r.path = "/v1/sellers/seller_" + std::to_string(i) + "/connected_account";
    r.body = i == 0 ? R"({"email":"closed-bank@chaos.example"})" : "{}";
    const auto answer = client.post_until_final(r);
    if (answer.answered && (answer.status == 201 || answer.status == 200))
      continue;
    all = false;
    add({invariant::client_answer,
         "POST " + r.path + ": " + answer_text(answer)});
  }
  std::lock_guard<std::mutex> lock{mutex_};
  sellers_onboarded_ = all;
}

void money_cycle::add(violation v) {
  std::lock_guard<std::mutex> lock{mutex_};
  result_.found.push_back(std::move(v));
}

}  // namespace pay::chaos
