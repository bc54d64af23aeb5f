// A batch of customers: group records by (shop_id, customer_id), compute each key, ordered output.
#pragma once

#include <cbf/compute.hpp>
#include <cbf/concepts.hpp>
#include <cbf/context.hpp>

#include <algorithm>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cbf {

/// Every key's result, ordered by (shop_id, customer_id) as byte strings, and the batch totals.
struct BatchResult {
  Timestamp as_of{};
  std::vector<CustomerResult> customers;
  Diagnostics diagnostics;  ///< all records of the batch, those without a customer_id included
};

namespace detail {

/// A record's key and where it is; records without a customer_id have no key.
template <class Record>
struct Keyed {
  std::string_view shop_id;
  std::string_view customer_id;
  const Record* record;
};

template <class Record>
[[nodiscard]] bool key_less(const Keyed<Record>& a, std::string_view shop,
                            std::string_view customer) {
  return a.shop_id != shop ? a.shop_id < shop : a.customer_id < customer;
}

/// The keyed records of a range, sorted by key (stable: input order within a key). In the same
/// pass, `latest` takes the latest valid stamp (`stamp(record)`), for the default as_of (§4.1).
template <class Range, class Stamp>
[[nodiscard]] auto keyed_records(Range&& records, RecordCounts& counts, Stamp stamp,
                                 std::optional<Timestamp>& latest) {
  using Record = record_of<Range>;
  std::vector<Keyed<Record>> keyed;
  for (const auto& item : records) {
    const Record& r = deref(item);
    const TimeField t = stamp(r);
    if (t.is_valid() && (!latest || t.value() > *latest)) latest = t.value();
    const std::string_view customer_id = id_or_empty(field::customer_id(r));
    if (customer_id.empty()) {
      ++counts.missing_field;  // no key: it can belong to no customer
      continue;
    }
    keyed.push_back(Keyed<Record>{id_or_empty(field::shop_id(r)), customer_id, &r});
  }
  std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) {
    return key_less(a, b.shop_id, b.customer_id);
  });
  return keyed;
}

/// Cursor over one kind's keyed records: the pointers of the current key.
template <class Record>
struct KeyCursor {
  const std::vector<Keyed<Record>>* keyed;
  std::size_t next = 0;
  std::vector<const Record*> current;

  [[nodiscard]] bool has_key() const { return next < keyed->size(); }
  [[nodiscard]] const Keyed<Record>& head() const { return (*keyed)[next]; }

  /// Takes the records of this key, if the head has it.
  void take(std::string_view shop, std::string_view customer) {
    current.clear();
    while (next < keyed->size() && (*keyed)[next].shop_id == shop &&
           (*keyed)[next].customer_id == customer)
      current.push_back((*keyed)[next++].record);
  }
};

}  // namespace detail

/// Groups a batch's records by (shop_id, customer_id) and calls `on_customer(ctx)` once per key
/// found in any input, in key order, with the context built at the batch's as_of (§4.1: default
/// the latest valid stamp). Records without a customer_id are counted in `unkeyed`. Returns as_of.
template <class Customers, class Interactions, class Sessions, class Attributions, class F>
Timestamp for_each_customer(Customers&& customers, Interactions&& interactions, Sessions&& sessions,
                            Attributions&& attributions, const Config& config, Diagnostics& unkeyed,
                            F&& on_customer) {
  CBF_DETAIL_REQUIRE_RANGE(Customers, customer_record, "customers");
  CBF_DETAIL_REQUIRE_RANGE(Interactions, interaction_record, "interactions");
  CBF_DETAIL_REQUIRE_RANGE(Sessions, session_record, "sessions");
  CBF_DETAIL_REQUIRE_RANGE(Attributions, attribution_record, "attributions");
  validate(config);

  std::optional<Timestamp> latest;
  const auto no_stamp = [](const auto&) { return TimeField{}; };  // customer stamps never count
  const auto created = [](const auto& r) { return field::created_at(r); };
  const auto started = [](const auto& r) { return field::start_time(r); };
  const auto keyed_c = detail::keyed_records(customers, unkeyed.customer, no_stamp, latest);
  const auto keyed_i = detail::keyed_records(interactions, unkeyed.interaction, created, latest);
  const auto keyed_s = detail::keyed_records(sessions, unkeyed.session, started, latest);
  const auto keyed_a = detail::keyed_records(attributions, unkeyed.attribution, created, latest);
  if (!config.as_of && !latest) throw MissingAsOf();
  const Timestamp as_of = config.as_of ? *config.as_of : *latest;

  detail::KeyCursor<record_of<Customers>> cc{&keyed_c, 0, {}};
  detail::KeyCursor<record_of<Interactions>> ci{&keyed_i, 0, {}};
  detail::KeyCursor<record_of<Sessions>> cs{&keyed_s, 0, {}};
  detail::KeyCursor<record_of<Attributions>> ca{&keyed_a, 0, {}};

  CustomerContext ctx;
  for (;;) {
    // The smallest key at the head of any cursor is the next customer. The key's views point
    // into the records, which outlive the loop.
    std::optional<std::pair<std::string_view, std::string_view>> key;
    const auto consider = [&](const auto& cursor) {
      if (!cursor.has_key()) return;
      const auto& h = cursor.head();
      if (!key || detail::key_less(h, key->first, key->second))
        key.emplace(h.shop_id, h.customer_id);
    };
    consider(cc);
    consider(ci);
    consider(cs);
    consider(ca);
    if (!key) break;
    cc.take(key->first, key->second);
    ci.take(key->first, key->second);
    cs.take(key->first, key->second);
    ca.take(key->first, key->second);
    build_context(ctx, cc.current, ci.current, cs.current, ca.current, config, as_of);
    on_customer(std::as_const(ctx));
  }
  return as_of;
}

/// Features of every customer of a batch (contract §4.16): one row per key found in any input,
/// ordered by key. `as_of` defaults to the latest valid stamp of the whole batch (§4.1).
template <class Customers, class Interactions, class Sessions, class Attributions>
[[nodiscard]] BatchResult compute_batch(Customers&& customers, Interactions&& interactions,
                                        Sessions&& sessions, Attributions&& attributions,
                                        const Config& config) {
  BatchResult result;
  result.as_of = for_each_customer(customers, interactions, sessions, attributions, config,
                                   result.diagnostics, [&](const CustomerContext& ctx) {
                                     result.diagnostics += ctx.diagnostics;
                                     result.customers.push_back(CustomerResult{
                                         std::string(ctx.shop_id), std::string(ctx.customer_id),
                                         ctx.as_of, compute_features(ctx), ctx.diagnostics});
                                   });
  return result;
}

/// The model summaries (x, t_x, T, m in config.model_time_unit) of every customer of a batch with
/// at least one order, in key order: the population to fit the models on.
template <class Customers, class Interactions, class Sessions, class Attributions>
[[nodiscard]] std::vector<models::Summary> model_summaries(Customers&& customers,
                                                           Interactions&& interactions,
                                                           Sessions&& sessions,
                                                           Attributions&& attributions,
                                                           const Config& config) {
  std::vector<models::Summary> summaries;
  Diagnostics unkeyed;
  (void)for_each_customer(customers, interactions, sessions, attributions, config, unkeyed,
                          [&](const CustomerContext& ctx) {
                            if (auto s = model_summary(ctx)) summaries.push_back(*s);
                          });
  return summaries;
}

}  // namespace cbf
