#include <cbf/detail/stats.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>

using cbf::detail::NonNegativeMean;

namespace {
constexpr std::int64_t int64_max = std::numeric_limits<std::int64_t>::max();
}

TEST_CASE("a mean whose sum fits in 64 bits is the sum divided once", "[detail][stats]") {
  NonNegativeMean mean(3);
  for (std::int64_t v : {1, 2, 4}) mean.add(v);
  CHECK(mean.in_units_of(1.0) == 7.0 / 3.0);
  CHECK(mean.in_units_of(60e6) == 7.0 / (3.0 * 60e6));
}

TEST_CASE("a mean whose sum passes int64 is still exact", "[detail][stats]") {
  // Three values of 2^62 + 1: their sum, 3 · 2^62 + 3, needs 65 bits; the mean is 2^62 + 1,
  // which rounds to the double 2^62.
  NonNegativeMean mean(3);
  for (int i = 0; i < 3; ++i) mean.add((std::int64_t{1} << 62) + 1);
  CHECK(mean.in_units_of(1.0) == 4611686018427387904.0);
  CHECK(mean.in_units_of(4.0) == 1152921504606846976.0);  // 2^60
}

TEST_CASE("a mean of the largest values is the largest value", "[detail][stats]") {
  NonNegativeMean mean(1000);
  for (int i = 0; i < 1000; ++i) mean.add(int64_max);
  CHECK(mean.in_units_of(1.0) == static_cast<double>(int64_max));
}

TEST_CASE("remainders past the split carry into the quotient", "[detail][stats]") {
  // int64_max, then 1, 1: the sum is 2^63 + 1 = 3 · 3 074 457 345 618 258 603. At the split,
  // int64_max = 3 · 3 074 457 345 618 258 602 + 1; the two 1s bring the remainder to 3, one
  // more whole unit of the quotient.
  NonNegativeMean mean(3);
  mean.add(int64_max);
  mean.add(1);
  mean.add(1);
  CHECK(mean.in_units_of(1.0) == static_cast<double>(std::int64_t{3074457345618258603}));
}

TEST_CASE("zeros add nothing to a mean", "[detail][stats]") {
  NonNegativeMean mean(4);
  for (int i = 0; i < 4; ++i) mean.add(0);
  CHECK(mean.in_units_of(60e6) == 0.0);
}
