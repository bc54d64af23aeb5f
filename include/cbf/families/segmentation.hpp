// Behavioral segmentation (contract features 27–30): RFM segment, churn, lifetime value, risk.
#pragma once

#include <cbf/context.hpp>
#include <cbf/detail/engine.hpp>
#include <cbf/detail/exact_sum.hpp>
#include <cbf/families/purchase.hpp>
#include <cbf/families/shopping.hpp>
#include <cbf/families/temporal.hpp>
#include <cbf/models/bg_nbd.hpp>
#include <cbf/models/clv.hpp>
#include <cbf/models/gamma_gamma.hpp>
#include <cbf/models/summary.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cbf {

/// Features 27–30 of one customer.
struct SegmentationFeatures {
  std::string customer_segment;
  std::optional<double> risk_score;
  std::optional<double> lifetime_value_prediction;
  std::optional<double> churn_probability;
};

/// A buyer's RFM inputs: days since the last order, and the number of orders.
struct RfmObservation {
  double recency_days = 0;
  std::int64_t frequency = 0;
};

namespace detail {
inline constexpr double day_us = 86400e6;

[[nodiscard]] constexpr double days_between(Timestamp from, Timestamp to) noexcept {
  return static_cast<double>((to - from).count()) / day_us;
}
}  // namespace detail

/// The customer's RFM inputs; empty when it has no order.
[[nodiscard]] CBF_DETAIL_ENGINE std::optional<RfmObservation> rfm_observation(
    const CustomerContext& ctx);
#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE std::optional<RfmObservation> rfm_observation(const CustomerContext& ctx) {
  if (ctx.orders.empty()) return std::nullopt;
  return RfmObservation{detail::days_between(ctx.orders.back().time, ctx.as_of),
                        static_cast<std::int64_t>(ctx.orders.size())};
}
#endif

/// R score 1–5: 5 when recency ≤ recency_days[0], … 2 when ≤ recency_days[3], else 1.
[[nodiscard]] constexpr int recency_score(double recency_days, const RfmBreaks& breaks) noexcept {
  for (int i = 0; i < 4; ++i)
    if (recency_days <= breaks.recency_days[static_cast<std::size_t>(i)]) return 5 - i;
  return 1;
}

/// F score 1–5: 1 when frequency ≤ frequency[0], … 4 when ≤ frequency[3], else 5.
[[nodiscard]] constexpr int frequency_score(double frequency, const RfmBreaks& breaks) noexcept {
  for (int i = 0; i < 4; ++i)
    if (frequency <= breaks.frequency[static_cast<std::size_t>(i)]) return i + 1;
  return 5;
}

/// The contract's segment of an (R, F) pair, both 1–5.
[[nodiscard]] constexpr std::string_view rfm_segment(int r, int f) noexcept {
  constexpr std::array<std::array<std::string_view, 5>, 4> table{{
      {"hibernating", "hibernating", "at_risk", "at_risk", "cannot_lose"},  // R = 1 and 2
      {"about_to_sleep", "about_to_sleep", "needs_attention", "loyal_customer", "loyal_customer"},
      {"promising", "potential_loyalist", "potential_loyalist", "loyal_customer", "loyal_customer"},
      {"new_customer", "potential_loyalist", "potential_loyalist", "champion", "champion"},
  }};
  const int row = r <= 2 ? 0 : r - 2;
  return table[static_cast<std::size_t>(row)][static_cast<std::size_t>(f - 1)];
}

/// Quintile breaks from a population's RFM observations (nearest rank: break k is the
/// ⌈k·n/5⌉-th smallest value). Ties keep one score, so a class may hold more than a fifth; with
/// fewer than five buyers some breaks coincide; with none, `fallback` is returned. Observations
/// with a non-finite recency are skipped.
template <class Observations>
[[nodiscard]] RfmBreaks calibrate_rfm(Observations&& observations, const RfmBreaks& fallback = {}) {
  std::vector<double> recency;
  std::vector<double> frequency;
  for (const RfmObservation& o : observations) {
    if (!std::isfinite(o.recency_days)) continue;  // no order to rank by
    recency.push_back(o.recency_days);
    frequency.push_back(static_cast<double>(o.frequency));
  }
  if (recency.empty()) return fallback;
  std::sort(recency.begin(), recency.end());
  std::sort(frequency.begin(), frequency.end());
  RfmBreaks breaks;
  const std::size_t n = recency.size();
  for (std::size_t k = 1; k <= 4; ++k) {
    const std::size_t rank = (k * n + 4) / 5;  // ⌈k·n/5⌉ ≥ 1
    breaks.recency_days[k - 1] = recency[rank - 1];
    breaks.frequency[k - 1] = frequency[rank - 1];
  }
  return breaks;
}

