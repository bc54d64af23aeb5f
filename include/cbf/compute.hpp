// One customer end to end: records → context → families → CustomerBehaviorFeatures.
#pragma once

#include <cbf/context.hpp>
#include <cbf/families/device.hpp>
#include <cbf/families/engagement.hpp>
#include <cbf/families/purchase.hpp>
#include <cbf/families/search.hpp>
#include <cbf/families/segmentation.hpp>
#include <cbf/families/shopping.hpp>
#include <cbf/families/temporal.hpp>

#include <ranges>
#include <span>
#include <string>
#include <type_traits>
#include <utility>

namespace cbf {

namespace detail {

/// compute_features with the families' buffers in `scratch`, reused from customer to customer.
[[nodiscard]] CBF_DETAIL_ENGINE CustomerBehaviorFeatures
compute_features(const CustomerContext& ctx, FeatureScratch& scratch);

/// A customer's result: its key and cutoff from its built context, with its features.
[[nodiscard]] CBF_DETAIL_ENGINE CustomerResult result_of(const CustomerContext& ctx,
                                                         CustomerBehaviorFeatures features);

#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE CustomerBehaviorFeatures compute_features(const CustomerContext& ctx,
                                                            FeatureScratch& scratch) {
  CustomerBehaviorFeatures out;

  const PurchaseFeatures purchase = purchase_features(ctx);
  out.total_purchases = purchase.total_purchases;
  out.avg_purchase_value = purchase.avg_purchase_value;
  out.purchase_frequency = purchase.purchase_frequency;
  out.purchase_consistency = purchase.purchase_consistency;
  out.seasonal_purchase_pattern = purchase.seasonal_purchase_pattern;

  const EngagementFeatures engagement = engagement_features(ctx);
  out.total_sessions = engagement.total_sessions;
  out.avg_session_duration = engagement.avg_session_duration;
  out.page_views_per_session = engagement.page_views_per_session;
  out.bounce_rate = engagement.bounce_rate;
  out.engagement_score = engagement.engagement_score;

  SearchFeatures search = search_features(ctx, scratch);
  out.search_frequency = search.search_frequency;
  out.search_query_diversity = search.search_query_diversity;
  out.product_discovery_method = std::move(search.product_discovery_method);
  out.category_exploration = search.category_exploration;

  const ShoppingFeatures shopping = shopping_features(ctx);
  out.cart_abandonment_rate = shopping.cart_abandonment_rate;
  out.checkout_completion_rate = shopping.checkout_completion_rate;
  out.product_comparison_behavior = shopping.product_comparison_behavior;
  out.impulse_purchase_tendency = shopping.impulse_purchase_tendency;

  DeviceFeatures device = device_features(ctx, scratch);
  out.preferred_device = std::move(device.preferred_device);
  out.channel_preference = std::move(device.channel_preference);
  out.mobile_usage_pattern = device.mobile_usage_pattern;
  out.desktop_usage_pattern = device.desktop_usage_pattern;

  const TemporalFeatures temporal = temporal_features(ctx);
  out.preferred_shopping_time = temporal.preferred_shopping_time;
  out.shopping_day_preference = temporal.shopping_day_preference;
  out.seasonal_behavior = temporal.seasonal_behavior;
  out.loyalty_trend = temporal.loyalty_trend;

  // Segmentation reads other families' results: they are passed in, never recomputed.
  SegmentationFeatures segmentation = segmentation_features(ctx, purchase, shopping, temporal);
  out.customer_segment = std::move(segmentation.customer_segment);
  out.risk_score = segmentation.risk_score;
  out.lifetime_value_prediction = segmentation.lifetime_value_prediction;
  out.churn_probability = segmentation.churn_probability;
  return out;
}

CBF_DETAIL_ENGINE CustomerResult result_of(const CustomerContext& ctx,
                                           CustomerBehaviorFeatures features) {
  return CustomerResult{std::string(ctx.shop_id),
                        std::string(ctx.customer_id),
                        ctx.as_of,
                        std::move(features),
                        ctx.diagnostics,
                        ctx.shop_id_bits,
                        ctx.customer_id_bits};
}
#endif

}  // namespace detail

/// All 30 features of one customer from a built context. Families run in dependency order.
[[nodiscard]] inline CustomerBehaviorFeatures compute_features(const CustomerContext& ctx) {
  detail::FeatureScratch scratch;
  return detail::compute_features(ctx, scratch);
}

namespace detail {

/// A customer argument as a range of customer records: a range as it is, one record as a span.
template <class CustomerOrRange>
[[nodiscard]] decltype(auto) customer_range(const CustomerOrRange& customer) {
  if constexpr (std::ranges::range<CustomerOrRange>) {
    return (customer);  // a reference to the caller's range
  } else {
    static_assert(customer_record<CustomerOrRange>,
                  "cbf: the customer record type does not provide `customer_id`; adapt it as "
                  "docs/adapting-your-records.md shows");
    return std::span<const CustomerOrRange>(&customer, 1);
  }
}

}  // namespace detail

/// One customer's features and diagnostics. `customer` is one customer record, a range of the
/// key's customer rows (the first counts), or `no_records<Customer>`; the other ranges hold the
/// customer's records in any order. Throws InvalidParameter, MissingAsOf, or MixedCustomers when
/// the records hold more than one (shop_id, customer_id).
template <class CustomerOrRange, class Interactions, class Sessions, class Attributions>
[[nodiscard]] CustomerResult compute_customer(CustomerOrRange&& customer,
                                              Interactions&& interactions, Sessions&& sessions,
                                              Attributions&& attributions, const Config& config) {
  const CustomerContext ctx =
      make_context(detail::customer_range(customer), interactions, sessions, attributions, config);
  return detail::result_of(ctx, compute_features(ctx));
}

}  // namespace cbf
