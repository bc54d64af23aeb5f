// Interning of a customer's texts: each distinct text of a field gets a small dense id, so rows are
// fixed-size integers and sessions, distinct counts and modes compare integers, never text.
//
// Exact: ids are equal exactly when the texts' bytes are. A hash only chooses the slot; a text is
// compared byte for byte with the kept text of every id whose hash it shares, so a collision costs
// a comparison and never merges two texts (docs/design.md, "Interned rows").
#pragma once

#include <cbf/detail/engine.hpp>
#include <cbf/detail/hash.hpp>
#include <cbf/detail/text.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <ranges>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace cbf::detail {

/// A text's id in its pool: 0 for an empty (missing or blank) text, else 1, 2, … in first-seen
/// order.
using TextId = std::uint32_t;
inline constexpr TextId no_text = 0;

/// Copies `text` to `out`, which has room for 16 bytes more than the text: short texts by two
/// overlapping words.
[[gnu::always_inline]] inline void copy_bytes(char* out, std::string_view text) noexcept {
  const std::size_t n = text.size();
  if (n > 16) {
    std::memcpy(out, text.data(), n);
  } else if (n >= 8) {
    std::memcpy(out, text.data(), 8);
    std::memcpy(out + n - 8, text.data() + n - 8, 8);
  } else {
    for (std::size_t i = 0; i < n; ++i) out[i] = text[i];
  }
}

/// Room for the decimal text of a 64-bit integer, where TextPool::text writes a number's digits.
struct NumberText {
  char bytes[24];
};

/// The distinct values of one field of one context, each with its id: texts kept in one buffer,
/// integers kept as integers. An integer and its decimal text are one value with one id, as the
/// contract reads integer ids; an integer is formatted only when the pool also holds texts (to
/// find its text among them) or when its text is asked for.
class TextPool {
 public:
  /// Whether `text` is exactly what format_decimal writes for some 64-bit integer, and which.
  CBF_DETAIL_ENGINE static bool parse_decimal(std::string_view text, std::uint64_t& bits,
                                              bool& negative) noexcept;

  /// Forgets every value, keeping the memory for the next customer.
  CBF_DETAIL_ENGINE void clear() noexcept;

  /// How many "last text" memos a pool keeps: one per field that shares it (labels).
  static constexpr std::size_t memos = 4;

  /// The id of `text` (exact bytes), adding it when new; 0 for an empty text. A customer's
  /// records mostly repeat a field's last text (its session, its device), so the id `memo`
  /// remembers for the field is tried first.
  [[nodiscard]] TextId intern(std::string_view text, std::size_t memo = 0) {
    if (text.empty()) return no_text;
    if (const TextId id = remembered(text, memo); id != no_text) return id;
    last_[memo] = find_or_add(text);
    return last_[memo];
  }

  /// The id of a non-empty `text` that `memo` does not remember (the caller compared it), in a
  /// pool of many distinct texts (a customer's search queries): found by its hash at once, as a
  /// scan of the first few texts would mostly miss. It becomes what `memo` remembers.
  [[nodiscard]] TextId intern_past_memo(std::string_view text, std::size_t memo) {
    last_[memo] = find_or_add(text, false);
    return last_[memo];
  }

  /// The id `memo` remembers when its text is exactly `text`, else 0: a caller that would
  /// normalise `text` before interning it can skip that when the text is already the kept one.
  [[nodiscard, gnu::always_inline]] TextId remembered(std::string_view text,
                                                      std::size_t memo) const noexcept {
    const TextId last = last_[memo];
    if (last == no_text) return no_text;
    const Entry& e = entries_[last - 1];
    return e.size == text.size() && equal_bytes(bytes_.data() + e.offset, text.data(), e.size)
               ? last
               : no_text;
  }

  /// The id of an integer: the id of its decimal text. Found by value after the first time.
  template <class Int>
  [[nodiscard]] TextId intern_number(Int value) {
    return intern_bits(static_cast<std::uint64_t>(value), value < Int{0});
  }

  /// The id of an id's text: as intern, but a text that is exactly an integer's decimal digits
  /// (format_decimal's, so not "007" or "-0") is that integer, found by value (intern_number): no
  /// bytes kept, hashed or compared. Ids such as "35134" are mostly numbers.
  /// `text` must stay alive and unchanged until clear(): the last one is kept as a view.
  [[nodiscard, gnu::always_inline]] TextId intern_id(std::string_view text) {
    // A customer's records mostly repeat the last id (a session's events): compare it first,
    // inlined, as a call would cost more than the comparison.
    if (last_id_ != no_text && text.size() == last_id_text_.size() &&
        equal_bytes(text.data(), last_id_text_.data(), text.size()))
      return last_id_;
    return intern_new_id(text);
  }

