// The single pass: one customer's records → used rows in time order, sessions, orders, diagnostics.
//
// Host records are read here and nowhere else, once each. Families are pure functions of the
// CustomerContext this builds, so nothing is sorted or derived twice.
#pragma once

#include <cbf/concepts.hpp>
#include <cbf/config.hpp>
#include <cbf/detail/exact_sum.hpp>
#include <cbf/detail/text.hpp>
#include <cbf/events.hpp>
#include <cbf/features.hpp>
#include <cbf/time.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace cbf {

/// Index of "no session" in InteractionRow::session.
inline constexpr std::uint32_t no_session = std::numeric_limits<std::uint32_t>::max();

/// A used interaction. Text fields are views into the host's record, trimmed where categorical.
struct InteractionRow {
  Timestamp time{};      ///< created_at
  Timestamp view_end{};  ///< created_at + view_duration (0 when missing or unreadable)
  std::uint32_t input_index = 0;
  std::uint32_t session = no_session;  ///< index into CustomerContext::sessions
  EventKind kind = EventKind::other;
  std::string_view session_id;    ///< exact, empty when missing
  std::string_view product_id;    ///< exact, empty when missing
  std::string_view category_id;   ///< exact, empty when missing
  std::string_view search_query;  ///< raw; compare with detail::compare_queries
  std::string_view device_type;   ///< trimmed, empty when missing
};

/// A session of S: a used Session record, or one derived from interactions.
struct SessionRow {
  Timestamp start{};
  Timestamp end{};                           ///< resolved end: never before start, cut at as_of
  std::optional<Timestamp> conversion_time;  ///< earliest checkout_completed or attribution
  std::string_view session_id;      ///< exact; a derived session's is its first interaction's
  std::string_view device_type;     ///< trimmed; its own, else its first member's that has one
  std::string_view referrer_type;   ///< trimmed, empty when missing
  std::uint32_t members_begin = 0;  ///< members in CustomerContext::session_members
  std::uint32_t members_end = 0;
  std::uint32_t page_views = 0;  ///< members whose kind is in page_view_kinds

  /// d(s) of the contract.
  [[nodiscard]] constexpr Duration duration() const noexcept { return end - start; }
  [[nodiscard]] constexpr bool converts() const noexcept { return conversion_time.has_value(); }
};

/// A used attribution row.
struct AttributionRow {
  Timestamp time{};
  double value = 0;  ///< finite, 0 ≤ value ≤ 10¹²
  std::uint32_t input_index = 0;
  std::string_view order_id;          ///< exact, non-empty
  std::string_view session_id;        ///< exact, empty when missing
  std::string_view attribution_type;  ///< trimmed, empty when missing
};

/// A purchase: the distinct order_id of used attributions.
struct OrderRow {
  Timestamp time{};  ///< earliest created_at of its rows
  double value = 0;  ///< sum of its rows' values, correctly rounded
  std::string_view order_id;
};

namespace detail {

/// A used Session record before its members are known.
struct SessionCandidate {
  SessionRow row;
  TimeField end_time;
  std::uint32_t input_index;
};

/// Sorted (session_id, index) pairs, to find sessions by id.
struct SessionIndex {
  std::vector<std::pair<std::string_view, std::uint32_t>> entries;

  void build(const std::vector<SessionRow>& sessions) {
    entries.clear();
    for (std::uint32_t i = 0; i < sessions.size(); ++i)
      if (!sessions[i].session_id.empty()) entries.emplace_back(sessions[i].session_id, i);
    std::sort(entries.begin(), entries.end());
  }

