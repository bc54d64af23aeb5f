// Interning of a customer's texts: each distinct text of a field gets a small dense id, so rows are
// fixed-size integers and sessions, distinct counts and modes compare integers, never text.
//
// Exact: ids are equal exactly when the texts' bytes are. A hash only chooses the slot; a text is
// compared byte for byte with the kept text of every id whose hash it shares, so a collision costs
// a comparison and never merges two texts (docs/design.md, "Interned rows").
#pragma once

#include <cbf/detail/hash.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace cbf::detail {

/// A text's id in its pool: 0 for an empty (missing or blank) text, else 1, 2, … in first-seen
/// order.
using TextId = std::uint32_t;
inline constexpr TextId no_text = 0;

/// The distinct texts of one field of one context, kept in one buffer, each with its id.
class TextPool {
 public:
  /// Forgets every text, keeping the memory for the next customer.
  void clear() noexcept {
    if (!entries_.empty()) {
      for (const Entry& e : entries_) slots_[e.slot] = no_text;
      entries_.clear();
      bytes_.clear();
    }
    for (const std::uint32_t i : number_used_) number_slots_[i] = NumberSlot{};
    number_used_.clear();
    last_ = no_text;
    last_number_ = NumberSlot{};
  }

  /// The id of `text` (exact bytes), adding it when new; 0 for an empty text.
  [[nodiscard]] TextId intern(std::string_view text) {
    if (text.empty()) return no_text;
    if (last_ != no_text) {  // a customer's records mostly repeat the last text (its session)
      const Entry& e = entries_[last_ - 1];
      if (e.size == text.size() && equal_bytes(bytes_.data() + e.offset, text.data(), e.size))
        return last_;
    }
    last_ = find_or_add(text);
    return last_;
  }

  /// The id of an integer's decimal text, the same id `intern` gives that text; found by value
  /// after the first time, so a repeated number is never formatted again.
  template <class Int>
  [[nodiscard]] TextId intern_number(Int value) {
    const bool negative = value < Int{0};
    const auto bits = static_cast<std::uint64_t>(value);
    if (last_number_.id != no_text && last_number_.bits == bits &&
        last_number_.negative == negative)
      return last_number_.id;
    last_number_ = NumberSlot{bits, find_or_add_number(value, bits, negative), negative};
    return last_number_.id;
  }

  /// The kept text of an id (empty for 0); valid until the next intern or clear.
  [[nodiscard]] std::string_view text(TextId id) const noexcept {
    if (id == no_text) return {};
    const Entry& e = entries_[id - 1];
    return std::string_view(bytes_.data() + e.offset, e.size);
  }

