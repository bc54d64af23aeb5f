// The single pass: one customer's records → used rows in time order, sessions, orders, diagnostics.
//
// Host records are read here and nowhere else, once each. Families are pure functions of the
// CustomerContext this builds, so nothing is sorted or derived twice.
#pragma once

#include <cbf/concepts.hpp>
#include <cbf/config.hpp>
#include <cbf/detail/engine.hpp>
#include <cbf/detail/read_records.hpp>
#include <cbf/detail/sessions.hpp>
#include <cbf/rows.hpp>
#include <cbf/time.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cbf {

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

/// Thrown when the records given as one customer's belong to more than one
/// (shop_id, customer_id): they would otherwise be merged into one row without a word.
class MixedCustomers : public std::invalid_argument {
 public:
  MixedCustomers(std::string_view shop_id, std::string_view customer_id,
                 std::string_view other_shop_id, std::string_view other_customer_id)
      : std::invalid_argument("cbf: the records of one customer hold more than one key: (" +
                              std::string(shop_id) + ", " + std::string(customer_id) + ") and (" +
                              std::string(other_shop_id) + ", " + std::string(other_customer_id) +
                              "); pass one customer's records, or use " +
                              "compute_batch for many") {}
};

namespace detail {

/// The key of a group of records that all hold it (a batch's or a stream's customer).
struct KnownKey {
  std::string_view shop_id;
  std::string_view customer_id;
};

/// The 64 bits of a number id (empty for an empty optional).
template <class Raw>
[[nodiscard]] std::optional<std::uint64_t> id_bits(const Raw& raw) noexcept {
  if constexpr (is_optional<std::remove_cvref_t<Raw>>::value) {
    return raw ? id_bits(*raw) : std::nullopt;
  } else {
    return static_cast<std::uint64_t>(raw);
  }
}

/// Sets the key's integer ids from the first record, in the order keys are adopted (customers,
/// interactions, sessions, attributions), whose type holds its customer_id as an integer.
template <class... Ranges>
void find_key_bits(CustomerContext& ctx, Ranges&&... ranges) {
  const auto from = [&](auto&& range) {
    using R = record_of<decltype(range)>;
    if constexpr (number_customer_id<R>) {
      if (ctx.customer_id_bits) return;
      for (const auto& item : range) {
        const R& r = deref(item);
        if (const auto bits = id_bits(raw_customer_id(r))) {
          ctx.customer_id_bits = bits;
          if constexpr (number_shop_id<R>) ctx.shop_id_bits = id_bits(raw_shop_id(r));
          return;
        }
      }
    }
  };
  (from(ranges), ...);
}

/// The first step of every context build: config, as_of and key set, every row, pool and
/// diagnostic of the previous customer emptied.
CBF_DETAIL_ENGINE void begin_context(CustomerContext& ctx, const Config& config, Timestamp as_of,
                                     std::optional<KnownKey> key);

/// The last step of every context build, after the records are read: time order, sessions
/// (derived or matched), conversions, orders and first_seen.
CBF_DETAIL_ENGINE void finish_context(CustomerContext& ctx);

#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE void begin_context(CustomerContext& ctx, const Config& config, Timestamp as_of,
                                     std::optional<KnownKey> key) {
  ctx.config = &config;
  ctx.as_of = as_of;
  ctx.shop_id = key ? key->shop_id : std::string_view{};
  ctx.customer_id = key ? key->customer_id : std::string_view{};
  ctx.scratch.key_known = key.has_value();
  ctx.shop_id_bits.reset();
  ctx.customer_id_bits.reset();
  // ctx.interactions is refilled by read_interactions, which sizes it without constructing rows.
  ctx.sessions.clear();
  ctx.session_members.clear();
  ctx.attributions.clear();
  ctx.orders.clear();
  ctx.first_seen.reset();
  ctx.diagnostics = Diagnostics{};
  ctx.texts.clear();
  ctx.scratch.ids.clear();
  ctx.scratch.other_key.reset();
  ctx.scratch.id_memos = {};
  ctx.scratch.session_records.clear();
}

