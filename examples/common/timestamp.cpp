// Strict reading and writing of the reference host's timestamps (contract §5), by hand: the
// grammar is small, and the parsers at hand are either missing (std::chrono::parse in g++ 12) or
// have undefined behaviour on bad input (date 3.0.1).
#include "common/timestamp.hpp"

#include "common/text.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cbf::host {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_days;

constexpr Timestamp min_instant{sys_days{std::chrono::year{1} / 1 / 1}};
constexpr Timestamp max_instant{sys_days{std::chrono::year{9999} / 12 / 31} + days{1} -
                                microseconds{1}};

/// A read position in the trimmed field; every read checks the bounds.
class Cursor {
 public:
  explicit constexpr Cursor(std::string_view s) noexcept : s_(s) {}

  [[nodiscard]] constexpr bool done() const noexcept { return pos_ == s_.size(); }
  [[nodiscard]] constexpr char peek() const noexcept { return done() ? '\0' : s_[pos_]; }
  [[nodiscard]] constexpr bool peek_digit() const noexcept { return is_digit(peek()); }

  /// Consumes `c` if it is next.
  constexpr bool eat(char c) noexcept {
    if (done() || s_[pos_] != c) return false;
    ++pos_;
    return true;
  }

  /// Consumes exactly `n` digits (n ≤ 4) as a number, or nothing.
  constexpr std::optional<int> digits(int n) noexcept {
    int value = 0;
    for (int i = 0; i < n; ++i) {
      if (!peek_digit()) return std::nullopt;
      value = value * 10 + (s_[pos_++] - '0');
    }
    return value;
  }

  /// Consumes any next digit and returns its value.
  constexpr std::optional<int> digit() noexcept {
    if (!peek_digit()) return std::nullopt;
    return s_[pos_++] - '0';
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

/// [+-]digits: the only form without a '-' after four digits.
constexpr bool is_epoch_form(std::string_view s) noexcept {
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) s.remove_prefix(1);
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_digit(c)) return false;
  }
  return true;
}

/// Epoch seconds of a field in is_epoch_form, saturating far outside the valid range.
constexpr Timestamp parse_epoch_seconds(std::string_view s) noexcept {
  const bool negative = s.front() == '-';
  if (s.front() == '-' || s.front() == '+') s.remove_prefix(1);
  // Past year 9999 in seconds, yet small enough that the microsecond count cannot overflow.
  constexpr std::int64_t cap = 1'000'000'000'000;
  std::int64_t value = 0;
  for (char c : s) value = std::min(value * 10 + (c - '0'), cap);
  return Timestamp{seconds{negative ? -value : value}};
}

/// YYYY-MM-DD, a real calendar day.
std::optional<sys_days> parse_date(Cursor& in) noexcept {
  const auto y = in.digits(4);
  if (!y || !in.eat('-')) return std::nullopt;
  const auto m = in.digits(2);
  if (!m || !in.eat('-')) return std::nullopt;
  const auto d = in.digits(2);
  if (!d) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{*y},
                                        std::chrono::month{static_cast<unsigned>(*m)},
                                        std::chrono::day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  return sys_days{ymd};
}

/// `.` or `,` and 1–9 digits; digits past the sixth are truncated.
std::optional<microseconds> parse_fraction(Cursor& in) noexcept {
  if (!in.eat('.') && !in.eat(',')) return microseconds{0};
  std::int64_t us = 0;
  int count = 0;
  while (count < 9 && in.peek_digit()) {
    const int d = *in.digit();
    if (count < 6) us = us * 10 + d;
    ++count;
  }
  if (count == 0) return std::nullopt;
  for (int i = count; i < 6; ++i) us *= 10;
  return microseconds{us};
}

/// HH:MM, optionally :SS with an optional fraction.
std::optional<microseconds> parse_time_of_day(Cursor& in) noexcept {
  const auto h = in.digits(2);
  if (!h || *h > 23 || !in.eat(':')) return std::nullopt;
  const auto m = in.digits(2);
  if (!m || *m > 59) return std::nullopt;
  microseconds t = hours{*h} + minutes{*m};
  if (!in.eat(':')) return t;
  const auto s = in.digits(2);
  if (!s || *s > 59) return std::nullopt;
  const auto fraction = parse_fraction(in);
  if (!fraction) return std::nullopt;
  return t + seconds{*s} + *fraction;
}

/// Nothing, Z, z, ±HH, ±HHMM or ±HH:MM, as the offset of local time from UTC.
std::optional<minutes> parse_zone(Cursor& in) noexcept {
  if (in.done() || in.eat('Z') || in.eat('z')) return minutes{0};
  const bool negative = in.eat('-');
  if (!negative && !in.eat('+')) return std::nullopt;
  const auto h = in.digits(2);
  if (!h || *h > 23) return std::nullopt;
  int m = 0;
  if (in.eat(':') || in.peek_digit()) {
    const auto mm = in.digits(2);
    if (!mm || *mm > 59) return std::nullopt;
    m = *mm;
  }
  const minutes offset = hours{*h} + minutes{m};
  return negative ? -offset : offset;
}

