// Event kinds (contract §1, Event kinds) and their allocation-free classification.
#pragma once

#include <cbf/detail/text.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <string_view>

namespace cbf {

/// The kind of an interaction, from its `event_type`.
enum class EventKind : std::uint8_t {
  other,
  page_view,
  product_view,
  collection_view,
  search,
  add_to_cart,
  remove_from_cart,
  cart_view,
  checkout_started,
  checkout_completed,
};

inline constexpr std::size_t event_kind_count = 10;

/// The contract's name of a kind.
[[nodiscard]] constexpr std::string_view name(EventKind kind) noexcept {
  constexpr std::array<std::string_view, event_kind_count> names{
      "other",       "page_view",        "product_view", "collection_view",  "search",
      "add_to_cart", "remove_from_cart", "cart_view",    "checkout_started", "checkout_completed"};
  return names[static_cast<std::size_t>(kind)];
}

namespace detail {

struct EventName {
  std::string_view name;
  EventKind kind;
};

inline constexpr EventName event_names[] = {
    {"page_viewed", EventKind::page_view},
    {"page_view", EventKind::page_view},
    {"pageview", EventKind::page_view},
    {"product_viewed", EventKind::product_view},
    {"product_view", EventKind::product_view},
    {"view_item", EventKind::product_view},
    {"view", EventKind::product_view},
    {"detail", EventKind::product_view},
    {"collection_viewed", EventKind::collection_view},
    {"collection_view", EventKind::collection_view},
    {"view_item_list", EventKind::collection_view},
    {"category_view", EventKind::collection_view},
    {"search_submitted", EventKind::search},
    {"search", EventKind::search},
    {"view_search_results", EventKind::search},
    {"product_added_to_cart", EventKind::add_to_cart},
    {"add_to_cart", EventKind::add_to_cart},
    {"addtocart", EventKind::add_to_cart},
    {"cart", EventKind::add_to_cart},
    {"product_removed_from_cart", EventKind::remove_from_cart},
    {"remove_from_cart", EventKind::remove_from_cart},
    {"cart_viewed", EventKind::cart_view},
    {"view_cart", EventKind::cart_view},
    {"checkout_started", EventKind::checkout_started},
    {"begin_checkout", EventKind::checkout_started},
    {"checkout_completed", EventKind::checkout_completed},
    {"purchase", EventKind::checkout_completed},
    {"transaction", EventKind::checkout_completed},
};

/// The event_names of one length, in list order: a text is compared only with names it could
/// equal, which makes classifying a few comparisons instead of one per name.
struct EventNameBucket {
  std::uint8_t count = 0;
  std::array<std::uint8_t, 6> index{};
};

inline constexpr auto event_name_buckets = [] {
  std::array<EventNameBucket, 32> buckets{};
  for (std::size_t i = 0; i < std::size(event_names); ++i) {
    EventNameBucket& b = buckets[event_names[i].name.size()];  // out of range: not constexpr
    b.index[b.count++] = static_cast<std::uint8_t>(i);
  }
  return buckets;
}();

}  // namespace detail

/// Classifies an `event_type` case- and whitespace-insensitively; unknown names are `other`.
[[nodiscard]] constexpr EventKind classify_event(std::string_view event_type) noexcept {
  const std::string_view t = detail::trim(event_type);
  if (t.size() >= detail::event_name_buckets.size()) return EventKind::other;
  const detail::EventNameBucket& bucket = detail::event_name_buckets[t.size()];
  for (std::uint8_t k = 0; k < bucket.count; ++k) {
    // The names are lower case: a first byte that differs once folded rules a name out, and
    // trackers mostly send the name exactly.
    const detail::EventName& entry = detail::event_names[bucket.index[k]];
    if (detail::ascii_lower(t[0]) != entry.name[0]) continue;
    if (t == entry.name || detail::equal_folded(t, entry.name)) return entry.kind;
  }
  return EventKind::other;
}

/// A set of event kinds (for `page_view_kinds`), a value type with constexpr operations.
class EventKindSet {
 public:
  constexpr EventKindSet() noexcept = default;
  constexpr EventKindSet(std::initializer_list<EventKind> kinds) noexcept {
    for (EventKind k : kinds) insert(k);
  }
  constexpr void insert(EventKind k) noexcept { bits_ |= bit(k); }
  constexpr void erase(EventKind k) noexcept { bits_ &= static_cast<std::uint16_t>(~bit(k)); }
  [[nodiscard]] constexpr bool contains(EventKind k) const noexcept {
    return (bits_ & bit(k)) != 0;
  }
  [[nodiscard]] constexpr bool empty() const noexcept { return bits_ == 0; }
  friend constexpr bool operator==(EventKindSet, EventKindSet) noexcept = default;

 private:
  static constexpr std::uint16_t bit(EventKind k) noexcept {
    return static_cast<std::uint16_t>(1u << static_cast<unsigned>(k));
  }
  std::uint16_t bits_ = 0;
};

}  // namespace cbf
