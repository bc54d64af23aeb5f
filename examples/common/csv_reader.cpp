#include "common/csv_reader.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <utility>

namespace cbf::host {

namespace {

constexpr std::size_t kBlockSize = std::size_t{1} << 20;
constexpr std::size_t kAbsent = static_cast<std::size_t>(-1);
constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
constexpr std::string_view kUnterminatedField = "unterminated quoted field";

std::string describe(const std::string& file, std::size_t line, std::size_t column,
                     const std::string& message) {
  std::string out = file;
  if (line != 0) out += ':' + std::to_string(line);
  if (line != 0 && column != 0) out += ':' + std::to_string(column);
  return out + ": " + message;
}

std::string_view trim_ascii(std::string_view s) {
  constexpr std::string_view kSpace = " \t\n\v\f\r";
  const auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

struct FileCloser {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

[[noreturn]] void throw_io_error(const std::string& file, const char* what, int error) {
  throw CsvError(file, 0, 0, std::string(what) + ": " + std::generic_category().message(error));
}

/// The bytes that end an unquoted field or make it an error: comma, quote, LF, CR.
constexpr auto kSpecial = [] {
  std::array<bool, 256> table{};
  for (const unsigned char c : {',', '"', '\n', '\r'}) table[c] = true;
  return table;
}();
[[nodiscard]] inline bool is_special(char c) noexcept {
  return kSpecial[static_cast<unsigned char>(c)];
}

/// A file read through one buffer that holds the row being scanned whole: blocks of kBlockSize,
/// the unfinished row moved to the front before the next block is read, the buffer grown when a
/// row outgrows it (a row is at most max_row_bytes, so the buffer stays bounded).
class Source {
 public:
  /// Reads `f` from where it stands, at most `limit` bytes (a part of a file read in parallel);
  /// `first` says whether that is the file's start (byte-order marks are looked at there only).
  Source(std::FILE* f, std::string name, std::function<void(std::uint64_t)> on_block = {},
         std::uint64_t limit = UINT64_MAX, bool first = true)
      : f_(f),
        name_(std::move(name)),
        on_block_(std::move(on_block)),
        left_(limit),
        first_(first) {}

  /// Bytes of the file consumed so far (a byte-order mark counts as consumed).
  [[nodiscard]] std::uint64_t consumed() const noexcept { return read_ - (end_ - begin_); }

  /// The bytes read and not consumed yet.
  [[nodiscard]] std::string_view data() const noexcept {
    return {buffer_.data() + begin_, end_ - begin_};
  }
  [[nodiscard]] bool at_end() const noexcept { return eof_; }

  /// Drops the first `n` bytes of data() (scanned rows).
  void consume(std::size_t n) noexcept { begin_ += n; }

  /// Reads the next block after what is kept; false at the end of the file.
  bool read_more() {
    if (eof_) return false;
    if (begin_ > 0) {
      std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    // A row that outgrew a block doubles the next read, so scanning it again costs linear time.
    const std::size_t want =
        static_cast<std::size_t>(std::min<std::uint64_t>(std::max(kBlockSize, end_), left_));
    if (buffer_.size() - end_ < want) buffer_.resize(end_ + want);
    const std::size_t n = want == 0 ? 0 : std::fread(buffer_.data() + end_, 1, want, f_);
    left_ -= n;
    if (n < want || left_ == 0) {
      if (std::ferror(f_) != 0) throw_io_error(name_, "cannot read", errno);
      eof_ = true;
    }
    if (first_) {
      first_ = false;
      std::string_view head(buffer_.data() + end_, n);
      std::size_t skip = 0;
      if (head.starts_with(kByteOrderMark)) skip = kByteOrderMark.size();
      head.remove_prefix(skip);
      // FF FE and FE FF never occur in UTF-8: such a file is UTF-16 (or UTF-32), whose NUL bytes
      // would otherwise make every header name unrecognisable.
      if (head.starts_with("\xFF\xFE") || head.starts_with("\xFE\xFF"))
        throw CsvError(name_, 1, 0, "starts with a UTF-16 byte-order mark; the file must be UTF-8");
      begin_ += skip;
    }
    end_ += n;
    read_ += n;
    if (on_block_) on_block_(read_);
    return n > 0;
  }

 private:
  std::FILE* f_;
  std::string name_;
  std::function<void(std::uint64_t)> on_block_;  // hears the bytes read after each block
  std::uint64_t read_ = 0;
  std::uint64_t left_;
  std::vector<char> buffer_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  bool eof_ = false;
  bool first_;
};

/// Scans RFC 4180 rows (contract §5) out of a Source: fields are views into its buffer, but for
/// quoted fields with doubled quotes, which are unescaped into the row's own strings. Physical
/// lines end at LF, CRLF or a lone CR, inside quotes too, so every error names the line a reader
/// of the file sees. One pass, no allocation per field once the row's buffers have grown.
class Reader {
 public:
  /// With header_only, the reader stops as soon as the header is complete.
  Reader(std::string file, std::span<const std::string_view> columns, const CsvRowHandler& on_row,
         std::size_t max_row_bytes, bool header_only = false)
      : file_(std::move(file)),
        columns_(columns),
        on_row_(on_row),
        max_row_bytes_(max_row_bytes),
        header_only_(header_only) {}

  /// Reads every row of `source` (only the header with header_only).
  void read(Source& source) {
    source.read_more();
    while (read_row(source)) {
    }
  }

  /// Reads on from where `source` stands (read_more called once before the first call) until
  /// one data row has been handed on: true, or false at the end of the file (with header_only,
  /// once the header is complete). The row's views stay valid until the next call.
  bool read_row(Source& source) {
    for (;;) {
      const std::string_view data = source.data();
      if (data.empty() && source.at_end()) return false;
      const std::size_t used = scan_row(data, source.at_end());
      if (used == 0) {
        // The row continues past what is read: read on, keeping it, and scan it again.
        if (!source.read_more() && !source.at_end()) return false;
        continue;
      }
      source.consume(used);
      if (std::exchange(handed_on_, false)) return true;
      if (header_only_ && has_header_) return false;
    }
  }

  /// Reads the data rows after the header (after a header_only read).
  void read_all_rows() noexcept { header_only_ = false; }

  /// The physical line the next row would start on.
  [[nodiscard]] std::size_t next_line() const noexcept { return line_; }

  /// The state to read another part of the same file with: its header, and `line` for the
  /// part's first line.
  struct Resume {
    std::vector<std::string> header_names;
    std::vector<std::size_t> index;
    std::size_t header_line;
    std::size_t line;
  };

  /// Where this reader stands after its header (read with header_only).
  [[nodiscard]] Resume resume() const { return Resume{header_names_, index_, header_line_, line_}; }

  /// Reads a later part of the file, which starts at a row boundary on `from.line`.
  void continue_from(const Resume& from) {
    header_names_ = from.header_names;
    index_ = from.index;
    header_line_ = from.header_line;
    header_size_ = header_names_.size();
    has_header_ = true;
    views_.resize(columns_.size());
    line_ = from.line;
  }

  /// Which requested columns the header had (none when the file had no header).
  [[nodiscard]] CsvHeader header() const {
    CsvHeader h{std::vector<bool>(columns_.size(), false), header_line_, header_names_};
    for (std::size_t i = 0; i < index_.size(); ++i) h.present[i] = index_[i] != kAbsent;
    return h;
  }

 private:
  enum class Scan : std::uint8_t { plain, quote, comma, line_end };

  /// Scans one row (or a blank line) at the start of `data`, which starts a physical line, and
  /// hands it on. Returns the bytes it spans, line end included, or 0 when `data` ends inside it
  /// before the end of the file (nothing is handed on then).
  std::size_t scan_row(std::string_view data, bool at_end) {
    const char* const begin = data.data();
    const char* const end = begin + data.size();
    const char* p = begin;
    std::size_t line = line_;
    const std::size_t row_line = line;
    std::size_t fields = 0;
    std::size_t escaped = 0;
    values_.clear();
    // The size check of the row's next physical line, before any of it is scanned.
    const char* checked_until = begin;
    const auto too_long = [&](const char* until) {
      if (static_cast<std::size_t>(until - begin) > max_row_bytes_)
        throw CsvError(file_, row_line, 0,
                       "row longer than " + std::to_string(max_row_bytes_) + " bytes");
    };
    // A lone CR that ends the file is measured only when it is reached, after the line before it
    // (as the line-by-line reader this one replaces did; its errors stay the same).
    const char* final_cr = nullptr;
    const auto check_line = [&](const char* from) -> bool {
      if (from < checked_until) return true;
      // The line's end, found with memchr (vectorised) rather than byte by byte.
      const auto* lf =
          static_cast<const char*>(std::memchr(from, '\n', static_cast<std::size_t>(end - from)));
      const char* line_end = lf != nullptr ? lf : end;
      const auto* cr = static_cast<const char*>(
          std::memchr(from, '\r', static_cast<std::size_t>(line_end - from)));
      const char* e = cr != nullptr ? cr : line_end;
      if (e < end && *e == '\r' && e + 1 == end && !at_end) return false;  // CR or CRLF?
      if (e < end && *e == '\r' && e + 1 == end) {
        final_cr = e;
      } else if (e < end) {
        e += (*e == '\r' && e[1] == '\n') ? 2 : 1;
      } else if (!at_end && static_cast<std::size_t>(e - begin) <= max_row_bytes_) {
        return false;
      }
      too_long(e);
      checked_until = e;
      return true;
    };
    const auto pass_cr = [&](const char* cr) {
      if (cr == final_cr) too_long(cr + 1);
    };
    if (!check_line(p)) return 0;
    for (;;) {
      // A field starts at p.
      if (p < end && *p == '"') {
        const std::size_t field_line = line;
        const char* q = p + 1;
        bool doubled = false;
        for (;;) {
          while (q < end && *q != '"' && *q != '\n' && *q != '\r') ++q;
          if (q == end) {
            if (!at_end) return 0;
            throw CsvError(file_, field_line, fields + 1, std::string(kUnterminatedField));
          }
          if (*q == '"') {
            if (q + 1 == end && !at_end) return 0;
            if (q + 1 < end && q[1] == '"') {
              doubled = true;
              q += 2;
              continue;
            }
            break;
          }
          // A line end inside the quotes: a CRLF or a lone CR counts as one.
          if (*q == '\r') {
            if (q + 1 == end && !at_end) return 0;
            pass_cr(q);
            if (q + 1 < end && q[1] == '\n') ++q;
          }
          ++q;
          ++line;
          if (!check_line(q)) return 0;
        }
        const std::string_view raw(p + 1, static_cast<std::size_t>(q - p - 1));
        p = q + 1;
        if (p < end && *p != ',' && *p != '\n' && *p != '\r')
          throw CsvError(file_, line, fields + 1, "unexpected character after a closing quote");
        if (p < end && *p == '\r') pass_cr(p);  // measured before the field it ends is taken
        add_field(doubled ? unescape(raw, escaped++) : raw, fields, field_line);
      } else {
        const char* q = p;
        while (q < end && !is_special(*q)) ++q;
        if (q < end && *q == '"')
          throw CsvError(file_, line, fields + 1, "quote inside an unquoted field");
        if (q == end && !at_end) return 0;
        if (q < end && *q == '\r') pass_cr(q);  // measured before the field it ends is taken
        // An empty last field with nothing after it is no field: a blank line, or a row's end.
        if (q > p || fields > 0 || (q < end && *q == ',')) {
          add_field(std::string_view(p, static_cast<std::size_t>(q - p)), fields, line);
        }
        p = q;
      }
      // After a field: a comma, a line end or the end of the file.
      if (p == end) {
        end_row(fields, row_line);
        line_ = line;
        return static_cast<std::size_t>(p - begin);
      }
      if (*p == ',') {
        ++p;
        if (p == end && !at_end) return 0;
        if (p == end) {
          add_field({}, fields, line);  // "a," at the end of the file: an empty last field
          end_row(fields, row_line);
          line_ = line;
          return static_cast<std::size_t>(p - begin);
        }
        continue;
      }
      // A line end: LF, CRLF or a lone CR.
      if (*p == '\r') {
        if (p + 1 == end && !at_end) return 0;
        pass_cr(p);
        if (p + 1 < end && p[1] == '\n') ++p;
      }
      ++p;
      end_row(fields, row_line);
      line_ = line + 1;
      return static_cast<std::size_t>(p - begin);
    }
  }

  /// `raw` (a quoted field's inside) with each doubled quote made one, in the row's strings.
  std::string_view unescape(std::string_view raw, std::size_t slot) {
    if (slot >= unescaped_.size()) unescaped_.resize(slot + 1);
    std::string& out = unescaped_[slot];
    out.clear();
    for (std::size_t i = 0; i < raw.size(); ++i) {
      out += raw[i];
      if (raw[i] == '"') ++i;  // the second quote of a pair
    }
    return out;
  }

  void add_field(std::string_view value, std::size_t& fields, std::size_t field_line) {
    if (!has_header_) {
      names_.emplace_back(trim_ascii(value));
    } else if (fields >= header_size_) {
      throw CsvError(file_, field_line, fields + 1,
                     "row has more fields than the header's " + std::to_string(header_size_));
    } else {
      values_.push_back(value);
    }
    ++fields;
  }

  void end_row(std::size_t fields, std::size_t row_line) {
    if (fields == 0) return;  // a blank line
    if (!has_header_) {
      take_header(row_line);
      return;
    }
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      const std::size_t j = index_[i];
      views_[i] = j != kAbsent && j < values_.size() ? values_[j] : std::string_view{};
    }
    on_row_(std::span<const std::string_view>(views_), row_line);
    handed_on_ = true;
  }

  void take_header(std::size_t row_line) {
    index_.assign(columns_.size(), kAbsent);
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      for (std::size_t j = 0; j < names_.size(); ++j) {
        if (names_[j] == columns_[i]) {
          index_[i] = j;
          break;
        }
      }
    }
    views_.resize(columns_.size());
    header_size_ = names_.size();
    header_names_ = std::exchange(names_, {});
    has_header_ = true;
    header_line_ = row_line;
  }

  std::string file_;
  std::span<const std::string_view> columns_;
  const CsvRowHandler& on_row_;
  std::size_t max_row_bytes_;
  bool header_only_;

  std::size_t line_ = 1;  // the physical line the next row starts on
  bool has_header_ = false;
  bool handed_on_ = false;                 // a data row was handed on since read_row last saw
  std::size_t header_line_ = 0;            // the header's line, 0 until it is complete
  std::size_t header_size_ = 0;            // the header's fields
  std::vector<std::string> names_;         // the header's trimmed names, until it is complete
  std::vector<std::string> header_names_;  // the header's trimmed names, once it is complete
  std::vector<std::size_t> index_;         // requested column -> header position, or kAbsent
  std::vector<std::string_view> values_;   // the current row's fields
  std::deque<std::string> unescaped_;  // the current row's fields with doubled quotes (never moved)
  std::vector<std::string_view> views_;  // the current row's requested fields
};

}  // namespace

CsvError::CsvError(std::string file, std::size_t line, std::size_t column,
                   const std::string& message)
    : std::runtime_error(describe(file, line, column, message)),
      file_(std::move(file)),
      line_(line),
      column_(column),
      message_(message) {}

CsvHeader read_csv(const std::filesystem::path& file, std::span<const std::string_view> columns,
                   const CsvRowHandler& on_row, bool missing_ok, std::size_t max_row_bytes,
                   const std::function<void(std::uint64_t)>& on_block) {
  const std::string name = file.string();
  const FilePtr f(std::fopen(file.c_str(), "rb"));
  if (!f) {
    const int error = errno;
    if (error == ENOENT && missing_ok)
      return CsvHeader{std::vector<bool>(columns.size(), false), 0, {}};
    throw_io_error(name, "cannot open", error);
  }
  Reader reader(name, columns, on_row, max_row_bytes);
  Source source(f.get(), name, on_block);
  reader.read(source);
  return reader.header();
}

namespace {

/// Where up to `parts` parts of `file` begin, after its header (which ends at `from`): just
/// after the first line feed at or past each even share of the rest. Not checked to lie outside
/// quotes: read_csv_parallel checks that as the parts are read.
std::vector<std::uint64_t> split_points(std::FILE* f, std::uint64_t from, std::uint64_t size,
                                        std::size_t parts) {
  std::vector<std::uint64_t> splits{from};
  std::vector<char> block(kBlockSize);
  for (std::size_t k = 1; k < parts; ++k) {
    std::uint64_t at = std::max(splits.back(), from + (size - from) * k / parts);
    if (std::fseek(f, static_cast<long>(at), SEEK_SET) != 0) return splits;
    for (bool found = false; !found;) {
      const std::size_t n = std::fread(block.data(), 1, block.size(), f);
      if (n == 0) return splits;
      const auto* lf = static_cast<const char*>(std::memchr(block.data(), '\n', n));
      if (lf == nullptr) {
        at += n;
        continue;
      }
      at += static_cast<std::uint64_t>(lf - block.data()) + 1;
      if (at >= size) return splits;
      if (at > splits.back()) splits.push_back(at);
      found = true;
    }
  }
  return splits;
}

}  // namespace

CsvParts read_csv_parallel(const std::filesystem::path& file,
                           std::span<const std::string_view> columns, std::size_t parts,
                           const CsvPartRowHandler& on_row, const std::function<void()>& on_discard,
                           bool missing_ok, std::size_t max_row_bytes,
                           const std::function<void(std::uint64_t)>& on_block) {
  const auto serial = [&] {
    CsvParts r;
    r.header = read_csv(
        file, columns,
        [&](std::span<const std::string_view> fields, std::size_t line) {
          on_row(0, fields, line);
        },
        missing_ok, max_row_bytes, on_block);
    r.first_lines = {1};
    return r;
  };
  std::error_code size_error;
  const std::uint64_t size = std::filesystem::file_size(file, size_error);
  if (parts <= 1 || size_error || size < 4 * kBlockSize) return serial();
  const std::string name = file.string();
  Reader::Resume resume;
  std::vector<std::uint64_t> splits;
  CsvParts result;
  {
    const FilePtr f(std::fopen(file.c_str(), "rb"));
    if (!f) throw_io_error(name, "cannot open", errno);
    const CsvRowHandler no_rows = [](std::span<const std::string_view>, std::size_t) {};
    Reader reader(name, columns, no_rows, max_row_bytes, /*header_only=*/true);
    Source source(f.get(), name);
    reader.read(source);
    result.header = reader.header();
    if (result.header.line == 0) return result;  // no header: no rows
    resume = reader.resume();
    splits = split_points(f.get(), source.consumed(), size, parts);
  }
  // Each part on its own thread and file handle; the progress adds up the parts' bytes.
  std::atomic<std::uint64_t> bytes{splits.front()};
  std::mutex progress;
  std::vector<std::exception_ptr> errors(splits.size());
  std::vector<std::size_t> end_lines(splits.size());  // by part: the line after its last
  std::vector<std::thread> threads;
  for (std::size_t k = 0; k < splits.size(); ++k) {
    threads.emplace_back([&, k] {
      try {
        const FilePtr f(std::fopen(file.c_str(), "rb"));
        if (!f) throw_io_error(name, "cannot open", errno);
        const std::uint64_t begin = splits[k];
        const std::uint64_t end = k + 1 < splits.size() ? splits[k + 1] : size;
        if (std::fseek(f.get(), static_cast<long>(begin), SEEK_SET) != 0)
          throw_io_error(name, "cannot read", errno);
        std::uint64_t last = 0;
        Source source(
            f.get(), name,
            [&](std::uint64_t read) {
              const std::uint64_t now = bytes += read - std::exchange(last, read);
              if (!on_block) return;
              const std::lock_guard lock(progress);
              on_block(now);
            },
            end - begin, /*first=*/false);
        const CsvRowHandler rows = [&](std::span<const std::string_view> fields, std::size_t line) {
          on_row(k, fields, line);
        };
        Reader reader(name, columns, rows, max_row_bytes);
        Reader::Resume part = resume;
        if (k > 0) part.line = 1;  // counted from the part's start; placed once parts before end
        reader.continue_from(part);
        reader.read(source);
        end_lines[k] = reader.next_line();
      } catch (...) {
        errors[k] = std::current_exception();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  // A part but the last that ends inside quotes was split inside a quoted field (or the file has
  // a quote never closed there): the file is read again in one piece, as read_csv reads it.
  for (std::size_t k = 0; k + 1 < splits.size(); ++k) {
    if (!errors[k]) continue;
    try {
      std::rethrow_exception(errors[k]);
    } catch (const CsvError& e) {
      if (e.message() != kUnterminatedField) break;  // the first error in the file
      if (on_discard) on_discard();
      return serial();
    } catch (...) {
      break;
    }
  }
  // Part 0 counts the file's lines; part k > 0 counts from 1 and ends on end_lines[k].
  result.first_lines.assign(splits.size(), 1);
  for (std::size_t k = 1; k < splits.size(); ++k)
    result.first_lines[k] = result.first_lines[k - 1] + end_lines[k - 1] - 1;
  for (std::size_t k = 0; k < splits.size(); ++k) {
    if (!errors[k]) continue;
    try {
      std::rethrow_exception(errors[k]);
    } catch (const CsvError& e) {
      if (k == 0) throw;
      // Its line in the file: the part's lines are counted from its start.
      throw CsvError(e.file(), e.line() == 0 ? 0 : result.first_lines[k] + e.line() - 1, e.column(),
                     e.message());
    }
  }
  return result;
}

struct CsvCursor::Impl {
  std::string name;
  FilePtr file;
  std::span<const std::string_view> fields;
  std::size_t line = 0;
  CsvRowHandler on_row;
  std::optional<Reader> reader;
  std::optional<Source> source;
  CsvHeader header;
};

CsvCursor::CsvCursor(const std::filesystem::path& file, std::span<const std::string_view> columns,
                     bool missing_ok, std::size_t max_row_bytes,
                     std::function<void(std::uint64_t bytes_read)> on_block)
    : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.name = file.string();
  m.header = CsvHeader{std::vector<bool>(columns.size(), false), 0, {}};
  m.file.reset(std::fopen(file.c_str(), "rb"));
  if (!m.file) {
    const int error = errno;
    if (error == ENOENT && missing_ok) return;
    throw_io_error(m.name, "cannot open", error);
  }
  m.on_row = [&m](std::span<const std::string_view> fields, std::size_t line) {
    m.fields = fields;
    m.line = line;
  };
  m.reader.emplace(m.name, columns, m.on_row, max_row_bytes, /*header_only=*/true);
  m.source.emplace(m.file.get(), m.name, std::move(on_block));
  m.source->read_more();
  (void)m.reader->read_row(*m.source);  // the header
  m.header = m.reader->header();
  m.reader->read_all_rows();
}

CsvCursor::~CsvCursor() = default;
CsvCursor::CsvCursor(CsvCursor&&) noexcept = default;
CsvCursor& CsvCursor::operator=(CsvCursor&&) noexcept = default;

const CsvHeader& CsvCursor::header() const noexcept { return impl_->header; }

bool CsvCursor::next() {
  Impl& m = *impl_;
  if (!m.reader || m.header.line == 0) return false;  // a missing file, or one without a header
  return m.reader->read_row(*m.source);
}

std::span<const std::string_view> CsvCursor::fields() const noexcept { return impl_->fields; }

std::size_t CsvCursor::line() const noexcept { return impl_->line; }

std::vector<std::string> read_csv_header(const std::filesystem::path& file,
                                         std::size_t max_row_bytes) {
  const std::string name = file.string();
  const FilePtr f(std::fopen(file.c_str(), "rb"));
  if (!f) throw_io_error(name, "cannot open", errno);
  const CsvRowHandler no_rows = [](std::span<const std::string_view>, std::size_t) {};
  Reader reader(name, {}, no_rows, max_row_bytes, /*header_only=*/true);
  Source source(f.get(), name);
  reader.read(source);
  return reader.header().names;
}

}  // namespace cbf::host
