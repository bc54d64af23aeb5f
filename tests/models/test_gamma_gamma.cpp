// Gamma-Gamma against the published CDNOW values (models-reference §3 and §7).
#include <cbf/models/gamma_gamma.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <limits>

using namespace cbf::models;

TEST_CASE("the expected order value is the posterior mean of the contract", "[gamma_gamma]") {
  constexpr cbf::GammaGammaParameters full{6.249572, 3.744225, 15.443522};  // full-precision MLE
  // Fader & Hardie's spreadsheet, first CDNOW customers (x repeat transactions, mean m):
  // (1 − w)·pγ/(q − 1) + w·m with w = px/(px + q − 1) = p(γ + x·m)/(px + q − 1).
  CHECK(gamma_gamma_expected_value(full, 2, 22.35) == Approx(24.658).margin(1e-3));
  CHECK(gamma_gamma_expected_value(full, 1, 11.77) == Approx(18.910).margin(1e-3));
  CHECK(gamma_gamma_expected_value(full, 0, 0) == Approx(35.1704).margin(1e-4));
  // x = 3, m = 10, p = 2, q = 3, γ = 5: 2(5 + 30) / (6 + 3 − 1) = 8.75 exactly.
  CHECK(gamma_gamma_expected_value({2, 3, 5}, 3, 10) == 8.75);
  // p·x + q − 1 ≤ 0 (only possible with q ≤ 1): the plain mean.
  CHECK(gamma_gamma_expected_value({0.1, 0.5, 5}, 1, 42) == 42);
}

TEST_CASE("the Gamma-Gamma gradient agrees with central differences", "[gamma_gamma]") {
  constexpr cbf::GammaGammaParameters g{6.25, 3.74, 15.44};
  for (const auto& [x, m] : {std::array<double, 2>{1, 11.77}, {3, 20.5}, {40, 150}}) {
    std::array<double, 3> gradient{};
    (void)gamma_gamma_log_likelihood(g, x, m, gradient);
    for (std::size_t i = 0; i < 3; ++i) {
      auto plus = g;
      auto minus = g;
      double* p_plus[3] = {&plus.p, &plus.q, &plus.gamma};
      double* p_minus[3] = {&minus.p, &minus.q, &minus.gamma};
      const double h = 1e-6 * *p_plus[i];
      *p_plus[i] += h;
      *p_minus[i] -= h;
      const double numeric =
          (gamma_gamma_log_likelihood(plus, x, m) - gamma_gamma_log_likelihood(minus, x, m)) /
          (2 * h);
      CHECK(gradient[i] == Approx(numeric).epsilon(1e-6).margin(1e-8));
    }
  }
}

// Regression tests of fuzz finding 3 (fuzz/known_findings.hpp): parameters near the ends of the
// double range.
TEST_CASE("the expected order value is right where p times x overflows", "[gamma_gamma]") {
  // p(γ + xm)/(px + q − 1) = (γ + xm)/(x + (q − 1)/p) = (15 + 5e10)/(1e9 + 1e-300) = 50.000000015
  // by hand; the old form was ∞/∞ = NaN.
  CHECK(gamma_gamma_expected_value({1e300, 2, 15}, 1e9, 50) == Approx(50.000000015).epsilon(1e-15));
  // γ + x·m overflows: p(γ + xm)/(px + q − 1) = (1e308 + 1e309)/11 = 1e308 by hand.
  CHECK(gamma_gamma_expected_value({1, 2, 1e308}, 10, 1e308) == Approx(1e308).epsilon(1e-15));
  // The value itself beyond the double range, (1e308 + 1e308)/0.5 = 4e308: saturated.
  CHECK(gamma_gamma_expected_value({1, 0.5, 1e308}, 1, 1e308) ==
        std::numeric_limits<double>::max());
}

TEST_CASE("the Gamma-Gamma log-likelihood is finite for q near the largest double",
          "[gamma_gamma]") {
  // lnΓ(q) and q·ln γ overflow (old: ∞ − ∞ = NaN). Expected values: note 025 eq. 1a by mpmath
  // 1.3 at 400 significant digits, from the exact binary inputs.
  CHECK(gamma_gamma_log_likelihood({2, 1.7976931348623157e308, 1e308}, 3, 20) ==
        Approx(-87.559719227434818578).epsilon(1e-12));
  CHECK(gamma_gamma_log_likelihood({1e300, 2, 15}, 1e9, 50) ==
        Approx(-2.9999999995500000001e+299).epsilon(1e-12));
  // The true value is below −DBL_MAX (−2.89e308 by mpmath): saturated at the lowest double.
  CHECK(gamma_gamma_log_likelihood({2, 1.7976931348623157e308, 15}, 3, 20) ==
        std::numeric_limits<double>::lowest());
  // Beyond p·x + q = 10⁶ Stirling's form: the direct form was 4.7e-3 off here (−5920.03125).
  CHECK(gamma_gamma_log_likelihood({1000, 1000, 1000}, 1e9, 1e6) ==
        Approx(-5920.0359332686449861).epsilon(1e-13));
}

TEST_CASE("Stirling's form of the log-likelihood equals the direct one on ordinary parameters",
          "[gamma_gamma]") {
  // Both forms of the same function, on CDNOW-like values: agree to the direct form's rounding.
  for (const auto& [x, m] : {std::array<double, 2>{1, 11.77}, {3, 20.5}, {40, 150}, {1, 0.01}})
    for (const cbf::GammaGammaParameters g :
         {cbf::GammaGammaParameters{6.25, 3.74, 15.44}, {0.01, 0.02, 0.5}, {300, 2, 1e3}}) {
      INFO("x " << x << " m " << m << " p " << g.p);
      CHECK(detail::gamma_gamma_log_likelihood_stirling(g, x, m) ==
            Approx(gamma_gamma_log_likelihood(g, x, m)).epsilon(1e-12));
    }
}

TEST_CASE("the Gamma-Gamma gradient stays finite where its terms overflow", "[gamma_gamma]") {
  std::array<double, 3> gradient{};
  const double ll = gamma_gamma_log_likelihood({1e300, 2, 15}, 1e9, 50, gradient);
  CHECK(ll == gamma_gamma_log_likelihood({1e300, 2, 15}, 1e9, 50));
  // ∂/∂q = ψ(n + q) − ψ(q) + ln(γ/(xm + γ)) with n = 1e309: ln(1e309) − ψ(2) − ln(1 + 5e10/15)
  // = 711.49879 − 0.42278 − 21.92724 = 689.14877 by hand (ψ(n + q) = ln n to 1e-309).
  CHECK(gradient[1] == Approx(689.14877).epsilon(1e-7));
  for (const double d : gradient) CHECK(std::isfinite(d));
}
