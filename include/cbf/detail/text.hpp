// ASCII text rules of the contract (§0 Text): trimming, case folding, comparisons without
// allocation.
#pragma once

#include <algorithm>
#include <bit>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace cbf::detail {

/// The decimal text of an integer given as its 64 bits and sign, as std::to_chars writes it;
/// returns its length (at most 20 digits and the sign).
inline std::size_t format_decimal(std::uint64_t bits, bool negative, char* out) noexcept {
  char reversed[24];
  std::size_t n = 0;
  std::uint64_t magnitude = negative ? 0 - bits : bits;  // two's complement
  do {
    reversed[n++] = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude != 0);
  std::size_t k = 0;
  if (negative) out[k++] = '-';
  while (n > 0) out[k++] = reversed[--n];
  return k;
}

/// True for the contract's ASCII whitespace: space, \t, \n, \v, \f, \r.
[[nodiscard]] constexpr bool is_ascii_space(char c) noexcept {
  return c == ' ' || (c >= '\t' && c <= '\r');  // \t \n \v \f \r are 9–13
}

/// Lower-cases A–Z only; every other byte is kept as it is.
[[nodiscard]] constexpr char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

/// The text without leading and trailing ASCII whitespace. Inlined: it runs on most fields of
/// every record, and its common case is two byte tests.
[[nodiscard, gnu::always_inline]] constexpr inline std::string_view trim(
    std::string_view s) noexcept {
  // Most texts have no edge whitespace: two byte tests and done.
  if (s.empty() || (!is_ascii_space(s.front()) && !is_ascii_space(s.back()))) return s;
  std::size_t b = 0;
  std::size_t e = s.size();
  while (b < e && is_ascii_space(s[b])) ++b;
  while (e > b && is_ascii_space(s[e - 1])) --e;
  return s.substr(b, e - b);
}

/// An id as the contract reads it: empty when blank, else exactly as given. Inlined: it runs on
/// every id of every record, and an id mostly starts with a byte that is not whitespace.
[[nodiscard, gnu::always_inline]] constexpr inline std::string_view id_or_empty(
    std::string_view s) noexcept {
  if (s.empty() || !is_ascii_space(s.front())) return s;
  for (const char c : s)
    if (!is_ascii_space(c)) return s;
  return {};
}

/// Compares two already-trimmed texts as their lower-cased forms, byte by byte.
[[nodiscard]] constexpr std::strong_ordering compare_folded(std::string_view a,
                                                            std::string_view b) noexcept {
  const std::size_t n = a.size() < b.size() ? a.size() : b.size();
  for (std::size_t i = 0; i < n; ++i) {
    const auto ca = static_cast<unsigned char>(ascii_lower(a[i]));
    const auto cb = static_cast<unsigned char>(ascii_lower(b[i]));
    if (ca != cb) return ca <=> cb;
  }
  return a.size() <=> b.size();
}

/// True when two already-trimmed texts are equal after ASCII case folding.
[[nodiscard]] constexpr bool equal_folded(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && compare_folded(a, b) == 0;
}

/// A categorical value normalised as the contract says: trimmed and lower-cased (allocates once).
[[nodiscard]] inline std::string normalized_label(std::string_view s) {
  const std::string_view t = trim(s);
  std::string out(t.size(), '\0');
  for (std::size_t i = 0; i < t.size(); ++i) out[i] = ascii_lower(t[i]);
  return out;
}

/// Walks a search query in its normalised form (trimmed, lower-cased, whitespace runs as one
/// space).
class QueryCursor {
 public:
  constexpr explicit QueryCursor(std::string_view query) noexcept : rest_(trim(query)) {}

  /// The next byte of the normalised form, or -1 at its end.
  constexpr int next() noexcept {
    if (rest_.empty()) return -1;
    if (is_ascii_space(rest_.front())) {
      while (is_ascii_space(rest_.front()))
        rest_.remove_prefix(1);  // trimmed: never runs off the end
      return ' ';
    }
    const char c = ascii_lower(rest_.front());
    rest_.remove_prefix(1);
    return static_cast<unsigned char>(c);
  }

 private:
  std::string_view rest_;
};

/// Whether a trimmed search query is already in its normalised form (QueryCursor's): no byte in
/// A–Z, and whitespace only as single spaces (no \t \n \v \f \r, no two spaces in a row).
/// Eight bytes at a time where the bytes are little-endian words: most queries are normal, and a
/// byte loop cost a search more than the rest of its reading.
[[nodiscard]] inline bool is_normal_query(std::string_view t) noexcept {
  if constexpr (std::endian::native == std::endian::little) {
    constexpr std::uint64_t ones = 0x0101010101010101ULL;
    constexpr std::uint64_t highs = 0x8080808080808080ULL;
    constexpr std::uint64_t lows = 0x7f7f7f7f7f7f7f7fULL;
    // The high bit of each byte b with lo < b < hi (0 ≤ lo ≤ 127, hi ≤ 128); exact per byte: no
    // lane carries or borrows into the next (Bit Twiddling Hacks, "hasbetween").
    const auto between = [](std::uint64_t x, std::uint64_t lo, std::uint64_t hi) {
      return ((ones * (127 + hi) - (x & lows)) & ~x & ((x & lows) + ones * (127 - lo))) & highs;
    };
    std::uint64_t space_before = 0;  // the previous word's last byte was a space (bit 7)
    for (std::size_t i = 0; i < t.size(); i += 8) {
      std::uint64_t w = 0;  // a short tail is padded with zero bytes, which break no rule
      std::memcpy(&w, t.data() + i, std::min<std::size_t>(8, t.size() - i));
      if (between(w, 'A' - 1, 'Z' + 1) | between(w, '\t' - 1, '\r' + 1)) return false;
      const std::uint64_t x = w ^ (ones * ' ');
      const std::uint64_t spaces = ~(((x & lows) + lows) | x | lows);  // high bit where a space
      if ((spaces & (spaces << 8)) | (spaces & space_before)) return false;
      space_before = spaces >> 56;
    }
    return true;
  } else {
    for (std::size_t i = 0; i < t.size(); ++i) {
      const char c = t[i];
      if (c >= 'A' && c <= 'Z') return false;
      if (is_ascii_space(c) && (c != ' ' || (i + 1 < t.size() && is_ascii_space(t[i + 1]))))
        return false;
    }
    return true;
  }
}

/// Compares two search queries by their normalised forms, without building them.
[[nodiscard]] constexpr std::strong_ordering compare_queries(std::string_view a,
                                                             std::string_view b) noexcept {
  QueryCursor ca{a};
  QueryCursor cb{b};
  for (;;) {
    const int x = ca.next();
    const int y = cb.next();
    if (x != y || x < 0) return x <=> y;
  }
}

}  // namespace cbf::detail
