// The input tables of a shop whose CSV files are sorted by key, read while the stream computes
// (cbf-features --sorted): each record is parsed when the stream reaches it and released once the
// stream is done with its key, so memory stays O(largest customer) however large the files are.
#pragma once

#include "common/csv_reader.hpp"
#include "common/host_records.hpp"
#include "common/input_columns.hpp"
#include "common/tables.hpp"
#include "common/text.hpp"

#include <fmt/format.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cbf::host {

/// A key's id as cbf reads it: blank (empty or only ASCII whitespace) is empty.
[[nodiscard]] constexpr std::string_view unblank(std::string_view id) noexcept {
  return trim(id).empty() ? std::string_view{} : id;
}

/// Where the reading of sorted tables stands, across their files and passes.
struct SortedReadCount {
  std::uint64_t bytes = 0;    ///< file bytes read
  std::uint64_t records = 0;  ///< records parsed
  /// When set, hears the count after each block of a file (about every MiB).
  std::function<void(const SortedReadCount&)> on_block;
};

/// One input CSV file sorted by (shop_id, customer_id) as byte strings, as a cbf stream reads it
/// (cbf::streamed_record_range): an input range whose records are parsed as it is read. Each
/// begin() reads the file again from its start (a stream without as_of reads twice). It keeps
/// the records of its last two keys, which is all a stream still uses, in a deque per key with
/// the key's text beside them; released keys' memory is reused. Records without a customer_id
/// belong to the key before them. A keyed record that sorts before the key ahead of it throws
/// CsvError at its file:line.
template <class Record, std::size_t N>
class SortedCsvTable {
  using Columns = std::array<InputColumn<Record, TextCell>, N>;

 public:
  /// Opens `file` (a missing file has no records) and checks its header as read_tables does,
  /// appending near-miss column warnings to `warnings`; `count` hears every block and record.
  SortedCsvTable(std::filesystem::path file, const Columns& columns,
                 std::vector<std::string>& warnings, SortedReadCount& count)
      : file_(std::move(file)), columns_(&columns), count_(&count) {
    for (std::size_t i = 0; i < N; ++i) {
      names_[i] = columns[i].name;
      if (columns[i].name == "shop_id") shop_column_ = i;
      if (columns[i].name == "customer_id") customer_column_ = i;
    }
    const CsvCursor cursor(file_, names_, /*missing_ok=*/true);
    check_csv_header(file_, columns, cursor.header(), warnings);
  }

  /// One pass over the file.
  struct State {
    struct Group {
      std::string shop_id, customer_id;  // the key, blank ids as empty ("" before any key)
      std::deque<Record> records;        // never moved as it grows
      TextArena text{4096};
    };
    const SortedCsvTable* table;
    CsvCursor cursor;
    std::deque<Group> groups;  // the last two keys' records; the current record is in the last
    std::vector<Group> spare;  // released groups, their memory kept
    bool keyed = false;        // a keyed record was read: groups.back() holds its key
    Record* current = nullptr;

    State(const SortedCsvTable* t, std::uint64_t& last_bytes)
        : table(t),
          cursor(t->file_, t->names_, /*missing_ok=*/true, default_max_row_bytes,
                 [count = t->count_, &last_bytes](std::uint64_t bytes) {
                   count->bytes += bytes - std::exchange(last_bytes, bytes);
                   if (count->on_block) count->on_block(*count);
                 }) {}

