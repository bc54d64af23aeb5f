// The text rules of include/cbf/detail/text.hpp: here, the normal-form test of search queries and
// the parsing of decimal digits, which read eight bytes at a time and must agree with the byte
// rules everywhere.
#include <cbf/detail/text.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>

using cbf::detail::is_normal_query;

namespace {

/// The rule byte by byte: no A–Z, no \t \n \v \f \r, no space followed by whitespace.
bool normal_by_bytes(std::string_view t) {
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (c >= 'A' && c <= 'Z') return false;
    if (c >= '\t' && c <= '\r') return false;
    if (c == ' ' && i + 1 < t.size() && (t[i + 1] == ' ' || (t[i + 1] >= '\t' && t[i + 1] <= '\r')))
      return false;
  }
  return true;
}

}  // namespace

TEST_CASE("a query is normal without upper case letters and with single spaces only",
          "[detail][text]") {
  CHECK(is_normal_query(""));
  CHECK(is_normal_query("red shoes"));
  CHECK(is_normal_query("a b c d e f g h i j"));  // spaces in every position of a word
  CHECK_FALSE(is_normal_query("Red shoes"));
  CHECK_FALSE(is_normal_query("red shoeS"));
  CHECK_FALSE(is_normal_query("red  shoes"));
  CHECK_FALSE(is_normal_query("red\tshoes"));
  CHECK_FALSE(is_normal_query("red\nshoes"));
  CHECK_FALSE(is_normal_query("red\x0bshoes"));
  CHECK_FALSE(is_normal_query("red\x0cshoes"));
  CHECK_FALSE(is_normal_query("red\rshoes"));
}

TEST_CASE("the normal-form test finds a break at every byte of the eight-byte words",
          "[detail][text]") {
  // An upper case letter, a tab, and two spaces across every position, word boundaries included.
  for (std::size_t at = 0; at < 24; ++at) {
    std::string upper(24, 'x');
    upper[at] = 'Q';
    CHECK_FALSE(is_normal_query(upper));
    std::string tab(24, 'x');
    tab[at] = '\t';
    CHECK_FALSE(is_normal_query(tab));
    if (at + 1 < 24) {
      std::string spaces(24, 'x');
      spaces[at] = ' ';
      spaces[at + 1] = ' ';
      CHECK_FALSE(is_normal_query(spaces));
      spaces[at + 1] = 'y';
      CHECK(is_normal_query(spaces));
    }
  }
}

TEST_CASE("bytes next to the ranges and above 0x7f are normal", "[detail][text]") {
  // '@' and '[' border A–Z; 0x08 and 0x0e border \t–\r; 0x1f and '!' border the space.
  CHECK(is_normal_query("@[`{"));
  CHECK(is_normal_query(std::string_view("\x08\x0e\x1f!", 4)));
  CHECK(is_normal_query("\xc3\x89t\xc3\xa9 caf\xc3\xa9"));  // UTF-8 é and É are not A–Z
  CHECK(is_normal_query("\x80\xc1\xda\xff \xa0"));          // 0xc1–0xda: A–Z with the high bit
  CHECK(is_normal_query(std::string_view("a\0b", 3)));      // a NUL is not whitespace
}

TEST_CASE("the normal-form test agrees with the byte rule on random queries", "[detail][text]") {
  constexpr std::array<char, 16> alphabet{'a',  'z',  'A',    'Z',    '@',    '[',    ' ',    ' ',
                                          '\t', '\r', '\x0b', '\x08', '\x0e', '\x80', '\xff', '0'};
  std::mt19937 random(7);
  for (int n = 0; n < 20000; ++n) {
    std::string query(random() % 41, ' ');
    for (char& c : query) c = alphabet[random() % alphabet.size()];
    INFO("query: " << query);
    CHECK(is_normal_query(query) == normal_by_bytes(query));
  }
}

TEST_CASE("digits parse to their value at every length from one to sixteen", "[detail][text]") {
  const std::string digits = "9876543210123456";
  for (std::size_t n = 1; n <= 16; ++n) {
    INFO(n);
    // In the middle of a buffer of non-digits: nothing outside the n bytes may be read as one.
    const std::string buffer = "::::" + digits.substr(0, n) + "////";
    std::uint64_t value = 0;
    REQUIRE(cbf::detail::parse_digits(buffer.data() + 4, n, value));
    CHECK(value == std::stoull(digits.substr(0, n)));
  }
  std::uint64_t value = 0;
  CHECK(cbf::detail::parse_digits("0000000000000000", 16, value));
  CHECK(value == 0);
  CHECK(cbf::detail::parse_digits("9999999999999999", 16, value));
  CHECK(value == 9999999999999999ULL);
  CHECK(cbf::detail::parse_digits("00000042", 8, value));
  CHECK(value == 42);
  CHECK_FALSE(cbf::detail::parse_digits("", 0, value));
  CHECK_FALSE(cbf::detail::parse_digits("12345678901234567", 17, value));
}

TEST_CASE("a byte that is no digit at any place of any length fails the parse", "[detail][text]") {
  // The bytes next to '0'-'9', and others whose nibbles or carries could fool a word-wide test.
  constexpr std::array<char, 9> others{'/', ':', ' ', '\0', '\x7f', '\x80', '\xfa', '\xff', 'a'};
  for (std::size_t n = 1; n <= 16; ++n)
    for (std::size_t at = 0; at < n; ++at)
      for (const char c : others) {
        std::string text(n, '7');
        text[at] = c;
        INFO(n << " " << at << " " << static_cast<int>(static_cast<unsigned char>(c)));
        std::uint64_t value = 0;
        CHECK_FALSE(cbf::detail::parse_digits(text.data(), n, value));
      }
}

TEST_CASE("digits parse as the byte loop reads them on random texts", "[detail][text]") {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 20000; ++round) {
    const std::size_t n = 1 + rng() % 16;
    std::string text;
    for (std::size_t i = 0; i < n; ++i)
      text.push_back(rng() % 20 == 0 ? static_cast<char>(rng() % 256)
                                     : static_cast<char>('0' + rng() % 10));
    bool digits = true;
    std::uint64_t want = 0;
    for (const char c : text) {
      digits = digits && c >= '0' && c <= '9';
      want = want * 10 + static_cast<std::uint64_t>(c - '0');
    }
    std::uint64_t value = 0;
    INFO(text);
    REQUIRE(cbf::detail::parse_digits(text.data(), n, value) == digits);
    if (digits) CHECK(value == want);
  }
}
