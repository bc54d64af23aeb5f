// The input records of the example hosts: the contract's fields, packed. Every text is one
// pointer into a TextArena the host's Tables own (a column's repeated texts kept once), every
// timestamp and number 8 bytes, so a shop's records take less memory than its CSV files
// (docs/benchmarks.md). cbf reads them through the bindings at the end of this file.
#pragma once

#include <cbf/access.hpp>
#include <cbf/fields.hpp>
#include <cbf/time.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace cbf::host {

/// Text kept in a TextArena, held as one pointer (8 bytes, where a view takes 16): its bytes
/// follow their 4-byte length. Empty text is the null pointer. Valid as long as its arena.
class KeptText {
 public:
  constexpr KeptText() noexcept = default;

  /// The text.
  [[nodiscard]] std::string_view view() const noexcept {
    if (p_ == nullptr) return {};
    std::uint32_t size = 0;
    std::memcpy(&size, p_, sizeof size);
    return {p_ + sizeof size, size};
  }
  operator std::string_view() const noexcept { return view(); }  // NOLINT: a view, implicitly
  [[nodiscard]] bool empty() const noexcept { return p_ == nullptr; }
  [[nodiscard]] std::size_t size() const noexcept { return view().size(); }

  friend bool operator==(const KeptText& a, std::string_view b) noexcept { return a.view() == b; }

 private:
  friend class TextArena;
  explicit KeptText(const char* p) noexcept : p_(p) {}
  const char* p_ = nullptr;
};

/// A timestamp field in 8 bytes: the instant's microseconds, or one of two values no valid
/// instant takes (beyond ±timestamp_limit) for missing and unreadable.
class PackedTime {
 public:
  constexpr PackedTime() noexcept = default;
  constexpr PackedTime(const cbf::TimeField& t) noexcept  // NOLINT: packs implicitly
      : bits_(t.is_valid()     ? t.value().time_since_epoch().count()
              : t.is_missing() ? missing
                               : invalid) {}

  /// The field as cbf reads it.
  [[nodiscard]] constexpr cbf::TimeField get() const noexcept {
    if (bits_ == missing) return {};
    if (bits_ == invalid) return cbf::TimeField::invalid();
    return cbf::Timestamp{cbf::Duration{bits_}};
  }
  constexpr operator cbf::TimeField() const noexcept { return get(); }  // NOLINT
  [[nodiscard]] constexpr bool is_missing() const noexcept { return bits_ == missing; }
  [[nodiscard]] constexpr bool is_valid() const noexcept {
    return bits_ != missing && bits_ != invalid;
  }
  [[nodiscard]] constexpr cbf::Timestamp value() const noexcept { return get().value(); }
  friend constexpr bool operator==(const PackedTime& a, const cbf::TimeField& b) noexcept {
    return a.get() == b;
  }

 private:
  static constexpr std::int64_t missing = std::numeric_limits<std::int64_t>::min();
  static constexpr std::int64_t invalid = missing + 1;
  std::int64_t bits_ = missing;
};

/// A number field in 8 bytes: missing is a NaN of its own bits, any other NaN (unreadable) the
/// quiet NaN.
class PackedNumber {
 public:
  constexpr PackedNumber() noexcept = default;
  PackedNumber(std::optional<double> v) noexcept  // NOLINT: packs implicitly
      : bits_(!v ? missing
              : std::isnan(*v)
                  ? std::bit_cast<std::uint64_t>(std::numeric_limits<double>::quiet_NaN())
                  : std::bit_cast<std::uint64_t>(*v)) {}

  /// The field as cbf reads it.
  [[nodiscard]] std::optional<double> get() const noexcept {
    if (bits_ == missing) return std::nullopt;
    return std::bit_cast<double>(bits_);
  }
  operator std::optional<double>() const noexcept { return get(); }  // NOLINT
  [[nodiscard]] bool has_value() const noexcept { return bits_ != missing; }
  [[nodiscard]] double operator*() const noexcept { return std::bit_cast<double>(bits_); }
  friend bool operator==(const PackedNumber& a, double b) noexcept {
    return a.has_value() && *a == b;
  }

 private:
  static constexpr std::uint64_t missing = 0x7ff4'0000'0000'cbf0ULL;  // a signalling NaN
  std::uint64_t bits_ = missing;
};

