// Correctly rounded summation (Shewchuk's partials, as Python's math.fsum), so sums of money do not
// depend on the order of the records.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>

namespace cbf::detail {

/// Accumulates finite doubles exactly; value() is the sum rounded once. No allocation.
class ExactSum {
 public:
  /// Adds a finite value; the running sum must stay finite.
  constexpr void add(double x) noexcept {
    std::size_t kept = 0;
    for (std::size_t j = 0; j < size_; ++j) {
      double y = partials_[j];
      if (std::fabs(x) < std::fabs(y)) {
        const double t = x;
        x = y;
        y = t;
      }
      const double hi = x + y;
      const double lo = y - (hi - x);
      if (lo != 0.0) partials_[kept++] = lo;
      x = hi;
    }
    // Non-overlapping finite doubles number at most ~40; the array cannot overflow.
    partials_[kept] = x;
    size_ = kept + 1;
  }

  /// The exact sum, rounded to nearest (ties to even).
  [[nodiscard]] constexpr double value() const noexcept {
    if (size_ == 0) return 0.0;
    std::size_t n = size_;
    double hi = partials_[--n];
    double lo = 0.0;
    while (n > 0) {
      const double x = hi;
      const double y = partials_[--n];
      hi = x + y;
      const double yr = hi - x;
      lo = y - yr;
      if (lo != 0.0) break;
    }
    // Half-way case: the rest of the partials decides the rounding direction.
    if (n > 0 && ((lo < 0.0 && partials_[n - 1] < 0.0) || (lo > 0.0 && partials_[n - 1] > 0.0))) {
      const double y = lo * 2.0;
      const double x = hi + y;
      if (y == x - hi) hi = x;
    }
    return hi;
  }

 private:
  std::array<double, 64> partials_{};
  std::size_t size_ = 0;
};

}  // namespace cbf::detail
