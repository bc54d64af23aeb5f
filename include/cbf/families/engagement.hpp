// Engagement behavior (contract features 6–10): from the customer's sessions.
#pragma once

#include <cbf/context.hpp>
#include <cbf/detail/engine.hpp>
#include <cbf/detail/stats.hpp>
#include <cbf/records.hpp>

#include <cstdint>
#include <optional>

namespace cbf {

/// Features 6–10 of one customer.
struct EngagementFeatures {
  std::int64_t total_sessions = 0;
  std::optional<double> avg_session_duration;
  std::optional<double> page_views_per_session;
  std::optional<double> bounce_rate;
  double engagement_score = 0;
};

/// GA4's engaged session: longer than engaged_min_duration, ≥ 2 page views, or a conversion.
[[nodiscard]] constexpr bool is_engaged(const SessionRow& s, const Config& config) noexcept {
  return s.duration() > config.engaged_min_duration || s.page_views >= 2 || s.converts();
}

/// Features 6–10 from a built context.
[[nodiscard]] CBF_DETAIL_ENGINE EngagementFeatures engagement_features(const CustomerContext& ctx);
#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE EngagementFeatures engagement_features(const CustomerContext& ctx) {
  const Config& config = *ctx.config;
  EngagementFeatures f;
  const std::int64_t n = static_cast<std::int64_t>(ctx.sessions.size());
  f.total_sessions = n;
  if (n == 0) return f;

  detail::NonNegativeMean duration_us(n);  // sessions of thousands of years add up past int64
  std::int64_t page_views = 0;
  std::int64_t bounced = 0;
  for (const SessionRow& s : ctx.sessions) {
    duration_us.add(s.duration().count());
    page_views += s.page_views;
    if (!is_engaged(s, config)) ++bounced;
  }
  const double sessions = static_cast<double>(n);
  const double minutes = duration_us.in_units_of(60e6);
  const double per_session = static_cast<double>(page_views) / sessions;
  const double bounce = static_cast<double>(bounced) / sessions;
  f.avg_session_duration = minutes;
  f.page_views_per_session = per_session;
  f.bounce_rate = bounce;

  const auto& w = config.engagement_weights;
  const auto& h = config.engagement_half_saturation;
  const double sessions_per_month = sessions / ctx.tenure_months();
  f.engagement_score =
      100.0 * (w.sessions_per_month * detail::saturate(sessions_per_month, h.sessions_per_month) +
               w.session_minutes * detail::saturate(minutes, h.session_minutes) +
               w.page_views_per_session * detail::saturate(per_session, h.page_views_per_session) +
               w.non_bounce * (1.0 - bounce));
  return f;
}
#endif

/// Features 6–10 from a customer's interactions and sessions (sessions derived when none are used).
template <class Interactions, class Sessions>
[[nodiscard]] EngagementFeatures engagement_features(Interactions&& interactions,
                                                     Sessions&& sessions, const Config& config) {
  return engagement_features(
      make_context(no_records<Customer>, interactions, sessions, no_records<Attribution>, config));
}

}  // namespace cbf
