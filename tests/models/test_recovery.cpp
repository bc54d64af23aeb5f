// Parameter recovery: customers simulated from known BG/NBD and Gamma-Gamma parameters
// (simulate.hpp) are fitted back, and each estimate must lie within a few standard errors of the
// truth; the fitted log-likelihood is at least the one at the true parameters (the MLE property).
// Then properties of the model branch of cbf::predict_value over random fitted-parameter configs.
//
// Tolerances. The standard errors are computed here from the observed information (the Hessian of
// the log-likelihood at the estimate, by central differences of the analytic gradient), and every
// estimate must be within 4 of them of the truth (a two-sided 4σ band: a seed fails by chance with
// probability ~6e-5 per parameter). As a cross-check of those standard errors: models-reference §7
// gives CDNOW's SEs for 2 357 customers, (r, α, a, b) = (0.0126, 0.378, 0.186, 0.705), and
// (p, q, γ) = (1.19, 0.290, 4.16) for 946 repeat buyers; the simulated populations resemble CDNOW
// (T from 27 to 39 weeks, similar parameters), so their SEs must be those scaled by
// √(2357 / n) (√(946 / repeat buyers)) up to a factor 2 either way.
#include "simulate.hpp"

#include "support.hpp"

#include <cbf/cbf.hpp>
#include <cbf/models/fit.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

using cbf::models::Summary;

