// The reference host's tables (contract §5): the four input CSV files in, the feature and
// diagnostics CSV files out.
#pragma once

#include <cbf/batch.hpp>
#include "common/host_records.hpp"

#include <cbf/features.hpp>

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace cbf::host {

/// The four input tables: packed records whose texts are kept in `text` (so Tables move, never
/// copy).
struct Tables {
  std::vector<HostCustomer> customers;
  std::vector<HostInteraction> interactions;
  std::vector<HostSession> sessions;
  std::vector<HostAttribution> attributions;
  TextArena text;  ///< every record's text
  /// Columns that were ignored although they resemble a contract column (near_miss_warnings),
  /// one message each; the hosts print them on stderr unless quiet.
  std::vector<std::string> warnings;

  /// Records of all four kinds.
  [[nodiscard]] std::size_t record_count() const noexcept {
    return customers.size() + interactions.size() + sessions.size() + attributions.size();
  }
};

/// How far reading the input files has got.
struct ReadProgress {
  std::uint64_t bytes_done = 0;
  std::uint64_t bytes_total = 0;  ///< the four files' sizes
  std::uint64_t records_done = 0;
};

/// The four input files of `dir`, in the order they are read: customers.csv,
/// user_interactions.csv, user_sessions.csv, purchase_attributions.csv.
[[nodiscard]] std::array<std::filesystem::path, 4> input_files(const std::filesystem::path& dir);

/// The bytes of those of the four input files of `dir` that exist.
[[nodiscard]] std::uint64_t input_bytes(const std::filesystem::path& dir);

/// Reads customers.csv, user_interactions.csv, user_sessions.csv and purchase_attributions.csv
/// from `dir` (a missing file = no records). Throws CsvError on malformed files or a header that
/// lacks a required column. `progress`, when set, hears how far it got about every MiB (from
/// one thread at a time). Large files are read in parallel parts on `threads` threads (0: all
/// hardware threads), with the same records, in the same order, and the same errors.
[[nodiscard]] Tables read_tables(const std::filesystem::path& dir,
                                 const std::function<void(const ReadProgress&)>& progress = {},
                                 unsigned threads = 1);

/// Writes `shop_id,customer_id,<30 features>,as_of`, one row per customer (null = empty field).
void write_features_csv(std::ostream& out, const cbf::BatchResult& batch);

/// Writes the header line of write_features_csv.
void write_features_header(std::ostream& out);

/// Appends one row of write_features_csv, line end included; `as_of` is format_timestamp's.
void append_features_row(std::string& line, const cbf::CustomerResult& row, std::string_view as_of);

/// Appends text as write_features_csv writes a field: quoted (RFC 4180) when it holds a comma, a
/// quote or a line break, else as is.
void append_csv_text(std::string& line, std::string_view value);

/// Appends a number as write_features_csv writes it: the shortest text that reads back exactly.
void append_csv_number(std::string& line, double value);

/// Appends an integer as write_features_csv writes it.
void append_csv_number(std::string& line, std::int64_t value);

/// Writes `record_kind,counter,value` for the four kinds × twelve counters.
void write_diagnostics_csv(std::ostream& out, const cbf::Diagnostics& diagnostics);

}  // namespace cbf::host