/// Text kept for as long as the arena lives, in blocks that never move: texts kept in it stay
/// valid when the arena (or the Tables holding it) is moved. Not copyable.
class TextArena {
 public:
  TextArena() = default;
  /// An arena that takes memory in blocks of `block_size` bytes (1 MiB by default): small ones
  /// for the text of one customer's records.
  explicit TextArena(std::size_t block_size) : block_size_(block_size) {}
  TextArena(TextArena&&) noexcept = default;
  TextArena& operator=(TextArena&&) noexcept = default;
  TextArena(const TextArena&) = delete;
  TextArena& operator=(const TextArena&) = delete;

  /// A copy of `text` that lives as long as the arena; empty text takes no room.
  [[nodiscard]] KeptText keep(std::string_view text) {
    if (text.empty()) return {};
    const std::size_t need = text.size() + sizeof(std::uint32_t);
    if (need > left_) {
      const std::size_t size = std::max(block_size_, need);
      if (blocks_.empty()) first_size_ = size;
      blocks_.push_back(std::make_unique<char[]>(size));
      next_ = blocks_.back().get();
      left_ = size;
      bytes_ += size;
    }
    char* out = next_;
    const auto length = static_cast<std::uint32_t>(text.size());  // a row is at most 64 MiB
    std::memcpy(out, &length, sizeof length);
    std::memcpy(out + sizeof length, text.data(), text.size());
    next_ += need;
    left_ -= need;
    return KeptText(out);
  }

  /// Takes over `other`'s text (its texts stay valid: blocks never move).
  void absorb(TextArena&& other) {
    if (blocks_.empty()) first_size_ = other.first_size_;
    for (auto& block : other.blocks_) blocks_.push_back(std::move(block));
    bytes_ += other.bytes_;
    other.blocks_.clear();
    other.next_ = nullptr;
    other.left_ = 0;
    other.bytes_ = 0;
  }

  /// Forgets every text (texts kept are left dangling), keeping its first block for the texts
  /// to come.
  void clear() noexcept {
    if (blocks_.empty()) return;
    blocks_.resize(1);
    next_ = blocks_[0].get();
    left_ = first_size_;
    bytes_ = first_size_;
  }

  /// Bytes held.
  [[nodiscard]] std::size_t bytes() const noexcept { return bytes_; }

 private:
  std::size_t block_size_ = std::size_t{1} << 20;
  std::size_t first_size_ = 0;  // the size of blocks_[0]
  std::vector<std::unique_ptr<char[]>> blocks_;
  char* next_ = nullptr;
  std::size_t left_ = 0;
  std::size_t bytes_ = 0;
};

/// The texts a column kept before, so that a column's repeated texts are kept once. A column
/// repeats its values in runs (a customer's ids, a session's device), which the last four
/// texts catch with a comparison or two, or draws them from a few hundred (event types,
/// categories, products), which a table of up to 4096 texts catches. Each stops looking where
/// it does not pay: after 4096 cells that mostly missed (a column of unique ids or queries).
/// Its texts must stay in the arena it keeps them in.
class TextMemo {
 public:
  /// `text` kept in `arena`, or the equal text kept before.
  [[nodiscard]] KeptText keep(std::string_view text, TextArena& arena) {
    if (text.empty()) return {};
    if (recent_on_) {
      for (std::size_t i = 0; i < recent_.size(); ++i) {
        const std::size_t k = (last_ + i) % recent_.size();
        if (same(recent_[k].view(), text)) {
          last_ = k;
          ++recent_hits_;
          return recent_[k];
        }
      }
      if (++recent_misses_ == 4096) recent_on_ = recent_hits_ >= recent_misses_;
    }
    const KeptText kept = table_on_ ? from_table(text, arena) : arena.keep(text);
    if (recent_on_) {
      last_ = next_;
      recent_[next_] = kept;
      next_ = (next_ + 1) % recent_.size();
    }
    return kept;
  }

 private:
  static constexpr std::size_t table_texts = 4096;
  static constexpr std::size_t table_slots = 2 * table_texts;  // a power of two

  // The last bytes first: ids that differ mostly differ there.
  static bool same(std::string_view kept, std::string_view text) noexcept {
    return kept.size() == text.size() && kept.back() == text.back() &&
           std::memcmp(kept.data(), text.data(), text.size()) == 0;
  }

  /// The text from the table, or kept and entered while the table has room.
  KeptText from_table(std::string_view text, TextArena& arena) {
    if (table_.empty()) table_.resize(table_slots);
    std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a: texts here are short
    for (const char c : text) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
    std::size_t i = h & (table_slots - 1);
    for (; !table_[i].empty(); i = (i + 1) & (table_slots - 1)) {
      if (same(table_[i].view(), text)) {
        ++table_hits_;
        return table_[i];
      }
    }
    if (++table_misses_ == 4096) table_on_ = table_hits_ >= table_misses_;
    const KeptText kept = arena.keep(text);
    if (table_texts_ < table_texts) {
      table_[i] = kept;
      ++table_texts_;
    }
    return kept;
  }

