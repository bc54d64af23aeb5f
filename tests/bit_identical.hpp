// Bit-exact comparison of results, for the tests that promise the same bits (thread counts,
// executors, shuffles, streaming): doubles are compared by their bits, not by value.
#pragma once

#include <catch2/catch.hpp>
#include <cbf/features.hpp>
#include <cbf/format.hpp>

#include <fmt/format.h>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

namespace cbf_test {

/// Equality with doubles compared by their bits.
template <class T>
bool identical(const T& a, const T& b) {
  if constexpr (std::is_same_v<T, double>) {
    return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
  } else if constexpr (std::is_same_v<T, std::optional<double>>) {
    return a.has_value() == b.has_value() && (!a || identical(*a, *b));
  } else {
    return a == b;
  }
}

inline bool identical_features(const cbf::CustomerBehaviorFeatures& a,
                               const cbf::CustomerBehaviorFeatures& b) {
  bool same = true;
  std::apply(
      [&](const auto&... f) { ((same = same && identical(a.*(f.member), b.*(f.member))), ...); },
      cbf::feature_fields);
  return same;
}

inline bool identical_rows(const cbf::CustomerResult& a, const cbf::CustomerResult& b) {
  return a.shop_id == b.shop_id && a.customer_id == b.customer_id && a.as_of == b.as_of &&
         a.diagnostics == b.diagnostics && identical_features(a.features, b.features);
}

inline std::string describe(const cbf::CustomerResult& r) {
  return fmt::format("({}, {}) as_of {} {} {}", r.shop_id, r.customer_id,
                     r.as_of.time_since_epoch().count(), r.features, r.diagnostics);
}

/// The same rows in the same order, bit for bit; reports the first few that differ.
inline void check_identical(const std::vector<cbf::CustomerResult>& got,
                            const std::vector<cbf::CustomerResult>& want) {
  REQUIRE(got.size() == want.size());
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (identical_rows(got[i], want[i])) continue;
    if (++mismatches <= 3)
      UNSCOPED_INFO("row " << i << "\n  got  " << describe(got[i]) << "\n  want "
                           << describe(want[i]));
  }
  CHECK(mismatches == 0);
}

}  // namespace cbf_test
