// Sessions of a context, derived or resolved once: members, page views, device, end, conversion;
// and orders and first_seen.
#pragma once

#include <cbf/detail/engine.hpp>
#include <cbf/detail/exact_sum.hpp>
#include <cbf/rows.hpp>

#include <algorithm>
#include <array>
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
    ++ctx.sessions.back().members_end;  // counted here, laid out by resolve_sessions
  }
}
#endif

/// Members grouped by session (stable, so each group keeps time order), and per-session facts.
/// Each session's members_end holds its count of members on entry: the step that gave the
/// interactions their sessions (derive_sessions, or the matching by id) counted them.
CBF_DETAIL_ENGINE void resolve_sessions(CustomerContext& ctx);
#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE void resolve_sessions(CustomerContext& ctx) {
  const Config& config = *ctx.config;
  const auto& records = ctx.scratch.session_records;
  std::uint32_t offset = 0;
  for (SessionRow& s : ctx.sessions) {
    const std::uint32_t members = s.members_end;
    s.members_begin = offset;
    s.members_end = offset;
    offset += members;
    s.end = s.start;  // the latest view_end of its members, below
    s.activity = SessionActivity{};
  }
  ctx.session_members.assign(offset, 0);
  // The walk of each session through its members, in time order: its activity and the votes
  // of its product views (product_discovery_method), folded in with flags, selects and a table
  // rather than branches on the kinds, which follow each other at random.
  std::vector<SessionWalk>& walks = ctx.scratch.walks;
  walks.assign(ctx.sessions.size(), SessionWalk{});
  constexpr std::size_t none = event_kind_count;
  constexpr auto label_after = [] {  // by the kind before a product view; `none`: nothing
    std::array<std::uint8_t, event_kind_count + 1> labels{};
    for (std::size_t k = 0; k < event_kind_count; ++k) {
      const auto kind = static_cast<EventKind>(k);
      labels[k] = static_cast<std::uint8_t>(discovery_label(&kind));
    }
    labels[none] = static_cast<std::uint8_t>(discovery_label(nullptr));
    return labels;
  }();
  const bool paired = config.paired_page_views;
  // Votes in 12-bit fields of one register, emptied into the array before any could overflow.
  constexpr unsigned vote_bits = 12;
  constexpr std::uint32_t votes_per_flush = (1u << vote_bits) - 1;
  std::uint64_t packed_votes = 0;
  std::uint32_t since_flush = 0;
  ctx.product_view_votes = {};
  const auto flush_votes = [&] {
    for (std::size_t l = 0; l < discovery_label_count; ++l)
      ctx.product_view_votes[l] +=
          static_cast<std::int64_t>((packed_votes >> (vote_bits * l)) & votes_per_flush);
    packed_votes = 0;
    since_flush = 0;
  };
  // Members of one session mostly follow each other in time order: each run of them is folded
  // into locals, written back once, instead of a chain of loads and stores through the session's
  // row for every member. Measured, this pays only together with the selects by masks below,
  // and they only with it (docs/benchmarks.md, seventh session).
  const std::vector<InteractionRow>& rows = ctx.interactions;
  const EventKindSet page_view_kinds = config.page_view_kinds;
  std::uint32_t* const members = ctx.session_members.data();
  const auto n = static_cast<std::uint32_t>(rows.size());
  for (std::uint32_t i = 0; i < n;) {
    const std::uint32_t k = rows[i].session;
    if (k == no_session) {
      ++i;
      continue;
    }
    SessionRow& s = ctx.sessions[k];
    SessionWalk walk = walks[k];
    std::uint32_t member = s.members_end;
    std::uint32_t page_views = s.page_views;
    Timestamp end = s.end;
    TextId device = s.device_type;
    std::optional<Timestamp> conversion = s.conversion_time;
    SessionActivity a = s.activity;
    do {
      const InteractionRow& row = rows[i];
      members[member++] = i;
      page_views += page_view_kinds.contains(row.kind) ? 1u : 0u;
      end = std::max(end, row.view_end);
      device = device != no_text ? device : row.device_type;
      if (row.kind == EventKind::checkout_completed && (!conversion || row.time < *conversion))
        conversion = row.time;

      const bool product_view = row.kind == EventKind::product_view;
      a.added_to_cart |= row.kind == EventKind::add_to_cart;
      a.started_checkout |= row.kind == EventKind::checkout_started;
      a.viewed_product |= product_view;
      // Selects by masks: GCC turns the plain conditionals into branches on the kind, which
      // follows no pattern and mispredicts.
      const TextId product = row.product_id & (0u - TextId{product_view});
      a.compared_products |=
          (product != no_text) & (walk.first_product != no_text) & (product != walk.first_product);
      walk.first_product |= product & (0u - TextId{walk.first_product == no_text});
      // The tracker's own page event for a product page is skipped (paired_page_views).
      const auto skip = static_cast<std::uint8_t>(
          0u - unsigned{paired && walk.last == static_cast<std::uint8_t>(EventKind::page_view)});
      const auto previous =
          static_cast<std::uint8_t>((walk.before_last & skip) | (walk.last & ~skip));
      packed_votes += std::uint64_t{product_view} << (vote_bits * label_after[previous]);
      walk.before_last = walk.last;
      walk.last = static_cast<std::uint8_t>(row.kind);
      if (++since_flush == votes_per_flush) flush_votes();
      ++i;
    } while (i < n && rows[i].session == k);
    s.members_end = member;
    s.page_views = page_views;
    s.end = end;
    s.device_type = device;
    s.conversion_time = conversion;
    s.activity = a;
    walks[k] = walk;
  }
  flush_votes();
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
