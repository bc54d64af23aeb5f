// The compact rows of one customer's context: used interactions in time order, sessions,
// attributions, orders; views into the host's records, never copies.
#pragma once

#include <cbf/config.hpp>
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

/// The decimal text of a customer's integer ids, which rows view like any record's text: blocks
/// that never move, reused from one customer to the next (a block a copied context still
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

/// Buffers build_context reuses from one customer to the next; not part of the result.
struct ContextScratch {
  IdArena ids;              ///< the digits of integer ids
  bool single_key = false;  ///< the records must be one customer's (make_context)
  /// The first (shop_id, customer_id) found besides the context's own, when single_key.
  std::optional<std::pair<std::string, std::string>> other_key;
  std::array<IdMemo, 6> id_memos;  ///< shop, customer, session, product, category, order
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

}  // namespace cbf
