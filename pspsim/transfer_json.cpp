#include "pspsim/transfer_json.hpp"

#include <algorithm>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "pspsim/json_values.hpp"

namespace pay::pspsim {
namespace {

// The transfer's `reversals`: Stripe's list object, newest first as every
// list (created, then id, descending).
boost::json::object reversals_list(const transfer_record& t) {
  std::vector<const reversal_record*> newest;
  for (const auto& r : t.reversals) newest.push_back(&r);
  std::sort(newest.begin(), newest.end(),
            [](const reversal_record* a, const reversal_record* b) {
              if (a->created_unix_s != b->created_unix_s) {
                return a->created_unix_s > b->created_unix_s;
              }
              return a->id > b->id;
            });
  boost::json::array data;
  for (std::size_t i = 0; i < newest.size() && i < inline_reversals_max; ++i) {
    data.push_back(reversal_object(*newest[i]));
  }
  boost::json::object out;
  out["object"] = "list";
  out["data"] = std::move(data);
  out["has_more"] = newest.size() > inline_reversals_max;
  out["total_count"] = newest.size();
  out["url"] = "/v1/transfers/" + t.id + "/reversals";
  return out;
}

}  // namespace

boost::json::object transfer_object(const transfer_record& t) {
  boost::json::object out;
  out["id"] = t.id;
  out["object"] = "transfer";
  out["amount"] = t.params.amount_minor;
  out["currency"] = t.params.currency;
  out["destination"] = t.params.destination;
  out["transfer_group"] = optional_json(t.params.transfer_group);
  out["source_transaction"] = optional_json(t.params.source_transaction);
  out["description"] = optional_json(t.params.description);
  out["metadata"] = metadata_json(t.params.metadata);
  out["amount_reversed"] = t.amount_reversed_minor;
  out["reversed"] = fully_reversed(t);
  out["reversals"] = reversals_list(t);
  out["created"] = t.created_unix_s;
  return out;
}

std::string transfer_json(const transfer_record& t) {
  return boost::json::serialize(transfer_object(t));
}

boost::json::object reversal_object(const reversal_record& r) {
  boost::json::object out;
  out["id"] = r.id;
  out["object"] = "transfer_reversal";
  out["amount"] = r.amount_minor;
  out["currency"] = r.currency;
  out["transfer"] = r.transfer;
  // Set by Stripe for destination charges and refunds that reverse a
  // transfer; a separate-charges reversal has neither.
  out["destination_payment_refund"] = nullptr;
  out["source_refund"] = nullptr;
  out["metadata"] = metadata_json(r.params.metadata);
  out["created"] = r.created_unix_s;
  return out;
}

std::string reversal_json(const reversal_record& r) {
  return boost::json::serialize(reversal_object(r));
}

}  // namespace pay::pspsim
