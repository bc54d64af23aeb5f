// The Gamma-Gamma spend model (Fader, Hardie & Lee 2005; Fader & Hardie 2013 note 025):
// likelihood and its gradient, and the conditional expected order value.
#pragma once

#include <cbf/detail/special.hpp>
#include <cbf/model_parameters.hpp>
#include <cbf/models/summary.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numbers>

namespace cbf::models {

namespace detail {

/// ω(z) = ln Γ(z) − (z − ½) ln z + z − ½ ln 2π (Stirling's remainder) from ln z, for any z > 0.
[[nodiscard]] inline double stirling_remainder(double log_z) noexcept {
  const double z = std::exp(log_z);
  if (z < 15)
    return cbf::detail::log_gamma(z) - (z - 0.5) * log_z + z - 0.5 * std::log(2 * std::numbers::pi);
  const double f = 1 / (z * z);
  return (1.0 / 12 - f * (1.0 / 360 - f * (1.0 / 1260 - f * (1.0 / 1680 - f * (1.0 / 1188))))) / z;
}

/// x·ln(x/μ) + μ − x ≥ 0 (Loader's deviance term), given ln μ; a series where x ≈ μ.
[[nodiscard]] inline double deviance_term(double x, double mu, double log_mu) noexcept {
  if (std::fabs(x - mu) < 0.1 * (x + mu)) {
    const double v = (x - mu) / (x + mu);
    double sum = (x - mu) * v;
    double term = 2 * x * v;
    for (int j = 1; j < 1000; ++j) {
      term *= v * v;
      const double next = sum + term / (2 * j + 1);
      if (next == sum) break;
      sum = next;
    }
    return std::max(sum, 0.0);
  }
  return std::max(x * (std::log(x) - log_mu) + mu - x, 0.0);
}

/// The Gamma-Gamma log-likelihood as −[d(n, N·π₁) + d(q, N·π₂)] + ½ ln(nq/N) − ½ ln 2π + ω(N) −
/// ω(n) − ω(q) − ln m, with n = px, N = n + q, π₁ = xm/(xm + γ), π₂ = 1 − π₁ and d the
/// deviance term: the same value without the huge cancelling terms of ln Γ and q ln γ; the
/// lowest double where the true value is below it.
[[nodiscard]] inline double gamma_gamma_log_likelihood_stirling(const GammaGammaParameters& g,
                                                                double x, double m) noexcept {
  using cbf::detail::softplus;
  const double log_n = std::log(g.p) + std::log(x);
  const double log_q = std::log(g.q);
  const double log_spend = std::log(x) + std::log(m);  // ln(xm)
  const double log_pi1 = -softplus(std::log(g.gamma) - log_spend);
  const double log_pi2 = -softplus(log_spend - std::log(g.gamma));
  // The deviance is homogeneous: evaluate it at n and q divided by the larger.
  const double log_c = std::max(log_n, log_q);
  const double n = std::exp(log_n - log_c);
  const double q = std::exp(log_q - log_c);
  const double log_total = std::log(n + q);  // ln(N / c)
  const double deviance = deviance_term(n, std::exp(log_total + log_pi1), log_total + log_pi1) +
                          deviance_term(q, std::exp(log_total + log_pi2), log_total + log_pi2);
  const double scaled = deviance > 0 ? std::exp(log_c + std::log(deviance)) : 0.0;
  const double value = -scaled + 0.5 * (log_n + log_q - log_c - log_total) -
                       0.5 * std::log(2 * std::numbers::pi) +
                       stirling_remainder(log_c + log_total) - stirling_remainder(log_n) -
                       stirling_remainder(log_q) - std::log(m);
  return std::max(value, std::numeric_limits<double>::lowest());
}

/// ψ(z) from ln z, for any z > 0 (the asymptotic series where z itself may overflow).
[[nodiscard]] inline double digamma_from_log(double log_z) noexcept {
  const double z = std::exp(log_z);
  if (z < 6) return cbf::detail::digamma(z);
  const double f = 1.0 / (z * z);
  const double tail =
      f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f * (1.0 / 132)))));
  return log_z - 0.5 / z - tail;
}

/// e^u − e^v without overflow before the result does; saturated at ±DBL_MAX.
[[nodiscard]] inline double exp_difference(double u, double v) noexcept {
  if (u == v) return 0.0;
  const double high = std::max(u, v);
  const double magnitude = std::exp(std::min(high + std::log(-std::expm1(std::min(u, v) - high)),
                                             std::log(std::numeric_limits<double>::max())));
  return u > v ? magnitude : -magnitude;
}

