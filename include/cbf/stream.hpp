// Streaming a batch whose inputs are already ordered by key: each customer's result is emitted as
// soon as its records end, so memory stays O(largest customer) however large the batch.
#pragma once

#include <cbf/batch.hpp>
#include <cbf/compute.hpp>
#include <cbf/concepts.hpp>
#include <cbf/context.hpp>

#include <cstdint>
#include <iterator>
#include <optional>
#include <ranges>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cbf {

/// Thrown when a streamed input is not ordered by (shop_id, customer_id).
class UnorderedInput : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// What a stream computed: its as_of, how many customers it emitted, and the batch's totals
/// (the same as compute_batch's for the same filter).
struct StreamSummary {
  Timestamp as_of{};
  std::int64_t customers = 0;
  Diagnostics diagnostics;
};

namespace detail {

[[nodiscard]] inline bool key_before(CustomerKey a, CustomerKey b) noexcept {
  return a.shop_id != b.shop_id ? a.shop_id < b.shop_id : a.customer_id < b.customer_id;
}

/// Walks one key-ordered input: the records of the current key, then the next key.
template <class Range>
class KeyedStream {
 public:
  using Record = record_of<Range>;

  KeyedStream(Range& records, const char* kind, std::int64_t& unkeyed)
      : it_(std::ranges::begin(records)),
        end_(std::ranges::end(records)),
        kind_(kind),
        unkeyed_(&unkeyed) {
    skip_unkeyed();
  }

  /// The key at the head, if any record is left.
  [[nodiscard]] std::optional<CustomerKey> head() const {
    if (it_ == end_) return std::nullopt;
    return head_;
  }

  /// Moves the records of `key` at the head into `out` (cleared first); checks the order.
  void take(CustomerKey key, std::vector<const Record*>& out) {
    out.clear();
    while (it_ != end_ && head_ == key) {
      out.push_back(&deref(*it_));
      ++it_;
      skip_unkeyed();
      if (it_ != end_ && key_before(head_, key))
        throw UnorderedInput(std::string("cbf: the ") + kind_ +
                             " input of a stream is not ordered by (shop_id, customer_id): key (" +
                             std::string(head_.shop_id) + ", " + std::string(head_.customer_id) +
                             ") comes after (" + std::string(key.shop_id) + ", " +
                             std::string(key.customer_id) + ")");
    }
  }

 private:
  // Records without a customer_id belong to no key: counted and passed over wherever they are.
  void skip_unkeyed() {
    for (; it_ != end_; ++it_) {
      const auto& r = deref(*it_);
      const std::string_view customer_id = id_or_empty(id_text_customer_id(r, customer_digits_));
      if (!customer_id.empty()) {
        head_ = CustomerKey{id_or_empty(id_text_shop_id(r, shop_digits_)), customer_id};
        return;
      }
      ++*unkeyed_;
    }
  }

  std::ranges::iterator_t<Range> it_;
  std::ranges::sentinel_t<Range> end_;
  const char* kind_;
  std::int64_t* unkeyed_;
  IdDigits shop_digits_;  // the head's integer ids as text
  IdDigits customer_digits_;
  CustomerKey head_{};
};

}  // namespace detail

