#include "common/csv_reader.hpp"

#include <csv.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <system_error>
#include <utility>

namespace cbf::host {

namespace {

constexpr std::size_t kBlockSize = std::size_t{1} << 20;
constexpr std::size_t kParserBlockSize = 4096;
constexpr std::size_t kAbsent = static_cast<std::size_t>(-1);
constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
// REPALL_NL reports every line end outside quotes, blank lines included, so line numbers can be
// tracked exactly; the reader skips the resulting empty rows itself.
constexpr unsigned char kOptions = CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL | CSV_REPALL_NL;

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

// Values are passed exactly as in the file: libcsv would otherwise strip spaces and tabs.
int never_space(unsigned char /*c*/) { return 0; }

struct FileCloser {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

/// Owns a libcsv parser configured for the contract's dialect.
class Parser {
 public:
  Parser() {
    csv_init(&p_, kOptions);
    csv_set_space_func(&p_, never_space);
    csv_set_blk_size(&p_, kParserBlockSize);
  }
  ~Parser() { csv_free(&p_); }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;

  /// The parser, for libcsv's functions.
  csv_parser* get() noexcept { return &p_; }

 private:
  csv_parser p_{};
};

/// Feeds a file to libcsv one physical line at a time and turns its callbacks into rows.
class Reader {
 public:
  /// With header_only, the reader is done() as soon as the header is complete.
  Reader(std::string file, std::span<const std::string_view> columns, const CsvRowHandler& on_row,
         std::size_t max_row_bytes, bool header_only = false)
      : file_(std::move(file)),
        columns_(columns),
        on_row_(on_row),
        max_row_bytes_(max_row_bytes),
        header_only_(header_only) {}

  /// Whether nothing more is to be read: the header is complete and only it was asked for.
  [[nodiscard]] bool done() const noexcept { return header_only_ && has_header_; }

  /// Parses a block of the file (any size, lines may continue into the next block).
  void feed_block(std::string_view block) {
    if (cr_pending_) {
      // The previous block ended with a CR: this block's first byte tells CRLF from a lone CR.
      cr_pending_ = false;
      feed("\r", !block.empty() && block.front() == '\n' ? LineEnd::none : LineEnd::lone_cr);
    }
    while (!block.empty() && !done()) {
      const char* data = block.data();
      const void* nl = std::memchr(data, '\n', block.size());
      const std::size_t until_nl =
          nl != nullptr ? static_cast<std::size_t>(static_cast<const char*>(nl) - data)
                        : block.size();
      const void* cr = std::memchr(data, '\r', until_nl);
      const std::size_t cr_at =
          cr != nullptr ? static_cast<std::size_t>(static_cast<const char*>(cr) - data) : 0;
      if (cr != nullptr && (nl == nullptr || cr_at + 1 != until_nl)) {
        // A CR not followed by LF ends a line (as in Python's csv module), unless the block ends
        // before the next byte is known.
        if (cr_at + 1 == block.size()) {
          if (cr_at > 0) feed(block.substr(0, cr_at), LineEnd::none);
          cr_pending_ = true;
          return;
        }
        feed(block.substr(0, cr_at + 1), LineEnd::lone_cr);
        block.remove_prefix(cr_at + 1);
        continue;
      }
      const std::size_t len = nl != nullptr ? until_nl + 1 : block.size();
      feed(block.substr(0, len), nl != nullptr ? LineEnd::lf : LineEnd::none);
      block.remove_prefix(len);
    }
  }

  /// Ends the file: submits a last row without a line end, or reports an unterminated quote.
  void finish() {
    if (done()) return;
    if (cr_pending_) {
      cr_pending_ = false;
      feed("\r", LineEnd::lone_cr);
    }
    if (csv_fini(parser_.get(), on_field, on_row_end, this) != 0) {
      throw CsvError(file_, field_line_, fields_ + 1, "unterminated quoted field");
    }
    rethrow_pending();
  }

  /// Which requested columns the header had (none when the file had no header).
  [[nodiscard]] CsvHeader header() const {
    CsvHeader h{std::vector<bool>(columns_.size(), false), header_line_, header_names_};
    for (std::size_t i = 0; i < index_.size(); ++i) h.present[i] = index_[i] != kAbsent;
    return h;
  }

