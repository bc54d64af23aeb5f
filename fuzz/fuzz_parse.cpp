// Fuzzes the CSV host's cell grammars (contract §5): parse_timestamp against format_timestamp, and
// parse_number against the money grammar and the C library's correctly rounded strtod.
#include "fuzz_input.hpp"

#include "common/number.hpp"
#include "common/timestamp.hpp"

#include <cbf/time.hpp>

#include <fmt/format.h>

#include <bit>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <regex>
#include <string>
#include <string_view>

namespace {

using cbf_fuzz::require;
using std::chrono::microseconds;
using std::chrono::sys_days;

// The range the host accepts: 0001-01-01T00:00:00Z … 9999-12-31T23:59:59.999999Z.
constexpr cbf::Timestamp first_instant{sys_days{std::chrono::year{1} / 1 / 1}};
constexpr cbf::Timestamp last_instant{sys_days{std::chrono::year{10000} / 1 / 1} - microseconds{1}};

/// YYYY-MM-DDTHH:MM:SS, then .fff or .ffffff when the sub-second part is not zero, then Z.
bool formatted(std::string_view s) {
  static const std::regex shape(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3}|\.\d{6})?Z)");
  return std::regex_match(s.begin(), s.end(), shape);
}

/// parse_timestamp of any text: missing exactly when blank; a valid instant lies in the host's
/// range, is written back in the documented form, and reads back as itself.
void check_timestamp_text(std::string_view text) {
  const cbf::TimeField t = cbf::host::parse_timestamp(text);
  const bool blank = cbf_fuzz::trimmed(text).empty();
  require(t.is_missing() == blank, "parse_timestamp({:?}) missing = {}", text, t.is_missing());
  if (!t.is_valid()) return;
  require(t.value() >= first_instant && t.value() <= last_instant,
          "parse_timestamp({:?}) = {} µs, outside years 1 … 9999", text,
          t.value().time_since_epoch().count());
  const std::string written = cbf::host::format_timestamp(t.value());
  require(formatted(written), "format_timestamp wrote {:?}", written);
  const cbf::TimeField again = cbf::host::parse_timestamp(written);
  require(again == t, "parse_timestamp({:?}) = {} µs does not read back from {:?}", text,
          t.value().time_since_epoch().count(), written);
}

/// An instant written with format_timestamp and a zone offset reads back shifted by the offset, and
/// any 64-bit instant can be written.
void check_timestamp_round_trip(cbf_fuzz::FuzzInput& in) {
  const std::int64_t raw = in.integer<std::int64_t>();
  (void)cbf::host::format_timestamp(cbf::Timestamp{microseconds{raw}});  // never undefined
  const std::int64_t span = (last_instant - first_instant).count() + 1;
  const cbf::Timestamp t = first_instant + microseconds{(raw % span + span) % span};
  const std::string written = cbf::host::format_timestamp(t);
  require(formatted(written), "format_timestamp wrote {:?}", written);
  const cbf::TimeField back = cbf::host::parse_timestamp(written);
  require(back.is_valid() && back.value() == t, "{} µs does not read back from {:?}",
          t.time_since_epoch().count(), written);

  const int hours = in.byte() % 24;
  const int minutes = in.byte() % 60;
  const bool negative = in.flag();
  std::string zoned = written.substr(0, written.size() - 1);
  zoned += fmt::format("{}{:02}:{:02}", negative ? '-' : '+', hours, minutes);
  const microseconds offset = std::chrono::hours{hours} + std::chrono::minutes{minutes};
  const cbf::Timestamp utc = negative ? t + offset : t - offset;
  const cbf::TimeField shifted = cbf::host::parse_timestamp(zoned);
  if (utc >= first_instant && utc <= last_instant) {
    require(shifted.is_valid() && shifted.value() == utc, "{:?} read as {} instead of {} µs", zoned,
            shifted.value().time_since_epoch().count(), utc.time_since_epoch().count());
  } else {
    require(shifted.state() == cbf::TimeField::State::invalid,
            "{:?} lies outside years 1 … 9999 but was not invalid", zoned);
  }
}

/// parse_number of any text: nullopt exactly when blank; NaN exactly outside the money grammar;
/// else the value strtod gives (correctly rounded, overflow to ±inf, underflow keeping the sign).
void check_number_text(std::string_view text) {
  const std::optional<double> v = cbf::host::parse_number(text);
  const std::string_view s = cbf_fuzz::trimmed(text);
  require(v.has_value() == !s.empty(), "parse_number({:?}) has_value = {}", text, v.has_value());
  if (!v) return;
  // std::regex recurses per character: the grammar is checked on short fields only.
  if (s.size() <= 200) {
    static const std::regex grammar(R"([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?)");
    const bool in_grammar = std::regex_match(s.begin(), s.end(), grammar);
    require(std::isnan(*v) != in_grammar,
            "parse_number({:?}) = {} but the text is {}in the grammar", text, *v,
            in_grammar ? "" : "not ");
  }
  if (std::isnan(*v)) return;
  const std::string copy(s);
  char* end = nullptr;
  errno = 0;
  const double expected = std::strtod(copy.c_str(), &end);
  require(end == copy.c_str() + copy.size(), "strtod stopped early on {:?}", copy);
  require(std::bit_cast<std::uint64_t>(*v) == std::bit_cast<std::uint64_t>(expected),
          "parse_number({:?}) = {:a}, strtod gives {:a}", text, *v, expected);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  cbf_fuzz::FuzzInput in(data, size);
  switch (in.byte() % 3) {
    case 0:
      check_timestamp_text(in.rest());
      break;
    case 1:
      check_number_text(in.rest());
      break;
    default:
      check_timestamp_round_trip(in);
      break;
  }
  return 0;
}