  /// Calls f(index) for every session with this id.
  template <class F>
  void for_each(std::string_view id, F&& f) const {
    if (id.empty()) return;
    auto it = std::lower_bound(entries.begin(), entries.end(), id,
                               [](const auto& e, std::string_view v) { return e.first < v; });
    for (; it != entries.end() && it->first == id; ++it) f(it->second);
  }
};

/// Buffers build_context reuses from one customer to the next; not part of the result.
struct ContextScratch {
  std::vector<SessionCandidate> session_records;  ///< used Session records, by start time
  SessionIndex index;
  std::vector<std::uint32_t> offsets;
  std::vector<std::uint32_t> order_rows;
};

}  // namespace detail

/// Everything the families read about one customer. Reusable: build_context clears and refills it.
struct CustomerContext {
  const Config* config = nullptr;
  Timestamp as_of{};
  std::string_view shop_id;  ///< the key, blank read as empty
  std::string_view customer_id;
  std::vector<InteractionRow> interactions;    ///< used, in time order
  std::vector<SessionRow> sessions;            ///< S, by start time
  std::vector<std::uint32_t> session_members;  ///< interaction indices grouped by session
  std::vector<AttributionRow> attributions;    ///< used, in input order
  std::vector<OrderRow> orders;                ///< by time, then order_id
  std::optional<Timestamp> first_seen;
  bool sessions_derived = false;  ///< no used Session records: S was derived
  Diagnostics diagnostics;
  detail::ContextScratch scratch;  ///< reused buffers (internal)

  /// The interactions of session s, in time order.
  [[nodiscard]] auto members(const SessionRow& s) const noexcept {
    return std::span<const std::uint32_t>(session_members)
        .subspan(s.members_begin, s.members_end - s.members_begin);
  }

  /// `tenure_months = max(1, (as_of − first_seen) / month)`; 1 when nothing was seen.
  [[nodiscard]] double tenure_months() const noexcept {
    constexpr double month_us = 2629746.0 * 1e6;  // 30.436875 days
    if (!first_seen) return 1.0;
    const double months = static_cast<double>((as_of - *first_seen).count()) / month_us;
    return months > 1.0 ? months : 1.0;
  }
};

namespace detail {

enum class Reason : std::uint8_t {
  used,
  missing_field,
  bad_timestamp,
  after_as_of,
  before_lookback,
  empty_order_id,
  bad_money,
  duplicate_session,
  duplicate_customer
};

constexpr void count(RecordCounts& c, Reason r) noexcept {
  switch (r) {
    case Reason::used:
      ++c.used;
      break;
    case Reason::missing_field:
      ++c.missing_field;
      break;
    case Reason::bad_timestamp:
      ++c.bad_timestamp;
      break;
    case Reason::after_as_of:
      ++c.after_as_of;
      break;
    case Reason::before_lookback:
      ++c.before_lookback;
      break;
    case Reason::empty_order_id:
      ++c.empty_order_id;
      break;
    case Reason::bad_money:
      ++c.bad_money;
      break;
    case Reason::duplicate_session:
      ++c.duplicate_session;
      break;
    case Reason::duplicate_customer:
      ++c.duplicate_customer;
      break;
  }
}

/// The observation window [window_start, as_of] of contract §0.
struct Window {
  Timestamp as_of;
  std::optional<Timestamp> start;

