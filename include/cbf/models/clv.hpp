// The contract's discounted lifetime value over a horizon of months, from BG/NBD expectations.
#pragma once

#include <cbf/model_parameters.hpp>
#include <cbf/models/bg_nbd.hpp>
#include <cbf/models/summary.hpp>

#include <cmath>

namespace cbf::models {

/// Σ_{k=1}^{months} (E[N(k·month)] − E[N((k−1)·month)]) · expected_value / (1 + d)^k, with E[N(t)]
/// the BG/NBD conditional expected purchases in (T, T + t]; `month` in the model's time unit.
[[nodiscard]] inline double discounted_value(const BgNbdParameters& p, const Summary& s,
                                             double expected_value, int months, double month,
                                             double monthly_discount_rate) noexcept {
  double value = 0.0;
  double previous = 0.0;
  double discount = 1.0;
  for (int k = 1; k <= months; ++k) {
    const double cumulative = bg_nbd_conditional_expected_purchases(p, s.x, s.t_x, s.T, k * month);
    discount *= 1.0 + monthly_discount_rate;
    value += (cumulative - previous) * expected_value / discount;
    previous = cumulative;
  }
  return value;
}

}  // namespace cbf::models
