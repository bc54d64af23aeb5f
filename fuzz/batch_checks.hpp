// Invariants of a batch result that hold for any input (docs/features.md, docs/batch.md), shared by
// the fuzz targets that compute batches.
#pragma once

#include "fuzz_input.hpp"

#include <cbf/batch.hpp>
#include <cbf/features.hpp>
#include <cbf/format.hpp>
#include <cbf/records.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace cbf_fuzz {

/// The four inputs of a batch, as the fuzz targets hold them.
struct Records {
  std::vector<cbf::Customer> customers;
  std::vector<cbf::Interaction> interactions;
  std::vector<cbf::Session> sessions;
  std::vector<cbf::Attribution> attributions;
};

/// An id as the contract reads it: empty when blank (docs/features.md, Text rules).
[[nodiscard]] inline std::string_view id_of(std::string_view s) noexcept {
  return trimmed(s).empty() ? std::string_view{} : s;
}

/// A batch key, (shop_id, customer_id) with blank ids as empty.
using Key = std::pair<std::string, std::string>;

/// The key of a record; customer_id empty when the record belongs to nobody.
template <class R>
[[nodiscard]] Key key_of(const R& r) {
  return {std::string(id_of(r.shop_id)), std::string(id_of(r.customer_id))};
}

/// The records of one key, in input order.
[[nodiscard]] inline Records records_of(const Records& all, const Key& key) {
  Records out;
  const auto copy = [&](const auto& from, auto& to) {
    for (const auto& r : from)
      if (key_of(r) == key) to.push_back(r);
  };
  copy(all.customers, out.customers);
  copy(all.interactions, out.interactions);
  copy(all.sessions, out.sessions);
  copy(all.attributions, out.attributions);
  return out;
}

/// The default as_of of a batch (§4.1): the latest valid stamp of every interaction, session
/// start and attribution, whatever else is wrong with the record.
[[nodiscard]] inline std::optional<cbf::Timestamp> latest_stamp(const Records& r) {
  std::optional<cbf::Timestamp> latest;
  const auto see = [&](const cbf::TimeField& t) {
    if (t.is_valid() && (!latest || t.value() > *latest)) latest = t.value();
  };
  for (const auto& x : r.interactions) see(x.created_at);
  for (const auto& x : r.sessions) see(x.start_time);
  for (const auto& x : r.attributions) see(x.created_at);
  return latest;
}

/// Doubles equal bit for bit (the batch promises the same bits for any thread count).
[[nodiscard]] inline bool same_bits(const std::optional<double>& a,
                                    const std::optional<double>& b) {
  return a.has_value() == b.has_value() &&
         (!a || std::bit_cast<std::uint64_t>(*a) == std::bit_cast<std::uint64_t>(*b));
}

/// Two rows equal, doubles compared by their bits.
[[nodiscard]] inline bool identical(const cbf::CustomerResult& a, const cbf::CustomerResult& b) {
  bool same = a.shop_id == b.shop_id && a.customer_id == b.customer_id && a.as_of == b.as_of &&
              a.diagnostics == b.diagnostics;
  std::apply(
      [&](const auto&... f) {
        const auto one = [&](const auto& x, const auto& y) {
          using T = std::remove_cvref_t<decltype(x)>;
          if constexpr (std::is_same_v<T, double> || std::is_same_v<T, std::optional<double>>) {
            return same_bits(x, y);
          } else {
            return x == y;
          }
        };
        ((same = same && one(a.features.*(f.member), b.features.*(f.member))), ...);
      },
      cbf::feature_fields);
  return same;
}

/// A row for failure messages, formatted only when a message is (require's arguments are always
/// evaluated).
struct RowText {
  const cbf::CustomerResult& row;
};

/// The row of a failure message.
[[nodiscard]] inline RowText describe(const cbf::CustomerResult& r) { return RowText{r}; }

}  // namespace cbf_fuzz

/// Formats a row as `(shop_id, customer_id) as_of µs {features} {diagnostics}`.
template <>
struct fmt::formatter<cbf_fuzz::RowText> {
  constexpr auto parse(format_parse_context& ctx) { return ctx.begin(); }
  template <class FormatContext>
  auto format(const cbf_fuzz::RowText& t, FormatContext& ctx) const {
    const cbf::CustomerResult& r = t.row;
    return fmt::format_to(ctx.out(), "({:?}, {:?}) as_of {} {} {}", r.shop_id, r.customer_id,
                          r.as_of.time_since_epoch().count(), r.features, r.diagnostics);
  }
};

