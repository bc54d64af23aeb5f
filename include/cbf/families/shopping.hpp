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

/// What a session did, from its members (one walk per session).
struct SessionActivity {
  bool added_to_cart = false;      ///< ≥ 1 add_to_cart
  bool started_checkout = false;   ///< ≥ 1 checkout_started
  bool viewed_product = false;     ///< ≥ 1 product_view
  bool compared_products = false;  ///< product views of ≥ 2 distinct product_ids
};

/// The activity of session s.
[[nodiscard]] CBF_DETAIL_ENGINE SessionActivity session_activity(const CustomerContext& ctx,
                                                                 const SessionRow& s) noexcept;
#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE SessionActivity session_activity(const CustomerContext& ctx,
                                                   const SessionRow& s) noexcept {
  SessionActivity a;
  TextId first_product = detail::no_text;
  for (std::uint32_t m : ctx.members(s)) {
    const InteractionRow& row = ctx.interactions[m];
    a.added_to_cart |= row.kind == EventKind::add_to_cart;
    a.started_checkout |= row.kind == EventKind::checkout_started;
    if (row.kind != EventKind::product_view) continue;
    a.viewed_product = true;
    if (row.product_id == detail::no_text) continue;
    if (first_product == detail::no_text)
      first_product = row.product_id;
    else if (row.product_id != first_product)
      a.compared_products = true;
  }
  return a;
}
#endif

/// Features 15–18 from a built context.
[[nodiscard]] CBF_DETAIL_ENGINE ShoppingFeatures shopping_features(const CustomerContext& ctx);
#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE ShoppingFeatures shopping_features(const CustomerContext& ctx) {
  std::int64_t cart_sessions = 0, abandoned = 0;
  std::int64_t checkout_sessions = 0, completed = 0;
  std::int64_t viewing_sessions = 0, comparing = 0;
  std::int64_t converting = 0, impulsive = 0;
  for (const SessionRow& s : ctx.sessions) {
    const SessionActivity a = session_activity(ctx, s);
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
