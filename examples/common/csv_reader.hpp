// An RFC 4180 CSV reader for the example hosts (contract §5), a hand-written scanner (why: see
// docs/dependencies.md): selects columns by header name and reports every malformed file with its
// file name, physical line and field number.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cbf::host {

/// A malformed CSV file: names the file, the 1-based physical line and the 1-based column (field
/// number; 0 when not applicable).
class CsvError : public std::runtime_error {
 public:
  /// what() is one line: "<file>:<line>:<column>: <message>" (":<column>" omitted when column is 0,
  /// ":<line>" too when line is 0).
  CsvError(std::string file, std::size_t line, std::size_t column, const std::string& message);

  /// The file as the caller named it.
  [[nodiscard]] const std::string& file() const noexcept { return file_; }
  /// The 1-based physical line of the problem, 0 when it concerns the whole file.
  [[nodiscard]] std::size_t line() const noexcept { return line_; }
  /// The 1-based field number within the row, 0 when not applicable.
  [[nodiscard]] std::size_t column() const noexcept { return column_; }
  /// What is wrong, without the file, line and column.
  [[nodiscard]] const std::string& message() const noexcept { return message_; }

 private:
  std::string file_;
  std::size_t line_;
  std::size_t column_;
  std::string message_;
};

/// Which of the requested columns the header had, and where it was.
struct CsvHeader {
  std::vector<bool> present;
  std::size_t line = 0;  ///< the header's 1-based physical line; 0 when the file has no header
  /// The header's names in file order, ASCII-trimmed as they are matched (empty without header).
  std::vector<std::string> names;
};

/// The default longest row read_csv accepts, line ends included: 64 MiB. A longer row is an error,
/// so a hostile file (a gigabyte without a line end, a quote never closed) cannot exhaust memory.
inline constexpr std::size_t default_max_row_bytes = std::size_t{64} << 20;

/// One data row: fields[i] is the value of columns[i] ("" when the header lacks that column or the
/// row is short); line is the physical line where the row starts.
using CsvRowHandler =
    std::function<void(std::span<const std::string_view> fields, std::size_t line)>;

/// A data row of part `part` of a file read in parallel (see read_csv_parallel).
using CsvPartRowHandler = std::function<void(
    std::size_t part, std::span<const std::string_view> fields, std::size_t line)>;

/// Reads an RFC 4180 file, calling on_row for each data row. A missing file throws CsvError (line
/// 0) unless missing_ok, in which case it returns a header with no column present and calls
/// nothing. Lines end at LF, CRLF or a lone CR. A file that starts with a UTF-16 byte-order mark,
/// or a row of more than max_row_bytes bytes, throws CsvError. `on_block`, when set, hears the
/// bytes read so far after each block of the file (about every MiB), for a progress display.
CsvHeader read_csv(const std::filesystem::path& file, std::span<const std::string_view> columns,
                   const CsvRowHandler& on_row, bool missing_ok = false,
                   std::size_t max_row_bytes = default_max_row_bytes,
                   const std::function<void(std::uint64_t bytes_read)>& on_block = {});

/// read_csv one row at a time, on request: for a reader that keeps only the rows it still needs
/// (cbf-features --sorted). The header is read on construction; the rows, the header and every
/// error are read_csv's, in the same order.
class CsvCursor {
 public:
  /// Opens `file` and reads its header (a missing file throws CsvError unless missing_ok; it then
  /// has no rows). `on_block` hears the bytes read so far after each block of the file. The
  /// cursor views `columns`: they must outlive it.
  CsvCursor(const std::filesystem::path& file, std::span<const std::string_view> columns,
            bool missing_ok = false, std::size_t max_row_bytes = default_max_row_bytes,
            std::function<void(std::uint64_t bytes_read)> on_block = {});
  ~CsvCursor();
  CsvCursor(CsvCursor&&) noexcept;
  CsvCursor& operator=(CsvCursor&&) noexcept;

  /// Which requested columns the header had (none for a missing file or one without a header).
  [[nodiscard]] const CsvHeader& header() const noexcept;
  /// Reads the next data row: false at the end of the file.
  [[nodiscard]] bool next();
  /// The row next() read: the values of the requested columns, valid until the next call.
  [[nodiscard]] std::span<const std::string_view> fields() const noexcept;
  /// The physical line where that row starts.
  [[nodiscard]] std::size_t line() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The names of a file's header (its first non-blank row), ASCII-trimmed as read_csv matches
/// them; empty for an empty file. Reads no further than the header, in linear time, with
/// read_csv's errors: a missing file, a UTF-16 byte-order mark, a quote never closed
/// ("unterminated quoted field" at FILE:LINE:COLUMN) or a header of more than max_row_bytes bytes
/// throws CsvError.
[[nodiscard]] std::vector<std::string> read_csv_header(
    const std::filesystem::path& file, std::size_t max_row_bytes = default_max_row_bytes);

/// read_csv over up to `parts` pieces of the file, each on its own thread: split after the first
/// line feed past each even share of the file, so each piece holds whole rows, unless that line
/// feed lies inside a quoted field. The split is not checked first (that would read the file
/// once more, on one thread): each part but the last must end where a row ends, and when one
/// ends inside quotes instead, `on_discard` is called (the rows given so far are to be dropped)
/// and the file is read again by read_csv, every row as part 0's. on_row(part, …) is called from
/// part `part`'s thread, the rows of each part in file order; parts follow each other in the
/// file. A row's line is counted from its part's first line: the returned first_lines[part] is
/// that line's number in the file, so the row's is first_lines[part] + line - 1 (part 0 counts
/// the file's own lines: first_lines[0] is 1). The header, the rows and the first error (with its
/// line in the file) are read_csv's; a small file, or parts = 1, is read by read_csv itself.
/// `on_block` hears the bytes read by all parts.
struct CsvParts {
  CsvHeader header;
  std::vector<std::size_t> first_lines;  ///< by part: the file line its line 1 is
};
CsvParts read_csv_parallel(const std::filesystem::path& file,
                           std::span<const std::string_view> columns, std::size_t parts,
                           const CsvPartRowHandler& on_row, const std::function<void()>& on_discard,
                           bool missing_ok = false,
                           std::size_t max_row_bytes = default_max_row_bytes,
                           const std::function<void(std::uint64_t bytes_read)>& on_block = {});

}  // namespace cbf::host
