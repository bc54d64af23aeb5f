// BG/NBD against published and independently recomputed values. Sources: Fader, Hardie & Lee
// (2005) and Hardie's Excel notes (paper), lifetimes' and PyMC-Marketing's tests, as collected in
// the workspace's models-reference.md §2 and §7; tolerances as cited there.
#include <cbf/models/bg_nbd.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <limits>

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

// Regression tests of fuzz findings (fuzz/known_findings.hpp 2 and 4). Expected values: the
// paper's eq. 10 (untransformed ₂F₁(r+x, b+x; a+b+x−1; z)) evaluated by mpmath 1.3 at 80
// significant digits (700 where 1 − z ≈ 1e-600), from the exact binary values of the inputs.
TEST_CASE("the conditional expectation is right for r beyond 80 where the series cancels",
          "[bg_nbd][extreme]") {
  // The old series summed alternating terms of size ~(1 + z)^r: 3.95892773e-14, 1.6e-5 off.
  CHECK(bg_nbd_conditional_expected_purchases({100, 4, 0.8, 2.5}, 3, 20, 30, 52) ==
        Approx(3.9588650529962172592e-14).epsilon(1e-12));
}

TEST_CASE("the expectations are right for a = 400 with z near 1", "[bg_nbd][extreme]") {
  // The old series overflowed while (1 − z)^(a − 1) underflowed: NaN.
  constexpr cbf::BgNbdParameters p{0.242593, 4.413531, 400, 2.425753};
  CHECK(bg_nbd_conditional_expected_purchases(p, 0, 0, 1, 1e6) ==
        Approx(0.95291154694416845977).epsilon(1e-12));
  CHECK(bg_nbd_expected_purchases(p, 1e6) == Approx(0.95548149882763808011).epsilon(1e-12));
}

TEST_CASE("the expectation is right for a + b < 1 where the series would need 10^8 terms",
          "[bg_nbd][extreme]") {
  // z = 1 − 2e-8: the old series stopped at its 10⁶-term cap, 8.6e-9 off (negative for longer
  // spans).
  CHECK(bg_nbd_expected_purchases({0.5, 2, 0.3, 0.4}, 1e8) ==
        Approx(106128.17396415913213).epsilon(1e-12));
}

TEST_CASE("the conditional expectation keeps its accuracy next to a = 1", "[bg_nbd][extreme]") {
  // (c/(a − 1))·(1 − …) cancels: the series was 5.7e-7 off at a = 1 + 1e-9.
  CHECK(bg_nbd_conditional_expected_purchases({0.242593, 4.413531, 1.000000001, 2.425753}, 2, 30.43,
                                              38.86,
                                              39) == Approx(1.1019673805450766755).epsilon(1e-12));
}

TEST_CASE("the expectations are right for spans near the ends of the double range",
          "[bg_nbd][extreme]") {
  constexpr double max = std::numeric_limits<double>::max();
  // τ = t/α = 1e600 (old: inf) and t = DBL_MAX (old: z = 1 exactly, 0.2 % off).
  CHECK(bg_nbd_expected_purchases({0.243, 1e-300, 0.8, 2.5}, 1e300) ==
        Approx(5.4015080498408208291e+120).epsilon(1e-12));
  CHECK(bg_nbd_expected_purchases({0.243, 4.4, 0.8, 2.5}, max) ==
        Approx(1.7979085774096434093e+62).epsilon(1e-12));
  // α + T + t overflows (old: inf).
  CHECK(bg_nbd_conditional_expected_purchases({0.243, 4.4, 0.8, 2.5}, 2, 1e307, 1.5e308, max) ==
        Approx(0.02136169846435664244).epsilon(1e-12));
  // α + T overflows (old: NaN).
  CHECK(bg_nbd_conditional_expected_purchases({0.243, 1e308, 0.8, 2.5}, 2, 1e308, 1.5e308, 1e308) ==
        Approx(0.59637134466914533012).epsilon(1e-12));
}

TEST_CASE("P(alive) is right where its log-odds were infinity minus infinity",
          "[bg_nbd][extreme]") {
  // a/(b + x − 1) = 2e-319/1e5 rounds to 0 while (α + T)/(α + t_x) = 1/2e-314 overflows: the
  // old log-odds were −∞ + ∞ = NaN. 1/(1 + a/(b+x−1)·((α+T)/(α+t_x))^(r+x)) by mpmath.
  CHECK(bg_nbd_p_alive({0.03, 2e-314, 2e-319, 1e5}, 1, 0, 1) ==
        Approx(0.79515849115549458935).epsilon(1e-12));
  // α + T overflows; the ratio is 2.5/2: 1/(1 + (0.8/3.5)·1.25^2.243) = 0.726194 by hand.
  CHECK(bg_nbd_p_alive({0.243, 1e308, 0.8, 2.5}, 2, 1e308, 1.5e308) ==
        Approx(0.72619363491107105536).epsilon(1e-12));
}