/// Churn probability and lifetime value of one customer; both empty without orders.
struct ValuePrediction {
  std::optional<double> churn_probability;
  std::optional<double> lifetime_value_prediction;
};

namespace detail {

/// The contract's formulas without fitted parameters: an expected gap `g` shrunk toward the
/// default purchase cycle, exponential churn in recency, and undiscounted value over the horizon.
[[nodiscard]] CBF_DETAIL_ENGINE ValuePrediction heuristic_value(const CustomerContext& ctx,
                                                                double avg_purchase_value);
#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE ValuePrediction heuristic_value(const CustomerContext& ctx,
                                                  double avg_purchase_value) {
  const Config& config = *ctx.config;
  const double orders = static_cast<double>(ctx.orders.size());
  const double span_days = days_between(ctx.orders.front().time, ctx.orders.back().time);
  const double cycle_days = static_cast<double>(config.default_purchase_cycle.count()) / day_us;
  const double gap_days = (span_days + cycle_days) / orders;
  const double recency_days = days_between(ctx.orders.back().time, ctx.as_of);
  const double churn = 1.0 - std::exp(-recency_days / (2.0 * gap_days));
  // horizon = months · 30.436875 days, computed as months · 2 629 746 s / 86 400 s (one rounding).
  const double horizon_days = static_cast<double>(config.clv_horizon_months) * 2629746.0 / 86400.0;
  return ValuePrediction{churn, avg_purchase_value * (horizon_days / gap_days) * (1.0 - churn)};
}
#endif

}  // namespace detail

/// The customer's purchase summary in the model's time unit: x = |P| − 1, t_x = last − first
/// order time, T = as_of − first order time, m = mean order value. Empty without orders.
[[nodiscard]] CBF_DETAIL_ENGINE std::optional<models::Summary> model_summary(
    const CustomerContext& ctx);
#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE std::optional<models::Summary> model_summary(const CustomerContext& ctx) {
  if (ctx.orders.empty()) return std::nullopt;
  const auto unit = static_cast<double>(ctx.config->model_time_unit.count());
  const auto span = [&](Timestamp from, Timestamp to) {
    return static_cast<double>((to - from).count()) / unit;
  };
  detail::ExactSum total;
  for (const OrderRow& o : ctx.orders) total.add(o.value);
  const double orders = static_cast<double>(ctx.orders.size());
  return models::Summary{orders - 1, span(ctx.orders.front().time, ctx.orders.back().time),
                         span(ctx.orders.front().time, ctx.as_of), total.value() / orders, 1.0};
}
#endif

namespace detail {

/// The contract's branch with fitted parameters: churn = 1 − P(alive); value = the discounted sum
/// of BG/NBD expected purchases times the Gamma-Gamma expected order value (or the plain mean).
[[nodiscard]] CBF_DETAIL_ENGINE ValuePrediction model_value(const CustomerContext& ctx,
                                                            const BgNbdParameters& bg_nbd);
#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE ValuePrediction model_value(const CustomerContext& ctx,
                                              const BgNbdParameters& bg_nbd) {
  const Config& config = *ctx.config;
  const models::Summary s = *model_summary(ctx);
  const double orders = s.x + 1;
  const double expected_value =
      config.gamma_gamma ? models::gamma_gamma_expected_value(*config.gamma_gamma, orders, s.m)
                         : s.m;
  const double month = 2629746e6 / static_cast<double>(config.model_time_unit.count());
  return ValuePrediction{
      1.0 - models::bg_nbd_p_alive(bg_nbd, s.x, s.t_x, s.T),
      models::discounted_value(bg_nbd, s, expected_value, config.clv_horizon_months, month,
                               config.monthly_discount_rate)};
}
#endif

}  // namespace detail

