// Device & channel (contract features 19–22): preferred device and referrer, mobile and desktop
// use.
#pragma once

#include <cbf/context.hpp>
#include <cbf/detail/engine.hpp>
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

/// The most frequent of the labels counted one by one; ties → the smallest in byte order.
class ModalLabel {
 public:
  explicit ModalLabel(const TextPool& pool) noexcept : pool_(&pool) {}

  /// Counts `count` occurrences of label `id` (each label once).
  void see(TextId id, std::size_t count) noexcept {
    if (count > best_count_ || (count == best_count_ && pool_->text(id) < pool_->text(best_))) {
      best_count_ = count;
      best_ = id;
    }
  }
  /// The winning label; empty when none was seen.
  [[nodiscard]] std::optional<std::string> label() const {
    if (best_count_ == 0) return std::nullopt;
    return std::string(pool_->text(best_));
  }

 private:
  const TextPool* pool_;
  TextId best_ = no_text;
  std::size_t best_count_ = 0;
};

/// device_features with the family's buffers in `scratch`, reused from call to call.
[[nodiscard]] CBF_DETAIL_ENGINE DeviceFeatures device_features(const CustomerContext& ctx,
                                                               FeatureScratch& scratch);
#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE DeviceFeatures device_features(const CustomerContext& ctx,
                                                 FeatureScratch& scratch) {
  // Labels are normalised in the pool: each distinct device is classified once.
  const TextPool& labels = ctx.texts.labels;
  std::int64_t mobile = 0, desktop = 0, with_device = 0;
  ModalLabel device(labels);
  scratch.id_counts.for_each(
      ctx.sessions, [](const SessionRow& s) { return s.device_type; },
      [&](TextId id, std::size_t count) {
        const std::string_view label = labels.text(id);
        const auto n = static_cast<std::int64_t>(count);
        with_device += n;
        if (is_one_of(label, mobile_devices)) mobile += n;
        if (is_one_of(label, desktop_devices)) desktop += n;
        device.see(id, count);
      });
  ModalLabel referrer(labels);
  scratch.id_counts.for_each(
      ctx.sessions, [](const SessionRow& s) { return s.referrer_type; },
      [&](TextId id, std::size_t count) { referrer.see(id, count); });
  DeviceFeatures f;
  f.mobile_usage_pattern = ratio(mobile, with_device);
  f.desktop_usage_pattern = ratio(desktop, with_device);
  f.preferred_device = device.label();
  f.channel_preference = referrer.label();
  return f;
}
#endif

}  // namespace detail

/// Features 19–22 from a built context. A session's device is its own, else its first member's.
[[nodiscard]] CBF_DETAIL_ENGINE DeviceFeatures device_features(const CustomerContext& ctx);
#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE DeviceFeatures device_features(const CustomerContext& ctx) {
  detail::FeatureScratch scratch;
  return detail::device_features(ctx, scratch);
}
#endif

/// Features 19–22 from a customer's interactions and sessions.
template <class Interactions, class Sessions>
[[nodiscard]] DeviceFeatures device_features(Interactions&& interactions, Sessions&& sessions,
                                             const Config& config) {
  return device_features(
      make_context(no_records<Customer>, interactions, sessions, no_records<Attribution>, config));
}

}  // namespace cbf