  /// How many distinct texts the pool holds; ids run from 1 to size().
  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }

 private:
  template <class Int>
  [[nodiscard]] TextId find_or_add_number(Int value, std::uint64_t bits, bool negative) {
    if ((number_used_.size() + 1) * 2 > number_slots_.size()) grow_numbers();
    const std::uint64_t h = mix64(bits ^ (negative ? 0x9e3779b97f4a7c15ULL : 0));
    std::size_t i = h & number_mask_;
    for (;; i = (i + 1) & number_mask_) {
      const NumberSlot& slot = number_slots_[i];
      if (slot.id == no_text) break;
      if (slot.bits == bits && slot.negative == negative) return slot.id;
    }
    char digits[24];
    const std::size_t n = format_decimal(value, digits);
    const TextId id = intern(std::string_view(digits, n));
    number_slots_[i] = NumberSlot{bits, id, negative};
    number_used_.push_back(static_cast<std::uint32_t>(i));
    return id;
  }

  static constexpr std::size_t max_bytes = 0xffffffffu;  // offsets are 32-bit
  struct Entry {
    std::uint64_t hash;
    std::uint32_t offset;
    std::uint32_t size;
    std::uint32_t slot;  // where clear() finds it, so clearing costs the texts, not the table
  };
  struct NumberSlot {
    std::uint64_t bits = 0;
    TextId id = no_text;
    bool negative = false;
  };

  template <class Int>
  static std::size_t format_decimal(Int value, char* out) noexcept {
    // Digits backwards into a local buffer: to_chars would pull in <charconv> for one loop.
    char reversed[24];
    std::size_t n = 0;
    const bool negative = value < Int{0};
    // The magnitude in unsigned arithmetic, so the most negative value has one too.
    std::uint64_t magnitude =
        negative ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
    do {
      reversed[n++] = static_cast<char>('0' + magnitude % 10);
      magnitude /= 10;
    } while (magnitude != 0);
    std::size_t k = 0;
    if (negative) out[k++] = '-';
    while (n > 0) out[k++] = reversed[--n];
    return k;
  }

  [[nodiscard]] TextId find_or_add(std::string_view text) {
    if ((entries_.size() + 1) * 2 > slots_.size()) grow();
    if (text.size() > max_bytes - bytes_.size())
      throw std::length_error("cbf: one customer's distinct texts of one field exceed 4 GiB");
    const std::uint64_t h = hash_bytes(text, 0x452821e638d01377ULL);
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const TextId id = slots_[i];
      if (id == no_text) {
        entries_.push_back(Entry{h, static_cast<std::uint32_t>(bytes_.size()),
                                 static_cast<std::uint32_t>(text.size()),
                                 static_cast<std::uint32_t>(i)});
        const std::size_t offset = bytes_.size();
        bytes_.resize(offset + text.size());
        std::memcpy(bytes_.data() + offset, text.data(), text.size());
        slots_[i] = static_cast<TextId>(entries_.size());
        return slots_[i];
      }
      const Entry& e = entries_[id - 1];
      if (e.hash == h && e.size == text.size() &&
          equal_bytes(bytes_.data() + e.offset, text.data(), text.size()))
        return id;
    }
  }

  void grow() {
    const std::size_t size = slots_.empty() ? 64 : slots_.size() * 2;
    slots_.assign(size, no_text);
    mask_ = size - 1;
    for (std::size_t k = 0; k < entries_.size(); ++k) {
      std::size_t i = entries_[k].hash & mask_;
      while (slots_[i] != no_text) i = (i + 1) & mask_;
      slots_[i] = static_cast<TextId>(k + 1);
      entries_[k].slot = static_cast<std::uint32_t>(i);
    }
  }

  void grow_numbers() {
    std::vector<NumberSlot> old = std::move(number_slots_);
    const std::size_t size = old.empty() ? 64 : old.size() * 2;
    number_slots_.assign(size, NumberSlot{});
    number_mask_ = size - 1;
    for (std::uint32_t& used : number_used_) {
      const NumberSlot& s = old[used];
      const std::uint64_t h = mix64(s.bits ^ (s.negative ? 0x9e3779b97f4a7c15ULL : 0));
      std::size_t i = h & number_mask_;
      while (number_slots_[i].id != no_text) i = (i + 1) & number_mask_;
      number_slots_[i] = s;
      used = static_cast<std::uint32_t>(i);
    }
  }

  std::vector<TextId> slots_;
  std::size_t mask_ = 0;
  std::vector<Entry> entries_;
  std::vector<char> bytes_;
  std::vector<NumberSlot> number_slots_;
  std::size_t number_mask_ = 0;
  std::vector<std::uint32_t> number_used_;  // the filled number slots, for clear()
  TextId last_ = no_text;                   // the id intern returned last
  NumberSlot last_number_;                  // the number intern_number was given last
};

/// Calls `f(id, count)` once per distinct non-zero id, in increasing id order (sorts `ids`).
template <class F>
void for_each_id_run(std::vector<TextId>& ids, F&& f) {
  std::sort(ids.begin(), ids.end());
  for (std::size_t i = 0; i < ids.size();) {
    std::size_t j = i + 1;
    while (j < ids.size() && ids[j] == ids[i]) ++j;
    if (ids[i] != no_text) f(ids[i], j - i);
    i = j;
  }
}

}  // namespace cbf::detail
