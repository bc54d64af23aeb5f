// Small statistics shared by the families: ratios, entropy-based seasonality, saturation.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

namespace cbf::detail {

/// num / den as a double, empty when den = 0.
[[nodiscard]] constexpr std::optional<double> ratio(std::int64_t num, std::int64_t den) noexcept {
  if (den == 0) return std::nullopt;
  return static_cast<double>(num) / static_cast<double>(den);
}

/// The mean of n non-negative int64 values, without overflow. Their sum is kept exactly while it
/// fits in 64 bits, and rounded once; past that, the exact quotient and remainder by n are kept.
class NonNegativeMean {
 public:
  /// A mean of `count` (> 0) values, added one by one.
  constexpr explicit NonNegativeMean(std::int64_t count) noexcept : count_(count) {}

  /// Adds one value, 0 ≤ v.
  constexpr void add(std::int64_t v) noexcept {
    if (!split_) {
      if (v <= std::numeric_limits<std::int64_t>::max() - sum_) {
        sum_ += v;
        return;
      }
      split_ = true;  // the sum needs more than 64 bits: keep it as quotient · n + remainder
      quotient_ = sum_ / count_;
      remainder_ = sum_ % count_;
    }
    quotient_ += v / count_;  // ≤ the largest value added, so it fits
    remainder_ += v % count_;
    if (remainder_ >= count_) {
      remainder_ -= count_;
      ++quotient_;
    }
  }

  /// The mean divided by `unit`: `sum / (n · unit)`, rounded once while the sum fits in 64 bits.
  [[nodiscard]] constexpr double in_units_of(double unit) const noexcept {
    const double n = static_cast<double>(count_);
    if (!split_) return static_cast<double>(sum_) / (n * unit);
    return (static_cast<double>(quotient_) + static_cast<double>(remainder_) / n) / unit;
  }

 private:
  std::int64_t count_;
  std::int64_t sum_ = 0;
  bool split_ = false;
  std::int64_t quotient_ = 0;
  std::int64_t remainder_ = 0;
};

/// `sat(x, h) = x / (x + h)`.
[[nodiscard]] constexpr double saturate(double x, double half) noexcept { return x / (x + half); }

/// `1 − H(counts) / ln(min(n, 12))`, clamped to 0…1 and 0 below 1e-12; empty when n < 2.
[[nodiscard]] inline std::optional<double> seasonality(
    const std::array<std::int64_t, 12>& by_month) {
  std::int64_t n = 0;
  for (auto c : by_month) n += c;
  if (n < 2) return std::nullopt;
  const double total = static_cast<double>(n);
  double entropy = 0.0;
  for (auto c : by_month) {
    if (c == 0) continue;
    const double p = static_cast<double>(c) / total;
    entropy -= p * std::log(p);
  }
  double value = 1.0 - entropy / std::log(static_cast<double>(n < 12 ? n : 12));
  if (value < 1e-12) value = 0.0;
  if (value > 1.0) value = 1.0;
  return value;
}

}  // namespace cbf::detail
