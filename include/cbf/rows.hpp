// The compact rows of one customer's context: used interactions in time order, sessions,
// attributions, orders. Fixed-size integers: every text a family needs is an id into one of the
// context's pools (detail::TextPools), so nothing after the read touches the host's text again.
#pragma once

#include <cbf/config.hpp>
#include <cbf/detail/event_kind_cache.hpp>
#include <cbf/detail/text_pool.hpp>
#include <cbf/events.hpp>
#include <cbf/features.hpp>
#include <cbf/time.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cbf {

/// Index of "no session" in InteractionRow::session.
inline constexpr std::uint32_t no_session = std::numeric_limits<std::uint32_t>::max();

/// A text's id in one of a context's pools (CustomerContext::texts); 0 when empty.
using TextId = detail::TextId;

/// A used interaction. Ids are read only where a family needs them, as their comments say.
struct InteractionRow {
  Timestamp time{};      ///< created_at
  Timestamp view_end{};  ///< created_at + view_duration (0 when missing or unreadable)
  std::uint32_t input_index = 0;
  std::uint32_t session = no_session;  ///< index into CustomerContext::sessions
  TextId session_id = 0;               ///< texts.session_ids: exact
  /// texts.product_ids, or a batch's packed_product_id: equal exactly when the product_ids are;
  /// product views only (else 0)
  TextId product_id = 0;
  TextId category_id = 0;   ///< texts.category_ids: exact; product and collection views only
  TextId search_query = 0;  ///< texts.queries: normalised, 0 when blank; searches only
  TextId device_type = 0;   ///< texts.labels: normalised, 0 when blank
  EventKind kind = EventKind::other;
};

/// What a session did, from its members: resolved once with the session (resolve_sessions).
struct SessionActivity {
  bool added_to_cart = false;      ///< ≥ 1 add_to_cart
  bool started_checkout = false;   ///< ≥ 1 checkout_started
  bool viewed_product = false;     ///< ≥ 1 product_view
  bool compared_products = false;  ///< product views of ≥ 2 distinct product_ids
};

/// The fixed discovery labels, in the contract's tie-break order.
enum class DiscoveryLabel : std::uint8_t { search, browse, related, direct, cart };

inline constexpr std::size_t discovery_label_count = 5;

/// The label a product_view votes for, given the kind of the interaction just before it.
[[nodiscard]] constexpr DiscoveryLabel discovery_label(const EventKind* previous) noexcept {
  if (previous == nullptr) return DiscoveryLabel::direct;
  switch (*previous) {
    case EventKind::search:
      return DiscoveryLabel::search;
    case EventKind::product_view:
      return DiscoveryLabel::related;
    case EventKind::add_to_cart:
    case EventKind::remove_from_cart:
    case EventKind::cart_view:
      return DiscoveryLabel::cart;
    default:
      return DiscoveryLabel::browse;  // collection, page, checkout kinds and other
  }
}

/// A session of S: a used Session record, or one derived from interactions.
struct SessionRow {
  Timestamp start{};
  Timestamp end{};                           ///< resolved end: never before start, cut at as_of
  std::optional<Timestamp> conversion_time;  ///< earliest checkout_completed or attribution
  TextId session_id = 0;     ///< exact; a derived session's is its first interaction's
  TextId device_type = 0;    ///< normalised label; its own, else its first member's that has one
  TextId referrer_type = 0;  ///< normalised label, 0 when missing
  std::uint32_t members_begin = 0;  ///< members in CustomerContext::session_members
  std::uint32_t members_end = 0;
  std::uint32_t page_views = 0;  ///< members whose kind is in page_view_kinds
  SessionActivity activity;      ///< what its members did

  /// d(s) of the contract.
  [[nodiscard]] constexpr Duration duration() const noexcept { return end - start; }
  [[nodiscard]] constexpr bool converts() const noexcept { return conversion_time.has_value(); }
};

/// A used attribution row.
struct AttributionRow {
  Timestamp time{};
  double value = 0;  ///< finite, 0 ≤ value ≤ 10¹²
  std::uint32_t input_index = 0;
  TextId order_id = 0;          ///< texts.order_ids: exact, never 0
  TextId session_id = 0;        ///< texts.session_ids: exact, 0 when missing
  TextId attribution_type = 0;  ///< texts.labels: normalised, 0 when missing
};

/// A purchase: the distinct order_id of used attributions.
struct OrderRow {
  Timestamp time{};  ///< earliest created_at of its rows
  double value = 0;  ///< sum of its rows' values, correctly rounded
  TextId order_id = 0;
};

