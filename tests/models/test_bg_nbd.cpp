// BG/NBD against published and independently recomputed values. Sources: Fader, Hardie & Lee
// (2005) and Hardie's Excel notes (paper), lifetimes' and PyMC-Marketing's tests, as collected in
// the workspace's models-reference.md §2 and §7; tolerances as cited there.
#include <cbf/models/bg_nbd.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cmath>

using namespace cbf::models;

namespace {
constexpr cbf::BgNbdParameters paper{0.243, 4.414, 0.793, 2.426};
constexpr cbf::BgNbdParameters mle{0.242593, 4.413531, 0.792886, 2.425753};  // lifetimes, CSV
}  // namespace

TEST_CASE("the per-customer log-likelihood matches PyMC-Marketing's reference values", "[bg_nbd]") {
  constexpr cbf::BgNbdParameters p{0.25, 4.0, 0.8, 2.5};  // PyMC-Marketing test, decimal = 5
  CHECK(bg_nbd_log_likelihood(p, 0, 0, 40) == Approx(-0.59947382).margin(1e-7));
  CHECK(bg_nbd_log_likelihood(p, 200, 38, 40) == Approx(100.7957).margin(1e-4));
}

TEST_CASE("the log-likelihood of the first CDNOW customers at the paper's parameters", "[bg_nbd]") {
  // models-reference §7: −9.4586, −4.4691, −0.5547 (rows 1–3 of cdnow_customers_summary.csv).
  CHECK(bg_nbd_log_likelihood(paper, 2, 30.43, 38.86) == Approx(-9.4586).margin(1e-4));
  CHECK(bg_nbd_log_likelihood(paper, 1, 1.71, 38.86) == Approx(-4.4691).margin(1e-4));
  CHECK(bg_nbd_log_likelihood(paper, 0, 0, 38.86) == Approx(-0.5547).margin(1e-4));
}

TEST_CASE("the analytic gradient agrees with central differences", "[bg_nbd]") {
  for (const auto& [x, t_x, T] :
       {std::array<double, 3>{0, 0, 38.86}, {2, 30.43, 38.86}, {7, 29.43, 38.86}, {150, 38, 39}}) {
    std::array<double, 4> gradient{};
    (void)bg_nbd_log_likelihood(paper, x, t_x, T, gradient);
    for (std::size_t i = 0; i < 4; ++i) {
      auto plus = paper;
      auto minus = paper;
      double* parameter_plus[4] = {&plus.r, &plus.alpha, &plus.a, &plus.b};
      double* parameter_minus[4] = {&minus.r, &minus.alpha, &minus.a, &minus.b};
      const double h = 1e-6 * *parameter_plus[i];
      *parameter_plus[i] += h;
      *parameter_minus[i] -= h;
      const double numeric =
          (bg_nbd_log_likelihood(plus, x, t_x, T) - bg_nbd_log_likelihood(minus, x, t_x, T)) /
          (2 * h);
      INFO("x = " << x << ", parameter " << i);
      CHECK(gradient[i] == Approx(numeric).epsilon(1e-6).margin(1e-8));
    }
  }
}

TEST_CASE("P(alive) matches the reference values and is 1 without repeat purchases", "[bg_nbd]") {
  CHECK(bg_nbd_p_alive(paper, 2, 30.43, 38.86) == Approx(0.726579).margin(1e-6));
  CHECK(bg_nbd_p_alive(mle, 2, 30.43, 38.86) == Approx(0.726609).margin(1e-6));
  CHECK(bg_nbd_p_alive(mle, 7, 29.43, 38.86) == Approx(0.641801).margin(1e-6));
  CHECK(bg_nbd_p_alive(mle, 0, 0, 38.86) == 1.0);
  // lifetimes: x = 1000, t_x = 10, T = 100 gives exactly 0 without overflow.
  CHECK(bg_nbd_p_alive(mle, 1000, 10, 100) == 0.0);
}

TEST_CASE("the conditional expectation reproduces Hardie's 1.226", "[bg_nbd]") {
  // Hardie's Excel note 004, as in lifetimes' test (|Δ| < 1e-3); our MLE and paper values from
  // models-reference §7 to 1e-6.
  CHECK(bg_nbd_conditional_expected_purchases(paper, 2, 30.43, 38.86, 39) ==
        Approx(1.226).margin(1e-3));
  CHECK(bg_nbd_conditional_expected_purchases(paper, 2, 30.43, 38.86, 39) ==
        Approx(1.226028).margin(1e-6));
  CHECK(bg_nbd_conditional_expected_purchases(mle, 2, 30.43, 38.86, 39) ==
        Approx(1.225910).margin(2e-6));
  CHECK(bg_nbd_conditional_expected_purchases(mle, 7, 29.43, 38.86, 39) ==
        Approx(3.337239).margin(2e-6));
  CHECK(bg_nbd_conditional_expected_purchases(mle, 0, 0, 38.86, 39) ==
        Approx(0.194781).margin(1e-6));
  CHECK(bg_nbd_conditional_expected_purchases(mle, 26, 30.86, 31, 1) ==
        Approx(0.710623).margin(1e-6));
  CHECK(bg_nbd_conditional_expected_purchases(mle, 2, 30.43, 38.86, 0) == 0.0);
}

TEST_CASE("the conditional expectation stays finite for heavy buyers and a + b < 1", "[bg_nbd]") {
  const double heavy = bg_nbd_conditional_expected_purchases(mle, 5000, 38, 39, 52);
  CHECK(std::isfinite(heavy));
  CHECK(heavy >= 0.0);
  // lifetimes issue #442: a + b < 1 and x = 0 gave NaN through the log of a negative ₂F₁.
  constexpr cbf::BgNbdParameters small{0.5, 2.0, 0.3, 0.4};
  const double value = bg_nbd_conditional_expected_purchases(small, 0, 0, 20, 30);
  CHECK(std::isfinite(value));
  CHECK(value > 0.0);
}

TEST_CASE("the unconditional expectation reproduces Hardie's six E[X(t)] values", "[bg_nbd]") {
  // Hardie's Excel via lifetimes (decimal 3); models-reference §7 MLE values to 4 decimals.
  const std::array<std::pair<double, double>, 6> expected{
      {{0.1429, 0.0078}, {1, 0.0532}, {3, 0.1506}, {31.8571, 1.0405}, {32, 1.0437}, {78, 1.8580}}};
  for (const auto& [t, value] : expected) {
    INFO("t = " << t);
    CHECK(bg_nbd_expected_purchases(mle, t) == Approx(value).margin(5e-5));
  }
  CHECK(bg_nbd_expected_purchases(mle, 0) == 0.0);
}
