// Temporal behavior (contract features 23–26) in shop-local time: preferred hour and weekday,
// seasonality of visits, and the trend of recent activity.
#pragma once

#include <cbf/context.hpp>
#include <cbf/detail/engine.hpp>
#include <cbf/detail/stats.hpp>
#include <cbf/records.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>

namespace cbf {

/// Features 23–26 of one customer.
struct TemporalFeatures {
  std::optional<int> preferred_shopping_time;
  std::optional<int> shopping_day_preference;
  std::optional<double> seasonal_behavior;
  std::optional<double> loyalty_trend;
};

namespace detail {

/// The index of the largest count; ties → the smallest index. Empty when all counts are 0.
template <std::size_t N>
[[nodiscard]] constexpr std::optional<int> modal_index(const std::array<std::int64_t, N>& counts) {
  const auto it = std::max_element(counts.begin(), counts.end());  // first of the maxima
  if (*it == 0) return std::nullopt;
  return static_cast<int>(it - counts.begin());
}

/// `(A₁ − A₀) / (A₁ + A₀)` over sessions started and orders placed in the two latest windows.
[[nodiscard]] CBF_DETAIL_ENGINE std::optional<double> loyalty_trend(const CustomerContext& ctx);
#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE std::optional<double> loyalty_trend(const CustomerContext& ctx) {
  const Duration window = ctx.config->trend_window;
  const Timestamp recent_start = earlier_by(ctx.as_of, window);
  const Timestamp older_start = earlier_by(recent_start, window);
  std::int64_t recent = 0, older = 0;
  const auto count = [&](Timestamp t) {
    if (t > recent_start && t <= ctx.as_of)
      ++recent;
    else if (t > older_start && t <= recent_start)
      ++older;
  };
  for (const SessionRow& s : ctx.sessions) count(s.start);
  for (const OrderRow& o : ctx.orders) count(o.time);
  if (recent + older == 0) {
    // Nothing recent: lapsed if it ever did anything, unknown otherwise.
    if (ctx.sessions.empty() && ctx.orders.empty()) return std::nullopt;
    return -1.0;
  }
  return static_cast<double>(recent - older) / static_cast<double>(recent + older);
}
#endif

}  // namespace detail

/// Features 23–26 from a built context, in local time (UTC + config.utc_offset).
[[nodiscard]] CBF_DETAIL_ENGINE TemporalFeatures temporal_features(const CustomerContext& ctx);
#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE TemporalFeatures temporal_features(const CustomerContext& ctx) {
  std::array<std::int64_t, 24> by_hour{};
  std::array<std::int64_t, 7> by_weekday{};
  std::array<std::int64_t, 12> by_month{};
  for (const SessionRow& s : ctx.sessions) {
    const LocalTime local = local_time(s.start, ctx.config->utc_offset);
    ++by_hour[static_cast<std::size_t>(local.hour)];
    ++by_weekday[static_cast<std::size_t>(local.weekday)];
    ++by_month[static_cast<std::size_t>(local.month - 1)];
  }
  return TemporalFeatures{detail::modal_index(by_hour), detail::modal_index(by_weekday),
                          detail::seasonality(by_month), detail::loyalty_trend(ctx)};
}
#endif

/// Features 23–26 from a customer's interactions, sessions and attributions.
template <class Interactions, class Sessions, class Attributions>
[[nodiscard]] TemporalFeatures temporal_features(Interactions&& interactions, Sessions&& sessions,
                                                 Attributions&& attributions,
                                                 const Config& config) {
  return temporal_features(
      make_context(no_records<Customer>, interactions, sessions, attributions, config));
}

}  // namespace cbf