/// Churn and lifetime value: the BG/NBD (and Gamma-Gamma) models when config holds fitted
/// parameters, the contract's heuristic otherwise. Both empty without orders.
[[nodiscard]] CBF_DETAIL_ENGINE ValuePrediction predict_value(const CustomerContext& ctx,
                                                              const PurchaseFeatures& purchase);
#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE ValuePrediction predict_value(const CustomerContext& ctx,
                                                const PurchaseFeatures& purchase) {
  if (ctx.orders.empty()) return {};
  if (ctx.config->bg_nbd) return detail::model_value(ctx, *ctx.config->bg_nbd);
  return detail::heuristic_value(ctx, *purchase.avg_purchase_value);
}
#endif

/// The customer's segment: an RFM segment for buyers, `prospect` or `inactive` otherwise.
[[nodiscard]] CBF_DETAIL_ENGINE std::string customer_segment(const CustomerContext& ctx);
#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE std::string customer_segment(const CustomerContext& ctx) {
  const auto rfm = rfm_observation(ctx);
  if (!rfm) {
    const bool active = !ctx.interactions.empty() || !ctx.sessions.empty();
    return active ? "prospect" : "inactive";
  }
  const RfmBreaks& breaks = ctx.config->rfm;
  return std::string(rfm_segment(recency_score(rfm->recency_days, breaks),
                                 frequency_score(static_cast<double>(rfm->frequency), breaks)));
}
#endif

/// Weighted mean of the available risk parts; empty when none is available (or weighs anything).
[[nodiscard]] CBF_DETAIL_ENGINE std::optional<double> risk_score(
    const std::optional<double>& churn, const std::optional<double>& cart_abandonment,
    const std::optional<double>& loyalty_trend, const RiskWeights& weights);
#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE std::optional<double> risk_score(const std::optional<double>& churn,
                                                   const std::optional<double>& cart_abandonment,
                                                   const std::optional<double>& loyalty_trend,
                                                   const RiskWeights& weights) {
  double weighted = 0.0;
  double total_weight = 0.0;
  const auto add = [&](const std::optional<double>& part, double weight) {
    if (!part) return;
    weighted += weight * *part;
    total_weight += weight;
  };
  add(churn, weights.churn_probability);
  add(cart_abandonment, weights.cart_abandonment_rate);
  add(loyalty_trend ? std::optional<double>(std::max(0.0, -*loyalty_trend)) : std::nullopt,
      weights.negative_loyalty_trend);
  if (total_weight == 0.0) return std::nullopt;
  return weighted / total_weight;
}
#endif

/// Features 27–30 from a context and the families they depend on.
[[nodiscard]] CBF_DETAIL_ENGINE SegmentationFeatures
segmentation_features(const CustomerContext& ctx, const PurchaseFeatures& purchase,
                      const ShoppingFeatures& shopping, const TemporalFeatures& temporal);
#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE SegmentationFeatures segmentation_features(const CustomerContext& ctx,
                                                             const PurchaseFeatures& purchase,
                                                             const ShoppingFeatures& shopping,
                                                             const TemporalFeatures& temporal) {
  const ValuePrediction value = predict_value(ctx, purchase);
  return SegmentationFeatures{customer_segment(ctx),
                              risk_score(value.churn_probability, shopping.cart_abandonment_rate,
                                         temporal.loyalty_trend, ctx.config->risk_weights),
                              value.lifetime_value_prediction, value.churn_probability};
}
#endif

/// Features 27–30 from a built context alone (computes the families they depend on).
[[nodiscard]] CBF_DETAIL_ENGINE SegmentationFeatures
segmentation_features(const CustomerContext& ctx);
#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE SegmentationFeatures segmentation_features(const CustomerContext& ctx) {
  return segmentation_features(ctx, purchase_features(ctx), shopping_features(ctx),
                               temporal_features(ctx));
}
#endif

/// Features 27–30 from a customer's interactions, sessions and attributions.
template <class Interactions, class Sessions, class Attributions>
[[nodiscard]] SegmentationFeatures segmentation_features(Interactions&& interactions,
                                                         Sessions&& sessions,
                                                         Attributions&& attributions,
                                                         const Config& config) {
  return segmentation_features(
      make_context(no_records<Customer>, interactions, sessions, attributions, config));
}

}  // namespace cbf
