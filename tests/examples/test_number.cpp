// The reference host's number grammar (contract §5, money): what is read, and how it rounds.
#include "common/number.hpp"

#include <catch2/catch.hpp>
#include <clocale>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>

namespace {

using cbf::host::parse_number;

constexpr double inf = std::numeric_limits<double>::infinity();

/// The bits of a double, so that -0.0 and 0.0 differ and the comparison is exact.
std::uint64_t bits(double d) {
  std::uint64_t b = 0;
  std::memcpy(&b, &d, sizeof b);
  return b;
}

/// True when `text` reads as exactly `expected`, sign of zero included.
bool reads_as(std::string_view text, double expected) {
  const std::optional<double> v = parse_number(text);
  return v.has_value() && bits(*v) == bits(expected);
}

bool reads_as_nan(std::string_view text) {
  const std::optional<double> v = parse_number(text);
  return v.has_value() && std::isnan(*v);
}

}  // namespace

TEST_CASE("digits with an optional fraction are read as their value", "[number]") {
  CHECK(reads_as("12", 12.0));
  CHECK(reads_as("12.", 12.0));
  CHECK(reads_as("12.5", 12.5));
  CHECK(reads_as("12.500", 12.5));
  CHECK(reads_as("0012.25", 12.25));
  CHECK(reads_as(".5", 0.5));
  CHECK(reads_as("0.75", 0.75));
  CHECK(reads_as("1000000000000", 1e12));
}

TEST_CASE("a leading plus or minus sign is read", "[number]") {
  CHECK(reads_as("+12", 12.0));
  CHECK(reads_as("-12", -12.0));
  CHECK(reads_as("+.5", 0.5));
  CHECK(reads_as("-.5", -0.5));
  CHECK(reads_as("+12.", 12.0));
  CHECK(reads_as("-12.", -12.0));
}

TEST_CASE("an exponent of either case and any sign scales the value", "[number]") {
  CHECK(reads_as("1e3", 1000.0));
  CHECK(reads_as("1E3", 1000.0));
  CHECK(reads_as("1e+3", 1000.0));
  CHECK(reads_as("1e-3", 0.001));
  CHECK(reads_as("1.5e2", 150.0));
  CHECK(reads_as("1.e2", 100.0));
  CHECK(reads_as(".5e1", 5.0));
  CHECK(reads_as("5.e-1", 0.5));
  CHECK(reads_as("-2.5E+2", -250.0));
  CHECK(reads_as("+2.5e002", 250.0));
  CHECK(reads_as("1e0", 1.0));
  CHECK(reads_as("1e-0", 1.0));
}

TEST_CASE("zero keeps its sign", "[number]") {
  CHECK(reads_as("0", 0.0));
  CHECK(reads_as("+0", 0.0));
  CHECK(reads_as("0.000", 0.0));
  CHECK(reads_as(".0", 0.0));
  CHECK(reads_as("-0", -0.0));
  CHECK(reads_as("-0.0", -0.0));
  CHECK(reads_as("-.0e5", -0.0));
  CHECK(reads_as("0e999999999999999999999", 0.0));
  CHECK(reads_as("-0e-999999999999999999999", -0.0));
  CHECK(std::signbit(*parse_number("-0")));
  CHECK_FALSE(std::signbit(*parse_number("0")));
}

TEST_CASE("a decimal that no double represents is read as the nearest double", "[number]") {
  CHECK(reads_as("0.1", 0.1));
  CHECK(reads_as("0.3", 0.3));
  CHECK(reads_as("-1.1", -1.1));
  CHECK(reads_as("19.99", 19.99));
  CHECK(reads_as("0.1000000000000000055511151231257827021181583404541015625", 0.1));
  CHECK(reads_as("1.7976931348623157e308", std::numeric_limits<double>::max()));
  CHECK(reads_as("4.9406564584124654e-324", std::numeric_limits<double>::denorm_min()));
  CHECK(reads_as("2.2250738585072014e-308", std::numeric_limits<double>::min()));
}

TEST_CASE("a decimal exactly halfway between two doubles rounds to the even one", "[number]") {
  // 2^53 + 1 lies halfway between 2^53 and 2^53 + 2; 2^53 has the even significand.
  CHECK(reads_as("9007199254740993", 9007199254740992.0));
  // 2^53 + 3 lies halfway between 2^53 + 2 and 2^53 + 4; 2^53 + 4 has the even significand.
  CHECK(reads_as("9007199254740995", 9007199254740996.0));
  // Just above halfway rounds up, however far down the difference is.
  CHECK(reads_as("9007199254740993.00000000000000000000000000001", 9007199254740994.0));
  CHECK(reads_as("-9007199254740993", -9007199254740992.0));
}

TEST_CASE("a number too large for a double is read as infinity", "[number]") {
  CHECK(reads_as("1e400", inf));
  CHECK(reads_as("-1e400", -inf));
  CHECK(reads_as("1.7976931348623159e308", inf));
  CHECK(reads_as("1e99999999999999999999999", inf));
  CHECK(reads_as("-0.001e99999999999999999999999", -inf));
  CHECK(reads_as("1" + std::string(400, '0'), inf));
  CHECK(reads_as("0." + std::string(400, '0') + "1e800", inf));
}

