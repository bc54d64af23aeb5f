// Shared helpers of the feature tests: instants built from std::chrono (never from a text
// parser), fluent builders for the cbf record structs, comparisons of family results, and the
// range every feature must stay in.
#pragma once

#include <catch2/catch.hpp>
#include <cbf/cbf.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace cbf_test {

/// A UTC instant from calendar parts, built with std::chrono only.
constexpr cbf::Timestamp ts(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  using namespace std::chrono;
  return cbf::Timestamp{sys_days{year_month_day{year{y}, month{mo}, day{d}}}} + hours{h} +
         minutes{mi} + seconds{s};
}

/// Microseconds, seconds, minutes and days as cbf::Duration.
constexpr cbf::Duration us(std::int64_t n) { return cbf::Duration{n}; }
constexpr cbf::Duration sec(std::int64_t n) { return std::chrono::seconds{n}; }
constexpr cbf::Duration mins(std::int64_t n) { return std::chrono::minutes{n}; }
constexpr cbf::Duration days(std::int64_t n) { return std::chrono::days{n}; }

/// The contract's month, 30.436875 days, in seconds.
inline constexpr std::int64_t month_seconds = 2629746;
constexpr cbf::Duration months(std::int64_t n) { return std::chrono::seconds{n * month_seconds}; }

/// A config with an explicit as_of (deterministic tests).
inline cbf::Config config_at(cbf::Timestamp as_of) {
  cbf::Config c;
  c.as_of = as_of;
  return c;
}
inline cbf::Config shopify_at(cbf::Timestamp as_of) {
  cbf::Config c = cbf::shopify_config();
  c.as_of = as_of;
  return c;
}

/// The cutoff most tests use, and a day of activity before it.
inline constexpr cbf::Timestamp as_of = ts(2025, 7, 1);
inline constexpr cbf::Timestamp t0 = ts(2025, 5, 5, 10);
// Contexts keep a pointer to their config: it must outlive them, so it is no temporary.
inline const cbf::Config at_as_of = config_at(as_of);
inline const cbf::Config shopify_as_of = shopify_at(as_of);

// ---- record builders ------------------------------------------------------------------------

struct InteractionBuilder : cbf::Interaction {
  InteractionBuilder& shop(std::string v) {
    shop_id = std::move(v);
    return *this;
  }
  InteractionBuilder& customer(std::string v) {
    customer_id = std::move(v);
    return *this;
  }
  InteractionBuilder& session(std::string v) {
    session_id = std::move(v);
    return *this;
  }
  InteractionBuilder& page(std::string v) {
    page_type = std::move(v);
    return *this;
  }
  InteractionBuilder& product(std::string v) {
    product_id = std::move(v);
    return *this;
  }
  InteractionBuilder& category(std::string v) {
    category_id = std::move(v);
    return *this;
  }
  InteractionBuilder& query(std::string v) {
    search_query = std::move(v);
    return *this;
  }
  InteractionBuilder& viewed(std::optional<double> seconds) {
    view_duration = seconds;
    return *this;
  }
  InteractionBuilder& device(std::string v) {
    device_type = std::move(v);
    return *this;
  }
};

/// An interaction of customer "c1".
inline InteractionBuilder ev(std::string event_type, cbf::TimeField at) {
  InteractionBuilder b;
  b.customer_id = "c1";
  b.event_type = std::move(event_type);
  b.created_at = at;
  return b;
}

struct SessionBuilder : cbf::Session {
  SessionBuilder& shop(std::string v) {
    shop_id = std::move(v);
    return *this;
  }
  SessionBuilder& customer(std::string v) {
    customer_id = std::move(v);
    return *this;
  }
  SessionBuilder& end(cbf::TimeField v) {
    end_time = v;
    return *this;
  }
  SessionBuilder& device(std::string v) {
    device_type = std::move(v);
    return *this;
  }
  SessionBuilder& referrer(std::string v) {
    referrer_type = std::move(v);
    return *this;
  }
  SessionBuilder& created(cbf::TimeField v) {
    created_at = v;
    return *this;
  }
};

/// A session record of customer "c1".
inline SessionBuilder sess(std::string session_id, cbf::TimeField start) {
  SessionBuilder b;
  b.customer_id = "c1";
  b.session_id = std::move(session_id);
  b.start_time = start;
  return b;
}