namespace cbf_fuzz {

/// Two row lists equal bit for bit; `what` names the comparison.
inline void require_identical(const std::vector<cbf::CustomerResult>& got,
                              const std::vector<cbf::CustomerResult>& want, std::string_view what) {
  require(got.size() == want.size(), "{}: {} rows instead of {}", what, got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i)
    require(identical(got[i], want[i]), "{}: row {} differs\n  got  {}\n  want {}", what, i,
            describe(got[i]), describe(want[i]));
}

namespace detail {

/// A normalised label (trimmed, A–Z lower-cased), as categorical outputs are written.
[[nodiscard]] inline bool normalised_label(std::string_view s) {
  return !s.empty() && trimmed(s).size() == s.size() &&
         std::none_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

constexpr std::array<std::string_view, 12> segments{
    "champion",    "loyal_customer",  "potential_loyalist", "new_customer",
    "promising",   "needs_attention", "about_to_sleep",     "at_risk",
    "cannot_lose", "hibernating",     "prospect",           "inactive"};

}  // namespace detail

/// The documented range and null rules of the 30 features (docs/features.md, sections 3–9) and the
/// rule that no feature is NaN or infinite.
inline void check_features(const cbf::CustomerResult& row) {
  const cbf::CustomerBehaviorFeatures& f = row.features;
  const auto fail_with = [&](std::string_view rule) {
    fail("feature rule '{}' broken by row {}", rule, describe(row));
  };
  const auto check = [&](bool ok, std::string_view rule) {
    if (!ok) fail_with(rule);
  };
  cbf::for_each_feature(f, [&](std::string_view name, const auto& value) {
    using T = std::remove_cvref_t<decltype(value)>;
    if constexpr (std::is_same_v<T, double>) {
      if (!std::isfinite(value)) fail_with(fmt::format("{} is finite", name));
    } else if constexpr (std::is_same_v<T, std::optional<double>>) {
      if (value && !std::isfinite(*value)) fail_with(fmt::format("{} is finite", name));
    }
  });
  // A value within [lo, hi] when present.
  const auto within = [&](const std::optional<double>& v, double lo, double hi,
                          std::string_view rule) { check(!v || (*v >= lo && *v <= hi), rule); };
  constexpr double inf = std::numeric_limits<double>::infinity();
  const std::int64_t orders = f.total_purchases;
  const std::int64_t sessions = f.total_sessions;
  check(orders >= 0 && sessions >= 0, "counts are not negative");

  // Purchase behavior (1–5).
  check(f.avg_purchase_value.has_value() == (orders > 0), "avg_purchase_value null iff |P| = 0");
  within(f.avg_purchase_value, 0, inf, "avg_purchase_value >= 0");
  check(f.purchase_frequency >= 0 && f.purchase_frequency <= static_cast<double>(orders),
        "purchase_frequency within 0 … |P|");
  check(orders >= 3 || !f.purchase_consistency, "purchase_consistency null when |P| < 3");
  check(!f.purchase_consistency || (*f.purchase_consistency > 0 && *f.purchase_consistency <= 1),
        "purchase_consistency within (0, 1]");
  check(f.seasonal_purchase_pattern.has_value() == (orders >= 2),
        "seasonal_purchase_pattern null iff |P| < 2");
  within(f.seasonal_purchase_pattern, 0, 1, "seasonal_purchase_pattern within 0 … 1");

  // Engagement behavior (6–10).
  const bool has_sessions = sessions > 0;
  check(f.avg_session_duration.has_value() == has_sessions,
        "avg_session_duration null iff |S| = 0");
  within(f.avg_session_duration, 0, inf, "avg_session_duration >= 0");
  check(f.page_views_per_session.has_value() == has_sessions,
        "page_views_per_session null iff |S| = 0");
  within(f.page_views_per_session, 0, inf, "page_views_per_session >= 0");
  check(f.bounce_rate.has_value() == has_sessions, "bounce_rate null iff |S| = 0");
  within(f.bounce_rate, 0, 1, "bounce_rate within 0 … 1");
  check(f.engagement_score >= 0 && f.engagement_score <= 100, "engagement_score within 0 … 100");
  check(has_sessions || f.engagement_score == 0, "engagement_score 0 when |S| = 0");

  // Search and discovery (11–14).
  check(f.search_frequency.has_value() == has_sessions, "search_frequency null iff |S| = 0");
  within(f.search_frequency, 0, inf, "search_frequency >= 0");
  check(!f.search_query_diversity ||
            (*f.search_query_diversity > 0 && *f.search_query_diversity <= 1),
        "search_query_diversity within (0, 1]");
  check(!f.product_discovery_method || detail::normalised_label(*f.product_discovery_method),
        "product_discovery_method is a normalised label");
  check(!f.category_exploration || (*f.category_exploration >= 0 && *f.category_exploration < 1),
        "category_exploration within [0, 1)");

  // Shopping patterns (15–18): shares of sessions.
  within(f.cart_abandonment_rate, 0, 1, "cart_abandonment_rate within 0 … 1");
  within(f.checkout_completion_rate, 0, 1, "checkout_completion_rate within 0 … 1");
  within(f.product_comparison_behavior, 0, 1, "product_comparison_behavior within 0 … 1");
  within(f.impulse_purchase_tendency, 0, 1, "impulse_purchase_tendency within 0 … 1");
  for (const auto& share : {f.cart_abandonment_rate, f.checkout_completion_rate,
                            f.product_comparison_behavior, f.impulse_purchase_tendency})
    check(has_sessions || !share, "session shares are null when |S| = 0");

  // Device and channel (19–22).
  check(!f.preferred_device || detail::normalised_label(*f.preferred_device),
        "preferred_device is a normalised label");
  check(!f.channel_preference || detail::normalised_label(*f.channel_preference),
        "channel_preference is a normalised label");
  within(f.mobile_usage_pattern, 0, 1, "mobile_usage_pattern within 0 … 1");
  within(f.desktop_usage_pattern, 0, 1, "desktop_usage_pattern within 0 … 1");
  check(f.mobile_usage_pattern.has_value() == f.preferred_device.has_value() &&
            f.desktop_usage_pattern.has_value() == f.preferred_device.has_value(),
        "device features are null together (no session has a device)");
  // Each share is one rounding of an integer ratio: their sum may exceed 1 by rounding only.
  check(!f.mobile_usage_pattern || *f.mobile_usage_pattern + *f.desktop_usage_pattern <=
                                       1 + 4 * std::numeric_limits<double>::epsilon(),
        "mobile_usage_pattern + desktop_usage_pattern <= 1");

  // Temporal behavior (23–26).
  check(f.preferred_shopping_time.has_value() == has_sessions &&
            (!f.preferred_shopping_time ||
             (*f.preferred_shopping_time >= 0 && *f.preferred_shopping_time <= 23)),
        "preferred_shopping_time within 0 … 23, null iff |S| = 0");
  check(f.shopping_day_preference.has_value() == has_sessions &&
            (!f.shopping_day_preference ||
             (*f.shopping_day_preference >= 0 && *f.shopping_day_preference <= 6)),
        "shopping_day_preference within 0 … 6, null iff |S| = 0");
  check(f.seasonal_behavior.has_value() == (sessions >= 2), "seasonal_behavior null iff |S| < 2");
  within(f.seasonal_behavior, 0, 1, "seasonal_behavior within 0 … 1");
  check(f.loyalty_trend.has_value() == (has_sessions || orders > 0),
        "loyalty_trend null iff no session and no order");
  within(f.loyalty_trend, -1, 1, "loyalty_trend within -1 … 1");

  // Behavioral segmentation (27–30).
  const auto segment = std::find(detail::segments.begin(), detail::segments.end(),
                                 std::string_view(f.customer_segment));
  check(segment != detail::segments.end(), "customer_segment is one of the 12 labels");
  check((orders == 0) == (f.customer_segment == "prospect" || f.customer_segment == "inactive"),
        "prospect or inactive iff no order");
  check(f.customer_segment != "inactive" || (!has_sessions && orders == 0),
        "inactive customers have no session and no order");
  within(f.risk_score, 0, 1, "risk_score within 0 … 1");
  check(has_sessions || orders > 0 || !f.risk_score, "risk_score null without session and order");
  check(f.lifetime_value_prediction.has_value() == (orders > 0),
        "lifetime_value_prediction null iff |P| = 0");
  within(f.lifetime_value_prediction, 0, inf, "lifetime_value_prediction >= 0");
  check(f.churn_probability.has_value() == (orders > 0), "churn_probability null iff |P| = 0");
  within(f.churn_probability, 0, 1, "churn_probability within 0 … 1");
}

/// Records of each kind, in contract order (customer, interaction, session, attribution).
[[nodiscard]] inline std::array<std::int64_t, 4> record_counts(const Records& r) {
  return {static_cast<std::int64_t>(r.customers.size()),
          static_cast<std::int64_t>(r.interactions.size()),
          static_cast<std::int64_t>(r.sessions.size()),
          static_cast<std::int64_t>(r.attributions.size())};
}

/// A row's diagnostics: each kind's nine outcomes add up to the key's records of that kind, flags
/// count used records only, and the counts bound the features.
inline void check_row_diagnostics(const cbf::CustomerResult& row,
                                  const std::array<std::int64_t, 4>& given) {
  const cbf::Diagnostics& d = row.diagnostics;
  const std::array<const cbf::RecordCounts*, 4> kinds{&d.customer, &d.interaction, &d.session,
                                                      &d.attribution};
  for (std::size_t k = 0; k < 4; ++k)
    require(kinds[k]->total() == given[k], "row {}: {} outcomes of kind {} for {} records",
            describe(row), kinds[k]->total(), k, given[k]);
  require(d.session.end_before_start + d.session.bad_end_time <= d.session.used,
          "row {}: session flags exceed the used sessions", describe(row));
  require(d.interaction.bad_view_duration <= d.interaction.used,
          "row {}: bad_view_duration exceeds the used interactions", describe(row));
  require(d.customer.used <= 1, "row {}: more than one used customer row", describe(row));
  require(row.features.total_purchases <= d.attribution.used,
          "row {}: more orders than used attributions", describe(row));
  require(row.features.total_sessions <= std::max(d.session.used, d.interaction.used),
          "row {}: more sessions than used session records or interactions", describe(row));
  const bool prospect =
      row.features.total_purchases == 0 && d.interaction.used + d.session.used > 0;
  require(prospect == (row.features.customer_segment == "prospect"),
          "row {}: prospect iff no order and a used interaction or session", describe(row));
}

/// Everything a batch result promises about its inputs: one row per key found in any input, keys
/// in byte order, each row at the batch's as_of, rows' diagnostics adding up with the records
/// without a customer_id to the batch's, every kind's outcomes adding up to its records, and every
/// row's features within their documented rules.
inline void check_batch(const cbf::BatchResult& batch, const Records& records,
                        cbf::Timestamp expected_as_of) {
  require(batch.as_of == expected_as_of, "batch as_of {} instead of {}",
          batch.as_of.time_since_epoch().count(), expected_as_of.time_since_epoch().count());
  std::set<Key> keys;
  cbf::Diagnostics unkeyed;
  const auto collect = [&](const auto& from, cbf::RecordCounts& missing) {
    for (const auto& r : from) {
      Key k = key_of(r);
      if (k.second.empty()) {
        ++missing.missing_field;
      } else {
        keys.insert(std::move(k));
      }
    }
  };
  collect(records.customers, unkeyed.customer);
  collect(records.interactions, unkeyed.interaction);
  collect(records.sessions, unkeyed.session);
  collect(records.attributions, unkeyed.attribution);
  require(batch.customers.size() == keys.size(), "{} rows for {} keys", batch.customers.size(),
          keys.size());

  cbf::Diagnostics sum = unkeyed;
  auto key = keys.begin();
  for (const cbf::CustomerResult& row : batch.customers) {
    require(row.shop_id == key->first && row.customer_id == key->second,
            "row {} where key ({:?}, {:?}) was expected", describe(row), key->first, key->second);
    ++key;
    require(row.as_of == batch.as_of, "row {} not at the batch's as_of", describe(row));
    check_features(row);
    check_row_diagnostics(row, record_counts(records_of(records, {row.shop_id, row.customer_id})));
    sum += row.diagnostics;
  }
  require(sum == batch.diagnostics, "batch diagnostics {} are not the rows' sum {}",
          batch.diagnostics, sum);
  const auto given = record_counts(records);
  const std::array<const cbf::RecordCounts*, 4> kinds{
      &batch.diagnostics.customer, &batch.diagnostics.interaction, &batch.diagnostics.session,
      &batch.diagnostics.attribution};
  for (std::size_t k = 0; k < 4; ++k)
    require(kinds[k]->total() == given[k], "batch: {} outcomes of kind {} for {} records",
            kinds[k]->total(), k, given[k]);
}

}  // namespace cbf_fuzz
