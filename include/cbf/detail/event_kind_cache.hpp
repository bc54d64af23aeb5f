// A small cache from event_type texts to event kinds, so most records are classified by one
// comparison instead of a lookup among the contract's names.
#pragma once

#include <cbf/detail/hash.hpp>
#include <cbf/detail/text.hpp>
#include <cbf/events.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace cbf::detail {

/// The event kinds of the last few event_type texts read, by their exact bytes: a tracker sends a
/// handful of names over and over, so most records are classified by one comparison. Two ways per
/// set, so two names that share a set (a funnel's search_submitted and checkout_started do) do not
/// evict each other on every record.
class EventKindCache {
 public:
  /// event_kind_of for a record's raw event_type text. The cached case is inlined: it runs once a
  /// record, and a call would cost a third of it.
  [[nodiscard, gnu::always_inline]] std::optional<EventKind> kind_of(
      std::string_view raw) noexcept {
    if (raw.empty() || raw.size() > max_size) return classify(raw);
    const std::size_t key = raw.size() * 0x9e37u + static_cast<unsigned char>(raw[0]) * 0x85ebu +
                            static_cast<unsigned char>(raw[raw.size() / 2]) * 0xc2b2u;
    Set& set = sets_[(key >> 4) % sets_.size()];
    for (std::uint8_t way = 0; way < 2; ++way) {
      const Entry& e = set.ways[way];
      if (e.size == raw.size() && equal_bytes(e.bytes, raw.data(), raw.size())) {
        set.victim = static_cast<std::uint8_t>(1 - way);  // the other way is the older
        return e.kind;
      }
    }
    return cache(set, raw);
  }

  /// How many texts were classified for want of a cached entry (for tests).
  [[nodiscard]] std::size_t misses() const noexcept { return misses_; }

 private:
  static constexpr std::size_t max_size = 32;
  struct Entry {
    char bytes[max_size]{};
    std::uint8_t size = 0;  // 0: unused (an empty text is never cached)
    std::optional<EventKind> kind;
  };
  struct Set {
    std::array<Entry, 2> ways{};
    std::uint8_t victim = 0;  // the way a miss replaces: the one not used last
  };

  /// Classifies `raw` into the set's older way.
  [[gnu::noinline]] std::optional<EventKind> cache(Set& set, std::string_view raw) noexcept {
    Entry& e = set.ways[set.victim];
    set.victim = static_cast<std::uint8_t>(1 - set.victim);
    e.size = static_cast<std::uint8_t>(raw.size());
    std::copy(raw.begin(), raw.end(), e.bytes);
    e.kind = classify(raw);
    ++misses_;
    return e.kind;
  }

  [[nodiscard]] static std::optional<EventKind> classify(std::string_view raw) noexcept {
    const std::string_view text = trim(raw);
    if (text.empty()) return std::nullopt;
    return classify_event(text);
  }

  std::array<Set, 16> sets_{};
  std::size_t misses_ = 0;
};

}  // namespace cbf::detail