struct AttributionBuilder : cbf::Attribution {
  AttributionBuilder& shop(std::string v) {
    shop_id = std::move(v);
    return *this;
  }
  AttributionBuilder& customer(std::string v) {
    customer_id = std::move(v);
    return *this;
  }
  AttributionBuilder& product(std::string v) {
    product_id = std::move(v);
    return *this;
  }
  AttributionBuilder& session(std::string v) {
    session_id = std::move(v);
    return *this;
  }
  AttributionBuilder& type(std::string v) {
    attribution_type = std::move(v);
    return *this;
  }
  AttributionBuilder& value(std::optional<double> v) {
    attribution_value = v;
    return *this;
  }
};

/// An attribution row of customer "c1" with a value (missing when not given).
inline AttributionBuilder attr(std::string order_id, cbf::TimeField at,
                               std::optional<double> value = std::nullopt) {
  AttributionBuilder b;
  b.customer_id = "c1";
  b.order_id = std::move(order_id);
  b.created_at = at;
  b.attribution_value = value;
  return b;
}

struct CustomerBuilder : cbf::Customer {
  CustomerBuilder& shop(std::string v) {
    shop_id = std::move(v);
    return *this;
  }
  CustomerBuilder& created(cbf::TimeField v) {
    created_at = v;
    return *this;
  }
};

/// A customer row (created_at missing unless given).
inline CustomerBuilder cust(std::string customer_id, cbf::TimeField created = {}) {
  CustomerBuilder b;
  b.customer_id = std::move(customer_id);
  b.created_at = created;
  return b;
}

using Interactions = std::vector<cbf::Interaction>;
using Sessions = std::vector<cbf::Session>;
using Attributions = std::vector<cbf::Attribution>;
using Customers = std::vector<cbf::Customer>;

/// A copy of v in a seeded random order.
template <class T>
std::vector<T> shuffled(std::vector<T> v, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::shuffle(v.begin(), v.end(), rng);
  return v;
}

/// A copy of v in reverse order.
template <class T>
std::vector<T> reversed(std::vector<T> v) {
  std::reverse(v.begin(), v.end());
  return v;
}

// ---- comparisons of family results (the family structs have no operator==) -----------------

inline bool same(const cbf::PurchaseFeatures& a, const cbf::PurchaseFeatures& b) {
  return a.total_purchases == b.total_purchases && a.avg_purchase_value == b.avg_purchase_value &&
         a.purchase_frequency == b.purchase_frequency &&
         a.purchase_consistency == b.purchase_consistency &&
         a.seasonal_purchase_pattern == b.seasonal_purchase_pattern;
}

inline bool same(const cbf::EngagementFeatures& a, const cbf::EngagementFeatures& b) {
  return a.total_sessions == b.total_sessions && a.avg_session_duration == b.avg_session_duration &&
         a.page_views_per_session == b.page_views_per_session && a.bounce_rate == b.bounce_rate &&
         a.engagement_score == b.engagement_score;
}

inline bool same(const cbf::SearchFeatures& a, const cbf::SearchFeatures& b) {
  return a.search_frequency == b.search_frequency &&
         a.search_query_diversity == b.search_query_diversity &&
         a.product_discovery_method == b.product_discovery_method &&
         a.category_exploration == b.category_exploration;
}

inline bool same(const cbf::ShoppingFeatures& a, const cbf::ShoppingFeatures& b) {
  return a.cart_abandonment_rate == b.cart_abandonment_rate &&
         a.checkout_completion_rate == b.checkout_completion_rate &&
         a.product_comparison_behavior == b.product_comparison_behavior &&
         a.impulse_purchase_tendency == b.impulse_purchase_tendency;
}

inline bool same(const cbf::DeviceFeatures& a, const cbf::DeviceFeatures& b) {
  return a.preferred_device == b.preferred_device && a.channel_preference == b.channel_preference &&
         a.mobile_usage_pattern == b.mobile_usage_pattern &&
         a.desktop_usage_pattern == b.desktop_usage_pattern;
}

inline bool same(const cbf::TemporalFeatures& a, const cbf::TemporalFeatures& b) {
  return a.preferred_shopping_time == b.preferred_shopping_time &&
         a.shopping_day_preference == b.shopping_day_preference &&
         a.seasonal_behavior == b.seasonal_behavior && a.loyalty_trend == b.loyalty_trend;
}

inline bool same(const cbf::SegmentationFeatures& a, const cbf::SegmentationFeatures& b) {
  return a.customer_segment == b.customer_segment && a.risk_score == b.risk_score &&
         a.lifetime_value_prediction == b.lifetime_value_prediction &&
         a.churn_probability == b.churn_probability;
}