  /// bad_timestamp, after_as_of, before_lookback or used for a required stamp.
  [[nodiscard]] constexpr Reason check(const TimeField& stamp) const noexcept {
    if (!stamp.is_valid()) return Reason::bad_timestamp;
    if (stamp.value() > as_of) return Reason::after_as_of;
    if (start && stamp.value() < *start) return Reason::before_lookback;
    return Reason::used;
  }
};

[[nodiscard]] inline Window make_window(const Config& config, Timestamp as_of) noexcept {
  Window w{as_of, std::nullopt};
  // as_of is within ±2^62 µs (validate), so a lookback clamped to 2^62 µs cannot overflow.
  if (config.lookback) w.start = as_of - std::min(*config.lookback, timestamp_limit);
  return w;
}

/// A money value as the contract reads it: missing = 0, -0 = 0; empty when bad.
[[nodiscard]] inline std::optional<double> read_money(std::optional<double> v) noexcept {
  if (!v) return 0.0;
  if (!(*v >= 0.0 && *v <= 1e12)) return std::nullopt;  // also rejects NaN
  return *v + 0.0;                                      // -0 + 0 = +0
}

/// A view_duration in microseconds; empty when missing; `bad` when present but unreadable.
[[nodiscard]] inline std::optional<Duration> read_view_duration(std::optional<double> v,
                                                                bool& bad) noexcept {
  bad = false;
  if (!v) return std::nullopt;
  if (!(*v >= 0.0 && *v <= 1e9)) {
    bad = true;
    return std::nullopt;
  }
  return Duration{static_cast<std::int64_t>(std::nearbyint(*v * 1e6))};
}

/// Contract §1, "Time order": time, then page_view first, then input order.
[[nodiscard]] constexpr bool time_order_less(const InteractionRow& a,
                                             const InteractionRow& b) noexcept {
  if (a.time != b.time) return a.time < b.time;
  const bool pa = a.kind == EventKind::page_view;
  const bool pb = b.kind == EventKind::page_view;
  if (pa != pb) return pa;
  return a.input_index < b.input_index;
}

template <class Range>
void read_customers(CustomerContext& ctx, Range&& customers, const Window& window) {
  bool first = true;
  for (const auto& item : customers) {
    const auto& r = deref(item);
    RecordCounts& c = ctx.diagnostics.customer;
    const std::string_view customer_id = id_or_empty(field::customer_id(r));
    if (customer_id.empty()) {
      ++c.missing_field;
      continue;
    }
    if (!first) {
      ++c.duplicate_customer;
      continue;
    }
    first = false;
    if (ctx.customer_id.empty()) {
      ctx.customer_id = customer_id;
      ctx.shop_id = id_or_empty(field::shop_id(r));
    }
    const TimeField created = field::created_at(r);
    if (created.state() == TimeField::State::invalid) {
      ++c.bad_timestamp;
    } else if (created.is_valid() && created.value() > window.as_of) {
      ++c.after_as_of;  // the lookback does not apply to customer rows
    } else {
      ++c.used;
      if (created.is_valid()) ctx.first_seen = created.value();
    }
  }
}

/// Takes the key from the first record that has one, when no customer row gave it.
template <class Record>
void adopt_key(CustomerContext& ctx, const Record& r, std::string_view customer_id) {
  if (ctx.customer_id.empty()) {
    ctx.customer_id = customer_id;
    ctx.shop_id = id_or_empty(field::shop_id(r));
  }
}

template <class Range>
void read_interactions(CustomerContext& ctx, Range&& interactions, const Window& window) {
  std::uint32_t index = 0;
  for (const auto& item : interactions) {
    const auto& r = deref(item);
    const std::uint32_t input_index = index++;
    const std::string_view customer_id = id_or_empty(field::customer_id(r));
    if (!customer_id.empty()) adopt_key(ctx, r, customer_id);
    const std::string_view event_type = trim(field::event_type(r));
    const TimeField created = field::created_at(r);
    Reason reason = Reason::missing_field;
    if (!customer_id.empty() && !event_type.empty() && !created.is_missing())
      reason = window.check(created);
    count(ctx.diagnostics.interaction, reason);
    if (reason != Reason::used) continue;

    bool bad_duration = false;
    const auto duration = read_view_duration(field::view_duration(r), bad_duration);
    if (bad_duration) ++ctx.diagnostics.interaction.bad_view_duration;
    InteractionRow row;
    row.time = created.value();
    row.view_end = row.time + duration.value_or(Duration::zero());
    row.input_index = input_index;
    row.kind = classify_event(event_type);
    row.session_id = id_or_empty(field::session_id(r));
    row.product_id = id_or_empty(field::product_id(r));
    row.category_id = id_or_empty(field::category_id(r));
    row.search_query = field::search_query(r);
    row.device_type = trim(field::device_type(r));
    ctx.interactions.push_back(row);
  }
}

template <class Range>
void read_sessions(CustomerContext& ctx, std::vector<SessionCandidate>& out, Range&& sessions,
                   const Window& window) {
  std::uint32_t index = 0;
  for (const auto& item : sessions) {
    const auto& r = deref(item);
    const std::uint32_t input_index = index++;
    const std::string_view customer_id = id_or_empty(field::customer_id(r));
    if (!customer_id.empty()) adopt_key(ctx, r, customer_id);
    const std::string_view session_id = id_or_empty(field::session_id(r));
    const TimeField start = field::start_time(r);
    Reason reason = Reason::missing_field;
    if (!customer_id.empty() && !session_id.empty() && !start.is_missing())
      reason = window.check(start);
    if (reason != Reason::used) {
      count(ctx.diagnostics.session, reason);
      continue;
    }
    SessionCandidate c{};
    c.row.start = start.value();
    c.row.session_id = session_id;
    c.row.device_type = trim(field::device_type(r));
    c.row.referrer_type = trim(field::referrer_type(r));
    c.end_time = field::end_time(r);
    c.input_index = input_index;
    out.push_back(c);
  }
  // Duplicates (same session_id among in-window records): the first in input order is kept.
  std::sort(out.begin(), out.end(), [](const SessionCandidate& a, const SessionCandidate& b) {
    if (a.row.session_id != b.row.session_id) return a.row.session_id < b.row.session_id;
    return a.input_index < b.input_index;
  });
  std::size_t kept = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (kept > 0 && out[kept - 1].row.session_id == out[i].row.session_id) {
      ++ctx.diagnostics.session.duplicate_session;
      continue;
    }
    out[kept++] = out[i];
  }
  out.resize(kept);
  RecordCounts& c = ctx.diagnostics.session;
  c.used += static_cast<std::int64_t>(kept);
  for (const auto& s : out) {
    if (s.end_time.state() == TimeField::State::invalid) ++c.bad_end_time;
    if (s.end_time.is_valid() && s.end_time.value() < s.row.start) ++c.end_before_start;
  }
}

