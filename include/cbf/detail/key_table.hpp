// The keys of a batch: each distinct (shop_id, customer_id) gets a dense id, in first-seen order.
// Open addressing over hashes; key bytes are copied once into an arena, so probing never touches
// the host's records.
#pragma once

#include <cbf/detail/hash.hpp>

#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

namespace cbf::detail {

class KeyTable {
 public:
  static constexpr std::uint32_t none = std::numeric_limits<std::uint32_t>::max();

  /// The id of a key, adding it when new.
  std::uint32_t insert(std::string_view shop_id, std::string_view customer_id) {
    if ((keys_.size() + 1) * 2 > slots_.size()) grow();
    const std::uint64_t h = hash_key(shop_id, customer_id);
    std::size_t i = h & mask_;
    for (;; i = (i + 1) & mask_) {
      Slot& slot = slots_[i];
      if (slot.id == none) {
        slot = Slot{h, static_cast<std::uint32_t>(keys_.size())};
        keys_.push_back(Entry{arena_.size(), shop_id.size(), customer_id.size(), h});
        arena_.insert(arena_.end(), shop_id.begin(), shop_id.end());
        arena_.insert(arena_.end(), customer_id.begin(), customer_id.end());
        return slot.id;
      }
      if (slot.hash == h && equals(slot.id, shop_id, customer_id)) return slot.id;
    }
  }

  /// The id of a key, or `none` when it was never inserted.
  [[nodiscard]] std::uint32_t find(std::string_view shop_id, std::string_view customer_id) const {
    if (slots_.empty()) return none;
    const std::uint64_t h = hash_key(shop_id, customer_id);
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& slot = slots_[i];
      if (slot.id == none) return none;
      if (slot.hash == h && equals(slot.id, shop_id, customer_id)) return slot.id;
    }
  }

  [[nodiscard]] std::size_t size() const noexcept { return keys_.size(); }
  [[nodiscard]] std::string_view shop_id(std::uint32_t id) const noexcept {
    const Entry& e = keys_[id];
    return std::string_view(arena_.data() + e.offset, e.shop_size);
  }
  [[nodiscard]] std::string_view customer_id(std::uint32_t id) const noexcept {
    const Entry& e = keys_[id];
    return std::string_view(arena_.data() + e.offset + e.shop_size, e.customer_size);
  }
  /// Memory held, in bytes.
  [[nodiscard]] std::size_t bytes() const noexcept {
    return slots_.capacity() * sizeof(Slot) + keys_.capacity() * sizeof(Entry) + arena_.capacity();
  }

 private:
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t id = none;
  };
  struct Entry {
    std::size_t offset;
    std::size_t shop_size;
    std::size_t customer_size;
    std::uint64_t hash;
  };

  [[nodiscard]] bool equals(std::uint32_t id, std::string_view shop_id,
                            std::string_view customer_id) const noexcept {
    const Entry& e = keys_[id];
    return e.customer_size == customer_id.size() && e.shop_size == shop_id.size() &&
           equal_bytes(arena_.data() + e.offset + e.shop_size, customer_id.data(),
                       customer_id.size()) &&
           equal_bytes(arena_.data() + e.offset, shop_id.data(), shop_id.size());
  }

  void grow() {
    const std::size_t size = slots_.empty() ? 1024 : slots_.size() * 2;
    slots_.assign(size, Slot{});
    mask_ = size - 1;
    for (std::uint32_t id = 0; id < keys_.size(); ++id) {
      std::size_t i = keys_[id].hash & mask_;
      while (slots_[i].id != none) i = (i + 1) & mask_;
      slots_[i] = Slot{keys_[id].hash, id};
    }
  }

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::vector<Entry> keys_;
  std::vector<char> arena_;  // a vector, not a string: moving it keeps the views valid
};

}  // namespace cbf::detail
