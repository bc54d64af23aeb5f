// The input records of the example hosts: the contract's fields (as cbf's plain records have them),
// with every text a view into a TextArena the host's Tables own, so reading a table allocates per
// block of text, not per field.
#pragma once

#include <cbf/time.hpp>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace cbf::host {

/// Text kept for as long as the arena lives, in blocks that never move: views into it stay valid
/// when the arena (or the Tables holding it) is moved. Not copyable.
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
  [[nodiscard]] std::string_view keep(std::string_view text) {
    if (text.empty()) return {};
    if (text.size() > left_) {
      const std::size_t size = std::max(block_size_, text.size());
      if (blocks_.empty()) first_size_ = size;
      blocks_.push_back(std::make_unique<char[]>(size));
      next_ = blocks_.back().get();
      left_ = size;
      bytes_ += size;
    }
    char* out = next_;
    std::copy(text.begin(), text.end(), out);
    next_ += text.size();
    left_ -= text.size();
    return {out, text.size()};
  }

  /// Takes over `other`'s text (its views stay valid: blocks never move).
  void absorb(TextArena&& other) {
    if (blocks_.empty()) first_size_ = other.first_size_;
    for (auto& block : other.blocks_) blocks_.push_back(std::move(block));
    bytes_ += other.bytes_;
    other.blocks_.clear();
    other.next_ = nullptr;
    other.left_ = 0;
    other.bytes_ = 0;
  }

  /// Forgets every text (views into the arena are left dangling), keeping its first block for
  /// the texts to come.
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

/// A customer row (customers.csv / customer_data).
struct HostCustomer {
  std::string_view shop_id, customer_id;
  cbf::TimeField created_at, updated_at;
  std::string_view tags, currency_code, locale;
};

/// An interaction row (user_interactions).
struct HostInteraction {
  std::string_view shop_id, customer_id, session_id, event_type, page_type, product_id, category_id,
      search_query;
  std::optional<double> view_duration;  ///< seconds; NaN = unreadable
  std::string_view device_type;
  cbf::TimeField created_at;
};

/// A session row (user_sessions).
struct HostSession {
  std::string_view shop_id, customer_id, session_id;
  cbf::TimeField start_time, end_time;
  std::string_view device_type, browser_type, referrer_type;
  cbf::TimeField created_at;
};

/// An attribution row (purchase_attributions).
struct HostAttribution {
  std::string_view shop_id, customer_id, order_id, product_id, session_id, attribution_type;
  std::optional<double> attribution_value;  ///< money; NaN = unreadable
  cbf::TimeField created_at;
};

}  // namespace cbf::host
