// Strict reading of the reference host's numbers (contract §5, the money grammar).
#pragma once

#include <optional>
#include <string_view>

namespace cbf::host {

/// Reads a number in the contract's money grammar (§5, after trimming ASCII whitespace):
/// [+-]?(D+(\.D*)?|\.D+)([eE][+-]?D+)? with D an ASCII digit, as the nearest double (ties-to-even,
/// i.e. correctly rounded). Blank → std::nullopt. In the grammar but too large for a double →
/// ±infinity; so small it rounds to zero → ±0.0 (keep the sign). Anything outside the grammar
/// (including "nan", "inf", hex, "1e", "e5", ".", "+", "1.2.3", internal spaces) → a quiet NaN.
[[nodiscard]] std::optional<double> parse_number(std::string_view text) noexcept;

}  // namespace cbf::host
