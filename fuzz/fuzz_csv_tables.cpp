// Fuzzes the CSV host's reading (examples/common/tables.hpp): the fuzzer's bytes become one of the
// four input files; cbf::host::read_tables must either throw a CsvError that names the file and the
// place, or read exactly the rows an independent RFC 4180 model of the contract's dialect finds;
// the batch over what was read must then keep every promise of fuzz/batch_checks.hpp.
#include "batch_checks.hpp"
#include "fuzz_input.hpp"

#include "common/csv_reader.hpp"
#include "common/tables.hpp"

#include <cbf/cbf.hpp>

#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace {

using cbf_fuzz::fail;
using cbf_fuzz::require;

/// One input table: its file and its required columns, in column order (docs/features.md, "The
/// four record kinds").
struct Table {
  std::string_view file;
  std::array<std::string_view, 3> required;  // "" = none
};

constexpr std::array<Table, 4> tables{{
    {"customers.csv", {"customer_id", "", ""}},
    {"user_interactions.csv", {"customer_id", "event_type", "created_at"}},
    {"user_sessions.csv", {"customer_id", "session_id", "start_time"}},
    {"purchase_attributions.csv", {"customer_id", "order_id", "created_at"}},
}};

/// What a strict RFC 4180 reading of a file gives (contract §5): its rows, or its first error.
struct Model {
  enum class Error {
    none,
    utf16,
    quote_in_unquoted,
    after_closing_quote,
    unterminated,
    extra_field,
    lacks
  };
  Error error = Error::none;
  std::size_t line = 0;    // of the error
  std::size_t column = 0;  // of the error
  std::string lacking;     // the required column a header lacks
  std::size_t header_line = 0;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // data rows
};

