// Tanh-sinh quadrature, in logarithms, of the BG/NBD purchase expectation over a Beta-distributed
// dropout probability: the robust path of the expectations where their ₂F₁ series is unreliable.
#pragma once

#include <cbf/detail/special.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

namespace cbf::detail {

/// ln g for g = (1 − (1 + p·τ)^−s) / (s·p·τ) ∈ (0, 1], given ln(p·τ) and ln s: the expected
/// purchases in τ of a customer alive now with dropout probability p, over their bound s·τ.
[[nodiscard]] inline double log_purchase_fraction(double log_p_tau, double log_s) noexcept {
  // L = ln(1 + pτ); g = [(1 − e^−v) / v] · [L / (pτ)] with v = s·L.
  double log_l = log_p_tau;
  double log_l_ratio = -0.5 * std::exp(log_p_tau);  // ln(L / pτ) = −pτ/2 + O((pτ)²) below e^−40
  if (log_p_tau >= -40) {
    log_l = std::log(softplus(log_p_tau));
    log_l_ratio = log_l - log_p_tau;
  }
  const double log_v = log_s + log_l;
  const double log_fraction =
      log_v < -40 ? -0.5 * std::exp(log_v) : std::log(-std::expm1(-std::exp(log_v))) - log_v;
  return std::min(0.0, log_fraction + log_l_ratio);
}

/// One side of the Beta(a, b) integral, cut at the split s = a / (a + b): the kernel
/// y^(α−1) (1 − y)^(β−1) for y = s·e^w, w ≤ 0, with (α, β) = (a, b) and y = p on the lower side,
/// (α, β) = (b, a) and y = 1 − p on the upper side.
struct BetaSide {
  double alpha;
  double beta;
  double log_split;       // ln s
  double log_complement;  // ln(1 − s)
  double log_kappa;       // ln(α / β) = ln(s / (1 − s))
  bool upper;

