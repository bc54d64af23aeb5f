// ASCII character rules shared by the host's field parsers (contract §0 Text, §5).
#pragma once

#include <string_view>

namespace cbf::host {

/// The contract's ASCII whitespace: space, \t, \n, \v, \f, \r.
[[nodiscard]] constexpr bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/// An ASCII digit; other scripts' digits never count.
[[nodiscard]] constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

/// The field without leading and trailing ASCII whitespace.
[[nodiscard]] constexpr std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace cbf::host