  std::array<KeptText, 4> recent_{};
  std::size_t last_ = 0;
  std::size_t next_ = 0;
  std::size_t recent_hits_ = 0;
  std::size_t recent_misses_ = 0;
  bool recent_on_ = true;
  std::vector<KeptText> table_;  // open addressing; at most table_texts filled
  std::size_t table_texts_ = 0;
  std::size_t table_hits_ = 0;
  std::size_t table_misses_ = 0;
  bool table_on_ = true;
};

// The records keep the fields the features read (and cbf-db's incremental runs); the
// contract's other columns (page_type, browser_type, a customer's tags, currency_code and
// locale) are read and not kept.

/// A customer row (customers.csv / customer_data): 32 bytes.
struct HostCustomer {
  KeptText shop_id, customer_id;
  PackedTime created_at, updated_at;
};

/// An interaction row (user_interactions): 80 bytes.
struct HostInteraction {
  KeptText shop_id, customer_id, session_id, event_type, product_id, category_id, search_query;
  PackedNumber view_duration;  ///< seconds; NaN = unreadable
  KeptText device_type;
  PackedTime created_at;
};

/// A session row (user_sessions): 64 bytes.
struct HostSession {
  KeptText shop_id, customer_id, session_id;
  PackedTime start_time, end_time;
  KeptText device_type, referrer_type;
  PackedTime created_at;
};

/// An attribution row (purchase_attributions): 64 bytes.
struct HostAttribution {
  KeptText shop_id, customer_id, order_id, product_id, session_id, attribution_type;
  PackedNumber attribution_value;  ///< money; NaN = unreadable
  PackedTime created_at;
};

}  // namespace cbf::host

// How cbf reads the packed fields: texts as views into the arena, timestamps and numbers as
// they were before packing.
#define CBF_HOST_TEXT(R, NAME) cbf::field::NAME = [](const R& r) noexcept { return r.NAME.view(); }
#define CBF_HOST_VALUE(R, NAME) cbf::field::NAME = [](const R& r) noexcept { return r.NAME.get(); }

template <>
struct cbf::record_traits<cbf::host::HostCustomer> {
  using R = cbf::host::HostCustomer;
  static constexpr auto fields =
      cbf::fields(CBF_HOST_TEXT(R, shop_id), CBF_HOST_TEXT(R, customer_id),
                  CBF_HOST_VALUE(R, created_at), CBF_HOST_VALUE(R, updated_at));
};

template <>
struct cbf::record_traits<cbf::host::HostInteraction> {
  using R = cbf::host::HostInteraction;
  static constexpr auto fields = cbf::fields(
      CBF_HOST_TEXT(R, shop_id), CBF_HOST_TEXT(R, customer_id), CBF_HOST_TEXT(R, session_id),
      CBF_HOST_TEXT(R, event_type), CBF_HOST_TEXT(R, product_id), CBF_HOST_TEXT(R, category_id),
      CBF_HOST_TEXT(R, search_query), CBF_HOST_VALUE(R, view_duration),
      CBF_HOST_TEXT(R, device_type), CBF_HOST_VALUE(R, created_at));
};

template <>
struct cbf::record_traits<cbf::host::HostSession> {
  using R = cbf::host::HostSession;
  static constexpr auto fields = cbf::fields(
      CBF_HOST_TEXT(R, shop_id), CBF_HOST_TEXT(R, customer_id), CBF_HOST_TEXT(R, session_id),
      CBF_HOST_VALUE(R, start_time), CBF_HOST_VALUE(R, end_time), CBF_HOST_TEXT(R, device_type),
      CBF_HOST_TEXT(R, referrer_type), CBF_HOST_VALUE(R, created_at));
};

template <>
struct cbf::record_traits<cbf::host::HostAttribution> {
  using R = cbf::host::HostAttribution;
  static constexpr auto fields =
      cbf::fields(CBF_HOST_TEXT(R, shop_id), CBF_HOST_TEXT(R, customer_id),
                  CBF_HOST_TEXT(R, order_id), CBF_HOST_TEXT(R, product_id),
                  CBF_HOST_TEXT(R, session_id), CBF_HOST_TEXT(R, attribution_type),
                  CBF_HOST_VALUE(R, attribution_value), CBF_HOST_VALUE(R, created_at));
};

#undef CBF_HOST_TEXT
#undef CBF_HOST_VALUE
