// Unconstrained minimisation by BFGS with a strong-Wolfe line search, for maximum-likelihood fits.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <type_traits>

namespace cbf::detail {

template <std::size_t N>
using Vector = std::array<double, N>;

/// Stopping rules of minimize_bfgs.
struct MinimizeOptions {
  int max_iterations = 1000;
  int max_evaluations = 20000;
  /// Stop when max |g_i| ≤ this.
  double gradient_tolerance = 1e-9;
  /// Stop when |f_k − f_{k+1}| ≤ this · max(1, |f_k|) twice in a row.
  double value_tolerance = 1e-15;
};

/// The result: the best point found, its value and gradient, and how it ended.
template <std::size_t N>
struct MinimizeResult {
  Vector<N> x{};
  double value = 0;
  Vector<N> gradient{};
  int iterations = 0;
  int evaluations = 0;
  bool converged = false;
};

namespace bfgs {

inline constexpr double infinity = std::numeric_limits<double>::infinity();
inline constexpr double sufficient_decrease = 1e-4;  // c1 of Nocedal & Wright (3.7)
inline constexpr double curvature = 0.9;             // c2, the usual value for quasi-Newton methods
// One step moves at most 1e3 · max(1, ‖start‖∞): on f without a minimum x then grows linearly with
// the budget and cannot overflow.
inline constexpr double max_step_factor = 1e3;
inline constexpr int max_zoom_steps = 60;

template <std::size_t N>
using Matrix = std::array<Vector<N>, N>;

template <std::size_t N>
[[nodiscard]] constexpr double dot(const Vector<N>& a, const Vector<N>& b) noexcept {
  double sum = 0.0;
  for (std::size_t i = 0; i < N; ++i) sum += a[i] * b[i];
  return sum;
}

template <std::size_t N>
[[nodiscard]] inline double max_abs(const Vector<N>& a) noexcept {
  double m = 0.0;
  for (double v : a) m = std::fmax(m, std::fabs(v));
  return m;
}

template <std::size_t N>
[[nodiscard]] inline bool all_finite(const Vector<N>& a) noexcept {
  for (double v : a)
    if (!std::isfinite(v)) return false;
  return true;
}

/// x + alpha · p.
template <std::size_t N>
[[nodiscard]] constexpr Vector<N> along(const Vector<N>& x, double alpha,
                                        const Vector<N>& p) noexcept {
  Vector<N> y{};
  for (std::size_t i = 0; i < N; ++i) y[i] = x[i] + alpha * p[i];
  return y;
}

/// A point where f was evaluated; value = +∞ and a zero gradient where f or its gradient is not
/// finite.
template <std::size_t N>
struct Point {
  Vector<N> x{};
  double value = infinity;
  Vector<N> gradient{};
};

/// f under a budget of evaluations.
template <std::size_t N, class F>
class Objective {
 public:
  Objective(F& f, int budget) noexcept : f_(f), budget_(budget) {}
  [[nodiscard]] bool exhausted() const noexcept { return evaluations_ >= budget_; }
  [[nodiscard]] int evaluations() const noexcept { return evaluations_; }

  /// f at x; the budget is the caller's to check.
  [[nodiscard]] Point<N> operator()(const Vector<N>& x) {
    Point<N> point{x, infinity, {}};
    const double value = f_(point.x, point.gradient);
    ++evaluations_;
    if (std::isfinite(value) && all_finite(point.gradient)) {
      point.value = value;
    } else {
      point.gradient = {};
    }
    return point;
  }

 private:
  F& f_;
  int budget_;
  int evaluations_ = 0;
};

/// A trial step length α along the search direction, the point there and φ'(α) = gᵀp.
template <std::size_t N>
struct Trial {
  double alpha = 0.0;
  Point<N> point{};
  double slope = 0.0;
};

/// Minimiser of the cubic through (a, φ(a), φ'(a)) and (b, φ(b), φ'(b)) (Nocedal & Wright 3.59),
/// kept inside the middle 80 % of the interval; bisection when the cubic is of no use.
template <std::size_t N>
[[nodiscard]] inline double interpolate(const Trial<N>& a, const Trial<N>& b) noexcept {
  const double lo = std::fmin(a.alpha, b.alpha), hi = std::fmax(a.alpha, b.alpha);
  const double mid = 0.5 * (lo + hi);
  if (!std::isfinite(b.point.value)) return mid;
  const double d1 = a.slope + b.slope - 3.0 * (a.point.value - b.point.value) / (a.alpha - b.alpha);
  const double discriminant = d1 * d1 - a.slope * b.slope;
  if (!(discriminant >= 0.0)) return mid;
  const double d2 = std::copysign(std::sqrt(discriminant), b.alpha - a.alpha);
  const double alpha =
      b.alpha - (b.alpha - a.alpha) * (b.slope + d2 - d1) / (b.slope - a.slope + 2.0 * d2);
  const double margin = 0.1 * (hi - lo);
  if (!std::isfinite(alpha)) return mid;
  return std::fmin(std::fmax(alpha, lo + margin), hi - margin);
}

/// Line search along a descent direction p from `start` for a step satisfying the strong Wolfe
/// conditions (Nocedal & Wright, algorithms 3.5 and 3.6). When they cannot be met within the budget
/// or the step limit, the lowest step with sufficient decrease is taken, as backtracking would;
/// empty when there is none.
template <std::size_t N, class F>
class LineSearch {
 public:
  LineSearch(Objective<N, F>& objective, const Point<N>& start, const Vector<N>& p,
             double alpha_max) noexcept
      : objective_(objective),
        start_(start),
        p_(p),
        slope0_(dot(start.gradient, p)),
        alpha_max_(alpha_max) {}

