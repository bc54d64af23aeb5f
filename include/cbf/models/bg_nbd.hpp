// The BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the easy way"):
// likelihood and its gradient, P(alive), conditional and unconditional expected purchases.
#pragma once

#include <cbf/detail/beta_quadrature.hpp>
#include <cbf/detail/special.hpp>
#include <cbf/model_parameters.hpp>
#include <cbf/models/summary.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace cbf::models {

namespace detail {

/// ln(a/(b+x−1)) + (r+x)·ln((α+T)/(α+t_x)), the log-odds that a customer with x > 0 repeat
/// purchases is dead; never NaN (+∞ when b + x − 1 ≤ 0, possible only for a fractional x < 1).
[[nodiscard]] inline double bg_nbd_log_odds_dead(const BgNbdParameters& p, double x, double t_x,
                                                 double T) noexcept {
  const double direct =
      std::log(p.a / (p.b + (x - 1))) + (p.r + x) * std::log((p.alpha + T) / (p.alpha + t_x));
  if (std::isfinite(direct) && p.a / (p.b + (x - 1)) >= std::numeric_limits<double>::min())
    return direct;
  // a/(b+x−1) underflows, (α+T)/(α+t_x) or α+T overflows: the same in sums of logarithms.
  using cbf::detail::log_sum;
  const double log_a = std::log(p.a) - (x >= 1 ? log_sum(p.b, x - 1) : std::log(p.b + (x - 1)));
  if (std::isnan(log_a)) return HUGE_VAL;
  const double log_ratio = std::max(0.0, log_sum(p.alpha, T) - log_sum(p.alpha, t_x));
  return log_a + (log_ratio > 0 ? p.r * log_ratio + x * log_ratio : 0.0);
}

/// The series is used up to this z = t/(α+T+t) (about 37 000 terms); beyond, the quadrature.
inline constexpr double series_max_z = 0.999;

/// E[Y(t) | alive at T, x] = (c/(a−1))·(1 − (1−z)^(a−1)·₂F₁(a+b−1−r, a−1; c; z)), c = a+b+x−1, by
/// the series (models-reference §2.4), or NaN where that is unreliable (docs/models.md §7): z
/// above series_max_z, |a+b−1−r| or |a−1| above 10⁴, no convergence, an estimated rounding
/// error above 1e-11 of the result, or a result outside [0, (r+x)·t/(α+T)].
[[nodiscard]] inline double bg_nbd_alive_expectation_series(const BgNbdParameters& p, double x,
                                                            double T, double t) noexcept {
  const double total = p.alpha + T + t;
  const double z = t / total;
  const double upper = p.a + p.b - 1 - p.r;
  if (!(std::isfinite(total) && z <= series_max_z && std::fabs(upper) <= 1e4 &&
        std::fabs(p.a - 1) <= 1e4))
    return NAN;
  const double one_minus_z = (p.alpha + T) / total;
  const double c = p.a + p.b + (x - 1);
  const auto f = cbf::detail::hyp2f1_series(upper, p.a - 1, c, z);
  const double power = std::pow(one_minus_z, p.a - 1);
  const double scale = c / (p.a - 1);
  const double value = scale * (1.0 - power * f.value);
  // Rounding of the sum, of the power, and of 1 − …, amplified by the scale.
  const double error =
      4 * std::numeric_limits<double>::epsilon() * std::fabs(scale) *
      (power * f.magnitude +
       std::fabs(power * f.value) * (1 + std::fabs((p.a - 1) * std::log(one_minus_z))) + 1);
  const double bound = (p.r + x) * t / (p.alpha + T);
  if (!(f.converged && value >= 0 && value <= bound * (1 + 1e-9) && error <= 1e-11 * value))
    return NAN;
  return std::min(value, bound);  // a rounding above the bound (a → 0: E → bound)
}

/// E[Y(t) | x, t_x, T] by quadrature (docs/models.md §7): P(alive) · (r+x)·τ · E[g(p)] with
/// τ = t/(α+T) and p ~ Beta(a, b+x), in logarithms; the largest double where the value overflows.
[[nodiscard]] inline double bg_nbd_expectation_quadrature(const BgNbdParameters& p, double x,
                                                          double log_odds_dead, double T,
                                                          double t) noexcept {
  using cbf::detail::log_sum;
  const double log_s = x > 0 ? log_sum(p.r, x) : std::log(p.r);
  const double log_tau = std::log(t) - log_sum(p.alpha, T);
  const double b = std::min(p.b + x, std::numeric_limits<double>::max());
  const double log_value = -cbf::detail::softplus(log_odds_dead) + log_s + log_tau +
                           cbf::detail::log_beta_purchase_fraction(log_s, log_tau, p.a, b);
  const double value = std::exp(std::min(log_value, 709.0));
  const double bound = (p.r + x) * t / (p.alpha + T);  // the posterior mean rate × t
  if (!(log_value < std::log(std::numeric_limits<double>::max())))
    return std::numeric_limits<double>::max();
  return std::isfinite(bound) ? std::min(value, bound) : value;
}

}  // namespace detail