namespace {

template <std::size_t N>
using Matrix = std::array<std::array<double, N>, N>;

/// The inverse of a symmetric positive-definite matrix by Gauss-Jordan elimination.
template <std::size_t N>
Matrix<N> inverse(Matrix<N> m) {
  Matrix<N> inv{};
  for (std::size_t i = 0; i < N; ++i) inv[i][i] = 1.0;
  for (std::size_t col = 0; col < N; ++col) {
    const double pivot = m[col][col];
    for (std::size_t j = 0; j < N; ++j) {
      m[col][j] /= pivot;
      inv[col][j] /= pivot;
    }
    for (std::size_t row = 0; row < N; ++row) {
      if (row == col) continue;
      const double f = m[row][col];
      for (std::size_t j = 0; j < N; ++j) {
        m[row][j] -= f * m[col][j];
        inv[row][j] -= f * inv[col][j];
      }
    }
  }
  return inv;
}

/// Standard errors sqrt(diag((−H)⁻¹)) at `at`, H the Hessian of Σ LL_i by central differences of
/// `gradient(parameters) -> std::array<double, N>` (parameters as a std::array<double, N>).
template <std::size_t N, class Gradient>
std::array<double, N> standard_errors(const std::array<double, N>& at, Gradient gradient) {
  Matrix<N> information{};
  for (std::size_t j = 0; j < N; ++j) {
    auto plus = at;
    auto minus = at;
    const double h = 1e-5 * at[j];
    plus[j] += h;
    minus[j] -= h;
    const auto gp = gradient(plus);
    const auto gm = gradient(minus);
    for (std::size_t i = 0; i < N; ++i) information[i][j] = -(gp[i] - gm[i]) / (2 * h);
  }
  for (std::size_t i = 0; i < N; ++i)  // symmetrise
    for (std::size_t j = 0; j < i; ++j)
      information[i][j] = information[j][i] = 0.5 * (information[i][j] + information[j][i]);
  const Matrix<N> covariance = inverse(information);
  std::array<double, N> se{};
  for (std::size_t i = 0; i < N; ++i) se[i] = std::sqrt(covariance[i][i]);
  return se;
}

std::array<double, 4> bg_nbd_gradient(const std::vector<Summary>& rows,
                                      const std::array<double, 4>& v) {
  const cbf::BgNbdParameters p{v[0], v[1], v[2], v[3]};
  std::array<double, 4> total{};
  for (const Summary& s : rows) {
    std::array<double, 4> g{};
    (void)cbf::models::bg_nbd_log_likelihood(p, s.x, s.t_x, s.T, g);
    for (std::size_t i = 0; i < 4; ++i) total[i] += s.weight * g[i];
  }
  return total;
}

std::array<double, 3> gamma_gamma_gradient(const std::vector<Summary>& rows,
                                           const std::array<double, 3>& v) {
  const cbf::GammaGammaParameters p{v[0], v[1], v[2]};
  std::array<double, 3> total{};
  for (const Summary& s : rows) {
    if (!(s.x > 0 && s.m > 0)) continue;
    std::array<double, 3> g{};
    (void)cbf::models::gamma_gamma_log_likelihood(p, s.x, s.m, g);
    for (std::size_t i = 0; i < 3; ++i) total[i] += s.weight * g[i];
  }
  return total;
}

constexpr std::size_t simulated_customers = 40000;
constexpr cbf::BgNbdParameters true_bg_nbd{0.25, 4.0, 0.8, 2.5};
constexpr cbf::GammaGammaParameters true_spend{6.0, 4.0, 15.0};

const std::vector<Summary>& population() {
  static const std::vector<Summary> rows = cbf_test::simulate(
      cbf_test::Population{true_bg_nbd, true_spend, 27.0, 39.0}, simulated_customers, 20260101);
  return rows;
}

const cbf::models::FitResult<cbf::BgNbdParameters>& bg_nbd_fit() {
  static const auto fit = cbf::models::fit_bg_nbd(population());
  return fit;
}

const cbf::models::FitResult<cbf::GammaGammaParameters>& gamma_gamma_fit() {
  static const auto fit = cbf::models::fit_gamma_gamma(population());  // repeat buyers only
  return fit;
}

/// Two more BG/NBD populations, smaller and unlike CDNOW: heavier buyers who rarely die (a < 1 <
/// b), and a daily time unit (α = 30 days, T up to a year).
struct OtherPopulation {
  cbf::BgNbdParameters truth;
  std::vector<Summary> rows;
  cbf::models::FitResult<cbf::BgNbdParameters> fit;
};

const std::vector<OtherPopulation>& other_populations() {
  static const std::vector<OtherPopulation> all = [] {
    std::vector<OtherPopulation> out;
    for (const auto& [truth, T_min, T_max] :
         {std::tuple{cbf::BgNbdParameters{1.5, 3.0, 0.4, 6.0}, 10.0, 52.0},
          std::tuple{cbf::BgNbdParameters{0.5, 30.0, 1.6, 3.0}, 180.0, 365.0}}) {
      auto rows = cbf_test::simulate(cbf_test::Population{truth, {}, T_min, T_max}, 10000, 7);
      auto fit = cbf::models::fit_bg_nbd(rows);
      out.push_back({truth, std::move(rows), fit});
    }
    return out;
  }();
  return all;
}

/// max_i |θ_i · ∂LL/∂θ_i| / Σw: the gradient of the mean log-likelihood with respect to the
/// log-parameters, the scale on which the fitter works.
template <std::size_t N>
double log_gradient(const std::array<double, N>& at, const std::array<double, N>& gradient,
                    double total_weight) {
  double worst = 0.0;
  for (std::size_t i = 0; i < N; ++i)
    worst = std::fmax(worst, std::fabs(at[i] * gradient[i]) / total_weight);
  return worst;
}

std::array<double, 4> values(const cbf::BgNbdParameters& p) { return {p.r, p.alpha, p.a, p.b}; }

}  // namespace