namespace detail {

/// A used Session record before its members are known.
struct SessionCandidate {
  SessionRow row;
  TimeField end_time;
  std::uint32_t input_index;
};

/// Sessions by id: the indices of each id's sessions, in index order, laid out by a counting
/// sort over the ids (dense, 1 to the session_ids pool's size), so no comparison sort.
struct SessionIndex {
  std::vector<std::uint32_t> begins;   ///< by id: where its sessions start in `sessions`
  std::vector<std::uint32_t> indices;  ///< session indices grouped by id

  /// Indexes `sessions`, whose ids are below `ids` + 1.
  void build(const std::vector<SessionRow>& sessions, std::size_t ids) {
    begins.assign(ids + 2, 0);
    for (const SessionRow& s : sessions)
      if (s.session_id != no_text) ++begins[s.session_id + 1];
    for (std::size_t id = 1; id < begins.size(); ++id) begins[id] += begins[id - 1];
    indices.resize(begins.back());
    // begins[id] moves to the id's end as its sessions are placed, then back by one slot.
    for (std::uint32_t i = 0; i < sessions.size(); ++i)
      if (const TextId id = sessions[i].session_id; id != no_text) indices[begins[id]++] = i;
    for (std::size_t id = begins.size() - 1; id > 0; --id) begins[id] = begins[id - 1];
    begins[0] = 0;
  }

  /// Calls f(index) for every session with this id, in index order.
  template <class F>
  void for_each(TextId id, F&& f) const {
    if (id == no_text || id + 1 >= begins.size()) return;
    for (std::uint32_t k = begins[id]; k < begins[id + 1]; ++k) f(indices[k]);
  }
};

/// The pools of a context's texts, one per field or kind of comparison.
struct TextPools {
  TextPool session_ids;  ///< session_id of interactions, sessions and attributions
  TextPool product_ids;
  TextPool category_ids;
  TextPool queries;  ///< search queries, normalised (trimmed, lower case, single spaces)
  TextPool labels;   ///< device, referrer and attribution types, normalised
  TextPool order_ids;

  void clear() noexcept {
    session_ids.clear();
    product_ids.clear();
    category_ids.clear();
    queries.clear();
    labels.clear();
    order_ids.clear();
  }
};

/// The decimal text of a customer's integer key, which the context views like any record's text:
/// blocks that never move, reused from one customer to the next (a block a copied context still
/// shares is left to it).
class IdArena {
 public:
  /// Forgets every text kept so far.
  void clear() noexcept {
    block_ = 0;
    used_ = 0;
  }

  /// A copy of `text` (at most block_size bytes) that lives until clear().
  [[nodiscard]] std::string_view keep(std::string_view text) {
    if (used_ + text.size() > block_size) {
      ++block_;
      used_ = 0;
    }
    if (block_ == blocks_.size()) blocks_.push_back(std::make_shared<Block>());
    if (used_ == 0 && blocks_[block_].use_count() > 1) blocks_[block_] = std::make_shared<Block>();
    char* out = blocks_[block_]->data() + used_;
    std::copy(text.begin(), text.end(), out);
    used_ += text.size();
    return std::string_view(out, text.size());
  }

 private:
  static constexpr std::size_t block_size = 4096;
  using Block = std::array<char, block_size>;
  std::vector<std::shared_ptr<Block>> blocks_;
  std::size_t block_ = 0;
  std::size_t used_ = 0;
};

/// The last integer read for one id field and its kept text.
struct IdMemo {
  bool set = false;
  bool negative = false;
  std::uint64_t bits = 0;
  std::string_view text;
};

/// A label's id and how often it occurs.
struct LabelCount {
  TextId id = no_text;
  std::int64_t count = 0;
};

/// An interaction's place in time order as one 128-bit key: time, then page_view first, then
/// position (time_order_less; rows are read in input order, so position orders as input_index).
struct TimeOrderKey {
  std::int64_t time;
  std::uint64_t rest;  // bit 32: not a page_view; bits 0–31: position in the rows