  /// ln of kernel · dy/dw, relative to the kernel's logit-space maximum, and ln p, at
  /// w = ln(y / s); `alpha_w` is α·w (passed apart so the tail keeps it exact).
  void at(double w, double alpha_w, double& log_kernel, double& log_p) const noexcept {
    const double delta = -std::expm1(w);  // 1 − y/s
    const double log_kd = log_kappa + std::log(delta);
    const double log_rest = softplus(log_kd);  // ln((1 − y) / (1 − s)) = ln(1 + κ·δ)
    double core = 0.0;                         // α ln(y/s) + β ln((1 − y)/(1 − s)) ≤ 0
    if (delta <= 0.5 && log_kd <= -std::numbers::ln2) {
      // The first-order terms −αδ and +βκδ cancel exactly: keep only the rest.
      const double log_d2 = 2 * std::log(delta);
      core = -std::exp(std::log(alpha) + log_d2) * log1m_rest_scaled(delta) -
             std::exp(std::log(beta) + 2 * log_kd) * log1p_rest_scaled(std::exp(log_kd));
    } else {
      core = alpha_w + beta * log_rest;
    }
    if (!(core <= 0)) core = core > 0 ? 0.0 : -HUGE_VAL;  // rounding above 0, or −∞ + ∞
    const double log_one_minus_y = log_complement + log_rest;
    log_kernel = core - log_one_minus_y;
    log_p = upper ? log_one_minus_y : log_split + w;
  }
};

/// The nodes of tanh-sinh: for t ≥ 0, the fraction ρ of the interval between a node and its
/// nearer end (in logs), and the weight (π/2)·cosh t / cosh²(π/2·sinh t).
struct TanhSinhNode {
  double log_rho;
  double rho;
  double log_weight;
};

[[nodiscard]] inline TanhSinhNode tanh_sinh_node(double t) noexcept {
  const double v = std::numbers::pi / 2 * std::sinh(t);
  const double e = std::exp(-2 * v);
  const double l = std::log1p(e);
  return {-2 * v - l, e / (1 + e),
          std::log(std::numbers::pi / 2 * std::cosh(t)) + 2 * std::numbers::ln2 - 2 * v - 2 * l};
}

/// ln E[g(p)] for p ~ Beta(a, b), g = log_purchase_fraction(ln p + log_tau, log_s): tanh-sinh
/// quadrature of ∫ g·kernel / ∫ kernel on each side of the split, in w = ln(y/s), with breaks at
/// the edge of a narrow peak and at g's knee p·τ·max(s, 1) = 1, and the tail w → −∞ mapped onto
/// ζ = e^(α(w − w₀)) ∈ (0, 1]. Levels halve the step until ln E[g] moves by at most 1e-11.
[[nodiscard]] inline double log_beta_purchase_fraction(double log_s, double log_tau, double a,
                                                       double b) noexcept {
  const double b_over_a = b / a;
  const double a_over_b = a / b;
  const double log_split =
      std::isfinite(b_over_a) ? -std::log1p(b_over_a) : std::log(a) - std::log(b);
  const double log_complement =
      std::isfinite(a_over_b) ? -std::log1p(a_over_b) : std::log(b) - std::log(a);
  const double log_kappa = std::log(a) - std::log(b);
  const std::array<BetaSide, 2> sides{BetaSide{a, b, log_split, log_complement, log_kappa, false},
                                      BetaSide{b, a, log_complement, log_split, -log_kappa, true}};
  // Ln p at g's knee: below it g ≈ 1, above it g ≈ 1/(s·p·τ).
  const double log_knee = -std::max(log_s, 0.0) - log_tau;

  // Up to four finite intervals [lo, hi] of w per side and the tail below the last.
  struct Interval {
    int side;
    double lo;
    double hi;
  };
  std::array<Interval, 8> intervals{};
  std::array<double, 2> tail_start{};
  int count = 0;
  for (int k = 0; k < 2; ++k) {
    const BetaSide& side = sides[static_cast<std::size_t>(k)];
    std::array<double, 4> breaks{0.0, 0.0, 0.0, 0.0};
    int n = 1;
    // The kernel falls from w = 0 like a Gaussian of width 1/√(α(1 + κ)), or (β < 1) like
    // e^(αw): cut 40 of the wider scale below the peak when that is narrow.
    const double width = std::max(
        std::exp(-0.5 * (std::log(side.alpha) + softplus(side.log_kappa))), 1 / side.alpha);
    if (40 * width < 0.3) breaks[static_cast<std::size_t>(n++)] = -std::max(40 * width, 1e-300);
    const double knee = log_knee - side.log_split;
    if (!side.upper && knee < -1 && knee < breaks[static_cast<std::size_t>(n - 1)] - 1)
      breaks[static_cast<std::size_t>(n++)] = knee;
    if (breaks[static_cast<std::size_t>(n - 1)] > -1) breaks[static_cast<std::size_t>(n++)] = -1;
    for (int i = 0; i + 1 < n; ++i)
      intervals[static_cast<std::size_t>(count++)] = {k, breaks[static_cast<std::size_t>(i + 1)],
                                                      breaks[static_cast<std::size_t>(i)]};
    tail_start[static_cast<std::size_t>(k)] = breaks[static_cast<std::size_t>(n - 1)];
  }

  LogSumExp numerator;
  LogSumExp denominator;
  const auto add = [&](double log_weight, double log_kernel, double log_p) {
    denominator.add(log_weight + log_kernel);
    numerator.add(log_weight + log_kernel + log_purchase_fraction(log_p + log_tau, log_s));
  };
  // The nodes at ±t of every interval and tail (one node at t = 0).
  const auto add_nodes = [&](double t) {
    const TanhSinhNode node = tanh_sinh_node(t);
    const double far = std::log1p(-node.rho);  // ln(1 − ρ)
    for (int i = 0; i < count; ++i) {
      const Interval& in = intervals[static_cast<std::size_t>(i)];
      const BetaSide& side = sides[static_cast<std::size_t>(in.side)];
      const double length = in.hi - in.lo;
      const double log_weight = node.log_weight + std::log(length / 2);
      for (int end = 0; end < (t > 0 ? 2 : 1); ++end) {
        const double w = end == 0 ? in.hi - length * node.rho : in.lo + length * node.rho;
        double log_kernel = 0.0;
        double log_p = 0.0;
        side.at(w, side.alpha * w, log_kernel, log_p);
        add(log_weight, log_kernel, log_p);
      }
    }
    for (int k = 0; k < 2; ++k) {
      const BetaSide& side = sides[static_cast<std::size_t>(k)];
      const double start = tail_start[static_cast<std::size_t>(k)];
      // w = start + ln ζ / α, dw = dζ / (α ζ); kernel·dy/dw carries e^(α w) = e^(α·start)·ζ.
      for (int end = 0; end < (t > 0 ? 2 : 1); ++end) {
        const double log_zeta = end == 0 ? far : node.log_rho;
        const double w = start + log_zeta / side.alpha;
        double log_kernel = 0.0;
        double log_p = 0.0;
        side.at(w, side.alpha * start + log_zeta, log_kernel, log_p);
        add(node.log_weight - std::numbers::ln2 - std::log(side.alpha) - log_zeta, log_kernel,
            log_p);
      }
    }
  };
  // ρ down to e^−50 at t_max: below that a node's weight is negligible for these integrands.
  const double t_max = std::asinh(50 / std::numbers::pi);
  double previous = HUGE_VAL;
  double h = 1.0;
  for (double t = 0; t <= t_max; t += h) add_nodes(t);
  for (int level = 1; level <= 8; ++level) {
    h /= 2;
    for (double t = h; t <= t_max; t += 2 * h) add_nodes(t);
    const double estimate = numerator.value() - denominator.value();
    if (level >= 3 && std::fabs(estimate - previous) <= 1e-11) return std::min(0.0, estimate);
    previous = estimate;
  }
  return std::min(0.0, previous);
}

}  // namespace cbf::detail
