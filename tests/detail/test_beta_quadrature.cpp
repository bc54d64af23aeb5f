// The quadrature of the BG/NBD expectations over a Beta-distributed dropout probability, against
// closed forms.
#include <cbf/detail/beta_quadrature.hpp>

#include <catch2/catch.hpp>

#include <cmath>

using cbf::detail::log_beta_purchase_fraction;
using cbf::detail::log_purchase_fraction;

TEST_CASE("the purchase fraction is the closed form and at most 1", "[quadrature]") {
  // s = 1: (1 − 1/(1 + pτ))/(pτ) = 1/(1 + pτ); ln g to 1e-15 absolute, i.e. g to 1e-15.
  for (const double p_tau : {1e-300, 1e-20, 1e-3, 1.0, 1e3, 1e300}) {
    INFO("p·tau " << p_tau);
    CHECK(log_purchase_fraction(std::log(p_tau), 0.0) ==
          Approx(-std::log1p(p_tau)).epsilon(1e-14).margin(1e-15));
  }
  CHECK(log_purchase_fraction(std::log(1e-20), 0.0) == Approx(-1e-20).epsilon(1e-10));
  // s = 2: (1 − (1 + u)^−2)/(2u) = (2 + u)/(2(1 + u)²); at u = 1: 3/8.
  CHECK(log_purchase_fraction(0.0, std::log(2.0)) == Approx(std::log(0.375)).epsilon(1e-15));
  // s·pτ beyond the double range: g = 1/(s·p·τ) in logarithms.
  CHECK(log_purchase_fraction(700.0, 700.0) == Approx(-1400.0).epsilon(1e-15));
  CHECK(log_purchase_fraction(-800.0, -800.0) == 0.0);
}

TEST_CASE("the Beta quadrature reproduces E[1/(1 + p·tau)] for p uniform", "[quadrature]") {
  // a = b = 1, s = 1: E[1/(1 + pτ)] = ln(1 + τ)/τ, from τ = 1e-3 to 1e300 (ln to 1e-14 absolute).
  for (const double tau : {1e-3, 1.0, 39.0, 1e3, 1e100, 1e300}) {
    INFO("tau " << tau);
    CHECK(log_beta_purchase_fraction(0.0, std::log(tau), 1.0, 1.0) ==
          Approx(std::log(std::log1p(tau) / tau)).epsilon(1e-13).margin(1e-14));
  }
}

TEST_CASE("the Beta quadrature reproduces E[1/(1 + p·tau)] for a = 1 and b = 2", "[quadrature]") {
  // ∫ 2(1 − p)/(1 + pτ) dp = 2[(1 + τ)ln(1 + τ) − τ]/τ², by hand.
  for (const double tau : {0.5, 7.0, 1e6}) {
    INFO("tau " << tau);
    const double expected = 2 * ((1 + tau) * std::log1p(tau) - tau) / (tau * tau);
    CHECK(log_beta_purchase_fraction(0.0, std::log(tau), 1.0, 2.0) ==
          Approx(std::log(expected)).epsilon(1e-13));
  }
}

TEST_CASE("the Beta quadrature is exact for a peaked Beta far below one", "[quadrature]") {
  // Beta(1e20, 1e30) has mean μ = 1/(1 + 1e10) and variance about μ²/1e20: E[1/(1 + pτ)] is
  // 1/(1 + μτ) to 1e-20 relative; τ = 1e10: −ln(1 + 1/(1 + 1e-10)) = −0.69314718050994530941.
  CHECK(log_beta_purchase_fraction(0.0, std::log(1e10), 1e20, 1e30) ==
        Approx(-0.69314718050994530941).epsilon(1e-13));
}
