// Gamma-Gamma against the published CDNOW values (models-reference §3 and §7).
#include <cbf/models/gamma_gamma.hpp>

#include <catch2/catch.hpp>

#include <array>

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