CBF_DETAIL_ENGINE void finish_context(CustomerContext& ctx) {
  auto& records = ctx.scratch.session_records;
  // Trackers log in time order, so the records arrive sorted but for ties and late events.
  detail::sort_by_time_order(ctx.interactions, ctx.scratch.time_order);
  detail::SessionIndex& index = ctx.scratch.index;
  ctx.sessions_derived = records.empty();
  if (ctx.sessions_derived) {
    detail::derive_sessions(ctx);
  } else {
    // Record sessions by start time (then input order); members join by exact session_id.
    const auto by_start = [](const auto& a, const auto& b) {
      return a.row.start != b.row.start ? a.row.start < b.row.start : a.input_index < b.input_index;
    };
    if (!std::is_sorted(records.begin(), records.end(), by_start))
      detail::sort_by_start(records, ctx.scratch.time_order.keys, ctx.scratch.sorted_records);
    for (const auto& r : records) ctx.sessions.push_back(r.row);
    index.build(ctx.sessions, ctx.texts.session_ids.size());
    // Consecutive interactions mostly share a session: one comparison instead of a search.
    // Each session's members are counted here (in members_end) for resolve_sessions.
    const InteractionRow* previous = nullptr;
    for (InteractionRow& row : ctx.interactions) {
      if (previous != nullptr && row.session_id == previous->session_id) {
        row.session = previous->session;
      } else {
        index.for_each(row.session_id, [&](std::uint32_t k) { row.session = k; });
      }
      if (row.session != no_session) ++ctx.sessions[row.session].members_end;
      previous = &row;
    }
  }
  detail::resolve_sessions(ctx);
  if (ctx.sessions_derived) index.build(ctx.sessions, ctx.texts.session_ids.size());
  detail::convert_by_attributions(ctx, index);
  detail::build_orders(ctx);
  detail::find_first_seen(ctx);
}
#endif

/// build_context; with a known key, the records' own keys are not read again, one by one. Only
/// the reading is compiled for the record types: the steps before and after it are not.
template <class Customers, class Interactions, class Sessions, class Attributions>
void fill_context(CustomerContext& ctx, Customers&& customers, Interactions&& interactions,
                  Sessions&& sessions, Attributions&& attributions, const Config& config,
                  Timestamp as_of, std::optional<KnownKey> key) {
  begin_context(ctx, config, as_of, key);
  const detail::Window window = detail::make_window(config, as_of);
  if constexpr (!statically_empty<Customers>) detail::read_customers(ctx, customers, window);
  if constexpr (!statically_empty<Interactions>)
    detail::read_interactions(ctx, interactions, window);
  else
    ctx.interactions.clear();  // begin_context leaves them to read_interactions
  if constexpr (!statically_empty<Sessions>)
    detail::read_sessions(ctx, ctx.scratch.session_records, sessions, window);
  if constexpr (!statically_empty<Attributions>)
    detail::read_attributions(ctx, attributions, window);
  finish_context(ctx);
  detail::find_key_bits(ctx, customers, interactions, sessions, attributions);
}

/// build_context for records grouped under one key (every record holds `key`, non-empty).
template <class Customers, class Interactions, class Sessions, class Attributions>
void build_keyed_context(CustomerContext& ctx, KnownKey key, Customers&& customers,
                         Interactions&& interactions, Sessions&& sessions,
                         Attributions&& attributions, const Config& config, Timestamp as_of) {
  fill_context(ctx, customers, interactions, sessions, attributions, config, as_of, key);
}

}  // namespace detail

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
  detail::fill_context(ctx, customers, interactions, sessions, attributions, config, as_of,
                       std::nullopt);
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
/// keeps views into the records and a pointer to config: both must outlive it. Throws
/// MixedCustomers when the records hold more than one (shop_id, customer_id).
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
  ctx.scratch.single_key = true;
  build_context(ctx, customers, interactions, sessions, attributions, config,
                resolve_as_of(config, interactions, sessions, attributions));
  if (const auto& other = ctx.scratch.other_key)
    throw MixedCustomers(ctx.shop_id, ctx.customer_id, other->first, other->second);
  return ctx;
}

// A context points to its config: a temporary Config would dangle.
template <class Customers, class Interactions, class Sessions, class Attributions>
CustomerContext make_context(Customers&&, Interactions&&, Sessions&&, Attributions&&,
                             const Config&&) = delete;

/// An empty range of records of type R, for calculators given only some record kinds. It is
/// empty by its type (a span of static extent 0), so nothing is compiled to read it.
template <class R>
inline constexpr std::span<const R, 0> no_records{};

}  // namespace cbf
