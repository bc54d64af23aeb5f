// The output: CustomerBehaviorFeatures (contract §2), Diagnostics (§3), and their field lists.
#pragma once

#include <cbf/time.hpp>

#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>

namespace cbf {

/// The 30 features of one customer, in contract order. Nullable features are std::optional.
struct CustomerBehaviorFeatures {
  // Purchase behavior
  std::int64_t total_purchases = 0;                 ///< distinct orders
  std::optional<double> avg_purchase_value;         ///< mean order value
  double purchase_frequency = 0;                    ///< orders per month of tenure
  std::optional<double> purchase_consistency;       ///< 1 / (1 + CV of order gaps)
  std::optional<double> seasonal_purchase_pattern;  ///< 1 − normalised entropy of order months
  // Engagement behavior
  std::int64_t total_sessions = 0;               ///< sessions
  std::optional<double> avg_session_duration;    ///< minutes
  std::optional<double> page_views_per_session;  ///< mean page views per session
  std::optional<double> bounce_rate;             ///< share of sessions not engaged
  double engagement_score = 0;                   ///< 0–100
  // Search & discovery
  std::optional<double> search_frequency;        ///< searches per session
  std::optional<double> search_query_diversity;  ///< distinct queries / searches with a query
  std::optional<std::string> product_discovery_method;  ///< label with most votes
  std::optional<double> category_exploration;  ///< Gini–Simpson index of viewed categories
  // Shopping patterns
  std::optional<double> cart_abandonment_rate;
  std::optional<double> checkout_completion_rate;
  std::optional<double> product_comparison_behavior;
  std::optional<double> impulse_purchase_tendency;
  // Device & channel
  std::optional<std::string> preferred_device;
  std::optional<std::string> channel_preference;
  std::optional<double> mobile_usage_pattern;
  std::optional<double> desktop_usage_pattern;
  // Temporal behavior
  std::optional<int> preferred_shopping_time;  ///< local hour 0–23
  std::optional<int> shopping_day_preference;  ///< local weekday, 0 = Monday
  std::optional<double> seasonal_behavior;
  std::optional<double> loyalty_trend;  ///< −1…1
  // Behavioral segmentation
  std::string customer_segment;                     ///< RFM segment label
  std::optional<double> risk_score;                 ///< 0–1
  std::optional<double> lifetime_value_prediction;  ///< money over the CLV horizon
  std::optional<double> churn_probability;          ///< 0–1

  friend bool operator==(const CustomerBehaviorFeatures&,
                         const CustomerBehaviorFeatures&) = default;
};

/// One entry of a compile-time field list: the contract's column name and the member.
template <class Struct, class Member>
struct FieldInfo {
  std::string_view name;
  Member Struct::*member;
};

template <class Struct, class Member>
FieldInfo(std::string_view, Member Struct::*) -> FieldInfo<Struct, Member>;

/// The 30 features as (column name, member pointer), in contract order.
inline constexpr auto feature_fields = std::make_tuple(
    FieldInfo{"total_purchases", &CustomerBehaviorFeatures::total_purchases},
    FieldInfo{"avg_purchase_value", &CustomerBehaviorFeatures::avg_purchase_value},
    FieldInfo{"purchase_frequency", &CustomerBehaviorFeatures::purchase_frequency},
    FieldInfo{"purchase_consistency", &CustomerBehaviorFeatures::purchase_consistency},
    FieldInfo{"seasonal_purchase_pattern", &CustomerBehaviorFeatures::seasonal_purchase_pattern},
    FieldInfo{"total_sessions", &CustomerBehaviorFeatures::total_sessions},
    FieldInfo{"avg_session_duration", &CustomerBehaviorFeatures::avg_session_duration},
    FieldInfo{"page_views_per_session", &CustomerBehaviorFeatures::page_views_per_session},
    FieldInfo{"bounce_rate", &CustomerBehaviorFeatures::bounce_rate},
    FieldInfo{"engagement_score", &CustomerBehaviorFeatures::engagement_score},
    FieldInfo{"search_frequency", &CustomerBehaviorFeatures::search_frequency},
    FieldInfo{"search_query_diversity", &CustomerBehaviorFeatures::search_query_diversity},
    FieldInfo{"product_discovery_method", &CustomerBehaviorFeatures::product_discovery_method},
    FieldInfo{"category_exploration", &CustomerBehaviorFeatures::category_exploration},
    FieldInfo{"cart_abandonment_rate", &CustomerBehaviorFeatures::cart_abandonment_rate},
    FieldInfo{"checkout_completion_rate", &CustomerBehaviorFeatures::checkout_completion_rate},
    FieldInfo{"product_comparison_behavior",
              &CustomerBehaviorFeatures::product_comparison_behavior},
    FieldInfo{"impulse_purchase_tendency", &CustomerBehaviorFeatures::impulse_purchase_tendency},
    FieldInfo{"preferred_device", &CustomerBehaviorFeatures::preferred_device},
    FieldInfo{"channel_preference", &CustomerBehaviorFeatures::channel_preference},
    FieldInfo{"mobile_usage_pattern", &CustomerBehaviorFeatures::mobile_usage_pattern},
    FieldInfo{"desktop_usage_pattern", &CustomerBehaviorFeatures::desktop_usage_pattern},
    FieldInfo{"preferred_shopping_time", &CustomerBehaviorFeatures::preferred_shopping_time},
    FieldInfo{"shopping_day_preference", &CustomerBehaviorFeatures::shopping_day_preference},
    FieldInfo{"seasonal_behavior", &CustomerBehaviorFeatures::seasonal_behavior},
    FieldInfo{"loyalty_trend", &CustomerBehaviorFeatures::loyalty_trend},
    FieldInfo{"customer_segment", &CustomerBehaviorFeatures::customer_segment},
    FieldInfo{"risk_score", &CustomerBehaviorFeatures::risk_score},
    FieldInfo{"lifetime_value_prediction", &CustomerBehaviorFeatures::lifetime_value_prediction},
    FieldInfo{"churn_probability", &CustomerBehaviorFeatures::churn_probability});

/// Calls `f(name, value)` for each feature in contract order.
template <class Features, class F>
requires std::is_same_v<std::remove_cvref_t<Features>, CustomerBehaviorFeatures>
constexpr void for_each_feature(Features&& features, F&& f) {
  std::apply([&](const auto&... field) { (f(field.name, features.*(field.member)), ...); },
             feature_fields);
}

/// What happened to the records of one kind (contract §3). The first nine add up to the records
/// given; the last three flag used records.
struct RecordCounts {
  std::int64_t used = 0;
  std::int64_t missing_field = 0;
  std::int64_t bad_timestamp = 0;
  std::int64_t after_as_of = 0;
  std::int64_t before_lookback = 0;
  std::int64_t empty_order_id = 0;
  std::int64_t bad_money = 0;
  std::int64_t duplicate_session = 0;
  std::int64_t duplicate_customer = 0;
  std::int64_t end_before_start = 0;
  std::int64_t bad_end_time = 0;
  std::int64_t bad_view_duration = 0;

