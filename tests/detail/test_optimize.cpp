#include <cbf/detail/optimize.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

using cbf::detail::minimize_bfgs;
using cbf::detail::MinimizeOptions;
using cbf::detail::MinimizeResult;
using cbf::detail::Vector;

namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

template <std::size_t N>
bool has_no_nan_or_inf(const MinimizeResult<N>& r) {
  for (std::size_t i = 0; i < N; ++i)
    if (!std::isfinite(r.x[i]) || !std::isfinite(r.gradient[i])) return false;
  return std::isfinite(r.value);
}

// Rosenbrock's banana, minimum 0 at (1, 1).
double rosenbrock(const Vector<2>& x, Vector<2>& g) {
  const double a = 1.0 - x[0], b = x[1] - x[0] * x[0];
  g = {-2.0 * a - 400.0 * x[0] * b, 200.0 * b};
  return a * a + 100.0 * b * b;
}

}  // namespace

TEST_CASE("minimize_bfgs finds the minimum of a convex quadratic in 3-D", "[optimize]") {
  // f = ½ (x − c)ᵀ A (x − c) with A symmetric positive definite; its minimum is c, where f = 0.
  constexpr double A[3][3] = {{4.0, 1.0, 0.5}, {1.0, 3.0, -0.5}, {0.5, -0.5, 2.0}};
  const Vector<3> c{1.0, -2.0, 3.0};
  int calls = 0;
  auto f = [&](const Vector<3>& x, Vector<3>& g) {
    ++calls;
    double value = 0.0;
    for (int i = 0; i < 3; ++i) {
      g[i] = 0.0;
      for (int j = 0; j < 3; ++j) g[i] += A[i][j] * (x[j] - c[j]);
      value += 0.5 * (x[i] - c[i]) * g[i];
    }
    return value;
  };
  const auto r = minimize_bfgs<3>(f, {0.0, 0.0, 0.0});
  CHECK(r.converged);
  for (int i = 0; i < 3; ++i) CHECK(r.x[i] == Approx(c[i]).margin(1e-10));
  CHECK(r.value == Approx(0.0).margin(1e-18));
  CHECK(r.evaluations == calls);
  CHECK(r.iterations < 20);
}

TEST_CASE("minimize_bfgs takes Rosenbrock's function from (-1.2, 1) to (1, 1)", "[optimize]") {
  const auto r = minimize_bfgs<2>(rosenbrock, {-1.2, 1.0});
  INFO(r.iterations << " iterations, " << r.evaluations << " evaluations");
  CHECK(r.converged);
  CHECK(r.x[0] == Approx(1.0).margin(1e-6));
  CHECK(r.x[1] == Approx(1.0).margin(1e-6));
  CHECK(r.value < 1e-12);
  // 38 iterations and 48 evaluations when written; the bounds leave room for rounding.
  CHECK(r.iterations < 60);
  CHECK(r.evaluations < 100);
}

TEST_CASE("minimize_bfgs handles variables whose scales differ by 10^6", "[optimize]") {
  auto f = [](const Vector<4>& x, Vector<4>& g) {
    g = {2e4 * x[0], 2.0 * x[1], 2e-2 * x[2], 2.0 * (x[3] - 3.0)};
    return 1e4 * x[0] * x[0] + x[1] * x[1] + 1e-2 * x[2] * x[2] + (x[3] - 3.0) * (x[3] - 3.0);
  };
  const auto r = minimize_bfgs<4>(f, {1.0, 1.0, 1.0, 1.0});
  CHECK(r.converged);
  // The gradient rule (|g_i| ≤ 1e-9) bounds the error of x_i by 1e-9 / f_ii'' at worst.
  CHECK(r.x[0] == Approx(0.0).margin(1e-12));
  CHECK(r.x[1] == Approx(0.0).margin(1e-9));
  CHECK(r.x[2] == Approx(0.0).margin(1e-7));
  CHECK(r.x[3] == Approx(3.0).margin(1e-9));
}

TEST_CASE("minimize_bfgs steps back from where f is NaN and finds the minimum of x - log x",
          "[optimize]") {
  int outside = 0;
  auto f = [&](const Vector<1>& x, Vector<1>& g) {
    if (x[0] <= 0.0) {
      ++outside;
      g = {not_a_number};
      return not_a_number;
    }
    g = {1.0 - 1.0 / x[0]};
    return x[0] - std::log(x[0]);
  };
  const auto r = minimize_bfgs<1>(f, {5.0});
  CHECK(r.converged);
  CHECK(r.x[0] == Approx(1.0).margin(1e-9));
  CHECK(r.value == Approx(1.0).epsilon(1e-15));
  CHECK(outside > 0);  // the search did wander outside the domain
}

