#include "gateway/reconcile/trial_balance_render.hpp"

#include <boost/json.hpp>

#include "gateway/common/render.hpp"

namespace pay::gateway {

namespace json = boost::json;

namespace {

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string render_trial_balance_json(const trial_balance& tb) {
  json::array currencies;
  for (const auto& c : tb.currencies) {
    json::array accounts;
    for (const auto& row : c.accounts)
      accounts.push_back(json::object{
        {"account", row.account},
        {"debit", decimal_amount(row.debit_minor, c.currency)},
        {"credit", decimal_amount(row.credit_minor, c.currency)},
        {"balance", decimal_amount(row.balance_minor, c.currency)},
        {"balance_minor", row.balance_minor},
      });
    currencies.push_back(json::object{
      {"currency", c.currency},
      {"accounts", std::move(accounts)},
      {"total", decimal_amount(c.total_minor, c.currency)},
      {"total_minor", c.total_minor},
    });
  }
  json::array memo;
  for (const auto& m : tb.memo)
    memo.push_back(json::object{
      {"name", m.name},
      {"currency", m.currency},
      {"amount", decimal_amount(m.amount_minor, m.currency)},
      {"amount_minor", m.amount_minor},
      {"orders", m.orders},
    });
  return json::serialize(json::object{{"as_of", tb.as_of},
                                      {"currencies", std::move(currencies)},
                                      {"memo", std::move(memo)}});
}

std::string render_trial_balance_csv(const trial_balance& tb) {
  std::string out = "currency,account,debit,credit,balance\r\n";
  for (const auto& c : tb.currencies) {
    for (const auto& row : c.accounts)
      out += c.currency + "," + csv_field(row.account) + ","
             + decimal_amount(row.debit_minor, c.currency) + ","
             + decimal_amount(row.credit_minor, c.currency) + ","
             + decimal_amount(row.balance_minor, c.currency) + "\r\n";
    out += c.currency + ",TOTAL,"
           + decimal_amount(c.debit_total_minor, c.currency) + ","
           + decimal_amount(c.credit_total_minor, c.currency) + ","
           + decimal_amount(c.total_minor, c.currency) + "\r\n";
  }
  return out;
}

}  // namespace pay::gateway
