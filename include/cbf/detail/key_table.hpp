// The keys of a batch: each distinct (shop_id, customer_id) gets a dense id, in first-seen order.
// Open addressing over hashes; key bytes are copied once into an arena, so probing never touches
// the host's records.
#pragma once

#include <cbf/detail/engine.hpp>
#include <cbf/detail/hash.hpp>
#include <cbf/detail/text.hpp>

#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace cbf::detail {

class KeyTable {
 public:
  static constexpr std::uint32_t none = std::numeric_limits<std::uint32_t>::max();

  /// The id of a key, adding it when new. The lookup of a key seen before is inlined: it runs
  /// once per record of the batch.
  [[gnu::always_inline]] std::uint32_t insert(std::string_view shop_id,
                                              std::string_view customer_id) {
    const std::uint64_t h = hash_key(shop_id, customer_id);
    if (const std::uint32_t id = find_hashed(shop_id, customer_id, h); id != none) return id;
    return insert_new(shop_id, customer_id, h);
  }

  /// The id of a key, or `none` when it was never inserted.
  [[nodiscard, gnu::always_inline]] std::uint32_t find(std::string_view shop_id,
                                                       std::string_view customer_id) const {
    return find_hashed(shop_id, customer_id, hash_key(shop_id, customer_id));
  }

  /// A key whose ids are integers: each id's 64 bits and sign; a missing shop_id is empty text.
  struct NumberKey {
    std::uint64_t shop_bits = 0;
    std::uint64_t customer_bits = 0;
    bool shop_present = false;
    bool shop_negative = false;
    bool customer_negative = false;
    friend constexpr bool operator==(const NumberKey&, const NumberKey&) = default;
  };

  /// The id of a key of integers, the id of their decimal texts, adding it when `add`; found by
  /// value after the first time, so the digits are formatted once per key. The lookup of a key
  /// seen before is inlined: it runs once per record of the batch, and a call would cost more
  /// than the probe (docs/benchmarks.md).
  [[nodiscard, gnu::always_inline]] std::uint32_t number(const NumberKey& key, bool add) {
    const std::uint32_t flags = number_flags(key);
    const std::uint64_t h = hash_number(key.customer_bits, key.shop_bits, flags);
    if (!number_slots_.empty())
      for (std::size_t i = h & number_mask_;; i = (i + 1) & number_mask_) {
        const NumberSlot& slot = number_slots_[i];
        if (slot.id == none) break;
        if (slot.customer_bits == key.customer_bits && slot.shop_bits == key.shop_bits &&
            slot.flags == flags)
          return slot.id;
      }
    return new_number(key, add);
  }

  /// Starts loading the slot where a probe for `key` begins.
  [[gnu::always_inline]] void prefetch_number(const NumberKey& key) const noexcept {
    if (!number_slots_.empty())
      __builtin_prefetch(
          &number_slots_[hash_number(key.customer_bits, key.shop_bits, number_flags(key)) &
                         number_mask_]);
  }

  [[nodiscard]] std::size_t size() const noexcept { return keys_.size(); }
  [[nodiscard]] std::string_view shop_id(std::uint32_t id) const noexcept {
    const KeyHeader k = header(keys_[id]);
    return std::string_view(arena_.data() + keys_[id] + sizeof(KeyHeader), k.shop_size);
  }
  [[nodiscard]] std::string_view customer_id(std::uint32_t id) const noexcept {
    const KeyHeader k = header(keys_[id]);
    return std::string_view(arena_.data() + keys_[id] + sizeof(KeyHeader) + k.shop_size,
                            k.customer_size);
  }
  /// Memory held, in bytes.
  [[nodiscard]] std::size_t bytes() const noexcept {
    return slots_.capacity() * sizeof(Slot) + keys_.capacity() * sizeof(std::uint32_t) +
           arena_.capacity();
  }

