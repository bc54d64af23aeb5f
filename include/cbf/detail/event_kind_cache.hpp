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
/// handful of names over and over, so most records are classified by one comparison.
class EventKindCache {
 public:
  /// event_kind_of for a record's raw event_type text.
  [[nodiscard]] std::optional<EventKind> kind_of(std::string_view raw) noexcept {
    if (raw.empty() || raw.size() > max_size) return classify(raw);
    const std::size_t key = raw.size() * 0x9e37u + static_cast<unsigned char>(raw[0]) * 0x85ebu +
                            static_cast<unsigned char>(raw[raw.size() / 2]) * 0xc2b2u;
    Entry& e = entries_[(key >> 4) % entries_.size()];
    if (e.size == raw.size() && equal_bytes(e.bytes, raw.data(), raw.size())) return e.kind;
    e.size = static_cast<std::uint8_t>(raw.size());
    std::copy(raw.begin(), raw.end(), e.bytes);
    e.kind = classify(raw);
    return e.kind;
  }

 private:
  static constexpr std::size_t max_size = 32;
  struct Entry {
    char bytes[max_size]{};
    std::uint8_t size = 0;  // 0: unused (an empty text is never cached)
    std::optional<EventKind> kind;
  };

  [[nodiscard]] static std::optional<EventKind> classify(std::string_view raw) noexcept {
    const std::string_view text = trim(raw);
    if (text.empty()) return std::nullopt;
    return classify_event(text);
  }

  std::array<Entry, 16> entries_{};
};

}  // namespace cbf::detail
