// Every parameter the contract names, with its defaults, and the `default` and `shopify` presets.
#pragma once

#include <cbf/events.hpp>
#include <cbf/model_parameters.hpp>
#include <cbf/time.hpp>

#include <array>
#include <chrono>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <string>

namespace cbf {

/// Thrown for a configuration or model parameter outside its domain; the message names it.
class InvalidParameter : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// Weights of the four parts of `engagement_score` (contract feature 10).
struct EngagementWeights {
  double sessions_per_month = 0.30;
  double session_minutes = 0.25;
  double page_views_per_session = 0.25;
  double non_bounce = 0.20;
};

/// Half-saturation points h of `sat(x, h) = x / (x + h)` in `engagement_score`.
struct EngagementHalfSaturation {
  double sessions_per_month = 4.0;
  double session_minutes = 10.0;
  double page_views_per_session = 5.0;
};

/// Weights of the parts of `risk_score`; parts a customer lacks are dropped and the rest
/// renormalised.
struct RiskWeights {
  double churn_probability = 0.6;
  double cart_abandonment_rate = 0.2;
  double negative_loyalty_trend = 0.2;  ///< weight of max(0, −loyalty_trend)
};

/// Upper bounds of the RFM scores: recency ≤ recency_days[i] scores 5 − i, frequency ≤
/// frequency[i] scores i + 1; anything beyond the last bound scores 1 (recency) or 5 (frequency).
struct RfmBreaks {
  std::array<double, 4> recency_days{30, 90, 180, 365};
  std::array<double, 4> frequency{1, 2, 4, 8};
};

/// The parameters of one computation. Aggregate: set what differs from the defaults.
struct Config {
  /// Observation cutoff; empty = the latest valid stamp of the batch (contract §4.1).
  std::optional<Timestamp> as_of;
  /// Records stamped before `as_of − lookback` are ignored; empty = no lower bound.
  std::optional<Duration> lookback;
  /// Shop-local time = UTC + this offset (hour, weekday and month features).
  std::chrono::minutes utc_offset{0};
  /// Gap that splits derived sessions of interactions without a `session_id`.
  Duration session_timeout = std::chrono::minutes{30};
  /// A session strictly longer than this is engaged (GA4 rule).
  Duration engaged_min_duration = std::chrono::seconds{10};
  /// A conversion within this span of the session start is impulsive.
  Duration impulse_window = std::chrono::minutes{10};
  /// Window W of `loyalty_trend`.
  Duration trend_window = std::chrono::days{90};
  /// Event kinds that count as page views.
  EventKindSet page_view_kinds{EventKind::page_view, EventKind::product_view,
                               EventKind::collection_view, EventKind::cart_view, EventKind::search};
  /// The tracker fires a page_view next to each specific view event (Shopify's web pixel).
  bool paired_page_views = false;
  EngagementWeights engagement_weights{};
  EngagementHalfSaturation engagement_half_saturation{};
  RfmBreaks rfm{};
  RiskWeights risk_weights{};
  /// The purchase cycle assumed before any gap is seen (churn without parameters).
  Duration default_purchase_cycle = std::chrono::days{90};
  /// Horizon of `lifetime_value_prediction`, in months of 30.436875 days.
  int clv_horizon_months = 12;
  /// Monthly discount rate d of the model-based lifetime value.
  double monthly_discount_rate = 0.01;
  /// The time unit of the model parameters and summaries (default: weeks).
  Duration model_time_unit = std::chrono::weeks{1};
  /// Fitted model parameters, in model_time_unit: with bg_nbd, churn and lifetime value come from
  /// the models (cbf::predict_value); gamma_gamma refines the expected order value.
  std::optional<BgNbdParameters> bg_nbd;
  std::optional<GammaGammaParameters> gamma_gamma;
};

/// The contract's default parameters.
[[nodiscard]] inline Config default_config() { return Config{}; }

/// Shopify's web pixel: page views are `page_viewed` alone, paired with the specific event.
[[nodiscard]] inline Config shopify_config() {
  Config c;
  c.page_view_kinds = EventKindSet{EventKind::page_view};
  c.paired_page_views = true;
  return c;
}

namespace detail {
inline void require(bool ok, const char* parameter, const char* rule) {
  if (!ok) throw InvalidParameter(std::string("cbf: config.") + parameter + " " + rule);
}
[[nodiscard]] inline bool positive_finite(double x) noexcept { return std::isfinite(x) && x > 0; }
/// A model parameter within 10⁻¹⁰⁰ … 10¹⁰⁰: far beyond any fitted value, and far from the ends of
/// the double range, where the models' logarithms and powers would overflow or lose every digit.
[[nodiscard]] constexpr bool model_parameter(double x) noexcept {
  return x >= 1e-100 && x <= 1e100;
}
}  // namespace detail

/// Throws InvalidParameter naming the first parameter outside its domain.
inline void validate(const Config& c) {
  using detail::require;
  using namespace std::chrono;
  require(!c.as_of || in_timestamp_range(*c.as_of), "as_of",
          "must be within ±(2^62 − 1) µs of the epoch");
  require(!c.lookback || *c.lookback >= Duration::zero(), "lookback", "must not be negative");
  require(abs(c.utc_offset) < hours{24}, "utc_offset", "must be within ±1439 minutes");
  require(c.session_timeout >= Duration::zero(), "session_timeout", "must not be negative");
  require(c.engaged_min_duration >= Duration::zero(), "engaged_min_duration",
          "must not be negative");
  require(c.impulse_window >= Duration::zero(), "impulse_window", "must not be negative");
  require(c.trend_window > Duration::zero(), "trend_window", "must be positive");
  const auto& w = c.engagement_weights;
  for (double x : {w.sessions_per_month, w.session_minutes, w.page_views_per_session, w.non_bounce})
    require(std::isfinite(x) && x >= 0, "engagement_weights", "must be finite and non-negative");
  // Each part is within 0…1, so weights summing to 1 keep engagement_score within 0…100.
  const double weight_sum =
      w.sessions_per_month + w.session_minutes + w.page_views_per_session + w.non_bounce;
  require(std::fabs(weight_sum - 1.0) <= 1e-9, "engagement_weights", "must sum to 1");
  const auto& h = c.engagement_half_saturation;
  for (double x : {h.sessions_per_month, h.session_minutes, h.page_views_per_session})
    require(detail::positive_finite(x), "engagement_half_saturation",
            "must be finite and positive");
  for (std::size_t i = 0; i < 4; ++i) {
    require(std::isfinite(c.rfm.recency_days[i]) && std::isfinite(c.rfm.frequency[i]), "rfm",
            "breaks must be finite");
    if (i > 0) {
      require(c.rfm.recency_days[i - 1] <= c.rfm.recency_days[i], "rfm.recency_days",
              "must be non-decreasing");
      require(c.rfm.frequency[i - 1] <= c.rfm.frequency[i], "rfm.frequency",
              "must be non-decreasing");
    }
  }
  const auto& r = c.risk_weights;
  // Bounded so that weighted sums neither overflow nor lose precision in subnormals.
  for (double x : {r.churn_probability, r.cart_abandonment_rate, r.negative_loyalty_trend})
    require(x == 0 || (x >= 1e-100 && x <= 1e100), "risk_weights",
            "must be 0 or within 1e-100…1e100");
  require(c.default_purchase_cycle > Duration::zero(), "default_purchase_cycle",
          "must be positive");
  require(c.clv_horizon_months >= 0, "clv_horizon_months", "must not be negative");
  require(std::isfinite(c.monthly_discount_rate) && c.monthly_discount_rate > -1,
          "monthly_discount_rate", "must be finite and greater than -1");
  require(c.model_time_unit > Duration::zero(), "model_time_unit", "must be positive");
  if (c.bg_nbd) {
    const auto& p = *c.bg_nbd;
    require(detail::model_parameter(p.r) && detail::model_parameter(p.alpha) &&
                detail::model_parameter(p.a) && detail::model_parameter(p.b),
            "bg_nbd", "parameters r, alpha, a, b must be within 1e-100…1e100");
    require(p.a != 1.0, "bg_nbd.a", "must not be 1");
  }
  if (c.gamma_gamma) {
    const auto& p = *c.gamma_gamma;
    require(detail::model_parameter(p.p) && detail::model_parameter(p.q) &&
                detail::model_parameter(p.gamma),
            "gamma_gamma", "parameters p, q, gamma must be within 1e-100…1e100");
  }
}

}  // namespace cbf