  /// intern_id past its memo.
  [[nodiscard, gnu::noinline]] TextId intern_new_id(std::string_view text) {
    std::uint64_t bits = 0;
    bool negative = false;
    if (parse_decimal(text, bits, negative))
      last_id_ = intern_bits(bits, negative);
    else
      last_id_ = text.empty() ? no_text : find_or_add(text);
    last_id_text_ = text;
    return last_id_;
  }

  /// The text of an id (empty for 0): its kept bytes, or an integer's digits written into `room`.
  [[nodiscard]] std::string_view text(TextId id, NumberText& room) const noexcept {
    if (id == no_text) return {};
    const Entry& e = entries_[id - 1];
    if (e.has_text) return std::string_view(bytes_.data() + e.offset, e.size);
    return std::string_view(room.bytes, format_decimal(e.bits, e.negative, room.bytes));
  }

  /// The kept text of an id of a pool only ever given texts (labels, queries); empty for 0.
  [[nodiscard]] std::string_view text(TextId id) const noexcept {
    NumberText unused;
    const std::string_view t = text(id, unused);
    return t.data() == unused.bytes ? std::string_view{} : t;  // never a view of `unused`
  }

  /// Compares the texts of two ids as byte strings.
  [[nodiscard]] bool text_less(TextId a, TextId b) const noexcept {
    NumberText room_a, room_b;
    return text(a, room_a) < text(b, room_b);
  }

  /// How many distinct values the pool holds; ids run from 1 to size().
  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }

 private:
  static constexpr std::size_t max_bytes = 0xffffffffu;  // offsets are 32-bit
  static constexpr std::size_t small_pool = 8;           // texts find_or_add scans, not hashes
  struct Entry {
    std::uint64_t hash = 0;    // of the text, when has_text
    std::uint64_t bits = 0;    // the integer's bits, when it came as one
    std::uint32_t offset = 0;  // the text in bytes_, when has_text
    std::uint32_t size = 0;
    std::uint32_t slot = 0;  // its slot in slots_, so clear() costs the values, not the table
    bool has_text = false;
    bool negative = false;
  };
  struct NumberSlot {
    std::uint64_t bits = 0;
    TextId id = no_text;
    bool negative = false;
  };

  /// The id of an integer given as its bits and sign, trying the last one first. The comparison
  /// with the last one is inlined (a session's events repeat its id); the rest is a call.
  [[nodiscard, gnu::always_inline]] TextId intern_bits(std::uint64_t bits, bool negative) {
    if (last_number_.id != no_text && last_number_.bits == bits &&
        last_number_.negative == negative)
      return last_number_.id;
    return intern_new_bits(bits, negative);
  }

  /// intern_bits past its memo.
  [[nodiscard, gnu::noinline]] TextId intern_new_bits(std::uint64_t bits, bool negative) {
    last_number_ = NumberSlot{bits, find_or_add_number(bits, negative), negative};
    return last_number_.id;
  }

  [[nodiscard]] static std::uint64_t number_hash(std::uint64_t bits, bool negative) noexcept {
    return mix64(bits ^ (negative ? 0x9e3779b97f4a7c15ULL : 0));
  }

  /// The id of a text in slots_, or the slot where it would go. Inlined: a call costs a third of
  /// a short text's probe.
  [[nodiscard, gnu::always_inline]] TextId find_text(std::string_view text, std::uint64_t h,
                                                     std::size_t& slot) const {
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const TextId id = slots_[i];
      if (id == no_text) {
        slot = i;
        return no_text;
      }
      const Entry& e = entries_[id - 1];
      if (e.hash == h && e.size == text.size() &&
          equal_bytes(bytes_.data() + e.offset, text.data(), text.size()))
        return id;
    }
  }

  /// The id of a number in number_slots_, or the slot where it would go.
  [[nodiscard]] TextId find_number(std::uint64_t bits, bool negative, std::size_t& slot) const {
    for (std::size_t i = number_hash(bits, negative) & number_mask_;; i = (i + 1) & number_mask_) {
      const NumberSlot& s = number_slots_[i];
      if (s.id == no_text || (s.bits == bits && s.negative == negative)) {
        slot = i;
        return s.id;
      }
    }
  }

  /// Keeps `text` for entry `id` and enters it in slots_ at `slot`.
  CBF_DETAIL_ENGINE void keep_text(TextId id, std::string_view text, std::uint64_t h,
                                   std::size_t slot);

  /// The id of a non-empty text, added when new; a pool of few texts is scanned first when
  /// `scan_few`.
  [[nodiscard]] CBF_DETAIL_ENGINE TextId find_or_add(std::string_view text, bool scan_few = true);

  [[nodiscard]] CBF_DETAIL_ENGINE TextId find_or_add_number(std::uint64_t bits, bool negative);

  /// The id of an integer's decimal text among the kept texts, or 0. Out of line: pools given
  /// integers only (the common case) never call it, and find_or_add_number stays small.
  [[nodiscard, gnu::noinline]] TextId find_digits(std::uint64_t bits, bool negative) const {
    char digits[24];
    const std::string_view text(digits, format_decimal(bits, negative, digits));
    std::size_t slot = 0;
    return find_text(text, hash_bytes(text, 0x452821e638d01377ULL), slot);
  }

  CBF_DETAIL_ENGINE void grow();

  CBF_DETAIL_ENGINE void grow_numbers();

  std::vector<TextId> slots_;  // ids by text hash
  std::size_t mask_ = 0;
  std::size_t texts_ = 0;  // entries with a kept text
  std::vector<Entry> entries_;
  std::vector<char> bytes_;  // texts in [0, used_); its size is its capacity
  std::size_t used_ = 0;
  std::vector<NumberSlot> number_slots_;  // ids by integer value
  std::size_t number_mask_ = 0;
  std::vector<std::uint32_t> number_used_;  // the filled number slots, for clear()
  std::array<TextId, memos> last_{};        // per memo, the id intern returned last (a text)
  NumberSlot last_number_;                  // the integer intern_number was given last
  TextId last_id_ = no_text;                // the id intern_id returned last, and its text
  std::string_view last_id_text_;           // (a view into the caller's record)
};