  [[nodiscard]] std::optional<Trial<N>> run() {
    Trial<N> previous{0.0, start_, slope0_};
    double alpha = std::fmin(1.0, alpha_max_);
    while (!objective_.exhausted()) {
      const Trial<N> trial = evaluate(alpha);
      if (!decreases(trial) || (previous.alpha > 0.0 && trial.point.value >= previous.point.value))
        return zoom(previous, trial);
      if (flat(trial)) return trial;
      if (trial.slope >= 0.0) return zoom(trial, previous);
      // φ still falls at the step limit: accept the decrease.
      if (alpha >= alpha_max_) return trial;
      previous = trial;
      alpha = std::fmin(4.0 * alpha, alpha_max_);
    }
    return accepted(previous);
  }

 private:
  [[nodiscard]] Trial<N> evaluate(double alpha) {
    Trial<N> trial{alpha, objective_(along(start_.x, alpha, p_)), 0.0};
    trial.slope = dot(trial.point.gradient, p_);
    // An overflowing gᵀp would poison the interpolation: treat the point as out of the domain.
    if (!std::isfinite(trial.slope)) trial.point.value = infinity;
    return trial;
  }

  [[nodiscard]] bool decreases(const Trial<N>& t) const noexcept {
    return t.point.value <= start_.value + sufficient_decrease * t.alpha * slope0_;
  }
  [[nodiscard]] bool flat(const Trial<N>& t) const noexcept {
    return std::fabs(t.slope) <= -curvature * slope0_;
  }
  [[nodiscard]] static std::optional<Trial<N>> accepted(const Trial<N>& t) {
    if (t.alpha > 0.0) return t;
    return std::nullopt;
  }

  // Steps closer than this cannot change x.
  [[nodiscard]] bool too_narrow(const Trial<N>& a, const Trial<N>& b) const noexcept {
    const double width = std::fabs(a.alpha - b.alpha) * max_abs(p_);
    return width <= std::numeric_limits<double>::epsilon() * std::fmax(1.0, max_abs(start_.x));
  }

  // Invariant: lo has sufficient decrease and the lowest value so far; [lo, hi] holds a Wolfe step.
  [[nodiscard]] std::optional<Trial<N>> zoom(Trial<N> lo, Trial<N> hi) {
    for (int i = 0; i < max_zoom_steps && !objective_.exhausted() && !too_narrow(lo, hi); ++i) {
      const Trial<N> trial = evaluate(interpolate(lo, hi));
      if (!decreases(trial) || trial.point.value >= lo.point.value) {
        hi = trial;
        continue;
      }
      if (flat(trial)) return trial;
      if (trial.slope * (hi.alpha - lo.alpha) >= 0.0) hi = lo;
      lo = trial;
    }
    return accepted(lo);
  }

  Objective<N, F>& objective_;
  const Point<N>& start_;
  const Vector<N>& p_;
  double slope0_;
  double alpha_max_;
};

/// The state of one BFGS run: the objective, the inverse-Hessian approximation H and its scale.
template <std::size_t N, class F>
class Minimizer {
 public:
  Minimizer(F& f, const Vector<N>& start, const MinimizeOptions& options) noexcept
      : objective_(f, options.max_evaluations),
        max_step_(max_step_factor * std::fmax(1.0, max_abs(start))) {
    reset(1.0);
  }

  [[nodiscard]] Objective<N, F>& objective() noexcept { return objective_; }

  /// The next iterate from `current`, or empty when no step lowers f. A failed search along the
  /// quasi-Newton direction is retried once along the scaled steepest descent.
  [[nodiscard]] std::optional<Point<N>> step(const Point<N>& current) {
    if (auto next = search(current)) return next;
    if (fresh_ || objective_.exhausted()) return std::nullopt;
    reset(gamma_);
    return search(current);
  }

 private:
  void reset(double gamma) noexcept {
    for (std::size_t i = 0; i < N; ++i)
      for (std::size_t j = 0; j < N; ++j) h_[i][j] = i == j ? gamma : 0.0;
    fresh_ = true;
  }