TEST_CASE("a number so small it rounds to zero is read as zero of its sign", "[number]") {
  CHECK(reads_as("1e-400", 0.0));
  CHECK(reads_as("-1e-400", -0.0));
  CHECK(reads_as("2.4703282292062327e-324", 0.0));
  CHECK(reads_as("2.4703282292062328e-324", std::numeric_limits<double>::denorm_min()));
  CHECK(reads_as("1e-99999999999999999999999", 0.0));
  CHECK(reads_as("-99999e-99999999999999999999999", -0.0));
  CHECK(reads_as("0." + std::string(400, '0') + "1", 0.0));
  CHECK(reads_as("-0." + std::string(400, '0') + "1", -0.0));
  CHECK(reads_as("1" + std::string(400, '0') + "e-800", 0.0));
}

TEST_CASE("very long digit strings are read exactly", "[number]") {
  CHECK(reads_as("0." + std::string(400, '0') + "1e400", 0.1));
  CHECK(reads_as("1" + std::string(400, '0') + "e-400", 1.0));
  CHECK(reads_as(std::string(400, '0') + "1.5", 1.5));
  CHECK(reads_as("1.5" + std::string(400, '0'), 1.5));
}

TEST_CASE("ASCII whitespace around a number is trimmed", "[number]") {
  CHECK(reads_as(" 1.5 ", 1.5));
  CHECK(reads_as("\t\n\v\f\r-2\r\n", -2.0));
}

TEST_CASE("a blank field is no number at all", "[number]") {
  CHECK_FALSE(parse_number("").has_value());
  CHECK_FALSE(parse_number(" ").has_value());
  CHECK_FALSE(parse_number(" \t\n\v\f\r ").has_value());
}

TEST_CASE("anything outside the grammar is read as NaN", "[number]") {
  const std::string nul_inside{"1\0002", 3};
  const std::string cases[] = {"nan",
                               "NaN",
                               "-nan",
                               "inf",
                               "-inf",
                               "+inf",
                               "Infinity",
                               "0x10",
                               "0x1p3",
                               "0X1P-2",
                               "1e",
                               "1e+",
                               "1e-",
                               "1E",
                               "e5",
                               "E5",
                               ".e5",
                               "+.e5",
                               ".",
                               "+",
                               "-",
                               "+.",
                               "-.",
                               "1.2.3",
                               "1..2",
                               "1 000",
                               "1 e5",
                               "1e 5",
                               "- 1",
                               "+ 1",
                               "--1",
                               "+-1",
                               "-+1",
                               "1e5.5",
                               "1e1e1",
                               "1e--5",
                               "1,5",
                               "1_000",
                               "$5",
                               "5$",
                               "5%",
                               "1d",
                               "1f",
                               "1.0f",
                               "0b1",
                               "1/2",
                               "x",
                               "one",
                               "\xd9\xa1",      // Arabic-Indic one
                               "\xef\xbc\x91",  // fullwidth one
                               "\xc2\xa0"
                               "1",  // no-break space is not ASCII whitespace
                               nul_inside};
  for (const std::string& text : cases) {
    INFO('"' << text << '"');
    CHECK(reads_as_nan(text));
  }
}

TEST_CASE("the NaN for a bad number is a quiet NaN", "[number]") {
  const std::optional<double> v = parse_number("nan");
  REQUIRE(v.has_value());
  // Quiet NaNs have the top fraction bit set.
  CHECK((bits(*v) & (std::uint64_t{1} << 51)) != 0);
}

TEST_CASE("random strings of the grammar read as strtod reads them", "[number]") {
  // glibc's strtod is correctly rounded, and the "C" locale is in effect.
  REQUIRE(std::strcmp(std::setlocale(LC_NUMERIC, nullptr), "C") == 0);
  std::mt19937_64 rng{7};
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>{lo, hi}(rng); };
  auto digits = [&](int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += static_cast<char>('0' + uniform(0, 9));
    return s;
  };
  for (int i = 0; i < 50'000; ++i) {
    std::string text;
    if (uniform(0, 2) == 0) text += uniform(0, 1) == 0 ? '+' : '-';
    const int int_digits = uniform(0, 25);
    const int frac_digits = int_digits == 0 ? uniform(1, 25) : uniform(0, 25);
    text += digits(int_digits);
    if (frac_digits > 0 || uniform(0, 1) == 0) text += '.' + digits(frac_digits);
    if (uniform(0, 1) == 0) {
      text += uniform(0, 1) == 0 ? 'e' : 'E';
      if (uniform(0, 1) == 0) text += uniform(0, 1) == 0 ? '+' : '-';
      text += std::to_string(uniform(0, 340));
    }
    INFO(text);
    REQUIRE(reads_as(text, std::strtod(text.c_str(), nullptr)));
  }
}