 private:
  static void on_field(void* data, std::size_t len, void* self) {
    const std::string_view value =
        len == 0 ? std::string_view{} : std::string_view(static_cast<const char*>(data), len);
    static_cast<Reader*>(self)->guarded([&](Reader& r) { r.field(value); });
  }
  static void on_row_end(int c, void* self) {
    static_cast<Reader*>(self)->guarded([&](Reader& r) { r.row_end(c); });
  }

  // Exceptions must not unwind through libcsv's C frames: keep the first, ignore the rest.
  template <class F>
  void guarded(F&& f) noexcept {
    if (pending_) return;
    try {
      f(*this);
    } catch (...) {
      pending_ = std::current_exception();
    }
  }

  void rethrow_pending() {
    if (pending_) std::rethrow_exception(std::exchange(pending_, nullptr));
  }

  // How a piece of the file fed to libcsv ends: mid-line, or with the end of a physical line.
  enum class LineEnd : std::uint8_t { none, lf, lone_cr };

  void feed(std::string_view piece, LineEnd end) {
    // Rows end only at line ends, which end pieces: the pieces since the last row end are the
    // row in progress, so it is measured before libcsv buffers any more of it.
    row_bytes_ += piece.size();
    if (row_bytes_ > max_row_bytes_) {
      throw CsvError(file_, fields_ == 0 ? field_line_ : row_line_, 0,
                     "row longer than " + std::to_string(max_row_bytes_) + " bytes");
    }
    lone_cr_ = end == LineEnd::lone_cr;
    // libcsv grows a field's buffer by its block size: growing it by the buffer's own size
    // instead keeps a field of n bytes from costing n / 4096 reallocations of up to n bytes.
    csv_set_blk_size(parser_.get(), std::max(kParserBlockSize, csv_get_buffer_size(parser_.get())));
    const std::size_t used =
        csv_parse(parser_.get(), piece.data(), piece.size(), on_field, on_row_end, this);
    rethrow_pending();
    if (used != piece.size()) {
      if (csv_error(parser_.get()) != CSV_EPARSE) {
        throw CsvError(file_, line_, fields_ + 1, csv_strerror(csv_error(parser_.get())));
      }
      // In strict mode without space trimming, libcsv stops at exactly these two mistakes.
      throw CsvError(file_, line_, fields_ + 1,
                     piece[used] == '"' ? "quote inside an unquoted field"
                                        : "unexpected character after a closing quote");
    }
    if (end != LineEnd::none) ++line_;
  }

  void field(std::string_view value) {
    const std::size_t start = field_line_;
    if (fields_ == 0) row_line_ = start;
    field_line_ = line_;
    if (!has_header_) {
      names_.emplace_back(trim_ascii(value));
    } else if (fields_ >= row_.size()) {
      throw CsvError(file_, start, fields_ + 1,
                     "row has more fields than the header's " + std::to_string(row_.size()));
    } else if (needed_[fields_]) {
      row_[fields_].assign(value);
    }
    ++fields_;
  }

  void row_end(int terminator) {
    // A row without fields is a blank line (reported because of CSV_REPALL_NL).
    if (fields_ != 0 && has_header_) {
      emit_row();
    } else if (fields_ != 0) {
      take_header();
    }
    fields_ = 0;
    row_bytes_ = 0;
    // A row ends at its line's end, except at the CR of a CRLF: then the LF follows.
    const bool line_ends = terminator == '\n' || (terminator == '\r' && lone_cr_);
    field_line_ = line_ends ? line_ + 1 : line_;
  }

  void take_header() {
    index_.assign(columns_.size(), kAbsent);
    needed_.assign(names_.size(), false);
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      for (std::size_t j = 0; j < names_.size(); ++j) {
        if (names_[j] == columns_[i]) {
          index_[i] = j;
          needed_[j] = true;
          break;
        }
      }
    }
    row_.resize(names_.size());
    views_.resize(columns_.size());
    header_names_ = std::exchange(names_, {});
    has_header_ = true;
    header_line_ = row_line_;
  }

  void emit_row() {
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      const std::size_t j = index_[i];
      views_[i] = j != kAbsent && j < fields_ ? std::string_view(row_[j]) : std::string_view{};
    }
    on_row_(std::span<const std::string_view>(views_), row_line_);
  }

