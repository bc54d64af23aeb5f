#include "common/tables.hpp"

#include "common/csv_reader.hpp"
#include "common/input_columns.hpp"
#include "common/number.hpp"
#include "common/text.hpp"
#include "common/timestamp.hpp"

#include <cbf/detail/parallel.hpp>

#include <cbf/features.hpp>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <fmt/ranges.h>

#include <sys/mman.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <iterator>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>

namespace cbf::host {
namespace {

/// Asks the kernel to back [p, p + bytes) with 2 MiB pages as it is first touched, where it
/// allows that (transparent huge pages in "madvise" mode): a record vector of hundreds of MB
/// then takes hundreds of page faults instead of tens of thousands, which the threads reading
/// a file in parts would otherwise queue for one after another. Only a hint: nothing changes
/// where the kernel declines.
void prefer_huge_pages(const void* p, std::size_t bytes) noexcept {
  constexpr std::uintptr_t huge = std::uintptr_t{2} << 20;
  const auto begin = (reinterpret_cast<std::uintptr_t>(p) + huge - 1) & ~(huge - 1);
  const auto end = (reinterpret_cast<std::uintptr_t>(p) + bytes) & ~(huge - 1);
  if (end > begin) (void)::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

template <class Record, std::size_t N>
void read_table(const std::filesystem::path& file,
                const std::array<InputColumn<Record, MemoTextCell>, N>& columns,
                std::vector<Record>& out, TextArena& text, std::vector<std::string>& warnings,
                const std::function<void(std::uint64_t)>& on_block, std::size_t parts) {
  std::array<std::string_view, N> names;
  for (std::size_t i = 0; i < N; ++i) names[i] = columns[i].name;
  // Each part of the file fills its own records, text and memos, on its own cache lines (parts
  // share none: two threads writing one line would pass it back and forth for every field).
  // The first part's records become the table's; the later parts' are read in chunks, each
  // appended to the first's and freed in turn, so joining them adds one chunk to the peak.
  constexpr std::size_t chunk_records = 65536;
  struct alignas(64) Part {
    std::vector<Record> records;              // the first part's
    std::vector<std::vector<Record>> chunks;  // a later part's
    TextArena text;
    std::array<TextMemo, N> memos{};
  };
  std::vector<Part> part(std::max<std::size_t>(parts, 1));
  // Room for rows of 64 bytes or more: address space only, so the records never grow by
  // copying (pages are touched, and count, only as rows fill them).
  std::error_code no_size;
  const std::uintmax_t bytes = std::filesystem::file_size(file, no_size);
  if (!no_size) {
    part[0].records.reserve(bytes / 64 + 16);
    prefer_huge_pages(part[0].records.data(), part[0].records.capacity() * sizeof(Record));
  }
  const CsvHeader header =
      read_csv_parallel(
          file, names, part.size(),
          [&](std::size_t k, std::span<const std::string_view> fields, std::size_t) {
            Part& p = part[k];
            std::vector<Record>* records = &p.records;
            if (k > 0) {
              if (p.chunks.empty() || p.chunks.back().size() == chunk_records)
                p.chunks.emplace_back().reserve(chunk_records);
              records = &p.chunks.back();
            }
            Record& record = records->emplace_back();
            for (std::size_t i = 0; i < N; ++i)
              columns[i].store(record, MemoTextCell{fields[i], &p.memos[i]}, p.text);
          },
          [&] {  // a split fell inside a quoted field: the file is read again
            for (Part& p : part) {
              p.records.clear();
              p.chunks.clear();
              p.text = TextArena();
              p.memos = {};
            }
          },
          /*missing_ok=*/true, default_max_row_bytes, on_block)
          .header;
  out = std::move(part[0].records);  // no copy when the file was read in one part
  for (std::size_t k = 1; k < part.size(); ++k)
    for (std::vector<Record>& chunk : part[k].chunks) {
      out.insert(out.end(), chunk.begin(), chunk.end());
      std::vector<Record>().swap(chunk);
    }
  for (Part& p : part) text.absorb(std::move(p.text));
  check_csv_header(file, columns, header, warnings);
}

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

/// A column name as near_miss_warnings compares it: without UTF-8 byte-order marks, trimmed of
/// ASCII whitespace, ASCII lower case.
std::string folded(std::string_view name) {
  std::string out;
  for (std::size_t at; (at = name.find(kByteOrderMark)) != std::string_view::npos;) {
    out += name.substr(0, at);
    name.remove_prefix(at + kByteOrderMark.size());
  }
  out += name;
  out = std::string(trim(out));
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

/// A name as a warning shows it: bytes outside printable ASCII as \xNN, so that a byte-order mark
/// or a tab is visible.
std::string visible(std::string_view name) {
  std::string out;
  for (const char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7F || c == '\\') {
      fmt::format_to(std::back_inserter(out), "\\x{:02X}", byte);
    } else {
      out += c;
    }
  }
  return out;
}

void write_cell(std::string& line, const std::string& v) { append_csv_text(line, v); }
void write_cell(std::string& line, std::int64_t v) { append_csv_number(line, v); }
void write_cell(std::string& line, int v) { append_csv_number(line, std::int64_t{v}); }
void write_cell(std::string& line, double v) { append_csv_number(line, v); }
template <class T>
void write_cell(std::string& line, const std::optional<T>& v) {
  if (v) write_cell(line, *v);
}

}  // namespace

std::vector<std::string> near_miss_warnings(std::string_view where,
                                            std::span<const std::string> names,
                                            std::span<const std::string_view> fields) {
  std::vector<std::string> warnings;
  const auto named = [&](std::string_view field) {
    return std::find(names.begin(), names.end(), field) != names.end();
  };
  for (const std::string& name : names) {
    if (std::find(fields.begin(), fields.end(), name) != fields.end()) continue;
    const std::string key = folded(name);
    const auto field =
        std::find_if(fields.begin(), fields.end(), [&](std::string_view f) { return f == key; });
    if (field == fields.end() || named(*field)) continue;
    // Say what sets the name apart, in the order folded() undoes it.
    std::vector<std::string_view> reasons;
    if (name.find(kByteOrderMark) != std::string::npos)
      reasons.emplace_back("it holds a UTF-8 byte-order mark");
    std::string unmarked = name;
    for (std::size_t at; (at = unmarked.find(kByteOrderMark)) != std::string::npos;)
      unmarked.erase(at, kByteOrderMark.size());
    if (trim(unmarked) != unmarked) reasons.emplace_back("it has spaces around it");
    if (trim(unmarked) != *field) reasons.emplace_back("names are case-sensitive");
    warnings.push_back(fmt::format("{}: column '{}' is not read; did you mean '{}'? ({})", where,
                                   visible(name), *field, fmt::join(reasons, "; ")));
  }
  return warnings;
}

cbf::TimeField read_timestamp(const TextCell& cell) noexcept { return parse_timestamp(cell.value); }

std::optional<double> read_number(const TextCell& cell) noexcept {
  return parse_number(cell.value);
}

// RFC 4180: quote a field that holds a comma, a quote or a line break.
void append_csv_text(std::string& line, std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
    line += value;
    return;
  }
  line += '"';
  for (char c : value) {
    if (c == '"') line += '"';
    line += c;
  }
  line += '"';
}

void append_csv_number(std::string& line, double value) {
  fmt::format_to(std::back_inserter(line), "{}", value);
}

void append_csv_number(std::string& line, std::int64_t value) {
  fmt::format_to(std::back_inserter(line), "{}", value);
}

std::array<std::filesystem::path, 4> input_files(const std::filesystem::path& dir) {
  return {dir / "customers.csv", dir / "user_interactions.csv", dir / "user_sessions.csv",
          dir / "purchase_attributions.csv"};
}

std::uint64_t input_bytes(const std::filesystem::path& dir) {
  std::uint64_t bytes = 0;
  for (const auto& file : input_files(dir)) {
    std::error_code missing;
    const auto size = std::filesystem::file_size(file, missing);
    if (!missing) bytes += size;
  }
  return bytes;
}

Tables read_tables(const std::filesystem::path& dir,
                   const std::function<void(const ReadProgress&)>& progress, unsigned threads) {
  const std::size_t parts = cbf::thread_count(threads);
  Tables t;
  const auto files = input_files(dir);
  ReadProgress p;
  p.bytes_total = input_bytes(dir);
  std::uint64_t before = 0;  // the bytes of the files already read
  const auto on_block = [&](std::uint64_t bytes) {
    if (!progress) return;
    p.bytes_done = before + bytes;
    // The file in progress adds its records when its parts are joined; until then the bytes
    // tell how far it got.
    p.records_done = t.record_count();
    progress(p);
  };
  const auto next_file = [&](const std::filesystem::path& file) {
    std::error_code ignored;
    const auto size = std::filesystem::file_size(file, ignored);
    if (!ignored) before += size;
  };
  read_table(files[0], customer_columns<MemoTextCell>, t.customers, t.text, t.warnings, on_block,
             parts);
  next_file(files[0]);
  read_table(files[1], interaction_columns<MemoTextCell>, t.interactions, t.text, t.warnings,
             on_block, parts);
  next_file(files[1]);
  read_table(files[2], session_columns<MemoTextCell>, t.sessions, t.text, t.warnings, on_block,
             parts);
  next_file(files[2]);
  read_table(files[3], attribution_columns<MemoTextCell>, t.attributions, t.text, t.warnings,
             on_block, parts);
  return t;
}

void write_features_header(std::ostream& out) {
  std::string line = "shop_id,customer_id";
  std::apply([&](const auto&... f) { ((line += ',', line += f.name), ...); }, cbf::feature_fields);
  line += ",as_of\n";
  out << line;
}

void append_features_row(std::string& line, const cbf::CustomerResult& row,
                         std::string_view as_of) {
  append_csv_text(line, row.shop_id);
  line += ',';
  append_csv_text(line, row.customer_id);
  cbf::for_each_feature(row.features, [&](std::string_view, const auto& value) {
    line += ',';
    write_cell(line, value);
  });
  line += ',';
  line += as_of;
  line += '\n';
}

void write_features_csv(std::ostream& out, const cbf::BatchResult& batch) {
  write_features_header(out);
  const std::string as_of = format_timestamp(batch.as_of);
  std::string line;
  for (const cbf::CustomerResult& row : batch.customers) {
    line.clear();
    append_features_row(line, row, as_of);
    out << line;
  }
}

void write_diagnostics_csv(std::ostream& out, const cbf::Diagnostics& diagnostics) {
  out << "record_kind,counter,value\n";
  cbf::for_each_count(diagnostics,
                      [&](std::string_view kind, std::string_view counter, std::int64_t value) {
                        out << kind << ',' << counter << ',' << value << '\n';
                      });
}

}  // namespace cbf::host