#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE void TextPool::clear() noexcept {
  for (const Entry& e : entries_)
    if (e.has_text) slots_[e.slot] = no_text;
  entries_.clear();
  used_ = 0;
  texts_ = 0;
  for (const std::uint32_t i : number_used_) number_slots_[i] = NumberSlot{};
  number_used_.clear();
  last_ = {};
  last_number_ = NumberSlot{};
  last_id_ = no_text;
  last_id_text_ = {};
}

CBF_DETAIL_ENGINE bool TextPool::parse_decimal(std::string_view text, std::uint64_t& bits,
                                               bool& negative) noexcept {
  negative = !text.empty() && text[0] == '-';
  const std::string_view digits = text.substr(negative ? 1 : 0);
  if (digits.empty() || digits.size() > 20) return false;
  if (digits[0] == '0' && (digits.size() > 1 || negative)) return false;  // "-0", "007"
  std::uint64_t magnitude = 0;
  for (const char c : digits) {
    const auto d = static_cast<std::uint64_t>(static_cast<unsigned char>(c)) - '0';
    if (d > 9) return false;
    if (digits.size() < 20) {
      magnitude = magnitude * 10 + d;  // 19 digits never overflow
    } else if (__builtin_mul_overflow(magnitude, 10u, &magnitude) ||
               __builtin_add_overflow(magnitude, d, &magnitude)) {
      return false;
    }
  }
  if (negative && magnitude > (std::uint64_t{1} << 63)) return false;
  bits = negative ? 0 - magnitude : magnitude;
  return true;
}

CBF_DETAIL_ENGINE TextId TextPool::find_or_add(std::string_view text, bool scan_few) {
  // A pool of a few texts (labels, a customer's categories) is scanned: cheaper than hashing.
  if (scan_few && texts_ <= small_pool)
    for (std::size_t k = 0; k < entries_.size(); ++k) {
      const Entry& e = entries_[k];
      if (e.has_text && e.size == text.size() &&
          equal_bytes(bytes_.data() + e.offset, text.data(), e.size))
        return static_cast<TextId>(k + 1);
    }
  if ((texts_ + 1) * 2 > slots_.size()) grow();
  const std::uint64_t h = hash_bytes(text, 0x452821e638d01377ULL);
  std::size_t slot = 0;
  if (const TextId id = find_text(text, h, slot); id != no_text) return id;
  TextId id = no_text;
  std::uint64_t bits = 0;
  bool negative = false;
  std::size_t number_slot = 0;
  // A text that is an integer's canonical digits is that integer's value, if the pool has it.
  if (!number_used_.empty() && parse_decimal(text, bits, negative))
    id = find_number(bits, negative, number_slot);
  if (id == no_text) {
    entries_.emplace_back();
    id = static_cast<TextId>(entries_.size());
  }
  keep_text(id, text, h, slot);
  return id;
}

CBF_DETAIL_ENGINE TextId TextPool::find_or_add_number(std::uint64_t bits, bool negative) {
  if ((number_used_.size() + 1) * 2 > number_slots_.size()) grow_numbers();
  std::size_t number_slot = 0;
  if (const TextId id = find_number(bits, negative, number_slot); id != no_text) return id;
  // The pool holds texts: this integer's digits may be one of them.
  TextId id = texts_ > 0 ? find_digits(bits, negative) : no_text;
  if (id == no_text) {
    entries_.emplace_back();
    id = static_cast<TextId>(entries_.size());
  }
  Entry& e = entries_[id - 1];
  e.bits = bits;
  e.negative = negative;
  number_slots_[number_slot] = NumberSlot{bits, id, negative};
  number_used_.push_back(static_cast<std::uint32_t>(number_slot));
  return id;
}

