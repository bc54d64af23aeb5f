// Maximum-likelihood fitting of BG/NBD and Gamma-Gamma over a population's summaries: BFGS on
// log-parameters with analytic gradients; non-convergence is reported, never thrown.
#pragma once

#include <cbf/detail/optimize.hpp>
#include <cbf/detail/special.hpp>
#include <cbf/model_parameters.hpp>
#include <cbf/models/bg_nbd.hpp>
#include <cbf/models/gamma_gamma.hpp>
#include <cbf/models/summary.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <vector>

namespace cbf::models {

/// Options of a fit. The objective is lifetimes': mean negative log-likelihood plus
/// `penalizer · Σ parameter²` (BG/NBD's α on the time-scaled axis).
struct FitOptions {
  double penalizer = 0.0;
  int max_iterations = 1000;
};

/// Fitted parameters, the log-likelihood Σ weight · LL_i at them, and how the search ended.
/// `converged` is false when the optimiser stopped early or a parameter ran to 0 or ∞.
template <class Parameters>
struct FitResult {
  Parameters parameters{};
  double log_likelihood = 0;
  int iterations = 0;
  bool converged = false;
};

namespace detail {

// The objective is +∞ beyond |log-parameter| = 20 (so exp cannot overflow); a solution beyond
// 15 — a parameter more than ~3·10⁶ times from its start — ran off to 0 or ∞: a boundary
// solution, reported as not converged rather than trusted.
inline constexpr double wall_log_parameter = 20.0;
inline constexpr double boundary_log_parameter = 15.0;

// The objective's rounding noise makes gradients below ~1e-9 unreachable on small populations:
// stop at lifetimes' tolerance (scipy's BFGS with tol = 1e-7).
inline constexpr double gradient_tolerance = 1e-7;

[[nodiscard]] inline bool interior(const auto& theta) {
  return std::all_of(theta.begin(), theta.end(), [](double t) {
    return std::isfinite(t) && std::fabs(t) < boundary_log_parameter;
  });
}

[[nodiscard]] inline bool inside(const auto& theta) {
  return std::all_of(theta.begin(), theta.end(), [](double t) {
    return std::isfinite(t) && std::fabs(t) < wall_log_parameter;
  });
}

/// The summaries usable by BG/NBD (finite, 0 ≤ t_x ≤ T, x ≥ 0, weight > 0), sorted by x so that
/// the x-only terms are computed once per distinct x.
template <class Summaries>
[[nodiscard]] std::vector<Summary> bg_nbd_rows(Summaries&& summaries) {
  std::vector<Summary> rows;
  for (const Summary& s : summaries) {
    if (std::isfinite(s.x) && std::isfinite(s.t_x) && std::isfinite(s.T) &&
        std::isfinite(s.weight) && s.x >= 0 && s.t_x >= 0 && s.t_x <= s.T && s.weight > 0)
      rows.push_back(s);
  }
  std::sort(rows.begin(), rows.end(), [](const Summary& a, const Summary& b) { return a.x < b.x; });
  return rows;
}

/// Σ w·LL_i and its gradient over rows sorted by x, on time already scaled.
[[nodiscard]] inline double bg_nbd_total(const BgNbdParameters& p, const std::vector<Summary>& rows,
                                         std::array<double, 4>& gradient) {
  using cbf::detail::digamma;
  using cbf::detail::log_gamma;
  gradient = {};
  double total = 0.0;
  const double log_alpha = std::log(p.alpha);
  const double lg_r = log_gamma(p.r), lg_b = log_gamma(p.b), lg_ab = log_gamma(p.a + p.b);
  const double dg_r = digamma(p.r), dg_b = digamma(p.b), dg_ab = digamma(p.a + p.b);
  for (std::size_t i = 0; i < rows.size();) {
    const double x = rows[i].x;
    // Terms that depend on x alone.
    const double a12 = log_gamma(p.r + x) - lg_r + p.r * log_alpha + lg_ab + log_gamma(p.b + x) -
                       lg_b - log_gamma(p.a + p.b + x);
    const double g_r0 = digamma(p.r + x) - dg_r + log_alpha;
    const double g_ab = dg_ab - digamma(p.a + p.b + x);
    const double g_b0 = g_ab + digamma(p.b + x) - dg_b;
    const double log_a4 = x > 0 ? std::log(p.a) - std::log(p.b + (x - 1)) : 0.0;
    for (; i < rows.size() && rows[i].x == x; ++i) {
      const Summary& s = rows[i];
      const double l_T = std::log(p.alpha + s.T);
      const double a3 = -(p.r + x) * l_T;
      double ll = a12 + a3;
      double w4 = 0.0;
      double l_tx = 0.0;
      if (x > 0) {
        l_tx = std::log(p.alpha + s.t_x);
        const double a4 = log_a4 - (p.r + x) * l_tx;
        const double top = std::max(a3, a4);
        const double e3 = std::exp(a3 - top), e4 = std::exp(a4 - top);
        ll = a12 + top + std::log(e3 + e4);
        w4 = e4 / (e3 + e4);
      }
      const double w3 = 1.0 - w4;
      total += s.weight * ll;
      gradient[0] += s.weight * (g_r0 - w3 * l_T - w4 * l_tx);
      gradient[1] += s.weight * (p.r / p.alpha - w3 * (p.r + x) / (p.alpha + s.T) -
                                 w4 * (p.r + x) / (p.alpha + s.t_x));
      gradient[2] += s.weight * (g_ab + w4 / p.a);
      gradient[3] += s.weight * (g_b0 - (x > 0 ? w4 / (p.b + (x - 1)) : 0.0));
    }
  }
  return total;
}

}  // namespace detail

/// Fits BG/NBD (r, α, a, b) by maximum likelihood over a range of Summary (x, t_x, T, weight).
/// Rows with non-finite values, t_x > T or weight ≤ 0 are ignored. Never throws.
template <class Summaries>
[[nodiscard]] FitResult<BgNbdParameters> fit_bg_nbd(Summaries&& summaries,
                                                    const FitOptions& options = {}) {
  std::vector<Summary> rows = detail::bg_nbd_rows(summaries);
  FitResult<BgNbdParameters> result;
  double max_T = 0.0, total_weight = 0.0;
  for (const Summary& s : rows) {
    max_T = std::max(max_T, s.T);
    total_weight += s.weight;
  }
  if (rows.empty() || !(max_T > 0)) return result;  // nothing to learn from
  // Scaling time to at most 1 conditions the problem; the MLE is unchanged (lifetimes' trick).
  const double scale = 1.0 / max_T;
  for (Summary& s : rows) {
    s.t_x *= scale;
    s.T *= scale;
  }
  const auto objective = [&](const cbf::detail::Vector<4>& theta, cbf::detail::Vector<4>& g) {
    if (!detail::inside(theta)) return HUGE_VAL;
    const BgNbdParameters p{std::exp(theta[0]), std::exp(theta[1]), std::exp(theta[2]),
                            std::exp(theta[3])};
    std::array<double, 4> dll{};
    const double ll = detail::bg_nbd_total(p, rows, dll);
    const double values[4] = {p.r, p.alpha, p.a, p.b};
    double penalty = 0.0;
    for (std::size_t i = 0; i < 4; ++i) {
      penalty += values[i] * values[i];
      // d/dθ = parameter · d/dparameter, for the mean NLL and the penalty.
      g[i] = values[i] * (-dll[i] / total_weight + 2.0 * options.penalizer * values[i]);
    }
    return -ll / total_weight + options.penalizer * penalty;
  };
  cbf::detail::MinimizeOptions minimize;
  minimize.max_iterations = options.max_iterations;
  minimize.gradient_tolerance = detail::gradient_tolerance;
  const auto found = cbf::detail::minimize_bfgs<4>(objective, {0.1, 0.1, 0.1, 0.1}, minimize);
  const auto& t = found.x;
  const double alpha = std::exp(t[1]) / scale;
  // An α beyond the double range (spans near DBL_MAX): the largest double, not converged.
  const bool representable = alpha <= std::numeric_limits<double>::max();
  result.parameters = {std::exp(t[0]), representable ? alpha : std::numeric_limits<double>::max(),
                       std::exp(t[2]), std::exp(t[3])};
  result.iterations = found.iterations;
  // Without any repeat purchase the likelihood grows as r → 0 and says nothing about a and b.
  const bool identifiable = rows.back().x > 0;
  result.converged = found.converged && identifiable && detail::interior(t) &&
                     std::isfinite(found.value) && representable;
  std::array<double, 4> unused{};
  if (!representable) {
    // Rescaling time by c adds Σ w·x·ln c to the log-likelihood (ln α^r / (α + T)^(r+x) …).
    double repeats = 0.0;
    for (const Summary& s : rows) repeats += s.weight * s.x;
    const BgNbdParameters scaled{std::exp(t[0]), std::exp(t[1]), std::exp(t[2]), std::exp(t[3])};
    result.log_likelihood = detail::bg_nbd_total(scaled, rows, unused) + repeats * std::log(scale);
    return result;
  }
  // The log-likelihood on the original time axis.
  for (Summary& s : rows) {
    s.t_x /= scale;
    s.T /= scale;
  }
  result.log_likelihood = detail::bg_nbd_total(result.parameters, rows, unused);
  if (!std::isfinite(result.log_likelihood)) result.converged = false;
  return result;
}

/// Fits Gamma-Gamma (p, q, γ) over the rows with x > 0 and m > 0 of a range of Summary (x
/// transactions of mean value m). Never throws.
template <class Summaries>
[[nodiscard]] FitResult<GammaGammaParameters> fit_gamma_gamma(Summaries&& summaries,
                                                              const FitOptions& options = {}) {
  std::vector<Summary> rows;
  double total_weight = 0.0;
  for (const Summary& s : summaries) {
    if (std::isfinite(s.x) && std::isfinite(s.m) && std::isfinite(s.weight) && s.x > 0 && s.m > 0 &&
        s.weight > 0) {
      rows.push_back(s);
      total_weight += s.weight;
    }
  }
  FitResult<GammaGammaParameters> result;
  if (rows.empty()) return result;
  const auto objective = [&](const cbf::detail::Vector<3>& theta, cbf::detail::Vector<3>& g) {
    if (!detail::inside(theta)) return HUGE_VAL;
    const GammaGammaParameters p{std::exp(theta[0]), std::exp(theta[1]), std::exp(theta[2])};
    double ll = 0.0;
    std::array<double, 3> dll{};
    for (const Summary& s : rows) {
      std::array<double, 3> gi{};
      ll += s.weight * gamma_gamma_log_likelihood(p, s.x, s.m, gi);
      for (std::size_t i = 0; i < 3; ++i) dll[i] += s.weight * gi[i];
    }
    const double values[3] = {p.p, p.q, p.gamma};
    double penalty = 0.0;
    for (std::size_t i = 0; i < 3; ++i) {
      penalty += values[i] * values[i];
      g[i] = values[i] * (-dll[i] / total_weight + 2.0 * options.penalizer * values[i]);
    }
    return -ll / total_weight + options.penalizer * penalty;
  };
  cbf::detail::MinimizeOptions minimize;
  minimize.max_iterations = options.max_iterations;
  minimize.gradient_tolerance = detail::gradient_tolerance;
  const auto found = cbf::detail::minimize_bfgs<3>(objective, {0.1, 0.1, 0.1}, minimize);
  result.parameters = {std::exp(found.x[0]), std::exp(found.x[1]), std::exp(found.x[2])};
  result.iterations = found.iterations;
  result.converged = found.converged && detail::interior(found.x) && std::isfinite(found.value);
  result.log_likelihood = gamma_gamma_log_likelihood(result.parameters, rows);
  if (!std::isfinite(result.log_likelihood)) result.converged = false;
  return result;
}

}  // namespace cbf::models
