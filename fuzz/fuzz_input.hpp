// The fuzz targets' shared decoding of the fuzzer's bytes into values, and their failure report.
#pragma once

#include <fmt/format.h>

#include <array>
#include <bit>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace cbf_fuzz {

/// What a target decoded from the current input, printed with a failure: set by the target
/// (the fuzz targets run one input at a time), empty when it has nothing to add.
inline std::function<std::string()> input_description;

/// Prints what broke and traps, so libFuzzer keeps the input as a crash file.
template <class... Args>
[[noreturn]] void fail(fmt::format_string<Args...> format, Args&&... args) {
  fmt::print(stderr, "\ncbf fuzz: invariant broken: {}\n",
             fmt::format(format, std::forward<Args>(args)...));
  if (input_description) fmt::print(stderr, "cbf fuzz: input: {}\n", input_description());
  std::fflush(stderr);
  __builtin_trap();
}

/// Fails with the message unless `ok`.
template <class... Args>
void require(bool ok, fmt::format_string<Args...> format, Args&&... args) {
  if (!ok) fail(format, std::forward<Args>(args)...);
}

/// True for the contract's ASCII whitespace (space, \t, \n, \v, \f, \r).
[[nodiscard]] constexpr bool is_space(char c) noexcept { return c == ' ' || (c >= 9 && c <= 13); }

/// The text without leading and trailing ASCII whitespace.
[[nodiscard]] constexpr std::string_view trimmed(std::string_view s) noexcept {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

/// Doubles that sit on the edges of the library's rules (money and duration bounds, rounding
/// ties, subnormals, the special values).
inline constexpr std::array<double, 32> edge_doubles{
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    10.0,
    123.45,
    1e-6,
    0.5e-6,  // view_duration: a tie of nearbyint(v · 1e6)
    2.5e-6,
    1e9,                    // the view_duration bound
    0x1.dcd6500000001p+29,  // 1e9 + 1 ulp
    1e12,                   // the money bound
    0x1.d1a94a2000001p+39,  // 1e12 + 1 ulp
    1e15,
    1e100,
    1e-100,
    1e-300,
    1e300,
    std::numeric_limits<double>::denorm_min(),
    -std::numeric_limits<double>::denorm_min(),
    std::numeric_limits<double>::min(),
    std::numeric_limits<double>::max(),
    std::numeric_limits<double>::lowest(),
    std::numeric_limits<double>::epsilon(),
    1.0 + std::numeric_limits<double>::epsilon(),
    1.0 - std::numeric_limits<double>::epsilon() / 2,
    std::numeric_limits<double>::infinity(),
    -std::numeric_limits<double>::infinity(),
    std::numeric_limits<double>::quiet_NaN(),
    -1e-300,
    4.9e-324 * 3,
};

/// A reader over the fuzzer's bytes. Every read is defined; reads past the end give zeros, so a
/// short input decodes to the simplest values.
class FuzzInput {
 public:
  /// Reads `data[0, size)`.
  FuzzInput(const std::uint8_t* data, std::size_t size) noexcept : bytes_(data, size) {}

  /// True when every byte has been read.
  [[nodiscard]] bool empty() const noexcept { return pos_ >= bytes_.size(); }

  /// Bytes not read yet.
  [[nodiscard]] std::size_t remaining() const noexcept {
    return empty() ? 0 : bytes_.size() - pos_;
  }

  /// The next byte, 0 at the end.
  std::uint8_t byte() noexcept { return empty() ? 0 : bytes_[pos_++]; }

  /// One bit of the next byte.
  bool flag() noexcept { return (byte() & 1) != 0; }

  /// An integer from the next sizeof(T) bytes, little-endian (any bit pattern).
  template <std::integral T>
  T integer() noexcept {
    std::uint64_t bits = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) bits |= std::uint64_t{byte()} << (8 * i);
    return static_cast<T>(bits);
  }

  /// A number in [0, n) from one byte (two when n > 256); 0 when n is 0.
  std::size_t below(std::size_t n) noexcept {
    if (n == 0) return 0;
    const std::size_t raw = n > 256 ? integer<std::uint16_t>() : byte();
    return raw % n;
  }

  /// A double of any bit pattern (NaN payloads, subnormals and infinities included).
  double raw_double() noexcept { return std::bit_cast<double>(integer<std::uint64_t>()); }

  /// Mostly an edge value of `edge_doubles`, sometimes any bit pattern.
  double edge_double() noexcept {
    const std::uint8_t selector = byte();
    if (selector < 224) return edge_doubles[selector % edge_doubles.size()];
    return raw_double();
  }

  /// A positive double spread evenly in log scale over [10^lo, 10^hi], from two bytes.
  double log_uniform(double lo, double hi) noexcept {
    const double u = integer<std::uint16_t>() / 65535.0;
    return std::pow(10.0, lo + u * (hi - lo));
  }

  /// An element of `choices`.
  template <class T, std::size_t N>
  const T& pick(const std::array<T, N>& choices) noexcept {
    return choices[below(N)];
  }

  /// Up to `max_size` bytes of any value, the length read first.
  std::string text(std::size_t max_size) {
    const std::size_t n = below(max_size + 1);
    std::string out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) out += static_cast<char>(byte());
    return out;
  }

  /// The bytes not read yet, as text; reads them all.
  std::string_view rest() noexcept {
    if (empty()) return {};
    const std::string_view out(reinterpret_cast<const char*>(bytes_.data() + pos_),
                               bytes_.size() - pos_);
    pos_ = bytes_.size();
    return out;
  }

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t pos_ = 0;
};

}  // namespace cbf_fuzz