/// The calendar form: date, optional time, optional zone, and nothing after.
std::optional<Timestamp> parse_calendar(std::string_view s) noexcept {
  Cursor in{s};
  const auto date = parse_date(in);
  if (!date) return std::nullopt;
  microseconds time_of_day{0};
  if (in.eat('T') || in.eat('t') || in.eat(' ')) {
    const auto t = parse_time_of_day(in);
    if (!t) return std::nullopt;
    time_of_day = *t;
  }
  const auto offset = parse_zone(in);
  if (!offset || !in.done()) return std::nullopt;
  return Timestamp{*date} + time_of_day - *offset;
}

/// Appends `value` in decimal, zero-padded to `width` digits after any '-'.
void append_padded(std::string& out, std::int64_t value, int width) {
  if (value < 0) {
    out += '-';
    value = -value;
  }
  char buf[24];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value > 0);
  for (int i = n; i < width; ++i) out += '0';
  while (n > 0) out += buf[--n];
}

struct CivilDate {
  std::int64_t year;
  std::int64_t month;
  std::int64_t day;
};

/// The proleptic Gregorian date `z` days after 1970-01-01 (H. Hinnant's civil_from_days).
// Not year_month_day: its year stops at ±32767 and a Timestamp reaches ±290000.
constexpr CivilDate civil_from_days(std::int64_t z) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
  return {yoe + era * 400 + (month <= 2 ? 1 : 0), month, doy - (153 * mp + 2) / 5 + 1};
}

/// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil).
constexpr std::int64_t days_from_civil(std::int64_t y, std::int64_t m, std::int64_t d) noexcept {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/// The form every database and most files write, YYYY-MM-DDTHH:MM:SSZ, read without the general
/// grammar's steps (a third of a table's reading time went there); std::nullopt when the text
/// is not exactly in that form, or its date is not a real day, so the general parser decides.
std::optional<Timestamp> parse_common_form(std::string_view s) noexcept {
  if (s.size() != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
      s[16] != ':' || s[19] != 'Z')
    return std::nullopt;
  constexpr int digit_at[] = {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18};
  int d[14];
  for (int i = 0; i < 14; ++i) {
    const char c = s[static_cast<std::size_t>(digit_at[i])];
    if (!is_digit(c)) return std::nullopt;
    d[i] = c - '0';
  }
  const int year = d[0] * 1000 + d[1] * 100 + d[2] * 10 + d[3];
  const int month = d[4] * 10 + d[5];
  const int day = d[6] * 10 + d[7];
  const int hour = d[8] * 10 + d[9];
  const int minute = d[10] * 10 + d[11];
  const int second = d[12] * 10 + d[13];
  if (year == 0 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59)
    return std::nullopt;
  const bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
  constexpr int month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (day > month_days[month - 1] + (month == 2 && leap ? 1 : 0)) return std::nullopt;
  return Timestamp{days{days_from_civil(year, month, day)}} + hours{hour} + minutes{minute} +
         seconds{second};
}

}  // namespace

TimeField parse_timestamp(std::string_view text) noexcept {
  if (const std::optional<Timestamp> t = parse_common_form(text)) return TimeField{*t};
  const std::string_view s = trim(text);
  if (s.empty()) return TimeField{};
  const std::optional<Timestamp> t = is_epoch_form(s) ? parse_epoch_seconds(s) : parse_calendar(s);
  if (!t || *t < min_instant || *t > max_instant) return TimeField::invalid();
  return TimeField{*t};
}

std::string format_timestamp(Timestamp t) {
  // Floor division by hand: chrono::floor<days> overflows near Timestamp::min().
  constexpr std::int64_t us_per_day = 86'400'000'000;
  std::int64_t day = t.time_since_epoch().count() / us_per_day;
  std::int64_t rest = t.time_since_epoch().count() % us_per_day;
  if (rest < 0) {
    rest += us_per_day;
    --day;
  }
  const CivilDate date = civil_from_days(day);
  std::string out;
  out.reserve(27);
  append_padded(out, date.year, 4);
  out += '-';
  append_padded(out, date.month, 2);
  out += '-';
  append_padded(out, date.day, 2);
  out += 'T';
  append_padded(out, rest / 3'600'000'000, 2);
  out += ':';
  append_padded(out, rest / 60'000'000 % 60, 2);
  out += ':';
  append_padded(out, rest / 1'000'000 % 60, 2);
  const std::int64_t us = rest % 1'000'000;
  if (us != 0) {
    out += '.';
    if (us % 1000 == 0) {
      append_padded(out, us / 1000, 3);
    } else {
      append_padded(out, us, 6);
    }
  }
  out += 'Z';
  return out;
}

}  // namespace cbf::host
