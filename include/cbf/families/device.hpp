// Device & channel (contract features 19–22): preferred device and referrer, mobile and desktop
// use.
#pragma once

#include <cbf/context.hpp>
#include <cbf/detail/stats.hpp>
#include <cbf/detail/text.hpp>
#include <cbf/records.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cbf {

/// Features 19–22 of one customer.
struct DeviceFeatures {
  std::optional<std::string> preferred_device;
  std::optional<std::string> channel_preference;
  std::optional<double> mobile_usage_pattern;
  std::optional<double> desktop_usage_pattern;
};

/// Device names the contract counts as mobile, and as desktop (compared after normalising).
inline constexpr std::array<std::string_view, 3> mobile_devices{"mobile", "phone", "smartphone"};
inline constexpr std::array<std::string_view, 4> desktop_devices{"desktop", "computer", "pc",
                                                                 "laptop"};

namespace detail {

template <std::size_t N>
[[nodiscard]] constexpr bool is_one_of(std::string_view trimmed,
                                       const std::array<std::string_view, N>& names) noexcept {
  return std::any_of(names.begin(), names.end(),
                     [&](std::string_view n) { return equal_folded(trimmed, n); });
}

/// The most frequent normalised label; ties → the smallest in byte order. Empty when none.
[[nodiscard]] inline std::optional<std::string> modal_label(std::vector<HashedText>& labels) {
  std::string_view best;
  std::size_t best_count = 0;
  for_each_distinct(labels, compare_folded, [&](std::string_view label, std::size_t count) {
    if (count > best_count || (count == best_count && compare_folded(label, best) < 0)) {
      best_count = count;
      best = label;
    }
  });
  if (best_count == 0) return std::nullopt;
  return normalized_label(best);
}

}  // namespace detail

/// Features 19–22 from a built context. A session's device is its own, else its first member's.
[[nodiscard]] inline DeviceFeatures device_features(const CustomerContext& ctx) {
  std::vector<detail::HashedText> devices;
  std::vector<detail::HashedText> referrers;
  std::int64_t mobile = 0, desktop = 0;
  for (const SessionRow& s : ctx.sessions) {
    if (!s.device_type.empty()) {
      devices.push_back({detail::hash_folded(s.device_type), s.device_type});
      mobile += detail::is_one_of(s.device_type, mobile_devices) ? 1 : 0;
      desktop += detail::is_one_of(s.device_type, desktop_devices) ? 1 : 0;
    }
    if (!s.referrer_type.empty())
      referrers.push_back({detail::hash_folded(s.referrer_type), s.referrer_type});
  }
  DeviceFeatures f;
  const auto with_device = static_cast<std::int64_t>(devices.size());
  f.mobile_usage_pattern = detail::ratio(mobile, with_device);
  f.desktop_usage_pattern = detail::ratio(desktop, with_device);
  f.preferred_device = detail::modal_label(devices);
  f.channel_preference = detail::modal_label(referrers);
  return f;
}

/// Features 19–22 from a customer's interactions and sessions.
template <class Interactions, class Sessions>
[[nodiscard]] DeviceFeatures device_features(Interactions&& interactions, Sessions&& sessions,
                                             const Config& config) {
  return device_features(
      make_context(no_records<Customer>, interactions, sessions, no_records<Attribution>, config));
}

}  // namespace cbf