/// Per-customer log-likelihood (paper eq. 6, with a log-sum-exp so it cannot overflow).
[[nodiscard]] inline double bg_nbd_log_likelihood(const BgNbdParameters& p, double x, double t_x,
                                                  double T) noexcept {
  using cbf::detail::log_gamma;
  const double a1 = log_gamma(p.r + x) - log_gamma(p.r) + p.r * std::log(p.alpha);
  const double a2 =
      log_gamma(p.a + p.b) + log_gamma(p.b + x) - log_gamma(p.b) - log_gamma(p.a + p.b + x);
  const double a3 = -(p.r + x) * std::log(p.alpha + T);
  if (x <= 0) return a1 + a2 + a3;
  const double a4 = std::log(p.a) - std::log(p.b + (x - 1)) - (p.r + x) * std::log(p.alpha + t_x);
  const double top = std::max(a3, a4);
  return a1 + a2 + top + std::log(std::exp(a3 - top) + std::exp(a4 - top));
}

/// The log-likelihood of one customer and its gradient with respect to (r, α, a, b).
[[nodiscard]] inline double bg_nbd_log_likelihood(const BgNbdParameters& p, double x, double t_x,
                                                  double T,
                                                  std::array<double, 4>& gradient) noexcept {
  using cbf::detail::digamma;
  const double ll = bg_nbd_log_likelihood(p, x, t_x, T);
  // Softmax weights of the two terms of the log-sum-exp (w4 = 0 without repeat purchases).
  double w3 = 1.0;
  double w4 = 0.0;
  if (x > 0) {
    const double a3 = -(p.r + x) * std::log(p.alpha + T);
    const double a4 = std::log(p.a) - std::log(p.b + (x - 1)) - (p.r + x) * std::log(p.alpha + t_x);
    w3 = 1.0 / (1.0 + std::exp(a4 - a3));
    w4 = 1.0 - w3;
  }
  gradient[0] = digamma(p.r + x) - digamma(p.r) + std::log(p.alpha) - w3 * std::log(p.alpha + T) -
                w4 * std::log(p.alpha + t_x);
  gradient[1] = p.r / p.alpha - w3 * (p.r + x) / (p.alpha + T) - w4 * (p.r + x) / (p.alpha + t_x);
  const double common = digamma(p.a + p.b) - digamma(p.a + p.b + x);
  gradient[2] = common + w4 / p.a;
  gradient[3] = common + digamma(p.b + x) - digamma(p.b) - (x > 0 ? w4 / (p.b + (x - 1)) : 0.0);
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
  const double log_odds_dead = detail::bg_nbd_log_odds_dead(p, x, t_x, T);
  // expit(−log_odds_dead), in the form that cannot overflow.
  if (log_odds_dead > 0) {
    const double e = std::exp(-log_odds_dead);
    return e / (1.0 + e);
  }
  return 1.0 / (1.0 + std::exp(log_odds_dead));
}

/// E[Y(t) | x, t_x, T]: expected purchases in (T, T + t] (paper eq. 10): the Euler-transformed
/// series whose hypergeometric parameters do not grow with x (models-reference §2.4) where it is
/// reliable, a quadrature elsewhere (docs/models.md §7); 0 for t ≤ 0.
[[nodiscard]] inline double bg_nbd_conditional_expected_purchases(const BgNbdParameters& p,
                                                                  double x, double t_x, double T,
                                                                  double t) noexcept {
  if (t <= 0) return 0.0;
  const double log_odds_dead = x > 0 ? detail::bg_nbd_log_odds_dead(p, x, t_x, T) : -HUGE_VAL;
  const double alive = detail::bg_nbd_alive_expectation_series(p, x, T, t);
  if (std::isnan(alive)) return detail::bg_nbd_expectation_quadrature(p, x, log_odds_dead, T, t);
  if (x <= 0) return alive;
  const double denominator = 1.0 + std::exp(log_odds_dead);
  return std::isinf(denominator) ? 0.0 : alive / denominator;
}

/// E[X(t)]: expected purchases of a new customer in (0, t] (paper eq. 9, Euler form; the
/// quadrature where the series is unreliable); 0 for t ≤ 0.
[[nodiscard]] inline double bg_nbd_expected_purchases(const BgNbdParameters& p, double t) noexcept {
  if (t <= 0) return 0.0;
  const double alive = detail::bg_nbd_alive_expectation_series(p, 0, 0, t);
  return std::isnan(alive) ? detail::bg_nbd_expectation_quadrature(p, 0, -HUGE_VAL, 0, t) : alive;
}

}  // namespace cbf::models
