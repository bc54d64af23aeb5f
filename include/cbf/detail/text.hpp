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

/// The value of eight ASCII digits in a little-endian word (the first digit in its lowest byte);
/// false when a byte is not a digit. Pairs, then fours, then the eight are combined by one
/// multiplication each (Lemire, "Fast integer parsing"), instead of eight dependent steps.
[[nodiscard, gnu::always_inline]] inline bool eight_digits(std::uint64_t w,
                                                           std::uint64_t& value) noexcept {
  constexpr std::uint64_t high_nibbles = 0xF0F0F0F0F0F0F0F0ULL;
  // A byte is a digit when it and the byte + 6 both have 3 as their high nibble (a carry out of
  // a byte comes only from one that is no digit).
  if (((w & high_nibbles) | (((w + 0x0606060606060606ULL) & high_nibbles) >> 4)) !=
      0x3333333333333333ULL)
    return false;
  std::uint64_t v = w - 0x3030303030303030ULL;
  v = (v * 10 + (v >> 8)) & 0x00FF00FF00FF00FFULL;    // two digits in each 16-bit lane
  v = (v * 100 + (v >> 16)) & 0x0000FFFF0000FFFFULL;  // four in each 32-bit lane
  value = (v * 10000 + (v >> 32)) & 0xFFFFFFFFULL;    // all eight
  return true;
}

/// The value of the n (1 to 16) ASCII digits at p; false when a byte is not a digit. Reads no
/// byte outside them.
[[nodiscard, gnu::always_inline]] inline bool parse_digits(const char* p, std::size_t n,
                                                           std::uint64_t& value) noexcept {
  if constexpr (std::endian::native == std::endian::little) {
    if (n >= 4 && n <= 16) {
      // Up to eight digits as the high bytes of a word whose low bytes are '0' (leading zeros):
      // two overlapping four-byte loads cover them.
      const auto word_of = [p](std::size_t offset, std::size_t count) {
        std::uint32_t lo = 0;
        std::uint32_t hi = 0;
        std::memcpy(&lo, p + offset, 4);
        std::memcpy(&hi, p + offset + count - 4, 4);
        const std::uint64_t bytes = lo | std::uint64_t{hi} << ((count - 4) * 8);
        const std::size_t pad = (8 - count) * 8;
        return bytes << pad | (0x3030303030303030ULL & ~(~std::uint64_t{0} << pad));
      };
      if (n <= 8) return eight_digits(word_of(0, n), value);
      std::uint64_t last = 0;
      std::uint64_t last_word = 0;
      std::memcpy(&last_word, p + n - 8, 8);
      if (!eight_digits(last_word, last)) return false;
      std::uint64_t first = 0;
      const std::size_t leading = n - 8;
      if (leading >= 4) {
        if (!eight_digits(word_of(0, leading), first)) return false;
      } else {
        for (std::size_t i = 0; i < leading; ++i) {
          const auto d = static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) - '0';
          if (d > 9) return false;
          first = first * 10 + d;
        }
      }
      value = first * 100000000 + last;
      return true;
    }
  }
  if (n == 0 || n > 16) return false;
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto d = static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) - '0';
    if (d > 9) return false;
    v = v * 10 + d;
  }
  value = v;
  return true;
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
