// Time types: instants in microseconds, and a timestamp field that can be missing or unparseable.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <ratio>

namespace cbf {

/// Every instant the library computes with: UTC, microsecond resolution.
using Timestamp = std::chrono::sys_time<std::chrono::microseconds>;
/// Every span the library computes with.
using Duration = std::chrono::microseconds;

/// Instants the library accepts lie within ±(2^62 − 1) µs of the epoch (about ±146 000 years), so
/// that every difference of two of them (at most 2^63 − 2 µs) fits in 64 bits; windows reaching
/// further back saturate (`earlier_by`).
inline constexpr Duration timestamp_limit{(std::int64_t{1} << 62) - 1};

/// True when `t` is within ±timestamp_limit of the epoch.
template <class Dur>
[[nodiscard]] constexpr bool in_timestamp_range(std::chrono::sys_time<Dur> t) noexcept {
  using namespace std::chrono;
  // Compare in the coarser of the two units, where the conversion cannot overflow.
  if constexpr (std::ratio_greater_equal_v<typename Dur::period, std::micro>) {
    const auto limit = floor<Dur>(timestamp_limit);
    return t.time_since_epoch() >= -limit && t.time_since_epoch() <= limit;
  } else {
    const auto micros = floor<Duration>(t.time_since_epoch());
    return micros >= -timestamp_limit && micros <= timestamp_limit;
  }
}

/// `t − d` for an instant t within ±timestamp_limit (or just below it) and d ≥ 0, saturated at
/// one microsecond below −timestamp_limit: a window reaching past the range holds every instant.
[[nodiscard]] constexpr Timestamp earlier_by(Timestamp t, Duration d) noexcept {
  constexpr Timestamp floor{-timestamp_limit - Duration{1}};
  // t − floor ≤ 2^63 − 1 µs, so the comparison cannot overflow.
  return d < t - floor ? t - d : floor;
}

/// A timestamp as a host read it: missing, unparseable, or an instant of any precision.
class TimeField {
 public:
  enum class State : std::uint8_t { missing, invalid, valid };

  /// A missing timestamp (an empty field).
  constexpr TimeField() noexcept = default;

  /// A valid instant; finer than microseconds is floored to microseconds. An instant beyond
  /// ±timestamp_limit is invalid.
  template <class Dur>
  constexpr TimeField(std::chrono::sys_time<Dur> t) noexcept  // NOLINT: implicit by design
      : state_(in_timestamp_range(t) ? State::valid : State::invalid),
        value_(in_timestamp_range(t) ? std::chrono::floor<Duration>(t) : Timestamp{}) {}

  /// A valid instant or a missing one.
  template <class Dur>
  constexpr TimeField(const std::optional<std::chrono::sys_time<Dur>>& t) noexcept  // NOLINT
      : TimeField(t ? TimeField(*t) : TimeField()) {}

  /// A timestamp that was present but could not be read (counted `bad_timestamp`).
  [[nodiscard]] static constexpr TimeField invalid() noexcept {
    TimeField f;
    f.state_ = State::invalid;
    return f;
  }

  [[nodiscard]] constexpr State state() const noexcept { return state_; }
  [[nodiscard]] constexpr bool is_valid() const noexcept { return state_ == State::valid; }
  [[nodiscard]] constexpr bool is_missing() const noexcept { return state_ == State::missing; }
  /// The instant; meaningful only when is_valid().
  [[nodiscard]] constexpr Timestamp value() const noexcept { return value_; }

  friend constexpr bool operator==(const TimeField&, const TimeField&) noexcept = default;

 private:
  State state_ = State::missing;
  Timestamp value_{};
};

/// Calendar parts of an instant in shop-local time (UTC + offset).
struct LocalTime {
  int hour;     ///< 0–23
  int weekday;  ///< 0 = Monday … 6 = Sunday
  int month;    ///< 1–12
};

/// Splits an instant into local hour, ISO weekday and month.
[[nodiscard]] constexpr LocalTime local_time(Timestamp t,
                                             std::chrono::minutes utc_offset) noexcept {
  using namespace std::chrono;
  const Timestamp local = t + utc_offset;
  const sys_days day = floor<days>(local);
  const year_month_day ymd{day};
  return LocalTime{static_cast<int>(floor<hours>(local - day).count()),
                   static_cast<int>(weekday{day}.iso_encoding()) - 1,
                   static_cast<int>(static_cast<unsigned>(ymd.month()))};
}

}  // namespace cbf