    /// Reads the next record into its key's group; current is null at the end of the file.
    void read() {
      if (!cursor.next()) {
        current = nullptr;
        return;
      }
      const std::span<const std::string_view> fields = cursor.fields();
      const std::string_view shop_id = unblank(fields[table->shop_column_]);
      const std::string_view customer_id = unblank(fields[table->customer_column_]);
      if (groups.empty()) start_group({}, {});
      if (!customer_id.empty() && (!keyed || customer_id != groups.back().customer_id ||
                                   shop_id != groups.back().shop_id)) {
        if (keyed && before(shop_id, customer_id, groups.back()))
          throw CsvError(
              table->file_.string(), cursor.line(), 0,
              fmt::format("not sorted by (shop_id, customer_id): ({}, {}) comes after "
                          "({}, {}); --sorted needs every input file sorted by "
                          "key, as `LC_ALL=C sort` orders bytes",
                          shop_id, customer_id, groups.back().shop_id, groups.back().customer_id));
        start_group(shop_id, customer_id);
        keyed = true;
      }
      Group& g = groups.back();
      Record& record = g.records.emplace_back();
      for (std::size_t i = 0; i < N; ++i)
        (*table->columns_)[i].store(record, TextCell{fields[i]}, g.text);
      ++table->count_->records;
      current = &record;
    }

   private:
    [[nodiscard]] static bool before(std::string_view shop_id, std::string_view customer_id,
                                     const Group& g) noexcept {
      return shop_id != g.shop_id ? shop_id < g.shop_id : customer_id < g.customer_id;
    }

    // A new key's group; the group two keys back is released (a stream no longer uses it).
    void start_group(std::string_view shop_id, std::string_view customer_id) {
      if (groups.size() == 2) {
        Group& old = groups.front();
        old.records.clear();
        old.text.clear();
        spare.push_back(std::move(old));
        groups.pop_front();
      }
      if (spare.empty()) {
        groups.emplace_back();
      } else {
        groups.push_back(std::move(spare.back()));
        spare.pop_back();
      }
      groups.back().shop_id.assign(shop_id);
      groups.back().customer_id.assign(customer_id);
    }
  };

  /// Reads the file record by record (an input iterator).
  class iterator {
   public:
    using value_type = Record;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    explicit iterator(std::shared_ptr<State> state) : state_(std::move(state)) { state_->read(); }
    Record& operator*() const noexcept { return *state_->current; }
    iterator& operator++() {
      state_->read();
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept {
      return it.state_->current == nullptr;
    }

   private:
    std::shared_ptr<State> state_;
  };

  /// A pass from the file's first record.
  [[nodiscard]] iterator begin() {
    last_bytes_ = 0;
    return iterator(std::make_shared<State>(this, last_bytes_));
  }
  [[nodiscard]] std::default_sentinel_t end() const noexcept { return {}; }

 private:
  std::filesystem::path file_;
  const Columns* columns_;
  std::array<std::string_view, N> names_;
  std::size_t shop_column_ = 0;
  std::size_t customer_column_ = 0;
  SortedReadCount* count_;
  std::uint64_t last_bytes_ = 0;  // the bytes of this pass counted so far
};

/// The four input tables of a directory whose files are sorted by key (cbf-features --sorted).
struct SortedTables {
  SortedReadCount count;
  std::vector<std::string> warnings;  ///< near-miss column names, as read_tables gives them
  SortedCsvTable<HostCustomer, customer_columns<TextCell>.size()> customers;
  SortedCsvTable<HostInteraction, interaction_columns<TextCell>.size()> interactions;
  SortedCsvTable<HostSession, session_columns<TextCell>.size()> sessions;
  SortedCsvTable<HostAttribution, attribution_columns<TextCell>.size()> attributions;

  /// Opens the four files of `dir` and checks their headers (CsvError as read_tables throws).
  explicit SortedTables(const std::filesystem::path& dir) : SortedTables(input_files(dir)) {}
  SortedTables(const SortedTables&) = delete;
  SortedTables& operator=(const SortedTables&) = delete;

 private:
  explicit SortedTables(const std::array<std::filesystem::path, 4>& files)
      : customers(files[0], customer_columns<TextCell>, warnings, count),
        interactions(files[1], interaction_columns<TextCell>, warnings, count),
        sessions(files[2], session_columns<TextCell>, warnings, count),
        attributions(files[3], attribution_columns<TextCell>, warnings, count) {}
};

}  // namespace cbf::host