/// Calls `on_customer(ctx)` once per key, in key order, over inputs that are each ordered by
/// (shop_id, customer_id) as byte strings (records without a customer_id may be anywhere). Only
/// the current customer's record pointers are held, so the inputs may be input ranges that read
/// records as they arrive and release them behind (streamed_record_range says when). Without
/// config.as_of the inputs are read twice: once for the latest stamp (§4.1), once to compute.
/// Throws UnorderedInput on an out-of-order key.
template <class Customers, class Interactions, class Sessions, class Attributions, class F>
StreamSummary for_each_customer_in_order(Customers&& customers, Interactions&& interactions,
                                         Sessions&& sessions, Attributions&& attributions,
                                         const Config& config, F&& on_customer,
                                         const KeyFilter& filter = {}) {
  CBF_DETAIL_REQUIRE_STREAM(Customers, customer_record, "customers");
  CBF_DETAIL_REQUIRE_STREAM(Interactions, interaction_record, "interactions");
  CBF_DETAIL_REQUIRE_STREAM(Sessions, session_record, "sessions");
  CBF_DETAIL_REQUIRE_STREAM(Attributions, attribution_record, "attributions");
  validate(config);
  detail::check_shard(filter.shard);
  StreamSummary summary;
  summary.as_of =
      config.as_of ? *config.as_of : resolve_as_of(config, interactions, sessions, attributions);

  Diagnostics unkeyed;
  detail::KeyedStream<Customers> sc(customers, "customers", unkeyed.customer.missing_field);
  detail::KeyedStream<Interactions> si(interactions, "interactions",
                                       unkeyed.interaction.missing_field);
  detail::KeyedStream<Sessions> ss(sessions, "sessions", unkeyed.session.missing_field);
  detail::KeyedStream<Attributions> sa(attributions, "attributions",
                                       unkeyed.attribution.missing_field);
  std::vector<const record_of<Customers>*> rc;
  std::vector<const record_of<Interactions>*> ri;
  std::vector<const record_of<Sessions>*> rs;
  std::vector<const record_of<Attributions>*> ra;
  detail::KeyTable wanted_keys;
  if (filter.keys)
    for (const CustomerKey& k : *filter.keys)
      (void)wanted_keys.insert(detail::id_or_empty(k.shop_id), detail::id_or_empty(k.customer_id));
  const auto wanted = [&](CustomerKey key) {
    if (filter.shard.count > 1 &&
        shard_of(key.shop_id, key.customer_id, filter.shard.count) != filter.shard.index)
      return false;
    return !filter.keys || wanted_keys.find(key.shop_id, key.customer_id) != detail::KeyTable::none;
  };

  CustomerContext ctx;
  // The current key's text: a head may view digits that its stream rewrites as it moves on.
  std::vector<char> shop_id;
  std::vector<char> customer_id;
  for (;;) {
    std::optional<CustomerKey> key;
    for (const auto& head : {sc.head(), si.head(), ss.head(), sa.head()})
      if (head && (!key || detail::key_before(*head, *key))) key = head;
    if (!key) break;
    shop_id.assign(key->shop_id.begin(), key->shop_id.end());
    customer_id.assign(key->customer_id.begin(), key->customer_id.end());
    const CustomerKey current{std::string_view(shop_id.data(), shop_id.size()),
                              std::string_view(customer_id.data(), customer_id.size())};
    sc.take(current, rc);
    si.take(current, ri);
    ss.take(current, rs);
    sa.take(current, ra);
    if (!wanted(current)) continue;
    detail::build_keyed_context(ctx, detail::KnownKey{current.shop_id, current.customer_id},
                                std::span<const record_of<Customers>* const>(rc),
                                std::span<const record_of<Interactions>* const>(ri),
                                std::span<const record_of<Sessions>* const>(rs),
                                std::span<const record_of<Attributions>* const>(ra), config,
                                summary.as_of);
    summary.diagnostics += ctx.diagnostics;
    ++summary.customers;
    on_customer(std::as_const(ctx));
  }
  if (filter.counts_unkeyed()) summary.diagnostics += unkeyed;
  return summary;
}

/// Features of every customer of a key-ordered batch, emitted through `on_result(CustomerResult&&)`
/// in key order as soon as each customer's records end: the rows compute_batch would return, in
/// O(largest customer) memory. See for_each_customer_in_order for the input's order and as_of.
template <class Customers, class Interactions, class Sessions, class Attributions, class F>
StreamSummary stream_batch(Customers&& customers, Interactions&& interactions, Sessions&& sessions,
                           Attributions&& attributions, const Config& config, F&& on_result,
                           const KeyFilter& filter = {}) {
  detail::FeatureScratch scratch;
  return for_each_customer_in_order(
      customers, interactions, sessions, attributions, config,
      [&](const CustomerContext& ctx) {
        on_result(detail::result_of(ctx, detail::compute_features(ctx, scratch)));
      },
      filter);
}

}  // namespace cbf