  std::string file_;
  std::span<const std::string_view> columns_;
  const CsvRowHandler& on_row_;
  std::size_t max_row_bytes_;
  bool header_only_;
  Parser parser_;
  std::exception_ptr pending_;

  std::size_t line_ = 1;        // the physical line being fed to libcsv
  std::size_t field_line_ = 1;  // where the field in progress (or the next one) starts
  std::size_t row_line_ = 1;    // where the row in progress starts
  std::size_t fields_ = 0;      // fields of the row in progress submitted so far
  std::size_t row_bytes_ = 0;   // bytes of the row in progress fed so far, line ends included
  bool lone_cr_ = false;        // the piece being fed ends with a CR that is no CRLF's
  bool cr_pending_ = false;     // the last block ended with a CR not yet fed

  bool has_header_ = false;
  std::size_t header_line_ = 0;            // the header's line, 0 until it is complete
  std::vector<std::string> names_;         // the header's trimmed names, until it is complete
  std::vector<std::string> header_names_;  // the header's trimmed names, once it is complete
  std::vector<std::size_t> index_;         // requested column -> header position, or kAbsent
  std::vector<bool> needed_;               // header position -> some requested column uses it
  std::vector<std::string> row_;           // the current row's needed fields, by header position
  std::vector<std::string_view> views_;    // the current row's requested fields
};

[[noreturn]] void throw_io_error(const std::string& file, const char* what, int error) {
  throw CsvError(file, 0, 0, std::string(what) + ": " + std::generic_category().message(error));
}

/// Feeds `file` to `reader` block by block until its end or until the reader is done.
void read_into(const std::string& name, std::FILE* f, Reader& reader) {
  const auto block = std::make_unique_for_overwrite<char[]>(kBlockSize);
  for (bool first = true; !reader.done(); first = false) {
    const std::size_t n = std::fread(block.get(), 1, kBlockSize, f);
    std::string_view data(block.get(), n);
    if (first && data.starts_with(kByteOrderMark)) data.remove_prefix(kByteOrderMark.size());
    // FF FE and FE FF never occur in UTF-8: such a file is UTF-16 (or UTF-32), whose NUL bytes
    // would otherwise make every header name unrecognisable.
    if (first && (data.starts_with("\xFF\xFE") || data.starts_with("\xFE\xFF")))
      throw CsvError(name, 1, 0, "starts with a UTF-16 byte-order mark; the file must be UTF-8");
    reader.feed_block(data);
    if (n < kBlockSize) {
      if (std::ferror(f) != 0) throw_io_error(name, "cannot read", errno);
      break;
    }
  }
  reader.finish();
}

}  // namespace

CsvError::CsvError(std::string file, std::size_t line, std::size_t column,
                   const std::string& message)
    : std::runtime_error(describe(file, line, column, message)),
      file_(std::move(file)),
      line_(line),
      column_(column) {}

CsvHeader read_csv(const std::filesystem::path& file, std::span<const std::string_view> columns,
                   const CsvRowHandler& on_row, bool missing_ok, std::size_t max_row_bytes) {
  const std::string name = file.string();
  const FilePtr f(std::fopen(file.c_str(), "rb"));
  if (!f) {
    const int error = errno;
    if (error == ENOENT && missing_ok)
      return CsvHeader{std::vector<bool>(columns.size(), false), 0, {}};
    throw_io_error(name, "cannot open", error);
  }
  Reader reader(name, columns, on_row, max_row_bytes);
  read_into(name, f.get(), reader);
  return reader.header();
}

std::vector<std::string> read_csv_header(const std::filesystem::path& file,
                                         std::size_t max_row_bytes) {
  const std::string name = file.string();
  const FilePtr f(std::fopen(file.c_str(), "rb"));
  if (!f) throw_io_error(name, "cannot open", errno);
  const CsvRowHandler no_rows = [](std::span<const std::string_view>, std::size_t) {};
  Reader reader(name, {}, no_rows, max_row_bytes, /*header_only=*/true);
  read_into(name, f.get(), reader);
  return reader.header().names;
}

}  // namespace cbf::host