  /// Records given: used plus every exclusion reason.
  [[nodiscard]] constexpr std::int64_t total() const noexcept {
    return used + missing_field + bad_timestamp + after_as_of + before_lookback + empty_order_id +
           bad_money + duplicate_session + duplicate_customer;
  }
  constexpr RecordCounts& operator+=(const RecordCounts& o) noexcept;
  friend constexpr bool operator==(const RecordCounts&, const RecordCounts&) noexcept = default;
};

/// The twelve counters as (name, member pointer), in the order of contract §5.
inline constexpr auto record_count_fields =
    std::make_tuple(FieldInfo{"used", &RecordCounts::used},
                    FieldInfo{"missing_field", &RecordCounts::missing_field},
                    FieldInfo{"bad_timestamp", &RecordCounts::bad_timestamp},
                    FieldInfo{"after_as_of", &RecordCounts::after_as_of},
                    FieldInfo{"before_lookback", &RecordCounts::before_lookback},
                    FieldInfo{"empty_order_id", &RecordCounts::empty_order_id},
                    FieldInfo{"bad_money", &RecordCounts::bad_money},
                    FieldInfo{"duplicate_session", &RecordCounts::duplicate_session},
                    FieldInfo{"duplicate_customer", &RecordCounts::duplicate_customer},
                    FieldInfo{"end_before_start", &RecordCounts::end_before_start},
                    FieldInfo{"bad_end_time", &RecordCounts::bad_end_time},
                    FieldInfo{"bad_view_duration", &RecordCounts::bad_view_duration});

constexpr RecordCounts& RecordCounts::operator+=(const RecordCounts& o) noexcept {
  std::apply([&](const auto&... f) { ((this->*(f.member) += o.*(f.member)), ...); },
             record_count_fields);
  return *this;
}

/// Diagnostics of one computation, per record kind.
struct Diagnostics {
  RecordCounts customer;
  RecordCounts interaction;
  RecordCounts session;
  RecordCounts attribution;

  constexpr Diagnostics& operator+=(const Diagnostics& o) noexcept {
    customer += o.customer;
    interaction += o.interaction;
    session += o.session;
    attribution += o.attribution;
    return *this;
  }
  friend constexpr bool operator==(const Diagnostics&, const Diagnostics&) noexcept = default;
};

/// The record kinds as (name, member pointer), in the order of contract §5.
inline constexpr auto diagnostics_kinds =
    std::make_tuple(FieldInfo{"customer", &Diagnostics::customer},
                    FieldInfo{"interaction", &Diagnostics::interaction},
                    FieldInfo{"session", &Diagnostics::session},
                    FieldInfo{"attribution", &Diagnostics::attribution});

/// Calls `f(kind, counter, value)` for the 48 counters, kinds and counters in contract §5 order.
template <class F>
constexpr void for_each_count(const Diagnostics& diagnostics, F&& f) {
  const auto kind_counts = [&](std::string_view kind, const RecordCounts& counts) {
    std::apply(
        [&](const auto&... counter) { (f(kind, counter.name, counts.*(counter.member)), ...); },
        record_count_fields);
  };
  std::apply(
      [&](const auto&... kind) { (kind_counts(kind.name, diagnostics.*(kind.member)), ...); },
      diagnostics_kinds);
}

/// One customer's result: its key, the cutoff used, the features and what happened to its records.
struct CustomerResult {
  std::string shop_id;  ///< the key's text: an integer id's decimal digits
  std::string customer_id;
  Timestamp as_of{};
  CustomerBehaviorFeatures features;
  Diagnostics diagnostics;
  /// The key's ids as integers, when the host's records hold them as integers: their 64 bits,
  /// given back in the host's own type by id_as<T>() without parsing text; empty for text ids.
  std::optional<std::uint64_t> shop_id_bits;
  std::optional<std::uint64_t> customer_id_bits;
};

/// An integer id of a result in the host's integer type T: `cbf::id_as<std::int64_t>(
/// result.customer_id_bits)`. Exact for the type the records hold (negative values included).
template <std::integral T>
[[nodiscard]] constexpr std::optional<T> id_as(std::optional<std::uint64_t> bits) noexcept {
  if (!bits) return std::nullopt;
  return static_cast<T>(*bits);
}

}  // namespace cbf