TEST_CASE("the simulator follows the BG/NBD process", "[recovery][simulate]") {
  const auto& rows = population();
  REQUIRE(rows.size() == simulated_customers);
  double zeros = 0, repeats = 0;
  for (const Summary& s : rows) {
    REQUIRE(s.x >= 0);
    REQUIRE(s.t_x >= 0);
    REQUIRE(s.t_x <= s.T);
    REQUIRE(s.T >= 27.0);
    REQUIRE(s.T <= 39.0);
    if (s.x == 0) {
      REQUIRE(s.t_x == 0);
      REQUIRE(s.m == 0);
      ++zeros;
    } else {
      REQUIRE(s.m > 0);
    }
    repeats += s.x;
  }
  // E[X(T)] (paper eq. 9) averaged over T ~ U[27, 39], against the simulated mean, within 5 SE of
  // a mean of 40 000 counts (their standard deviation is below 5 here).
  double expected = 0.0;
  for (int k = 0; k < 1200; ++k)
    expected += cbf::models::bg_nbd_expected_purchases(true_bg_nbd, 27.0 + 12.0 * (k + 0.5) / 1200);
  expected /= 1200;
  const double n = static_cast<double>(rows.size());
  CHECK(repeats / n == Approx(expected).margin(5 * 5 / std::sqrt(n)));
  // CDNOW-like: a clear majority without a repeat purchase (CDNOW: 1411 of 2357).
  CHECK(zeros / n > 0.5);
  CHECK(zeros / n < 0.75);
}

TEST_CASE("BG/NBD recovers the parameters of a simulated population", "[recovery][fit]") {
  const auto& rows = population();
  const auto& fit = bg_nbd_fit();
  const auto estimate = values(fit.parameters);
  const auto truth = values(true_bg_nbd);
  const auto se =
      standard_errors<4>(estimate, [&](const auto& v) { return bg_nbd_gradient(rows, v); });
  const std::array<double, 4> cdnow_se{0.012557, 0.378223, 0.185718, 0.705341};
  const double n = static_cast<double>(rows.size());
  const double shrink = std::sqrt(2357.0 / n);
  constexpr std::array<const char*, 4> names{"r", "alpha", "a", "b"};
  for (std::size_t i = 0; i < 4; ++i) {
    INFO(fmt::format("{}: estimate {:.6f}, truth {}, SE {:.6f} (CDNOW-scaled {:.6f})", names[i],
                     estimate[i], truth[i], se[i], cdnow_se[i] * shrink));
    REQUIRE(std::isfinite(se[i]));
    CHECK(std::fabs(estimate[i] - truth[i]) <= 4 * se[i]);
    CHECK(se[i] > 0.5 * cdnow_se[i] * shrink);
    CHECK(se[i] < 2.0 * cdnow_se[i] * shrink);
  }
  // The MLE property: no parameter vector, the truth included, has a higher likelihood.
  const double at_truth = cbf::models::bg_nbd_log_likelihood(true_bg_nbd, rows);
  CHECK(fit.log_likelihood >= at_truth);
  CHECK(fit.log_likelihood ==
        Approx(cbf::models::bg_nbd_log_likelihood(fit.parameters, rows)).epsilon(1e-12));
  // A stationary point: the mean log-likelihood's gradient in log-parameters is ~0 (lifetimes
  // stops scipy's BFGS at 1e-7 on that scale).
  CHECK(log_gradient(estimate, bg_nbd_gradient(rows, estimate), n) < 1e-7);
}

