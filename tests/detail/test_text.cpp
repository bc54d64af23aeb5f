// The text rules of include/cbf/detail/text.hpp: here, the normal-form test of search queries,
// which reads eight bytes at a time and must agree with the byte rule everywhere.
#include <cbf/detail/text.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstddef>
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
