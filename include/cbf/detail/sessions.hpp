// Sessions of a context, derived or resolved once: members, page views, device, end, conversion;
// and orders and first_seen.
#pragma once

#include <cbf/detail/engine.hpp>
#include <cbf/detail/exact_sum.hpp>
#include <cbf/rows.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace cbf::detail {

/// Sessions derived from the interactions in time order (contract §4.6).
CBF_DETAIL_ENGINE void derive_sessions(CustomerContext& ctx);
#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE void derive_sessions(CustomerContext& ctx) {
  const Duration timeout = ctx.config->session_timeout;
  for (std::uint32_t i = 0; i < ctx.interactions.size(); ++i) {
    InteractionRow& row = ctx.interactions[i];
    bool starts = ctx.sessions.empty();
    if (!starts) {
      const SessionRow& current = ctx.sessions.back();
      starts = row.session_id == no_text ? row.time - ctx.interactions[i - 1].time > timeout
                                         : row.session_id != current.session_id;
    }
    if (starts) {
      SessionRow s;
      s.start = row.time;
      s.session_id = row.session_id;
      ctx.sessions.push_back(s);
    }
    row.session = static_cast<std::uint32_t>(ctx.sessions.size() - 1);
  }
}
#endif

/// Members grouped by session (stable, so each group keeps time order), and per-session facts.
CBF_DETAIL_ENGINE void resolve_sessions(CustomerContext& ctx);
#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE void resolve_sessions(CustomerContext& ctx) {
  const Config& config = *ctx.config;
  const auto& records = ctx.scratch.session_records;
  auto& offsets = ctx.scratch.offsets;
  offsets.assign(ctx.sessions.size() + 1, 0);
  for (const auto& row : ctx.interactions)
    if (row.session != no_session) ++offsets[row.session + 1];
  for (std::size_t s = 0; s < ctx.sessions.size(); ++s) {
    offsets[s + 1] += offsets[s];
    ctx.sessions[s].members_begin = offsets[s];
    ctx.sessions[s].members_end = offsets[s];
    ctx.sessions[s].end = ctx.sessions[s].start;  // the latest view_end of its members, below
  }
  ctx.session_members.assign(offsets.back(), 0);
  for (std::uint32_t i = 0; i < ctx.interactions.size(); ++i) {
    const InteractionRow& row = ctx.interactions[i];
    if (row.session == no_session) continue;
    SessionRow& s = ctx.sessions[row.session];
    ctx.session_members[s.members_end++] = i;
    if (config.page_view_kinds.contains(row.kind)) ++s.page_views;
    s.end = std::max(s.end, row.view_end);
    if (s.device_type == no_text) s.device_type = row.device_type;
    if (row.kind == EventKind::checkout_completed &&
        (!s.conversion_time || row.time < *s.conversion_time))
      s.conversion_time = row.time;
  }
  for (std::size_t k = 0; k < ctx.sessions.size(); ++k) {
    SessionRow& s = ctx.sessions[k];
    std::optional<Timestamp> end;
    if (!ctx.sessions_derived) {
      const TimeField& end_time = records[k].end_time;
      if (end_time.is_valid()) end = std::max(end_time.value(), s.start);
    }
    if (!end) end = s.end;  // max(start, latest view_end of its members), found above
    s.end = std::max(s.start, std::min(*end, ctx.as_of));
  }
}
#endif

CBF_DETAIL_ENGINE void convert_by_attributions(CustomerContext& ctx, const SessionIndex& index);
#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE void convert_by_attributions(CustomerContext& ctx, const SessionIndex& index) {
  for (const AttributionRow& a : ctx.attributions) {
    index.for_each(a.session_id, [&](std::uint32_t k) {
      SessionRow& s = ctx.sessions[k];
      if (!s.conversion_time || a.time < *s.conversion_time) s.conversion_time = a.time;
    });
  }
}
#endif

CBF_DETAIL_ENGINE void build_orders(CustomerContext& ctx);
#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE void build_orders(CustomerContext& ctx) {
  auto& by_order = ctx.scratch.order_rows;
  by_order.resize(ctx.attributions.size());
  for (std::uint32_t i = 0; i < by_order.size(); ++i) by_order[i] = i;
  std::sort(by_order.begin(), by_order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return ctx.attributions[a].order_id < ctx.attributions[b].order_id;
  });
  for (std::size_t i = 0; i < by_order.size();) {
    const AttributionRow& first = ctx.attributions[by_order[i]];
    OrderRow order{first.time, 0.0, first.order_id};
    ExactSum sum;
    for (; i < by_order.size() && ctx.attributions[by_order[i]].order_id == order.order_id; ++i) {
      const AttributionRow& a = ctx.attributions[by_order[i]];
      order.time = std::min(order.time, a.time);
      sum.add(a.value);
    }
    order.value = sum.value();
    ctx.orders.push_back(order);
  }
  // Ties in time are ordered by the ids' text, as the contract says.
  const TextPool& ids = ctx.texts.order_ids;
  std::sort(ctx.orders.begin(), ctx.orders.end(), [&](const OrderRow& a, const OrderRow& b) {
    return a.time != b.time ? a.time < b.time : ids.text_less(a.order_id, b.order_id);
  });
}
#endif

CBF_DETAIL_ENGINE void find_first_seen(CustomerContext& ctx);
#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE void find_first_seen(CustomerContext& ctx) {
  if (ctx.first_seen) return;  // the customer's own created_at wins (contract feature 3)
  std::optional<Timestamp> earliest;
  const auto see = [&](Timestamp t) {
    if (!earliest || t < *earliest) earliest = t;
  };
  if (!ctx.interactions.empty()) see(ctx.interactions.front().time);
  for (const auto& s : ctx.scratch.session_records) see(s.row.start);
  for (const auto& a : ctx.attributions) see(a.time);
  ctx.first_seen = earliest;
}
#endif

}  // namespace cbf::detail