  [[nodiscard]] Vector<N> direction(const Vector<N>& g) const noexcept {
    Vector<N> p{};
    for (std::size_t i = 0; i < N; ++i) p[i] = -dot(h_[i], g);
    return p;
  }

  [[nodiscard]] std::optional<Point<N>> search(const Point<N>& current) {
    Vector<N> p = direction(current.gradient);
    if (!(dot(current.gradient, p) < 0.0)) {
      reset(gamma_);
      p = direction(current.gradient);
      if (!(dot(current.gradient, p) < 0.0)) return std::nullopt;
    }
    // Before any curvature is known the scale of p is arbitrary: the first trial moves at most 1.
    const double limit = scaled_ ? max_step_ : 1.0;
    const double norm = max_abs(p);
    if (norm > limit)
      for (double& v : p) v *= limit / norm;
    const auto trial = LineSearch<N, F>(objective_, current, p, max_step_ / max_abs(p)).run();
    if (!trial) return std::nullopt;
    update(current, trial->point);
    return trial->point;
  }

  /// The BFGS update of H with s = x₊ − x, y = g₊ − g (Nocedal & Wright 6.17), skipped when yᵀs is
  /// too small to keep H positive definite.
  void update(const Point<N>& from, const Point<N>& to) noexcept {
    Vector<N> s{}, y{};
    for (std::size_t i = 0; i < N; ++i) {
      s[i] = to.x[i] - from.x[i];
      y[i] = to.gradient[i] - from.gradient[i];
    }
    const double ys = dot(y, s), yy = dot(y, y);
    if (!(ys > 1e-12 * std::sqrt(yy) * std::sqrt(dot(s, s))) || !std::isfinite(yy)) return;
    gamma_ = ys / yy;
    if (!scaled_) reset(gamma_);  // H₀ = (yᵀs / yᵀy) I (Nocedal & Wright 6.20)
    scaled_ = true;
    fresh_ = false;
    Vector<N> hy{};
    for (std::size_t i = 0; i < N; ++i) hy[i] = dot(h_[i], y);
    const double rho = 1.0 / ys;
    const double ss_weight = rho * rho * dot(y, hy) + rho;
    for (std::size_t i = 0; i < N; ++i)
      for (std::size_t j = 0; j < N; ++j)
        h_[i][j] += ss_weight * s[i] * s[j] - rho * (hy[i] * s[j] + s[i] * hy[j]);
    for (const auto& row : h_)
      if (!all_finite(row)) reset(gamma_);
  }

  Objective<N, F> objective_;
  double max_step_;
  Matrix<N> h_{};
  double gamma_ = 1.0;  // the scale of H after a reset
  bool scaled_ = false;
  bool fresh_ = true;  // H is a scaled identity: nothing to fall back on
};

template <std::size_t N>
[[nodiscard]] MinimizeResult<N> result(const Point<N>& point, int iterations, int evaluations,
                                       bool converged) noexcept {
  return {point.x, point.value, point.gradient, iterations, evaluations, converged};
}

}  // namespace bfgs

/// Minimises f over ℝᴺ by BFGS with a line search satisfying the strong Wolfe conditions (falling
/// back to the lowest step with sufficient decrease when they cannot be met). `f(const Vector<N>&
/// x, Vector<N>& gradient) -> double` returns the value and writes the gradient. A non-finite value
/// (or gradient) counts as +∞: the step shrinks. Throws only what f throws; never returns a NaN
/// value or gradient: when f is not finite at the start it returns the start with value +∞, a zero
/// gradient and converged = false; when no progress can be made, or a limit is reached, the best
/// point seen with converged = false. The start is always evaluated.
template <std::size_t N, class F>
[[nodiscard]] MinimizeResult<N> minimize_bfgs(F&& f, const Vector<N>& start,
                                              const MinimizeOptions& options = {}) {
  bfgs::Minimizer<N, std::remove_reference_t<F>> minimizer(f, start, options);
  auto& objective = minimizer.objective();
  bfgs::Point<N> current = objective(start);
  if (!std::isfinite(current.value))
    return bfgs::result(current, 0, objective.evaluations(), false);
  int small_changes = 0;
  for (int iteration = 0;; ++iteration) {
    if (bfgs::max_abs(current.gradient) <= options.gradient_tolerance || small_changes >= 2)
      return bfgs::result(current, iteration, objective.evaluations(), true);
    if (iteration >= options.max_iterations)
      return bfgs::result(current, iteration, objective.evaluations(), false);
    const auto next = minimizer.step(current);
    if (!next) return bfgs::result(current, iteration, objective.evaluations(), false);
    const double change = std::fabs(current.value - next->value);
    const bool small = change <= options.value_tolerance * std::fmax(1.0, std::fabs(current.value));
    small_changes = small ? small_changes + 1 : 0;
    current = *next;
  }
}

}  // namespace cbf::detail
