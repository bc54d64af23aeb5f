// Small statistics shared by the families: ratios, entropy-based seasonality, saturation.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <optional>

namespace cbf::detail {

/// num / den as a double, empty when den = 0.
[[nodiscard]] constexpr std::optional<double> ratio(std::int64_t num, std::int64_t den) noexcept {
  if (den == 0) return std::nullopt;
  return static_cast<double>(num) / static_cast<double>(den);
}

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