/// Reads `text` as the contract's CSV dialect, written from RFC 4180, contract §5 and the host's
/// documented decisions (docs/features.md §11 a, b, l, m) alone: a UTF-8 byte-order mark is
/// skipped, a UTF-16 one is an error; CR, LF and CRLF end a row outside quotes, and every LF, CRLF
/// and lone CR ends a physical line; a row without any field (a blank line) is skipped; the first
/// row is the header (names trimmed), which must name every required column; a data row may be
/// short but not longer than the header; a quote may only open a field or, doubled, stand inside a
/// quoted one.
Model model_of(std::string_view text, const Table& table) {
  Model m;
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  if (text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF")) {
    m.error = Model::Error::utf16;
    m.line = 1;
    return m;
  }
  enum class State {
    row_start,
    field_start,
    unquoted,
    quoted,
    quote_seen
  } state = State::row_start;
  std::vector<std::string> row;
  std::string field;
  std::size_t line = 1;        // physical line of the current byte
  std::size_t field_line = 1;  // where the field in progress starts
  std::size_t row_line = 1;    // where the row in progress starts
  bool have_header = false;
  const auto error = [&](Model::Error e, std::size_t at_line) {
    m.error = e;
    m.line = at_line;
    m.column = row.size() + 1;
  };
  // Ends the field in progress; false when it is one too many for the header.
  const auto end_field = [&]() {
    if (have_header && row.size() == m.header.size()) {
      error(Model::Error::extra_field, field_line);
      return false;
    }
    if (row.empty()) row_line = field_line;
    row.push_back(std::move(field));
    field.clear();
    return true;
  };
  const auto end_row = [&]() {
    if (!have_header) {
      for (const std::string& name : row) m.header.emplace_back(cbf_fuzz::trimmed(name));
      m.header_line = row_line;
      have_header = true;
    } else {
      m.rows.push_back(std::move(row));
    }
    row.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool end = c == '\r' || c == '\n';
    const bool in_quotes = state == State::quoted;
    switch (state) {
      case State::row_start:
      case State::field_start:
        if (end) {
          if (state == State::field_start) {
            if (!end_field()) return m;
            end_row();
          }
          state = State::row_start;
        } else if (c == ',') {
          if (!end_field()) return m;
          state = State::field_start;
        } else if (c == '"') {
          state = State::quoted;
        } else {
          field += c;
          state = State::unquoted;
        }
        break;
      case State::unquoted:
        if (c == '"') {
          error(Model::Error::quote_in_unquoted, line);
          return m;
        }
        if (end || c == ',') {
          if (!end_field()) return m;
          if (end) end_row();
          state = end ? State::row_start : State::field_start;
        } else {
          field += c;
        }
        break;
      case State::quoted:
        if (c == '"') {
          state = State::quote_seen;
        } else {
          field += c;
        }
        break;
      case State::quote_seen:
        if (c == '"') {
          field += c;
          state = State::quoted;
        } else if (end || c == ',') {
          if (!end_field()) return m;
          if (end) end_row();
          state = end ? State::row_start : State::field_start;
        } else {
          error(Model::Error::after_closing_quote, line);
          return m;
        }
        break;
    }
    // A physical line ends at LF, and at a CR not followed by LF.
    if (c == '\n' || (c == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'))) ++line;
    // A field starts right after a separator or a row's end (quoted, they are text).
    if (!in_quotes && (c == ',' || end)) field_line = line;
  }
  if (state == State::quoted) {
    error(Model::Error::unterminated, field_line);
    return m;
  }
  if (state != State::row_start) {
    if (!end_field()) return m;
    end_row();
  }
  // A header must name every required column, even in a file without rows (decision b).
  if (!have_header) return m;
  for (const std::string_view column : table.required) {
    if (column.empty()) continue;
    if (std::find(m.header.begin(), m.header.end(), column) != m.header.end()) continue;
    m.error = Model::Error::lacks;
    m.line = m.header_line;
    m.lacking = std::string(column);
    return m;
  }
  return m;
}

/// The text of column `name` in a data row: "" when the header lacks it or the row is short.
std::string_view field_of(const Model& m, const std::vector<std::string>& row,
                          std::string_view name) {
  const auto at = std::find(m.header.begin(), m.header.end(), name);
  const auto j = static_cast<std::size_t>(at - m.header.begin());
  return at == m.header.end() || j >= row.size() ? std::string_view{} : std::string_view(row[j]);
}

/// The message category of a model error, as the reader words it (examples/common/csv_reader.cpp).
std::string_view words_of(Model::Error e) {
  switch (e) {
    case Model::Error::utf16:
      return "UTF-16 byte-order mark";
    case Model::Error::quote_in_unquoted:
      return "quote inside an unquoted field";
    case Model::Error::after_closing_quote:
      return "unexpected character after a closing quote";
    case Model::Error::unterminated:
      return "unterminated quoted field";
    case Model::Error::extra_field:
      return "row has more fields than the header";
    case Model::Error::lacks:
      return "header lacks the required column";
    case Model::Error::none:
      break;
  }
  return "";
}

/// The per-process directory the file is written into: reused by every input, removed at exit
/// (left behind by a crash, with the file that caused it).
const std::filesystem::path& work_dir() {
  struct Dir {
    std::filesystem::path path =
        std::filesystem::temp_directory_path() / fmt::format("cbf-fuzz-csv-{}", ::getpid());
    Dir() { std::filesystem::create_directories(path); }
    Dir(const Dir&) = delete;
    Dir& operator=(const Dir&) = delete;
    ~Dir() {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
  };
  static const Dir dir;
  return dir.path;
}

/// The records read of one kind are the model's data rows: as many, with the same ids.
template <class R>
void check_ids(const std::vector<R>& got, const Model& m) {
  require(got.size() == m.rows.size(), "read {} records where the file has {} data rows",
          got.size(), m.rows.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    const std::string_view shop = field_of(m, m.rows[i], "shop_id");
    const std::string_view customer = field_of(m, m.rows[i], "customer_id");
    require(got[i].shop_id == shop && got[i].customer_id == customer,
            "record {} read as ({:?}, {:?}), the file says ({:?}, {:?})", i, got[i].shop_id,
            got[i].customer_id, shop, customer);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const Table& table = tables[data[0] % tables.size()];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::filesystem::path& dir = work_dir();
  for (const Table& t : tables) {
    std::error_code ignored;
    std::filesystem::remove(dir / t.file, ignored);
  }
  const std::filesystem::path file = dir / table.file;
  {
    std::FILE* f = std::fopen(file.c_str(), "wb");
    require(f != nullptr, "cannot create {}", file.string());
    require(std::fwrite(text.data(), 1, text.size(), f) == text.size() && std::fclose(f) == 0,
            "cannot write {}", file.string());
  }

  const Model model = model_of(text, table);
  cbf::host::Tables read;
  try {
    read = cbf::host::read_tables(dir);
  } catch (const cbf::host::CsvError& e) {
    const std::string what = e.what();
    require(e.file() == file.string() && what.starts_with(file.string()),
            "CsvError '{}' does not name the file {}", what, file.string());
    require(model.error != Model::Error::none, "CsvError '{}' for a well-formed file", what);
    require(what.find(words_of(model.error)) != std::string::npos,
            "CsvError '{}' where the model finds '{}' at {}:{}", what, words_of(model.error),
            model.line, model.column);
    // Errors about a whole line or the header name no column.
    const bool whole_line =
        model.error == Model::Error::lacks || model.error == Model::Error::utf16;
    const std::size_t column = whole_line ? 0 : model.column;
    require(e.line() >= 1 && e.line() == model.line && e.column() == column,
            "CsvError '{}' at {}:{} where the model finds {}:{}", what, e.line(), e.column(),
            model.line, column);
    require(model.error != Model::Error::lacks || what.find(model.lacking) != std::string::npos,
            "CsvError '{}' does not name the column '{}'", what, model.lacking);
    return 0;
  } catch (const std::exception& e) {
    fail("read_tables threw something else than CsvError: {}", e.what());
  }
  require(model.error == Model::Error::none,
          "the file was read where the model finds '{}' at {}:{}", words_of(model.error),
          model.line, model.column);
  const std::size_t kind = static_cast<std::size_t>(&table - tables.data());
  require(read.record_count() == model.rows.size(), "{} records read from {} data rows",
          read.record_count(), model.rows.size());
  switch (kind) {
    case 0:
      check_ids(read.customers, model);
      break;
    case 1:
      check_ids(read.interactions, model);
      break;
    case 2:
      check_ids(read.sessions, model);
      break;
    default:
      check_ids(read.attributions, model);
      break;
  }

  // A fixed as_of: MissingAsOf cannot occur, and the records fall on both sides of it.
  cbf::Config config;
  config.as_of = cbf::Timestamp{std::chrono::sys_days{std::chrono::year{2024} / 6 / 1}};
  cbf_fuzz::Records records;
  for (const auto& r : read.customers)
    records.customers.push_back({std::string(r.shop_id), std::string(r.customer_id), r.created_at,
                                 r.updated_at, "", "", ""});  // tags, currency, locale: not kept
  for (const auto& r : read.interactions)
    records.interactions.push_back({std::string(r.shop_id), std::string(r.customer_id),
                                    std::string(r.session_id), std::string(r.event_type), "",
                                    std::string(r.product_id),  // page_type: not kept
                                    std::string(r.category_id), std::string(r.search_query),
                                    r.view_duration, std::string(r.device_type), r.created_at});
  for (const auto& r : read.sessions)
    records.sessions.push_back({std::string(r.shop_id), std::string(r.customer_id),
                                std::string(r.session_id), r.start_time, r.end_time,
                                std::string(r.device_type), "",  // browser_type: not kept
                                std::string(r.referrer_type), r.created_at});
  for (const auto& r : read.attributions)
    records.attributions.push_back({std::string(r.shop_id), std::string(r.customer_id),
                                    std::string(r.order_id), std::string(r.product_id),
                                    std::string(r.session_id), std::string(r.attribution_type),
                                    r.attribution_value, r.created_at});
  try {
    const cbf::BatchResult batch =
        cbf::compute_batch(records.customers, records.interactions, records.sessions,
                           records.attributions, config, cbf::BatchOptions{.threads = 1});
    cbf_fuzz::check_batch(batch, records, *config.as_of);
  } catch (const std::exception& e) {
    fail("compute_batch over the tables read threw {}", e.what());
  }
  return 0;
}
