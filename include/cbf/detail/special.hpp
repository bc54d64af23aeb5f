// Special functions for the models: thread-safe log-gamma, digamma, and the Gauss
// hypergeometric series ₂F₁ on 0 ≤ z < 1.
#pragma once

#include <cmath>
#include <cstdint>

namespace cbf::detail {

/// ln Γ(x) for x > 0. glibc's std::lgamma writes the global `signgam`; lgamma_r does not.
[[nodiscard]] inline double log_gamma(double x) noexcept {
#if defined(__GLIBC__)
  int sign = 0;
  return ::lgamma_r(x, &sign);
#else
  return std::lgamma(x);
#endif
}

/// ψ(x) = d/dx ln Γ(x) for x > 0: recurrence up to x ≥ 6, then the asymptotic series
/// (absolute error below 1e-13).
[[nodiscard]] inline double digamma(double x) noexcept {
  double shift = 0.0;
  while (x < 6.0) {
    shift -= 1.0 / x;
    x += 1.0;
  }
  const double f = 1.0 / (x * x);
  const double tail =
      f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f * (1.0 / 132)))));
  return shift + std::log(x) - 0.5 / x - tail;
}

/// A series sum and whether it met its tolerance within the term budget.
struct SeriesResult {
  double value;
  std::int64_t terms;
  bool converged;
};

/// ₂F₁(a, b; c; z) by its power series, for 0 ≤ z < 1 and c not a non-positive integer. Sums
/// until a term is below 1e-16 of the sum (after the terms stop growing), at most `max_terms`.
[[nodiscard]] inline SeriesResult hyp2f1_series(double a, double b, double c, double z,
                                                std::int64_t max_terms = 1'000'000) noexcept {
  double term = 1.0;
  double sum = 1.0;
  for (std::int64_t n = 0; n < max_terms; ++n) {
    const double k = static_cast<double>(n);
    term *= (a + k) * (b + k) / ((c + k) * (k + 1.0)) * z;
    sum += term;
    // Terms shrink monotonically once n exceeds |a| and |b| (and −c when c < 0: near n = −c the
    // denominator is small); stop only then. A large positive c only shrinks them sooner.
    const bool past_peak = k > std::fabs(a) && k > std::fabs(b) && (c > 0 || k > -c);
    if (past_peak && std::fabs(term) <= 1e-16 * std::fabs(sum)) return {sum, n + 1, true};
    if (!std::isfinite(sum)) return {sum, n + 1, false};
  }
  return {sum, max_terms, false};
}

}  // namespace cbf::detail