TEST_CASE("the series and the quadrature agree over ordinary parameters", "[bg_nbd]") {
  // Where the series is reliable (docs/models.md §7) both paths must agree to 1e-10; worst
  // measured 4.6e-12. The grid spans the fuzzers' ordinary domain.
  int compared = 0;
  for (const double r : {0.05, 0.243, 1.5, 8.0})
    for (const double alpha : {0.01, 4.4, 300.0})
      for (const double a : {0.01, 0.3, 0.79, 1.5, 5.0, 60.0})
        for (const double b : {0.01, 0.4, 2.4, 30.0, 800.0})
          for (const double x : {0.0, 1.0, 7.0, 200.0})
            for (const double t : {0.5, 39.0, 400.0}) {
              const cbf::BgNbdParameters p{r, alpha, a, b};
              const double series = detail::bg_nbd_alive_expectation_series(p, x, 38.86, t);
              if (std::isnan(series)) continue;
              const double quadrature =
                  detail::bg_nbd_expectation_quadrature(p, x, -HUGE_VAL, 38.86, t);
              INFO("r " << r << " alpha " << alpha << " a " << a << " b " << b << " x " << x
                        << " t " << t);
              CHECK(quadrature == Approx(series).epsilon(1e-10));
              ++compared;
            }
  CHECK(compared > 3500);  // of 4 320: the series declines the ill-conditioned rest
}

TEST_CASE("the expectations keep their bounds over extreme parameters and spans",
          "[bg_nbd][extreme]") {
  // 0 ≤ E[Y(t)] ≤ (r + x)·t/(α + T), 0 ≤ P(alive) ≤ 1, finite: every combination of parameters
  // from 5e-324 to 1e300 and spans from 0 to DBL_MAX.
  constexpr double max = std::numeric_limits<double>::max();
  const std::array<double, 7> parameters{5e-324, 1e-300, 1e-3, 0.8, 3.0, 1e6, 1e300};
  const std::array<double, 5> spans{0.0, 1e-300, 1.0, 1e6, max};
  int checked = 0;
  for (const double r : parameters)
    for (const double alpha : parameters)
      for (const double a : {1e-300, 1e-3, 0.8, 3.0, 1e300})
        for (const double b : {1e-300, 0.8, 1e300})
          for (const double x : {0.0, 2.0, 1e9})
            for (const double T : spans)
              for (const double t : {1.0, 1e300}) {
                const cbf::BgNbdParameters p{r, alpha, a, b};
                const double t_x = x > 0 ? T / 2 : 0.0;
                const double alive = bg_nbd_p_alive(p, x, t_x, T);
                const double e = bg_nbd_conditional_expected_purchases(p, x, t_x, T, t);
                const double bound = (p.r + x) * t / (p.alpha + T);
                INFO("r " << r << " alpha " << alpha << " a " << a << " b " << b << " x " << x
                          << " T " << T << " t " << t << ": P(alive) " << alive << " E " << e);
                CHECK(alive >= 0.0);
                CHECK(alive <= 1.0);
                CHECK(e >= 0.0);
                CHECK(e <= max);
                if (bound <= max) CHECK(e <= bound);
                ++checked;
              }
  CHECK(checked == 7 * 7 * 5 * 3 * 3 * 5 * 2);
}

// Regression test of a fuzz finding: with b below one ulp of 1, (b + x) − 1 rounded to 0 for
// x = 1, so ln(a / (b + x − 1)) was +∞ and the log-sum-exp ∞ − ∞ = NaN. b + (x − 1) = b exactly.
TEST_CASE("the log-likelihood is finite for b far below the rounding of one", "[bg_nbd][extreme]") {
  const cbf::BgNbdParameters p{0.45585164821728696, 0.45585164821728696, 13.461433969154212,
                               2.8783524320917818e-34};
  const double x = 1, t_x = 2.0736780860080506, T = 4.55851648217287;
  // Paper eq. 6 with b + x − 1 = b: ln Γ(b + 1) − ln Γ(b) = ln b, and the a4 term (ln a − ln b −
  // (r + 1) ln(α + t_x)) dominates a3 = −(r + 1) ln(α + T) by about 73, so ln(e^a3 + e^a4) = a4 +
  // ln1p(e^(a3 − a4)).
  const double a1 = std::lgamma(p.r + 1) - std::lgamma(p.r) + p.r * std::log(p.alpha);
  const double a2 = std::lgamma(p.a + p.b) + std::log(p.b) - std::lgamma(p.a + p.b + 1);
  const double a3 = -(p.r + 1) * std::log(p.alpha + T);
  const double a4 = std::log(p.a) - std::log(p.b) - (p.r + 1) * std::log(p.alpha + t_x);
  const double expected = a1 + a2 + a4 + std::log1p(std::exp(a3 - a4));
  std::array<double, 4> gradient{};
  const double ll = bg_nbd_log_likelihood(p, x, t_x, T, gradient);
  CHECK(ll == Approx(expected).epsilon(1e-12));
  for (const double g : gradient) CHECK(std::isfinite(g));
  CHECK(bg_nbd_p_alive(p, x, t_x, T) >= 0.0);
}
