// Special functions for the models: thread-safe log-gamma, digamma, the Gauss hypergeometric
// series ₂F₁ on 0 ≤ z < 1, and overflow-free pieces of logarithms.
#pragma once

#include <algorithm>
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
  double magnitude = 0;  ///< Σ |term|: value's rounding error is about ε · magnitude
};

/// ₂F₁(a, b; c; z) by its power series, for 0 ≤ z < 1 and c not a non-positive integer. Sums
/// until a term is below 1e-16 of the sum (after the terms stop growing), at most `max_terms`.
[[nodiscard]] inline SeriesResult hyp2f1_series(double a, double b, double c, double z,
                                                std::int64_t max_terms = 1'000'000) noexcept {
  double term = 1.0;
  double sum = 1.0;
  double magnitude = 1.0;
  for (std::int64_t n = 0; n < max_terms; ++n) {
    const double k = static_cast<double>(n);
    term *= (a + k) * (b + k) / ((c + k) * (k + 1.0)) * z;
    sum += term;
    magnitude += std::fabs(term);
    // Terms shrink monotonically once n exceeds |a| and |b| (and −c when c < 0: near n = −c the
    // denominator is small); stop only then. A large positive c only shrinks them sooner.
    const bool past_peak = k > std::fabs(a) && k > std::fabs(b) && (c > 0 || k > -c);
    if (past_peak && std::fabs(term) <= 1e-16 * std::fabs(sum))
      return {sum, n + 1, true, magnitude};
    if (!std::isfinite(sum)) return {sum, n + 1, false, magnitude};
  }
  return {sum, max_terms, false, magnitude};
}

/// ln(u + v) for u, v ≥ 0 with u + v > 0, finite even where u + v overflows.
[[nodiscard]] inline double log_sum(double u, double v) noexcept {
  const double high = std::max(u, v);
  return std::log(high) + std::log1p(std::min(u, v) / high);
}

/// ln(1 + e^y), without overflow (y may be ±∞).
[[nodiscard]] inline double softplus(double y) noexcept {
  return y > 0 ? y + std::log1p(std::exp(-y)) : std::log1p(std::exp(y));
}

/// (−ln(1 − d) − d) / d² for 0 ≤ d < 1: 1/2 at 0, without the cancellation of the direct form.
[[nodiscard]] inline double log1m_rest_scaled(double d) noexcept {
  if (d > 0.1) return (-std::log1p(-d) - d) / (d * d);
  double sum = 0.5;  // Σ_{k≥2} d^(k−2)/k
  double power = 1.0;
  for (int k = 3; k < 40; ++k) {
    power *= d;
    const double term = power / k;
    sum += term;
    if (term <= 1e-17 * sum) break;
  }
  return sum;
}

/// (e − ln(1 + e)) / e² for e ≥ 0: 1/2 at 0, without the cancellation of the direct form.
[[nodiscard]] inline double log1p_rest_scaled(double e) noexcept {
  if (e > 0.1) return (e - std::log1p(e)) / (e * e);
  double sum = 0.5;  // Σ_{k≥2} (−e)^(k−2)/k
  double power = 1.0;
  for (int k = 3; k < 40; ++k) {
    power *= -e;
    const double term = power / k;
    sum += term;
    if (std::fabs(term) <= 1e-17 * sum) break;
  }
  return sum;
}

/// ln Σ e^(terms) accumulated one term at a time without overflow; −∞ terms add nothing.
struct LogSumExp {
  double top = -HUGE_VAL;
  double sum = 0.0;
  void add(double log_term) noexcept {
    if (!(log_term > -HUGE_VAL)) return;
    if (log_term <= top) {
      sum += std::exp(log_term - top);
    } else {
      sum = sum * std::exp(top - log_term) + 1.0;
      top = log_term;
    }
  }
  [[nodiscard]] double value() const noexcept { return top + std::log(sum); }
};

}  // namespace cbf::detail