/// The Gamma-Gamma gradient in logarithms, for parameters where the direct form overflows:
/// x(ψ(n+q) − ψ(n) + ln π₁), ψ(n+q) − ψ(q) + ln π₂, (q·π₁ − n·π₂)/γ (n = px, π as above).
inline void gamma_gamma_gradient_in_logs(const GammaGammaParameters& g, double x, double m,
                                         std::array<double, 3>& gradient) noexcept {
  using cbf::detail::softplus;
  const double log_n = std::log(g.p) + std::log(x);
  const double log_q = std::log(g.q);
  const double log_spend = std::log(x) + std::log(m);
  const double log_pi1 = -softplus(std::log(g.gamma) - log_spend);
  const double log_pi2 = -softplus(log_spend - std::log(g.gamma));
  const double log_sum = std::max(log_n, log_q) + std::log1p(std::exp(-std::fabs(log_n - log_q)));
  const double psi_sum = digamma_from_log(log_sum);
  const double limit = std::numeric_limits<double>::max();
  gradient[0] = std::clamp(x * (psi_sum - digamma_from_log(log_n) + log_pi1), -limit, limit);
  gradient[1] = std::clamp(psi_sum - digamma_from_log(log_q) + log_pi2, -limit, limit);
  gradient[2] =
      exp_difference(log_q + log_pi1 - std::log(g.gamma), log_n + log_pi2 - std::log(g.gamma));
}

}  // namespace detail

/// Log-likelihood of a customer with `x` > 0 transactions of mean value `m` > 0 (note 025 eq. 1a);
/// beyond p·x + q = 10⁶, the same by Stirling's series (never NaN nor infinite).
[[nodiscard]] inline double gamma_gamma_log_likelihood(const GammaGammaParameters& g, double x,
                                                       double m) noexcept {
  using cbf::detail::log_gamma;
  const double px = g.p * x;
  const double direct = log_gamma(px + g.q) - log_gamma(px) - log_gamma(g.q) +
                        g.q * std::log(g.gamma) + (px - 1) * std::log(m) + px * std::log(x) -
                        (px + g.q) * std::log(x * m + g.gamma);
  // Beyond p·x + q = 10⁶ the ln Γ terms cancel to fewer digits than Stirling's form keeps.
  return std::isfinite(direct) && px + g.q <= 1e6
             ? direct
             : detail::gamma_gamma_log_likelihood_stirling(g, x, m);
}

/// The log-likelihood and its gradient with respect to (p, q, γ) (components saturated at the
/// largest double where they overflow).
[[nodiscard]] inline double gamma_gamma_log_likelihood(const GammaGammaParameters& g, double x,
                                                       double m,
                                                       std::array<double, 3>& gradient) noexcept {
  using cbf::detail::digamma;
  const double px = g.p * x;
  const double log_total = std::log(x * m + g.gamma);
  const double psi_sum = digamma(px + g.q);
  gradient[0] = x * (psi_sum - digamma(px) + std::log(m) + std::log(x) - log_total);
  gradient[1] = psi_sum - digamma(g.q) + std::log(g.gamma) - log_total;
  gradient[2] = g.q / g.gamma - (px + g.q) / (x * m + g.gamma);
  if (!std::all_of(gradient.begin(), gradient.end(), [](double d) { return std::isfinite(d); }))
    detail::gamma_gamma_gradient_in_logs(g, x, m, gradient);
  return gamma_gamma_log_likelihood(g, x, m);
}

/// Σ weight · log-likelihood over a range of Summary, reading (x, m); rows with x ≤ 0 or m ≤ 0
/// carry no spend information and are skipped.
template <class Summaries>
[[nodiscard]] double gamma_gamma_log_likelihood(const GammaGammaParameters& g,
                                                const Summaries& summaries) {
  double total = 0.0;
  for (const Summary& s : summaries)
    if (s.x > 0 && s.m > 0) total += s.weight * gamma_gamma_log_likelihood(g, s.x, s.m);
  return total;
}

/// E[M | x, m] = p(γ + x·m) / (p·x + q − 1), the posterior mean order value of a customer with
/// `x` orders of mean `m` (contract §4.14); `m` itself when p·x + q − 1 ≤ 0; the largest double
/// where the value itself overflows.
[[nodiscard]] constexpr double gamma_gamma_expected_value(const GammaGammaParameters& g, double x,
                                                          double m) noexcept {
  const double denominator = g.p * x + g.q - 1;
  if (!(denominator > 0)) return m;
  const double value = g.p * (g.gamma + x * m) / denominator;
  if (value <= std::numeric_limits<double>::max()) return value;
  // p·x, p·(γ + x·m) or γ + x·m overflowed: divide through by p, weigh γ and m apart.
  const double spread = x + (g.q - 1) / g.p;  // (p·x + q − 1) / p > 0
  return std::min(g.gamma / spread + x / spread * m, std::numeric_limits<double>::max());
}

}  // namespace cbf::models