/// The values customer_segment can take (feature 27): the ten cells of the RFM table, then
/// `prospect` and `inactive`.
inline constexpr std::array<std::string_view, 12> segment_labels{
    "champion",    "loyal_customer",  "potential_loyalist", "new_customer",
    "promising",   "needs_attention", "about_to_sleep",     "at_risk",
    "cannot_lose", "hibernating",     "prospect",           "inactive"};

// ---- ranges of the features (contract §2: no output is ever NaN or infinite) ----------------

/// True when x is null or within 0…1.
inline bool in_unit(const std::optional<double>& x) { return !x || (*x >= 0.0 && *x <= 1.0); }
/// True when x is null or ≥ 0.
inline bool non_negative(const std::optional<double>& x) { return !x || *x >= 0.0; }

/// Checks that every floating-point feature is finite.
inline void check_finite(const cbf::CustomerBehaviorFeatures& f) {
  cbf::for_each_feature(f, [](std::string_view name, const auto& value) {
    using T = std::remove_cvref_t<decltype(value)>;
    INFO(name);
    if constexpr (std::is_same_v<T, double>) {
      CHECK(std::isfinite(value));
    } else if constexpr (std::is_same_v<T, std::optional<double>>) {
      if (value) CHECK(std::isfinite(*value));
    }
  });
}

/// Checks that every feature is finite and within the range of its contract type.
inline void check_ranges(const cbf::CustomerBehaviorFeatures& f) {
  check_finite(f);
  CHECK(f.total_purchases >= 0);
  CHECK(non_negative(f.avg_purchase_value));
  CHECK(f.purchase_frequency >= 0.0);
  CHECK(in_unit(f.purchase_consistency));
  CHECK(in_unit(f.seasonal_purchase_pattern));
  CHECK(f.total_sessions >= 0);
  CHECK(non_negative(f.avg_session_duration));
  CHECK(non_negative(f.page_views_per_session));
  CHECK(in_unit(f.bounce_rate));
  CHECK(f.engagement_score >= 0.0);
  CHECK(f.engagement_score <= 100.0);
  CHECK(non_negative(f.search_frequency));
  CHECK(in_unit(f.search_query_diversity));
  CHECK(in_unit(f.category_exploration));
  CHECK(in_unit(f.cart_abandonment_rate));
  CHECK(in_unit(f.checkout_completion_rate));
  CHECK(in_unit(f.product_comparison_behavior));
  CHECK(in_unit(f.impulse_purchase_tendency));
  CHECK(in_unit(f.mobile_usage_pattern));
  CHECK(in_unit(f.desktop_usage_pattern));
  if (f.mobile_usage_pattern && f.desktop_usage_pattern)
    CHECK(*f.mobile_usage_pattern + *f.desktop_usage_pattern <= 1.0 + 1e-15);
  if (f.preferred_shopping_time) {
    CHECK(*f.preferred_shopping_time >= 0);
    CHECK(*f.preferred_shopping_time <= 23);
  }
  if (f.shopping_day_preference) {
    CHECK(*f.shopping_day_preference >= 0);
    CHECK(*f.shopping_day_preference <= 6);
  }
  CHECK(in_unit(f.seasonal_behavior));
  if (f.loyalty_trend) {
    CHECK(*f.loyalty_trend >= -1.0);
    CHECK(*f.loyalty_trend <= 1.0);
  }
  CHECK(std::find(segment_labels.begin(), segment_labels.end(), f.customer_segment) !=
        segment_labels.end());
  CHECK(in_unit(f.risk_score));
  CHECK(non_negative(f.lifetime_value_prediction));
  CHECK(in_unit(f.churn_probability));
}

/// The input indices of a context's used interactions, in the context's (time) order.
inline std::vector<std::uint32_t> input_order(const cbf::CustomerContext& ctx) {
  std::vector<std::uint32_t> out;
  for (const auto& row : ctx.interactions) out.push_back(row.input_index);
  return out;
}

/// The members of session k of a context, as input indices of the interactions.
inline std::vector<std::uint32_t> member_inputs(const cbf::CustomerContext& ctx, std::size_t k) {
  std::vector<std::uint32_t> out;
  for (std::uint32_t m : ctx.members(ctx.sessions.at(k)))
    out.push_back(ctx.interactions[m].input_index);
  return out;
}

}  // namespace cbf_test
