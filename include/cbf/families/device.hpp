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
[[nodiscard]] inline std::optional<std::string> modal_label(std::vector<TextId>& labels,
                                                            const TextPool& pool) {
  TextId best = no_text;
  std::size_t best_count = 0;
  for_each_id_run(labels, [&](TextId id, std::size_t count) {
    if (count > best_count || (count == best_count && pool.text(id) < pool.text(best))) {
      best_count = count;
      best = id;
    }
  });
  if (best_count == 0) return std::nullopt;
  return std::string(pool.text(best));
}

/// device_features with the family's buffers in `scratch`, reused from call to call.
[[nodiscard]] inline DeviceFeatures device_features(const CustomerContext& ctx,
                                                    FeatureScratch& scratch) {
  std::vector<TextId>& devices = scratch.devices;
  std::vector<TextId>& referrers = scratch.referrers;
  devices.clear();
  referrers.clear();
  for (const SessionRow& s : ctx.sessions) {
    if (s.device_type != no_text) devices.push_back(s.device_type);
    if (s.referrer_type != no_text) referrers.push_back(s.referrer_type);
  }
  // Labels are normalised in the pool: each distinct device is classified once.
  std::int64_t mobile = 0, desktop = 0;
  const TextPool& labels = ctx.texts.labels;
  const auto with_device = static_cast<std::int64_t>(devices.size());
  for_each_id_run(devices, [&](TextId id, std::size_t count) {
    const std::string_view label = labels.text(id);
    if (is_one_of(label, mobile_devices)) mobile += static_cast<std::int64_t>(count);
    if (is_one_of(label, desktop_devices)) desktop += static_cast<std::int64_t>(count);
  });
  DeviceFeatures f;
  f.mobile_usage_pattern = ratio(mobile, with_device);
  f.desktop_usage_pattern = ratio(desktop, with_device);
  f.preferred_device = modal_label(devices, labels);
  f.channel_preference = modal_label(referrers, labels);
  return f;
}

}  // namespace detail

/// Features 19–22 from a built context. A session's device is its own, else its first member's.
[[nodiscard]] inline DeviceFeatures device_features(const CustomerContext& ctx) {
  detail::FeatureScratch scratch;
  return detail::device_features(ctx, scratch);
}

/// Features 19–22 from a customer's interactions and sessions.
template <class Interactions, class Sessions>
[[nodiscard]] DeviceFeatures device_features(Interactions&& interactions, Sessions&& sessions,
                                             const Config& config) {
  return device_features(
      make_context(no_records<Customer>, interactions, sessions, no_records<Attribution>, config));
}

}  // namespace cbf
