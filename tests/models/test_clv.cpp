// The contract's discounted lifetime value.
#include <cbf/models/clv.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

using namespace cbf::models;

TEST_CASE("without discounting the lifetime value telescopes to E[Y(horizon)] times the value",
          "[clv]") {
  constexpr cbf::BgNbdParameters p{0.243, 4.414, 0.793, 2.426};
  const Summary s{2, 30.43, 38.86, 0, 1};
  const double month = 30.436875 / 7;  // weeks
  const double expected = bg_nbd_conditional_expected_purchases(p, 2, 30.43, 38.86, 12 * month);
  CHECK(discounted_value(p, s, 10.0, 12, month, 0.0) == Approx(10.0 * expected).epsilon(1e-12));
}

TEST_CASE("discounting divides month k's purchases by (1 + d)^k", "[clv]") {
  constexpr cbf::BgNbdParameters p{0.243, 4.414, 0.793, 2.426};
  const Summary s{0, 0, 10, 0, 1};
  const double month = 30.436875 / 7;
  const double e1 = bg_nbd_conditional_expected_purchases(p, 0, 0, 10, month);
  const double e2 = bg_nbd_conditional_expected_purchases(p, 0, 0, 10, 2 * month);
  CHECK(discounted_value(p, s, 1.0, 2, month, 0.01) ==
        Approx(e1 / 1.01 + (e2 - e1) / (1.01 * 1.01)).epsilon(1e-12));
  CHECK(discounted_value(p, s, 1.0, 0, month, 0.01) == 0.0);
}

// Regression tests of fuzz finding 5 (fuzz/known_findings.hpp): a monthly discount rate near −1
// (valid: finite and > −1) divided by a (1 + d)^k that underflowed to 0.
TEST_CASE("a discount rate near minus one saturates the value at the largest double", "[clv]") {
  constexpr cbf::BgNbdParameters p{0.243, 4.414, 0.793, 2.426};
  const Summary s{2, 30.43, 38.86, 0, 1};
  const double month = 30.436875 / 7;
  // (1 − 0.9999999)^−48 = 1e336: the true value exceeds the double range (old: +∞).
  CHECK(discounted_value(p, s, 20.0, 48, month, -0.9999999) == std::numeric_limits<double>::max());
}

TEST_CASE("a discount rate near minus one is exact where the value fits a double", "[clv]") {
  constexpr cbf::BgNbdParameters p{0.243, 4.414, 0.793, 2.426};
  const Summary s{2, 30.43, 38.86, 0, 1};
  const double month = 30.436875 / 7;
  constexpr double d = -0.9999999;
  // (1 + d)^k is subnormal or 0 from k = 45 on: the old quotient lost digits (1.2 % here). The
  // same sum in long double (exponents to 10^4932), from the same expectations.
  long double expected = 0;
  long double discount = 1;
  double previous = 0;
  for (int k = 1; k <= 46; ++k) {
    const double cumulative = bg_nbd_conditional_expected_purchases(p, 2, 30.43, 38.86, k * month);
    discount *= 1.0L + static_cast<long double>(d);
    expected += (cumulative - previous) * 1e-100L / discount;
    previous = cumulative;
  }
  CHECK(discounted_value(p, s, 1e-100, 46, month, d) ==
        Approx(static_cast<double>(expected)).epsilon(1e-12));
  // Moderately negative rates keep the plain quotient: month k weighs 2^k.
  const double e1 = bg_nbd_conditional_expected_purchases(p, 2, 30.43, 38.86, month);
  const double e2 = bg_nbd_conditional_expected_purchases(p, 2, 30.43, 38.86, 2 * month);
  CHECK(discounted_value(p, s, 1.0, 2, month, -0.5) ==
        Approx(2 * e1 + 4 * (e2 - e1)).epsilon(1e-15));
}

// Regression test of a fuzz finding: with d = DBL_MAX the discount overflowed to +∞ from month 2,
// and k · month = 2 · DBL_MAX to +∞, whose expectation minus the previous one was ∞ − ∞ = NaN.
TEST_CASE("a discount rate and a month at the largest double leave only the first month", "[clv]") {
  constexpr cbf::BgNbdParameters p{0.243, 4.414, 0.793, 2.426};
  const Summary s{2, 30.43, 38.86, 0, 1};
  constexpr double huge = std::numeric_limits<double>::max();
  // Month 1 weighs 1/(1 + DBL_MAX) = 1/DBL_MAX; months 2… weigh 1/∞ = 0 in doubles.
  const double first = bg_nbd_conditional_expected_purchases(p, 2, 30.43, 38.86, huge);
  REQUIRE(std::isfinite(first));
  const double v = discounted_value(p, s, 1e12, 10, huge, huge);
  CHECK(v == first * 1e12 / huge);
  // Months of DBL_MAX without discounting: months 2… add E[Y(DBL_MAX)] − E[Y(DBL_MAX)] = 0.
  CHECK(discounted_value(p, s, 1.0, 10, huge, 0.0) == first);
}
