// Search & discovery (contract features 11–14): searches, query diversity, how products are found,
// and how widely categories are explored.
#pragma once

#include <cbf/context.hpp>
#include <cbf/detail/engine.hpp>
#include <cbf/detail/hash.hpp>
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

/// Features 11–14 of one customer.
struct SearchFeatures {
  std::optional<double> search_frequency;
  std::optional<double> search_query_diversity;
  std::optional<std::string> product_discovery_method;
  std::optional<double> category_exploration;
};

/// The fixed discovery labels' names, in DiscoveryLabel order.
inline constexpr std::array<std::string_view, discovery_label_count> discovery_label_names{
    "search", "browse", "related", "direct", "cart"};

namespace detail {

/// The winning discovery label: most votes; ties by the fixed order, then other labels bytewise.
/// `others` holds each other label's id in `labels` and its votes, each label once.
[[nodiscard]] CBF_DETAIL_ENGINE std::optional<std::string> discovery_winner(
    const std::array<std::int64_t, 5>& fixed, const std::vector<LabelCount>& others,
    const TextPool& labels);
#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE std::optional<std::string> discovery_winner(
    const std::array<std::int64_t, 5>& fixed, const std::vector<LabelCount>& others,
    const TextPool& labels) {
  std::int64_t best = 0;
  std::optional<std::string> label;
  for (std::size_t i = 0; i < fixed.size(); ++i) {
    if (fixed[i] > best) {
      best = fixed[i];
      label = std::string(discovery_label_names[i]);
    }
  }
  TextId best_other = no_text;
  for (const auto& [id, count] : others) {
    // Fixed labels keep ties; among other labels the smallest text does.
    if (count > best ||
        (count == best && best_other != no_text && labels.text(id) < labels.text(best_other))) {
      best = count;
      best_other = id;
      label = std::string(labels.text(id));
    }
  }
  return label;
}
#endif

/// Votes of product views (by the interaction before them in their session) and attributions.
[[nodiscard]] CBF_DETAIL_ENGINE std::optional<std::string> product_discovery_method(
    const CustomerContext& ctx, FeatureScratch& scratch);
#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE std::optional<std::string> product_discovery_method(const CustomerContext& ctx,
                                                                      FeatureScratch& scratch) {
  // Product views voted when the sessions were resolved; attributions vote here.
  std::array<std::int64_t, discovery_label_count> fixed = ctx.product_view_votes;
  // Each distinct type is compared with the fixed labels once (labels are normalised).
  std::vector<LabelCount>& others = scratch.other_labels;
  others.clear();
  const TextPool& labels = ctx.texts.labels;
  scratch.id_counts.for_each(
      ctx.attributions, [](const AttributionRow& a) { return a.attribution_type; },
      [&](TextId id, std::size_t count) {
        const auto n = static_cast<std::int64_t>(count);
        const auto known =
            std::find(discovery_label_names.begin(), discovery_label_names.end(), labels.text(id));
        if (known != discovery_label_names.end())
          fixed[static_cast<std::size_t>(known - discovery_label_names.begin())] += n;
        else
          others.push_back(LabelCount{id, n});
      });
  return discovery_winner(fixed, others, labels);
}
#endif

/// search_features with the family's buffers in `scratch`, reused from call to call.
[[nodiscard]] CBF_DETAIL_ENGINE SearchFeatures search_features(const CustomerContext& ctx,
                                                               FeatureScratch& scratch);
#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE SearchFeatures search_features(const CustomerContext& ctx,
                                                 FeatureScratch& scratch) {
  SearchFeatures f;
  std::int64_t searches = 0;  // counted in the same pass as the queries
  std::int64_t distinct_queries = 0, queries = 0;
  scratch.id_counts.for_each(
      ctx.interactions,
      [&](const InteractionRow& row) {
        // No branch on the kind, which follows no pattern: only searches have a query id.
        searches += row.kind == EventKind::search ? 1 : 0;
        return row.search_query;
      },
      [&](TextId, std::size_t count) {
        ++distinct_queries;
        queries += static_cast<std::int64_t>(count);
      });
  f.search_frequency = ratio(searches, static_cast<std::int64_t>(ctx.sessions.size()));
  f.search_query_diversity = ratio(distinct_queries, queries);
  f.product_discovery_method = product_discovery_method(ctx, scratch);
  // 1 − Σ (c/n)² = (n² − Σ c²) / n², in integers so it is rounded once.
  std::int64_t n = 0, sum_squares = 0;
  scratch.id_counts.for_each(
      ctx.interactions, [](const InteractionRow& row) { return row.category_id; },
      [&](TextId, std::size_t count) {
        n += static_cast<std::int64_t>(count);
        sum_squares += static_cast<std::int64_t>(count) * static_cast<std::int64_t>(count);
      });
  if (n > 0)
    f.category_exploration = static_cast<double>(n * n - sum_squares) / static_cast<double>(n * n);
  return f;
}
#endif

}  // namespace detail

/// Features 11–14 from a built context. Searches and categories count at customer level.
[[nodiscard]] CBF_DETAIL_ENGINE SearchFeatures search_features(const CustomerContext& ctx);
#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE SearchFeatures search_features(const CustomerContext& ctx) {
  detail::FeatureScratch scratch;
  return detail::search_features(ctx, scratch);
}
#endif

/// Features 11–14 from a customer's interactions, sessions and attributions.
template <class Interactions, class Sessions, class Attributions>
[[nodiscard]] SearchFeatures search_features(Interactions&& interactions, Sessions&& sessions,
                                             Attributions&& attributions, const Config& config) {
  return search_features(
      make_context(no_records<Customer>, interactions, sessions, attributions, config));
}

}  // namespace cbf
