// The Gamma-Gamma spend model (Fader, Hardie & Lee 2005; Fader & Hardie 2013 note 025):
// likelihood and its gradient, and the conditional expected order value.
#pragma once

#include <cbf/detail/special.hpp>
#include <cbf/model_parameters.hpp>
#include <cbf/models/summary.hpp>

#include <array>
#include <cmath>

namespace cbf::models {

/// Log-likelihood of a customer with `x` > 0 transactions of mean value `m` > 0 (note 025 eq. 1a).
[[nodiscard]] inline double gamma_gamma_log_likelihood(const GammaGammaParameters& g, double x,
                                                       double m) noexcept {
  using detail::log_gamma;
  const double px = g.p * x;
  return log_gamma(px + g.q) - log_gamma(px) - log_gamma(g.q) + g.q * std::log(g.gamma) +
         (px - 1) * std::log(m) + px * std::log(x) - (px + g.q) * std::log(x * m + g.gamma);
}

/// The log-likelihood and its gradient with respect to (p, q, γ).
[[nodiscard]] inline double gamma_gamma_log_likelihood(const GammaGammaParameters& g, double x,
                                                       double m,
                                                       std::array<double, 3>& gradient) noexcept {
  using detail::digamma;
  const double px = g.p * x;
  const double log_total = std::log(x * m + g.gamma);
  const double psi_sum = digamma(px + g.q);
  gradient[0] = x * (psi_sum - digamma(px) + std::log(m) + std::log(x) - log_total);
  gradient[1] = psi_sum - digamma(g.q) + std::log(g.gamma) - log_total;
  gradient[2] = g.q / g.gamma - (px + g.q) / (x * m + g.gamma);
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
/// `x` orders of mean `m` (contract §4.14); `m` itself when p·x + q − 1 ≤ 0.
[[nodiscard]] constexpr double gamma_gamma_expected_value(const GammaGammaParameters& g, double x,
                                                          double m) noexcept {
  const double denominator = g.p * x + g.q - 1;
  return denominator > 0 ? g.p * (g.gamma + x * m) / denominator : m;
}

}  // namespace cbf::models