  /// The key as one unsigned 128-bit number of the same order (time's sign bit flipped).
  [[nodiscard]] constexpr auto packed() const noexcept {
    __extension__ using Wide = unsigned __int128;  // g++ and clang++ both have it
    const auto t = static_cast<std::uint64_t>(time) ^ (std::uint64_t{1} << 63);
    return (static_cast<Wide>(t) << 64) | rest;
  }
  friend constexpr bool operator<(const TimeOrderKey& a, const TimeOrderKey& b) noexcept {
    return a.packed() < b.packed();  // one 128-bit comparison
  }
};

/// A session's walk through its members while they are resolved: the first product viewed and
/// the kinds of the last two members (event_kind_count for none).
struct SessionWalk {
  TextId first_product = no_text;
  std::uint8_t last = event_kind_count;
  std::uint8_t before_last = event_kind_count;
};

/// A search whose query is interned after the pass over the records (defers_search_query).
struct DeferredQuery {
  std::uint32_t row;      ///< in CustomerContext::interactions
  std::string_view text;  ///< the record's search_query, raw
};

/// Buffers of sort_by_time_order.
struct TimeOrderScratch {
  std::vector<TimeOrderKey> keys;
  std::vector<TimeOrderKey> merge_keys;
  std::vector<std::uint32_t> run_starts;
  std::vector<InteractionRow> rows;
};

/// Buffers the families reuse from one customer to the next (compute_features with a scratch).
struct FeatureScratch {
  IdCounter id_counts;                   ///< counts of one field's ids at a time, for each family
  std::vector<LabelCount> other_labels;  ///< product_discovery_method
};

/// Buffers build_context reuses from one customer to the next; not part of the result.
struct ContextScratch {
  IdArena ids;              ///< the digits of integer ids
  bool single_key = false;  ///< the records must be one customer's (make_context)
  bool key_known = false;   ///< every record holds the context's key: it is not read again
  /// The first (shop_id, customer_id) found besides the context's own, when single_key.
  std::optional<std::pair<std::string, std::string>> other_key;
  std::array<IdMemo, 2> id_memos;  ///< shop, customer
  std::string normalised;          ///< a label or query being normalised
  EventKindCache event_kinds;      ///< kinds of recent event_type texts (kept across customers)
  std::vector<SessionCandidate> session_records;  ///< used Session records, by start time
  std::vector<SessionCandidate> sorted_records;   ///< where session_records are sorted into
  std::vector<bool> seen_session_ids;             ///< by session id: a Session record kept
  TimeOrderScratch time_order;                    ///< interactions being put in time order
  SessionIndex index;
  std::vector<SessionWalk> walks;  ///< by session, while resolve_sessions walks the members
  std::vector<std::uint32_t> order_rows;
  std::vector<DeferredQuery> deferred_queries;  ///< read_interactions' searches, when deferred
};

}  // namespace detail

/// Everything the families read about one customer. Reusable: build_context clears and refills it.
struct CustomerContext {
  const Config* config = nullptr;
  Timestamp as_of{};
  std::string_view shop_id;  ///< the key, blank read as empty
  std::string_view customer_id;
  /// The key's ids as integers (their 64 bits), when its records hold them as integers.
  std::optional<std::uint64_t> shop_id_bits;
  std::optional<std::uint64_t> customer_id_bits;
  std::vector<InteractionRow> interactions;    ///< used, in time order
  std::vector<SessionRow> sessions;            ///< S, by start time
  std::vector<std::uint32_t> session_members;  ///< interaction indices grouped by session
  std::vector<AttributionRow> attributions;    ///< used, in input order
  std::vector<OrderRow> orders;                ///< by time, then order_id
  /// Product views (session members) by the DiscoveryLabel of the member before them in their
  /// session (paired_page_views applied): product_discovery_method's votes from interactions.
  std::array<std::int64_t, discovery_label_count> product_view_votes{};
  std::optional<Timestamp> first_seen;
  bool sessions_derived = false;  ///< no used Session records: S was derived
  Diagnostics diagnostics;
  detail::TextPools texts;         ///< the texts the rows' ids stand for
  detail::ContextScratch scratch;  ///< reused buffers (internal)

  /// The text a session_id or order_id of the rows stands for (empty for 0).
  [[nodiscard]] std::string session_id_text(TextId id) const {
    detail::NumberText room;
    return std::string(texts.session_ids.text(id, room));
  }
  [[nodiscard]] std::string order_id_text(TextId id) const {
    detail::NumberText room;
    return std::string(texts.order_ids.text(id, room));
  }
  /// A device, referrer or attribution type's normalised label (valid until the context is
  /// rebuilt).
  [[nodiscard]] std::string_view label_text(TextId id) const noexcept {
    return texts.labels.text(id);
  }

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

}  // namespace cbf