TEST_CASE("minimize_bfgs treats an infinite gradient as outside the domain", "[optimize]") {
  // f = (x - 2)² is finite everywhere, but its gradient is reported infinite for x > 4.
  auto f = [](const Vector<1>& x, Vector<1>& g) {
    g = {x[0] > 4.0 ? std::numeric_limits<double>::infinity() : 2.0 * (x[0] - 2.0)};
    return (x[0] - 2.0) * (x[0] - 2.0);
  };
  const auto r = minimize_bfgs<1>(f, {-30.0});
  CHECK(r.converged);
  CHECK(r.x[0] == Approx(2.0).margin(1e-9));
}

TEST_CASE("minimize_bfgs returns the start, not NaN, when f is not finite there", "[optimize]") {
  auto f = [](const Vector<2>& x, Vector<2>& g) {
    g = {1.0 / x[0], 1.0};
    return std::log(x[0]) + x[1];
  };
  const auto r = minimize_bfgs<2>(f, {-1.0, 2.0});
  CHECK_FALSE(r.converged);
  CHECK(r.x == Vector<2>{-1.0, 2.0});
  CHECK(r.value == std::numeric_limits<double>::infinity());
  CHECK(r.gradient == Vector<2>{0.0, 0.0});
  CHECK(r.iterations == 0);
  CHECK(r.evaluations == 1);
}

TEST_CASE("minimize_bfgs on f = x, which has no minimum, stops unconverged with finite numbers",
          "[optimize]") {
  auto f = [](const Vector<2>& x, Vector<2>& g) {
    g = {1.0, 0.0};
    return x[0];
  };
  const auto r = minimize_bfgs<2>(f, {0.0, 0.0});
  CHECK_FALSE(r.converged);
  CHECK(has_no_nan_or_inf(r));
  CHECK(r.evaluations <= MinimizeOptions{}.max_evaluations);
  CHECK(r.value < -1e3);
  CHECK(r.value == r.x[0]);
  CHECK(r.x[1] == 0.0);

  MinimizeOptions tight;
  tight.max_evaluations = 50;
  const auto t = minimize_bfgs<2>(f, {0.0, 0.0}, tight);
  CHECK_FALSE(t.converged);
  CHECK(has_no_nan_or_inf(t));
  CHECK(t.evaluations <= 50);
  CHECK(t.evaluations >= 45);  // it ran until the budget, not stopped early
  CHECK(t.value < 0.0);
}

TEST_CASE("minimize_bfgs converges at once on a flat function", "[optimize]") {
  auto f = [](const Vector<3>&, Vector<3>& g) {
    g = {0.0, 0.0, 0.0};
    return 0.0;
  };
  const auto r = minimize_bfgs<3>(f, {1.0, -2.0, 3.0});
  CHECK(r.converged);
  CHECK(r.iterations <= 1);
  CHECK(r.x == Vector<3>{1.0, -2.0, 3.0});
  CHECK(r.value == 0.0);
}

TEST_CASE("minimize_bfgs stopped after 2 iterations is unconverged but lower than the start",
          "[optimize]") {
  MinimizeOptions options;
  options.max_iterations = 2;
  const auto r = minimize_bfgs<2>(rosenbrock, {-1.2, 1.0}, options);
  CHECK_FALSE(r.converged);
  CHECK(r.iterations == 2);
  CHECK(r.value < 24.2);  // f(-1.2, 1) = 24.2
  Vector<2> g{};
  CHECK(r.value == rosenbrock(r.x, g));
  CHECK(r.gradient == g);
}

TEST_CASE("minimize_bfgs's first trial step moves at most 1 in each coordinate", "[optimize]") {
  Vector<2> first{};
  int calls = 0;
  auto f = [&](const Vector<2>& x, Vector<2>& g) {
    if (++calls == 2) first = x;
    g = {2e6 * x[0], 2e6 * x[1]};
    return 1e6 * (x[0] * x[0] + x[1] * x[1]);
  };
  const auto r = minimize_bfgs<2>(f, {3.0, -4.0});
  CHECK(std::fabs(first[0] - 3.0) <= 1.0);
  CHECK(std::fabs(first[1] + 4.0) <= 1.0);
  CHECK(r.converged);
  CHECK(r.x[0] == Approx(0.0).margin(1e-12));
}
