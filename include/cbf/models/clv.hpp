// The contract's discounted lifetime value over a horizon of months, from BG/NBD expectations.
#pragma once

#include <cbf/model_parameters.hpp>
#include <cbf/models/bg_nbd.hpp>
#include <cbf/models/summary.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace cbf::models {

/// Σ_{k=1}^{months} (E[N(k·month)] − E[N((k−1)·month)]) · expected_value / (1 + d)^k, with E[N(t)]
/// the BG/NBD conditional expected purchases in (T, T + t]; `month` in the model's time unit. A
/// sum beyond the double range (d near −1) is the largest double (docs/models.md §6).
[[nodiscard]] inline double discounted_value(const BgNbdParameters& p, const Summary& s,
                                             double expected_value, int months, double month,
                                             double monthly_discount_rate) noexcept {
  double value = 0.0;
  double previous = 0.0;
  double discount = 1.0;
  const double log_growth = std::log1p(monthly_discount_rate);
  for (int k = 1; k <= months; ++k) {
    discount *= 1.0 + monthly_discount_rate;
    if (std::isinf(discount)) break;  // this month and every later one weigh 0 in doubles
    // A horizon beyond the double range: the expectation at the largest span.
    const double horizon = std::min(k * month, std::numeric_limits<double>::max());
    const double cumulative = bg_nbd_conditional_expected_purchases(p, s.x, s.t_x, s.T, horizon);
    const double increment = cumulative - previous;
    if (discount >= std::numeric_limits<double>::min()) {
      value += increment * expected_value / discount;
    } else {
      // (1 + d)^k underflows (−1 < d < 0): divide in logarithms, the sum saturating below. E[N]
      // grows with t, so an increment below 0 is rounding: dropped, lest it meet +∞.
      if (increment > 0 && expected_value > 0)
        value += std::exp(
            std::min(std::log(increment) + std::log(expected_value) - k * log_growth, 710.0));
    }
    previous = cumulative;
  }
  return std::min(value, std::numeric_limits<double>::max());
}

}  // namespace cbf::models