template <class Range>
void read_attributions(CustomerContext& ctx, Range&& attributions, const Window& window) {
  std::uint32_t index = 0;
  for (const auto& item : attributions) {
    const auto& r = deref(item);
    const std::uint32_t input_index = index++;
    const std::string_view customer_id = id_or_empty(field::customer_id(r));
    if (!customer_id.empty()) adopt_key(ctx, r, customer_id);
    const TimeField created = field::created_at(r);
    const std::string_view order_id = id_or_empty(field::order_id(r));
    const auto value = read_money(field::attribution_value(r));
    Reason reason = Reason::missing_field;
    if (!customer_id.empty() && !created.is_missing()) {
      reason = window.check(created);
      if (reason == Reason::used && order_id.empty()) reason = Reason::empty_order_id;
      if (reason == Reason::used && !value) reason = Reason::bad_money;
    }
    count(ctx.diagnostics.attribution, reason);
    if (reason != Reason::used) continue;
    AttributionRow row;
    row.time = created.value();
    row.value = *value;
    row.input_index = input_index;
    row.order_id = order_id;
    row.session_id = id_or_empty(field::session_id(r));
    row.attribution_type = trim(field::attribution_type(r));
    ctx.attributions.push_back(row);
  }
}

/// Sessions derived from the interactions in time order (contract §4.6).
inline void derive_sessions(CustomerContext& ctx) {
  const Duration timeout = ctx.config->session_timeout;
  for (std::uint32_t i = 0; i < ctx.interactions.size(); ++i) {
    InteractionRow& row = ctx.interactions[i];
    bool starts = ctx.sessions.empty();
    if (!starts) {
      const SessionRow& current = ctx.sessions.back();
      starts = row.session_id.empty() ? row.time - ctx.interactions[i - 1].time > timeout
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

/// Members grouped by session (stable, so each group keeps time order), and per-session facts.
inline void resolve_sessions(CustomerContext& ctx) {
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
  }
  ctx.session_members.assign(offsets.back(), 0);
  for (std::uint32_t i = 0; i < ctx.interactions.size(); ++i) {
    const InteractionRow& row = ctx.interactions[i];
    if (row.session == no_session) continue;
    SessionRow& s = ctx.sessions[row.session];
    ctx.session_members[s.members_end++] = i;
    if (config.page_view_kinds.contains(row.kind)) ++s.page_views;
    if (s.device_type.empty()) s.device_type = row.device_type;
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
    if (!end) {
      Timestamp latest = s.start;
      for (std::uint32_t m : ctx.members(s))
        latest = std::max(latest, ctx.interactions[m].view_end);
      end = latest;
    }
    s.end = std::max(s.start, std::min(*end, ctx.as_of));
  }
}

inline void convert_by_attributions(CustomerContext& ctx, const SessionIndex& index) {
  for (const AttributionRow& a : ctx.attributions) {
    index.for_each(a.session_id, [&](std::uint32_t k) {
      SessionRow& s = ctx.sessions[k];
      if (!s.conversion_time || a.time < *s.conversion_time) s.conversion_time = a.time;
    });
  }
}

inline void build_orders(CustomerContext& ctx) {
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
  std::sort(ctx.orders.begin(), ctx.orders.end(), [](const OrderRow& a, const OrderRow& b) {
    return a.time != b.time ? a.time < b.time : a.order_id < b.order_id;
  });
}

inline void find_first_seen(CustomerContext& ctx) {
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

}  // namespace detail

/// The latest valid stamp of the given records (contract §4.1), or empty when there is none.
template <class Interactions, class Sessions, class Attributions>
[[nodiscard]] std::optional<Timestamp> latest_stamp(Interactions&& interactions,
                                                    Sessions&& sessions,
                                                    Attributions&& attributions) {
  std::optional<Timestamp> latest;
  const auto see = [&](const TimeField& f) {
    if (f.is_valid() && (!latest || f.value() > *latest)) latest = f.value();
  };
  for (const auto& r : interactions) see(field::created_at(detail::deref(r)));
  for (const auto& r : sessions) see(field::start_time(detail::deref(r)));
  for (const auto& r : attributions) see(field::created_at(detail::deref(r)));
  return latest;
}

/// Thrown when no `as_of` was given and the records hold no valid stamp to default it from.
class MissingAsOf : public std::runtime_error {
 public:
  MissingAsOf()
      : std::runtime_error(
            "cbf: as_of was not given and no record has a valid stamp to take it from; pass "
            "Config::as_of") {}
};

/// Fills `ctx` from one customer's records (they stay owned by the host and must outlive ctx).
/// `as_of` is the cutoff already resolved; config must outlive ctx too.
template <class Customers, class Interactions, class Sessions, class Attributions>
void build_context(CustomerContext& ctx, Customers&& customers, Interactions&& interactions,
                   Sessions&& sessions, Attributions&& attributions, const Config& config,
                   Timestamp as_of) {
  CBF_DETAIL_REQUIRE_RANGE(Customers, customer_record, "customers");
  CBF_DETAIL_REQUIRE_RANGE(Interactions, interaction_record, "interactions");
  CBF_DETAIL_REQUIRE_RANGE(Sessions, session_record, "sessions");
  CBF_DETAIL_REQUIRE_RANGE(Attributions, attribution_record, "attributions");
  CBF_DETAIL_REQUIRE_KEPT(Customers, "customer");
  CBF_DETAIL_REQUIRE_KEPT(Interactions, "interaction");
  CBF_DETAIL_REQUIRE_KEPT(Sessions, "session");
  CBF_DETAIL_REQUIRE_KEPT(Attributions, "attribution");

  ctx.config = &config;
  ctx.as_of = as_of;
  ctx.shop_id = {};
  ctx.customer_id = {};
  ctx.interactions.clear();
  ctx.sessions.clear();
  ctx.session_members.clear();
  ctx.attributions.clear();
  ctx.orders.clear();
  ctx.first_seen.reset();
  ctx.diagnostics = Diagnostics{};

  const detail::Window window = detail::make_window(config, as_of);
  auto& records = ctx.scratch.session_records;
  records.clear();
  detail::read_customers(ctx, customers, window);
  detail::read_interactions(ctx, interactions, window);
  detail::read_sessions(ctx, records, sessions, window);
  detail::read_attributions(ctx, attributions, window);

  std::sort(ctx.interactions.begin(), ctx.interactions.end(), detail::time_order_less);
  detail::SessionIndex& index = ctx.scratch.index;
  ctx.sessions_derived = records.empty();
  if (ctx.sessions_derived) {
    detail::derive_sessions(ctx);
  } else {
    // Record sessions by start time (then input order); members join by exact session_id.
    std::sort(records.begin(), records.end(), [](const auto& a, const auto& b) {
      return a.row.start != b.row.start ? a.row.start < b.row.start : a.input_index < b.input_index;
    });
    for (const auto& r : records) ctx.sessions.push_back(r.row);
    index.build(ctx.sessions);
    for (InteractionRow& row : ctx.interactions)
      index.for_each(row.session_id, [&](std::uint32_t k) { row.session = k; });
  }
  detail::resolve_sessions(ctx);
  if (ctx.sessions_derived) index.build(ctx.sessions);
  detail::convert_by_attributions(ctx, index);
  detail::build_orders(ctx);
  detail::find_first_seen(ctx);
}

// A context points to its config: a temporary Config would dangle.
template <class Customers, class Interactions, class Sessions, class Attributions>
void build_context(CustomerContext&, Customers&&, Interactions&&, Sessions&&, Attributions&&,
                   const Config&&, Timestamp) = delete;

/// The cutoff of a computation: `config.as_of`, else the latest valid stamp (throws MissingAsOf).
template <class Interactions, class Sessions, class Attributions>
[[nodiscard]] Timestamp resolve_as_of(const Config& config, Interactions&& interactions,
                                      Sessions&& sessions, Attributions&& attributions) {
  if (config.as_of) return *config.as_of;
  if (auto latest = latest_stamp(interactions, sessions, attributions)) return *latest;
  throw MissingAsOf();
}

/// A context from one customer's records: validates config, resolves as_of, builds. The context
/// keeps views into the records and a pointer to config: both must outlive it.
template <class Customers, class Interactions, class Sessions, class Attributions>
[[nodiscard]] CustomerContext make_context(Customers&& customers, Interactions&& interactions,
                                           Sessions&& sessions, Attributions&& attributions,
                                           const Config& config) {
  CBF_DETAIL_REQUIRE_KEPT(Customers, "customer");
  CBF_DETAIL_REQUIRE_KEPT(Interactions, "interaction");
  CBF_DETAIL_REQUIRE_KEPT(Sessions, "session");
  CBF_DETAIL_REQUIRE_KEPT(Attributions, "attribution");
  validate(config);
  CustomerContext ctx;
  build_context(ctx, customers, interactions, sessions, attributions, config,
                resolve_as_of(config, interactions, sessions, attributions));
  return ctx;
}

// A context points to its config: a temporary Config would dangle.
template <class Customers, class Interactions, class Sessions, class Attributions>
CustomerContext make_context(Customers&&, Interactions&&, Sessions&&, Attributions&&,
                             const Config&&) = delete;

/// An empty range of records of type R, for calculators given only some record kinds.
template <class R>
inline constexpr std::span<const R> no_records{};

}  // namespace cbf
