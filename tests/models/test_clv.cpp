// The contract's discounted lifetime value.
#include <cbf/models/clv.hpp>

#include <catch2/catch.hpp>

#include <cmath>

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