 private:
  /// A key's slot holds where its bytes are, so a probe compares them with one load from the
  /// arena, not a second from a table of entries first.
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t id = none;
    std::uint32_t offset = 0;  // of the key in arena_
  };
  /// A key in the arena: this header, then the shop_id's bytes, then the customer_id's.
  struct KeyHeader {
    std::uint32_t shop_size;
    std::uint32_t customer_size;
  };

  [[nodiscard]] KeyHeader header(std::uint32_t offset) const noexcept {
    KeyHeader k;
    std::memcpy(&k, arena_.data() + offset, sizeof k);
    return k;
  }

  /// A key of integers as one slot holds it: 24 bytes, so the table of 20 000 keys stays
  /// within a core's L2 cache; compared as two words and the flags.
  struct NumberSlot {
    std::uint64_t customer_bits = 0;
    std::uint64_t shop_bits = 0;
    std::uint32_t id = none;
    std::uint32_t flags = 0;  // number_flags
  };

  [[nodiscard]] static constexpr std::uint32_t number_flags(const NumberKey& k) noexcept {
    return (k.shop_present ? 1u : 0u) | (k.shop_negative ? 2u : 0u) |
           (k.customer_negative ? 4u : 0u);
  }

  [[nodiscard]] static std::uint64_t hash_number(std::uint64_t customer_bits,
                                                 std::uint64_t shop_bits,
                                                 std::uint32_t flags) noexcept {
    return fold_multiply(customer_bits ^ 0xa0761d6478bd642fULL,
                         shop_bits ^ (std::uint64_t{flags} << 61) ^ 0xe7037ed1a0b428dbULL);
  }

  /// number() for a key not in the number slots: found or added by its decimal texts.
  CBF_DETAIL_ENGINE std::uint32_t new_number(const NumberKey& key, bool add);

  CBF_DETAIL_ENGINE void grow_numbers();

  /// The id of a key of hash `h`, or `none`.
  [[nodiscard, gnu::always_inline]] std::uint32_t find_hashed(std::string_view shop_id,
                                                              std::string_view customer_id,
                                                              std::uint64_t h) const {
    if (slots_.empty()) return none;
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& slot = slots_[i];
      if (slot.id == none) return none;
      if (slot.hash == h && equals(slot.offset, shop_id, customer_id)) return slot.id;
    }
  }

  /// Adds a key of hash `h` that the table does not hold; its new id.
  CBF_DETAIL_ENGINE std::uint32_t insert_new(std::string_view shop_id, std::string_view customer_id,
                                             std::uint64_t h);

  /// Whether the key at `offset` in the arena is (shop_id, customer_id).
  [[nodiscard]] bool equals(std::uint32_t offset, std::string_view shop_id,
                            std::string_view customer_id) const noexcept {
    const KeyHeader k = header(offset);
    const char* bytes = arena_.data() + offset + sizeof(KeyHeader);
    return k.customer_size == customer_id.size() && k.shop_size == shop_id.size() &&
           equal_bytes(bytes + k.shop_size, customer_id.data(), customer_id.size()) &&
           equal_bytes(bytes, shop_id.data(), shop_id.size());
  }

  CBF_DETAIL_ENGINE void grow();

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::vector<std::uint32_t> keys_;       // by id: the key's offset in arena_
  std::vector<char> arena_;               // a vector, not a string: moving it keeps the views valid
  std::vector<NumberSlot> number_slots_;  // ids of keys of integers, by value
  std::size_t number_mask_ = 0;
  std::size_t number_used_ = 0;
};

#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE std::uint32_t KeyTable::insert_new(std::string_view shop_id,
                                                     std::string_view customer_id,
                                                     std::uint64_t h) {
  if ((keys_.size() + 1) * 2 > slots_.size()) grow();
  std::size_t i = h & mask_;
  while (slots_[i].id != none) i = (i + 1) & mask_;
  constexpr std::size_t max_bytes = 0xffffffffu;  // offsets and sizes are 32-bit
  const std::size_t bytes = sizeof(KeyHeader) + shop_id.size() + customer_id.size();
  if (bytes > max_bytes - arena_.size())
    throw std::length_error("cbf: the batch's distinct keys exceed 4 GiB of text");
  const auto offset = static_cast<std::uint32_t>(arena_.size());
  slots_[i] = Slot{h, static_cast<std::uint32_t>(keys_.size()), offset};
  keys_.push_back(offset);
  const KeyHeader k{static_cast<std::uint32_t>(shop_id.size()),
                    static_cast<std::uint32_t>(customer_id.size())};
  const char* header_bytes = reinterpret_cast<const char*>(&k);
  arena_.insert(arena_.end(), header_bytes, header_bytes + sizeof k);
  arena_.insert(arena_.end(), shop_id.begin(), shop_id.end());
  arena_.insert(arena_.end(), customer_id.begin(), customer_id.end());
  return slots_[i].id;
}

CBF_DETAIL_ENGINE std::uint32_t KeyTable::new_number(const NumberKey& key, bool add) {
  char shop[24];
  char customer[24];
  const std::string_view shop_text(
      shop, key.shop_present ? format_decimal(key.shop_bits, key.shop_negative, shop) : 0);
  const std::string_view customer_text(
      customer, format_decimal(key.customer_bits, key.customer_negative, customer));
  const std::uint32_t id = add ? insert(shop_text, customer_text) : find(shop_text, customer_text);
  if (id == none) return id;
  if ((number_used_ + 1) * 2 > number_slots_.size()) grow_numbers();
  const std::uint32_t flags = number_flags(key);
  std::size_t i = hash_number(key.customer_bits, key.shop_bits, flags) & number_mask_;
  while (number_slots_[i].id != none) i = (i + 1) & number_mask_;
  number_slots_[i] = NumberSlot{key.customer_bits, key.shop_bits, id, flags};
  ++number_used_;
  return id;
}

CBF_DETAIL_ENGINE void KeyTable::grow_numbers() {
  std::vector<NumberSlot> old = std::move(number_slots_);
  const std::size_t size = old.empty() ? 1024 : old.size() * 2;
  number_slots_.assign(size, NumberSlot{});
  number_mask_ = size - 1;
  for (const NumberSlot& s : old) {
    if (s.id == none) continue;
    std::size_t i = hash_number(s.customer_bits, s.shop_bits, s.flags) & number_mask_;
    while (number_slots_[i].id != none) i = (i + 1) & number_mask_;
    number_slots_[i] = s;
  }
}

CBF_DETAIL_ENGINE void KeyTable::grow() {
  std::vector<Slot> old = std::move(slots_);
  const std::size_t size = old.empty() ? 1024 : old.size() * 2;
  slots_.assign(size, Slot{});
  mask_ = size - 1;
  for (const Slot& s : old) {
    if (s.id == none) continue;
    std::size_t i = s.hash & mask_;
    while (slots_[i].id != none) i = (i + 1) & mask_;
    slots_[i] = s;
  }
}
#endif

}  // namespace cbf::detail