CBF_DETAIL_ENGINE void TextPool::keep_text(TextId id, std::string_view text, std::uint64_t h,
                                           std::size_t slot) {
  if (text.size() > max_bytes - used_)
    throw std::length_error("cbf: one customer's distinct texts of one field exceed 4 GiB");
  Entry& e = entries_[id - 1];
  e.hash = h;
  e.offset = static_cast<std::uint32_t>(used_);
  e.size = static_cast<std::uint32_t>(text.size());
  e.slot = static_cast<std::uint32_t>(slot);
  e.has_text = true;
  // The buffer is kept at least 16 bytes past what is used, so a short text is copied by two
  // overlapping words instead of a call to memcpy.
  if (used_ + text.size() + 16 > bytes_.size())
    bytes_.resize(std::max(2 * bytes_.size(), used_ + text.size() + 256));
  copy_bytes(bytes_.data() + used_, text);
  used_ += text.size();
  slots_[slot] = id;
  ++texts_;
}

CBF_DETAIL_ENGINE void TextPool::grow() {
  const std::size_t size = slots_.empty() ? 64 : slots_.size() * 2;
  slots_.assign(size, no_text);
  mask_ = size - 1;
  for (std::size_t k = 0; k < entries_.size(); ++k) {
    Entry& e = entries_[k];
    if (!e.has_text) continue;
    std::size_t i = e.hash & mask_;
    while (slots_[i] != no_text) i = (i + 1) & mask_;
    slots_[i] = static_cast<TextId>(k + 1);
    e.slot = static_cast<std::uint32_t>(i);
  }
}

CBF_DETAIL_ENGINE void TextPool::grow_numbers() {
  std::vector<NumberSlot> old = std::move(number_slots_);
  const std::size_t size = old.empty() ? 64 : old.size() * 2;
  number_slots_.assign(size, NumberSlot{});
  number_mask_ = size - 1;
  for (std::uint32_t& used : number_used_) {
    const NumberSlot& s = old[used];
    std::size_t i = number_hash(s.bits, s.negative) & number_mask_;
    while (number_slots_[i].id != no_text) i = (i + 1) & number_mask_;
    number_slots_[i] = s;
    used = static_cast<std::uint32_t>(i);
  }
}
#endif

/// Counts of the ids of a pool, in time linear in the ids (a context's ids are dense, 1 to the
/// pool's size, so a table indexed by id replaces a sort). Reused from call to call.
class IdCounter {
 public:
  /// Calls `f(id, count)` once per distinct non-zero `id_of(item)` of `items`, in order of first
  /// appearance.
  template <class Items, class IdOf, class F>
  void for_each(const Items& items, IdOf id_of, F&& f) {
    // The previous call's counts are cleared here, not after it, so a throwing `f` leaves no
    // stale count behind.
    for (const TextId id : distinct_) counts_[id] = 0;
    distinct_.clear();
    // First the non-zero ids, kept without a branch: whether an item has one (a search among
    // events, a product or collection view) follows no pattern a predictor could learn. Then
    // they are counted, where only a new id (rare) branches.
    const std::size_t n = std::ranges::size(items);
    if (ids_.size() < n + 1) ids_.resize(n + 1);
    std::size_t kept = 0;
    TextId largest = 0;
    for (const auto& item : items) {
      const TextId id = id_of(item);
      ids_[kept] = id;
      kept += id != no_text;
      largest = std::max(largest, id);
    }
    if (largest >= counts_.size()) counts_.resize(std::size_t{largest} + 1, 0);
    // A new id is kept without a branch too: whether the next one is new follows no pattern.
    // The new ids are gathered in place, at the front of ids_ (never ahead of the one read).
    std::size_t distinct = 0;
    for (std::size_t k = 0; k < kept; ++k) {
      const TextId id = ids_[k];
      ids_[distinct] = id;
      distinct += counts_[id]++ == 0 ? 1 : 0;
    }
    distinct_.assign(ids_.begin(), ids_.begin() + static_cast<std::ptrdiff_t>(distinct));
    for (const TextId id : distinct_) f(id, std::size_t{counts_[id]});
  }

 private:
  std::vector<std::uint32_t> counts_;  // by id; zero but for distinct_
  std::vector<TextId> distinct_;       // the ids counted last, in first-seen order
  std::vector<TextId> ids_;            // the non-zero ids of the items, in their order
};

}  // namespace cbf::detail
