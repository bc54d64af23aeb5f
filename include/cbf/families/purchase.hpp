// Purchase behavior (contract features 1–5): from the customer's orders.
#pragma once

#include <cbf/context.hpp>
#include <cbf/detail/engine.hpp>
#include <cbf/detail/exact_sum.hpp>
#include <cbf/detail/stats.hpp>
#include <cbf/records.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>

namespace cbf {

/// Features 1–5 of one customer.
struct PurchaseFeatures {
  std::int64_t total_purchases = 0;
  std::optional<double> avg_purchase_value;
  double purchase_frequency = 0;
  std::optional<double> purchase_consistency;
  std::optional<double> seasonal_purchase_pattern;
};

namespace detail {

/// `1 / (1 + sd/mean)` of the gaps between consecutive order times; empty if < 3 orders or mean 0.
[[nodiscard]] CBF_DETAIL_ENGINE std::optional<double> gap_consistency(
    const std::vector<OrderRow>& orders);
#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE std::optional<double> gap_consistency(const std::vector<OrderRow>& orders) {
  if (orders.size() < 3) return std::nullopt;
  const auto gap = [&](std::size_t i) {
    return static_cast<double>((orders[i].time - orders[i - 1].time).count());
  };
  const double k = static_cast<double>(orders.size() - 1);
  ExactSum sum;
  for (std::size_t i = 1; i < orders.size(); ++i) sum.add(gap(i));
  const double mean = sum.value() / k;
  if (mean == 0.0) return std::nullopt;
  ExactSum squares;
  for (std::size_t i = 1; i < orders.size(); ++i) squares.add((gap(i) - mean) * (gap(i) - mean));
  const double cv = std::sqrt(squares.value() / k) / mean;
  return 1.0 / (1.0 + cv);
}
#endif

}  // namespace detail

/// Features 1–5 from a built context.
[[nodiscard]] CBF_DETAIL_ENGINE PurchaseFeatures purchase_features(const CustomerContext& ctx);
#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE PurchaseFeatures purchase_features(const CustomerContext& ctx) {
  PurchaseFeatures f;
  const auto& orders = ctx.orders;
  f.total_purchases = static_cast<std::int64_t>(orders.size());
  if (orders.empty()) return f;

  detail::ExactSum total;
  std::array<std::int64_t, 12> by_month{};
  for (const OrderRow& o : orders) {
    total.add(o.value);
    ++by_month[local_time(o.time, ctx.config->utc_offset).month - 1];
  }
  const double n = static_cast<double>(orders.size());
  f.avg_purchase_value = total.value() / n;
  f.purchase_frequency = n / ctx.tenure_months();
  f.purchase_consistency = detail::gap_consistency(orders);
  f.seasonal_purchase_pattern = detail::seasonality(by_month);
  return f;
}
#endif

/// Features 1–5 from a customer's attributions alone (tenure starts at the first of them).
template <class Attributions>
[[nodiscard]] PurchaseFeatures purchase_features(Attributions&& attributions,
                                                 const Config& config) {
  return purchase_features(make_context(no_records<Customer>, no_records<Interaction>,
                                        no_records<Session>, attributions, config));
}

}  // namespace cbf
