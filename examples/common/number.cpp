// Strict reading of the reference host's numbers (contract §5): the grammar is checked by hand,
// because std::from_chars accepts a prefix ("1e" → 1) and strtod accepts far more ("nan", hex).
#include "common/number.hpp"

#include "common/text.hpp"

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <system_error>

namespace cbf::host {
namespace {

/// What the grammar check learned about a field.
struct Shape {
  bool valid = false;
  bool negative = false;
  /// Decimal exponent of the first non-zero digit (value in [10^e, 10^(e+1))), if there is one.
  std::int64_t lead_exponent = 0;
};

/// Digits from `i` on; returns how many, and where the first non-zero one is (or `npos`).
constexpr std::size_t skip_digits(std::string_view s, std::size_t& i,
                                  std::size_t& first_nonzero) noexcept {
  const std::size_t start = i;
  first_nonzero = std::string_view::npos;
  for (; i < s.size() && is_digit(s[i]); ++i) {
    if (s[i] != '0' && first_nonzero == std::string_view::npos) first_nonzero = i - start;
  }
  return i - start;
}

/// [eE][+-]?D+ from `i` on, saturating at ±10^15 (far beyond any double's exponent).
constexpr bool read_exponent(std::string_view s, std::size_t& i, std::int64_t& exponent) noexcept {
  exponent = 0;
  if (i == s.size()) return true;
  if (s[i] != 'e' && s[i] != 'E') return false;
  ++i;
  const bool negative = i < s.size() && s[i] == '-';
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  const std::size_t start = i;
  constexpr std::int64_t cap = 1'000'000'000'000'000;
  for (; i < s.size() && is_digit(s[i]); ++i) {
    exponent = std::min(exponent * 10 + (s[i] - '0'), cap);
  }
  if (negative) exponent = -exponent;
  return i > start && i == s.size();
}

/// Checks [+-]?(D+(\.D*)?|\.D+)([eE][+-]?D+)? on a trimmed, non-empty field.
constexpr Shape scan(std::string_view s) noexcept {
  Shape shape;
  std::size_t i = 0;
  shape.negative = s[0] == '-';
  if (s[0] == '-' || s[0] == '+') ++i;
  std::size_t int_nonzero = 0;
  const std::size_t int_digits = skip_digits(s, i, int_nonzero);
  std::size_t frac_digits = 0;
  std::size_t frac_nonzero = std::string_view::npos;
  if (i < s.size() && s[i] == '.') {
    ++i;
    frac_digits = skip_digits(s, i, frac_nonzero);
  }
  std::int64_t exponent = 0;
  if (int_digits + frac_digits == 0 || !read_exponent(s, i, exponent)) return shape;
  shape.valid = true;
  if (int_nonzero != std::string_view::npos) {
    shape.lead_exponent = static_cast<std::int64_t>(int_digits - 1 - int_nonzero) + exponent;
  } else if (frac_nonzero != std::string_view::npos) {
    shape.lead_exponent = -static_cast<std::int64_t>(frac_nonzero + 1) + exponent;
  }
  return shape;
}

}  // namespace

std::optional<double> parse_number(std::string_view text) noexcept {
  const std::string_view s = trim(text);
  if (s.empty()) return std::nullopt;
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  const Shape shape = scan(s);
  if (!shape.valid) return nan;
  // from_chars rejects a leading '+'; a '-' it keeps, and with it the sign of zero.
  const char* first = s.data() + (s.front() == '+' ? 1 : 0);
  const char* last = s.data() + s.size();
  double value = 0.0;
  const auto [end, ec] = std::from_chars(first, last, value, std::chars_format::general);
  if (ec == std::errc{} && end == last) return value;
  if (ec != std::errc::result_out_of_range) return nan;
  // Out of range means a non-zero digit exists: a leading digit at 10^0 or above overflowed,
  // one below 10^0 underflowed (a double spans about 10^-324 … 10^308).
  constexpr double inf = std::numeric_limits<double>::infinity();
  if (shape.lead_exponent >= 0) return shape.negative ? -inf : inf;
  return shape.negative ? -0.0 : 0.0;
}

}  // namespace cbf::host
