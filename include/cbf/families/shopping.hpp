// Shopping patterns (contract features 15–18): carts, checkouts, comparing products, impulse buys.
#pragma once

#include <cbf/context.hpp>
#include <cbf/detail/engine.hpp>
#include <cbf/detail/stats.hpp>
#include <cbf/records.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string_view>

namespace cbf {

/// Features 15–18 of one customer.
struct ShoppingFeatures {
  std::optional<double> cart_abandonment_rate;
  std::optional<double> checkout_completion_rate;
  std::optional<double> product_comparison_behavior;
  std::optional<double> impulse_purchase_tendency;
};

/// The activity of session s (resolved with the context's sessions).
[[nodiscard]] inline SessionActivity session_activity(const CustomerContext& ctx,
                                                      const SessionRow& s) noexcept {
  (void)ctx;
  return s.activity;
}

/// Features 15–18 from a built context.
[[nodiscard]] CBF_DETAIL_ENGINE ShoppingFeatures shopping_features(const CustomerContext& ctx);
#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE ShoppingFeatures shopping_features(const CustomerContext& ctx) {
  std::int64_t cart_sessions = 0, abandoned = 0;
  std::int64_t checkout_sessions = 0, completed = 0;
  std::int64_t viewing_sessions = 0, comparing = 0;
  std::int64_t converting = 0, impulsive = 0;
  for (const SessionRow& s : ctx.sessions) {
    const SessionActivity& a = s.activity;
    if (a.added_to_cart) {
      ++cart_sessions;
      if (!s.converts()) ++abandoned;
    }
    if (a.started_checkout || s.converts()) {
      ++checkout_sessions;
      if (s.converts()) ++completed;
    }
    if (a.viewed_product) {
      ++viewing_sessions;
      if (a.compared_products) ++comparing;
    }
    if (s.converts()) {
      ++converting;
      const Duration to_conversion = std::max(Duration::zero(), *s.conversion_time - s.start);
      if (to_conversion <= ctx.config->impulse_window) ++impulsive;
    }
  }
  return ShoppingFeatures{
      detail::ratio(abandoned, cart_sessions), detail::ratio(completed, checkout_sessions),
      detail::ratio(comparing, viewing_sessions), detail::ratio(impulsive, converting)};
}
#endif

/// Features 15–18 from a customer's interactions, sessions and attributions.
template <class Interactions, class Sessions, class Attributions>
[[nodiscard]] ShoppingFeatures shopping_features(Interactions&& interactions, Sessions&& sessions,
                                                 Attributions&& attributions,
                                                 const Config& config) {
  return shopping_features(
      make_context(no_records<Customer>, interactions, sessions, attributions, config));
}

}  // namespace cbf