TEST_CASE("Gamma-Gamma recovers the parameters of a simulated population", "[recovery][fit]") {
  const auto& rows = population();
  const auto& fit = gamma_gamma_fit();
  double repeaters = 0;
  for (const Summary& s : rows) repeaters += s.x > 0 ? 1 : 0;
  const auto& p = fit.parameters;
  const std::array<double, 3> estimate{p.p, p.q, p.gamma};
  const std::array<double, 3> truth{true_spend.p, true_spend.q, true_spend.gamma};
  const auto se =
      standard_errors<3>(estimate, [&](const auto& v) { return gamma_gamma_gradient(rows, v); });
  const std::array<double, 3> cdnow_se{1.189696, 0.290167, 4.160028};
  const double shrink = std::sqrt(946.0 / repeaters);
  constexpr std::array<const char*, 3> names{"p", "q", "gamma"};
  for (std::size_t i = 0; i < 3; ++i) {
    INFO(fmt::format("{}: estimate {:.6f}, truth {}, SE {:.6f} (CDNOW-scaled {:.6f}), {} repeaters",
                     names[i], estimate[i], truth[i], se[i], cdnow_se[i] * shrink, repeaters));
    REQUIRE(std::isfinite(se[i]));
    CHECK(std::fabs(estimate[i] - truth[i]) <= 4 * se[i]);
    CHECK(se[i] > 0.5 * cdnow_se[i] * shrink);
    CHECK(se[i] < 2.0 * cdnow_se[i] * shrink);
  }
  CHECK(fit.log_likelihood >= cbf::models::gamma_gamma_log_likelihood(true_spend, rows));
  CHECK(log_gradient(estimate, gamma_gamma_gradient(rows, estimate), repeaters) < 1e-7);
}

TEST_CASE("BG/NBD recovers the parameters of populations unlike CDNOW", "[recovery][fit]") {
  for (const OtherPopulation& o : other_populations()) {
    const auto estimate = values(o.fit.parameters);
    const auto truth = values(o.truth);
    INFO(fmt::format("truth ({}, {}, {}, {}), fit ({:.4f}, {:.4f}, {:.4f}, {:.4f})", truth[0],
                     truth[1], truth[2], truth[3], estimate[0], estimate[1], estimate[2],
                     estimate[3]));
    CHECK(o.fit.log_likelihood >= cbf::models::bg_nbd_log_likelihood(o.truth, o.rows));
    const auto se =
        standard_errors<4>(estimate, [&](const auto& v) { return bg_nbd_gradient(o.rows, v); });
    for (std::size_t i = 0; i < 4; ++i) CHECK(std::fabs(estimate[i] - truth[i]) <= 4 * se[i]);
    CHECK(log_gradient(estimate, bg_nbd_gradient(o.rows, estimate),
                       static_cast<double>(o.rows.size())) < 1e-7);
  }
}

TEST_CASE("fits of well-posed simulated populations report convergence", "[recovery][fit]") {
  CHECK(bg_nbd_fit().converged);
  CHECK(gamma_gamma_fit().converged);
  for (const OtherPopulation& o : other_populations()) CHECK(o.fit.converged);
}

// ---- the model branch of predict_value ------------------------------------------------------

namespace {

/// log-uniform in [lo, hi].
double log_uniform(std::mt19937_64& rng, double lo, double hi) {
  return std::exp(std::uniform_real_distribution<double>(std::log(lo), std::log(hi))(rng));
}

/// A customer "c1" with `orders` orders at random instants within `span` days before as_of (some
/// sharing an instant), of random values.
cbf_test::Attributions random_orders(std::mt19937_64& rng, int orders, double span_days) {
  cbf_test::Attributions out;
  std::uniform_real_distribution<double> offset(0.0, span_days * 86400.0);
  std::uniform_real_distribution<double> value(0.0, 500.0);
  cbf::Timestamp previous = cbf_test::as_of;
  for (int k = 0; k < orders; ++k) {
    const bool same_instant = k > 0 && std::uniform_int_distribution<int>(0, 9)(rng) == 0;
    const cbf::Timestamp at =
        same_instant ? previous
                     : cbf_test::as_of - cbf_test::sec(static_cast<std::int64_t>(offset(rng)));
    previous = at;
    out.push_back(cbf_test::attr(fmt::format("o{}", k), at, value(rng)));
  }
  return out;
}

}  // namespace

