// The BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the easy way"):
// likelihood and its gradient, P(alive), conditional and unconditional expected purchases.
#pragma once

#include <cbf/detail/special.hpp>
#include <cbf/model_parameters.hpp>
#include <cbf/models/summary.hpp>

#include <algorithm>
#include <array>
#include <cmath>

namespace cbf::models {

/// Per-customer log-likelihood (paper eq. 6, with a log-sum-exp so it cannot overflow).
[[nodiscard]] inline double bg_nbd_log_likelihood(const BgNbdParameters& p, double x, double t_x,
                                                  double T) noexcept {
  using detail::log_gamma;
  const double a1 = log_gamma(p.r + x) - log_gamma(p.r) + p.r * std::log(p.alpha);
  const double a2 =
      log_gamma(p.a + p.b) + log_gamma(p.b + x) - log_gamma(p.b) - log_gamma(p.a + p.b + x);
  const double a3 = -(p.r + x) * std::log(p.alpha + T);
  if (x <= 0) return a1 + a2 + a3;
  const double a4 = std::log(p.a) - std::log(p.b + x - 1) - (p.r + x) * std::log(p.alpha + t_x);
  const double top = std::max(a3, a4);
  return a1 + a2 + top + std::log(std::exp(a3 - top) + std::exp(a4 - top));
}

/// The log-likelihood of one customer and its gradient with respect to (r, α, a, b).
[[nodiscard]] inline double bg_nbd_log_likelihood(const BgNbdParameters& p, double x, double t_x,
                                                  double T,
                                                  std::array<double, 4>& gradient) noexcept {
  using detail::digamma;
  const double ll = bg_nbd_log_likelihood(p, x, t_x, T);
  // Softmax weights of the two terms of the log-sum-exp (w4 = 0 without repeat purchases).
  double w3 = 1.0;
  double w4 = 0.0;
  if (x > 0) {
    const double a3 = -(p.r + x) * std::log(p.alpha + T);
    const double a4 = std::log(p.a) - std::log(p.b + x - 1) - (p.r + x) * std::log(p.alpha + t_x);
    w3 = 1.0 / (1.0 + std::exp(a4 - a3));
    w4 = 1.0 - w3;
  }
  gradient[0] = digamma(p.r + x) - digamma(p.r) + std::log(p.alpha) - w3 * std::log(p.alpha + T) -
                w4 * std::log(p.alpha + t_x);
  gradient[1] = p.r / p.alpha - w3 * (p.r + x) / (p.alpha + T) - w4 * (p.r + x) / (p.alpha + t_x);
  const double common = digamma(p.a + p.b) - digamma(p.a + p.b + x);
  gradient[2] = common + w4 / p.a;
  gradient[3] = common + digamma(p.b + x) - digamma(p.b) - (x > 0 ? w4 / (p.b + x - 1) : 0.0);
  return ll;
}

/// Σ weight · log-likelihood over a range of Summary.
template <class Summaries>
[[nodiscard]] double bg_nbd_log_likelihood(const BgNbdParameters& p, const Summaries& summaries) {
  double total = 0.0;
  for (const Summary& s : summaries) total += s.weight * bg_nbd_log_likelihood(p, s.x, s.t_x, s.T);
  return total;
}

/// P(alive | x, t_x, T) (Hardie's note 021), 1 without repeat purchases; overflow-free.
[[nodiscard]] inline double bg_nbd_p_alive(const BgNbdParameters& p, double x, double t_x,
                                           double T) noexcept {
  if (x <= 0) return 1.0;
  const double log_odds_dead =
      (p.r + x) * std::log((p.alpha + T) / (p.alpha + t_x)) + std::log(p.a / (p.b + x - 1));
  // expit(−log_odds_dead), in the form that cannot overflow.
  if (log_odds_dead > 0) {
    const double e = std::exp(-log_odds_dead);
    return e / (1.0 + e);
  }
  return 1.0 / (1.0 + std::exp(log_odds_dead));
}

/// E[Y(t) | x, t_x, T]: expected purchases in (T, T + t] (paper eq. 10), in the Euler-transformed
/// form whose hypergeometric parameters do not grow with x (models-reference §2.4).
[[nodiscard]] inline double bg_nbd_conditional_expected_purchases(const BgNbdParameters& p,
                                                                  double x, double t_x, double T,
                                                                  double t) noexcept {
  if (t <= 0) return 0.0;
  const double z = t / (p.alpha + T + t);
  const double one_minus_z = (p.alpha + T) / (p.alpha + T + t);
  const double c = p.a + p.b + x - 1;
  const double f = detail::hyp2f1_series(p.a + p.b - 1 - p.r, p.a - 1, c, z).value;
  const double numerator = c / (p.a - 1) * (1.0 - std::pow(one_minus_z, p.a - 1) * f);
  if (x <= 0) return numerator;
  const double log_odds_dead =
      std::log(p.a / (p.b + x - 1)) + (p.r + x) * std::log((p.alpha + T) / (p.alpha + t_x));
  const double denominator = 1.0 + std::exp(log_odds_dead);
  return std::isinf(denominator) ? 0.0 : numerator / denominator;
}

/// E[X(t)]: expected purchases of a new customer in (0, t] (paper eq. 9, Euler form).
[[nodiscard]] inline double bg_nbd_expected_purchases(const BgNbdParameters& p, double t) noexcept {
  if (t <= 0) return 0.0;
  const double z = t / (p.alpha + t);
  const double c = p.a + p.b - 1;
  const double f = detail::hyp2f1_series(c - p.r, p.a - 1, c, z).value;
  return c / (p.a - 1) * (1.0 - std::pow(p.alpha / (p.alpha + t), p.a - 1) * f);
}

}  // namespace cbf::models