TEST_CASE("with fitted parameters churn is within 0…1 and lifetime value finite and ≥ 0",
          "[recovery][properties]") {
  std::mt19937_64 rng(424242);
  for (int config_index = 0; config_index < 60; ++config_index) {
    cbf::Config config = cbf_test::config_at(cbf_test::as_of);
    double a = log_uniform(rng, 0.05, 10.0);
    if (std::fabs(a - 1.0) < 1e-3) a = 1.5;  // the contract requires a ≠ 1
    config.bg_nbd = cbf::BgNbdParameters{log_uniform(rng, 0.02, 10.0), log_uniform(rng, 0.1, 200.0),
                                         a, log_uniform(rng, 0.05, 20.0)};
    if (config_index % 3 != 0)
      config.gamma_gamma = cbf::GammaGammaParameters{
          log_uniform(rng, 0.1, 20.0), log_uniform(rng, 0.2, 20.0), log_uniform(rng, 0.5, 100.0)};
    if (config_index % 4 == 1) config.model_time_unit = std::chrono::days{1};
    if (config_index % 5 == 2) config.monthly_discount_rate = 0.0;
    const auto& p = *config.bg_nbd;
    for (int customer = 0; customer < 8; ++customer) {
      const int orders = customer == 0   ? 1
                         : customer == 1 ? 400
                                         : std::uniform_int_distribution<int>(1, 30)(rng);
      const double span = customer == 2 ? 0.5 : log_uniform(rng, 1.0, 700.0);
      const auto attributions = random_orders(rng, orders, span);
      const auto result =
          cbf::compute_customer(cbf::no_records<cbf::Customer>, cbf_test::Interactions{},
                                cbf_test::Sessions{}, attributions, config);
      const auto& f = result.features;
      INFO(fmt::format("r {} alpha {} a {} b {}, {} orders over {} days", p.r, p.alpha, p.a, p.b,
                       orders, span));
      REQUIRE(f.churn_probability.has_value());
      REQUIRE(f.lifetime_value_prediction.has_value());
      CHECK(*f.churn_probability >= 0.0);
      CHECK(*f.churn_probability <= 1.0);
      CHECK(std::isfinite(*f.lifetime_value_prediction));
      CHECK(*f.lifetime_value_prediction >= 0.0);
      if (orders == 1) CHECK(*f.churn_probability == 0.0);  // x = 0: P(alive) = 1 exactly
    }
    // Without orders there is nothing to predict.
    const auto none =
        cbf::compute_customer(cbf::no_records<cbf::Customer>, cbf_test::Interactions{},
                              cbf_test::Sessions{}, cbf_test::Attributions{}, config);
    CHECK_FALSE(none.features.churn_probability.has_value());
    CHECK_FALSE(none.features.lifetime_value_prediction.has_value());
  }
}

TEST_CASE("x = 0 gives churn exactly 0 whatever the parameters and the customer's age",
          "[recovery][properties]") {
  std::mt19937_64 rng(99);
  for (int i = 0; i < 200; ++i) {
    const cbf::BgNbdParameters p{log_uniform(rng, 1e-3, 100.0), log_uniform(rng, 1e-3, 1e4),
                                 log_uniform(rng, 1e-3, 100.0), log_uniform(rng, 1e-3, 100.0)};
    const double T = log_uniform(rng, 1e-6, 1e4);
    CHECK(cbf::models::bg_nbd_p_alive(p, 0, 0, T) == 1.0);
  }
  // Through compute_customer: one order, long ago.
  cbf::Config config = cbf_test::config_at(cbf_test::as_of);
  config.bg_nbd = cbf::BgNbdParameters{0.243, 4.414, 0.793, 2.426};
  const auto one = cbf::compute_customer(
      cbf::no_records<cbf::Customer>, cbf_test::Interactions{}, cbf_test::Sessions{},
      cbf_test::Attributions{cbf_test::attr("o1", cbf_test::as_of - cbf_test::days(900), 25.0)},
      config);
  CHECK(one.features.churn_probability == 0.0);
  REQUIRE(one.features.lifetime_value_prediction.has_value());
  CHECK(*one.features.lifetime_value_prediction > 0.0);
}
