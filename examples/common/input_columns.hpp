// The columns of the four input tables (contract §1): one list for every host. Each source of
// cells (a CSV field, a SQLite column, a PostgreSQL COPY field) brings its own three readers;
// the lists, names and required flags are written once, here.
#pragma once

#include "common/csv_reader.hpp"
#include "common/errors.hpp"
#include "common/host_records.hpp"

#include <cbf/time.hpp>

#include <fmt/format.h>

#include <algorithm>

#include <array>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cbf::host {

/// A column of an input table: its name (CSV header and SQL column alike), whether the contract
/// requires it, and how a cell of type Cell is stored into the record (its text kept in the
/// arena). Cell needs the overloads read_text(cell) → text (a view or a string, valid until the
/// next cell), read_timestamp(cell) → cbf::TimeField and read_number(cell) →
/// std::optional<double>, found by argument-dependent lookup. A cell may also bring
/// keep_text(cell, arena) → a KeptText that lives as long as the arena (e.g. one kept before for
/// an equal text); without it, the text is copied into the arena.
template <class Record, class Cell>
struct InputColumn {
  std::string_view name;
  bool required;
  void (*store)(Record&, const Cell&, TextArena&);
};

/// The cell's text kept in `text`: a copy, unless the cell brings its own keep_text.
template <class Cell>
[[nodiscard]] KeptText keep_text(const Cell& cell, TextArena& text) {
  return text.keep(std::string_view(read_text(cell)));
}

namespace detail {

template <auto Member, class Record, class Cell>
void store_text(Record& record, const Cell& cell, TextArena& text) {
  record.*Member = keep_text(cell, text);
}

template <auto Member, class Record, class Cell>
void store_timestamp(Record& record, const Cell& cell, TextArena&) {
  record.*Member = read_timestamp(cell);
}

template <auto Member, class Record, class Cell>
void store_number(Record& record, const Cell& cell, TextArena&) {
  record.*Member = read_number(cell);
}

/// For a column of the contract that no feature reads (page_type, browser_type, a customer's
/// tags, currency and locale): known, so that its name is matched and never warned about, but
/// not kept.
template <class Record, class Cell>
void store_nothing(Record&, const Cell&, TextArena&) {}

using C = HostCustomer;
using I = HostInteraction;
using S = HostSession;
using A = HostAttribution;

}  // namespace detail

/// customer_data / customers.csv.
template <class Cell>
inline constexpr std::array<InputColumn<HostCustomer, Cell>, 7> customer_columns{{
    {"shop_id", false, detail::store_text<&detail::C::shop_id>},
    {"customer_id", true, detail::store_text<&detail::C::customer_id>},
    {"created_at", false, detail::store_timestamp<&detail::C::created_at>},
    {"updated_at", false, detail::store_timestamp<&detail::C::updated_at>},
    {"tags", false, detail::store_nothing<detail::C>},
    {"currency_code", false, detail::store_nothing<detail::C>},
    {"locale", false, detail::store_nothing<detail::C>},
}};

/// user_interactions.
template <class Cell>
inline constexpr std::array<InputColumn<HostInteraction, Cell>, 11> interaction_columns{{
    {"shop_id", false, detail::store_text<&detail::I::shop_id>},
    {"customer_id", true, detail::store_text<&detail::I::customer_id>},
    {"session_id", false, detail::store_text<&detail::I::session_id>},
    {"event_type", true, detail::store_text<&detail::I::event_type>},
    {"page_type", false, detail::store_nothing<detail::I>},
    {"product_id", false, detail::store_text<&detail::I::product_id>},
    {"category_id", false, detail::store_text<&detail::I::category_id>},
    {"search_query", false, detail::store_text<&detail::I::search_query>},
    {"view_duration", false, detail::store_number<&detail::I::view_duration>},
    {"device_type", false, detail::store_text<&detail::I::device_type>},
    {"created_at", true, detail::store_timestamp<&detail::I::created_at>},
}};

/// user_sessions.
template <class Cell>
inline constexpr std::array<InputColumn<HostSession, Cell>, 9> session_columns{{
    {"shop_id", false, detail::store_text<&detail::S::shop_id>},
    {"customer_id", true, detail::store_text<&detail::S::customer_id>},
    {"session_id", true, detail::store_text<&detail::S::session_id>},
    {"start_time", true, detail::store_timestamp<&detail::S::start_time>},
    {"end_time", false, detail::store_timestamp<&detail::S::end_time>},
    {"device_type", false, detail::store_text<&detail::S::device_type>},
    {"browser_type", false, detail::store_nothing<detail::S>},
    {"referrer_type", false, detail::store_text<&detail::S::referrer_type>},
    {"created_at", false, detail::store_timestamp<&detail::S::created_at>},
}};

/// purchase_attributions.
template <class Cell>
inline constexpr std::array<InputColumn<HostAttribution, Cell>, 8> attribution_columns{{
    {"shop_id", false, detail::store_text<&detail::A::shop_id>},
    {"customer_id", true, detail::store_text<&detail::A::customer_id>},
    {"order_id", true, detail::store_text<&detail::A::order_id>},
    {"product_id", false, detail::store_text<&detail::A::product_id>},
    {"session_id", false, detail::store_text<&detail::A::session_id>},
    {"attribution_type", false, detail::store_text<&detail::A::attribution_type>},
    {"attribution_value", false, detail::store_number<&detail::A::attribution_value>},
    {"created_at", true, detail::store_timestamp<&detail::A::created_at>},
}};

/// Which of `columns` the database table `table` has, given its column names (empty: no such
/// table). Throws HostError naming the table, or the table and a required column it lacks.
template <class Record, class Cell, std::size_t N>
[[nodiscard]] std::array<bool, N> present_columns(
    std::string_view table, const std::array<InputColumn<Record, Cell>, N>& columns,
    const std::vector<std::string>& names) {
  if (names.empty()) throw HostError(fmt::format("the database has no table {}", table));
  std::array<bool, N> present{};
  for (std::size_t i = 0; i < N; ++i) {
    present[i] = std::find(names.begin(), names.end(), columns[i].name) != names.end();
    if (columns[i].required && !present[i])
      throw HostError(fmt::format("table {} has no column {}", table, columns[i].name));
  }
  return present;
}

/// Warnings for the `names` of a header or table (as the host matches them) that name none of
/// `fields` but resemble one that none of them names: equal once ASCII case is folded, ASCII
/// whitespace trimmed and UTF-8 byte-order marks removed. Such a column is ignored, as every
/// unknown column is (contract §5); each warning names `where` (a file or a table), the column as
/// written and the field it resembles.
[[nodiscard]] std::vector<std::string> near_miss_warnings(std::string_view where,
                                                          std::span<const std::string> names,
                                                          std::span<const std::string_view> fields);

/// near_miss_warnings against the columns of an input table, appended to `warnings`.
template <class Record, class Cell, std::size_t N>
void add_near_miss_warnings(std::vector<std::string>& warnings, std::string_view where,
                            const std::array<InputColumn<Record, Cell>, N>& columns,
                            std::span<const std::string> names) {
  std::array<std::string_view, N> fields;
  for (std::size_t i = 0; i < N; ++i) fields[i] = columns[i].name;
  for (std::string& w : near_miss_warnings(where, names, fields)) warnings.push_back(std::move(w));
}

/// What the CSV hosts check of a file's header: near-miss column names (warnings), and a header
/// without a required column, a CsvError at the header's line (absent and empty are not the same).
template <class Record, class Cell, std::size_t N>
void check_csv_header(const std::filesystem::path& file,
                      const std::array<InputColumn<Record, Cell>, N>& columns,
                      const CsvHeader& header, std::vector<std::string>& warnings) {
  add_near_miss_warnings(warnings, file.string(), columns, header.names);
  for (std::size_t i = 0; i < N; ++i)
    if (header.line != 0 && columns[i].required && !header.present[i])
      throw CsvError(file.string(), header.line, 0,
                     fmt::format("header lacks the required column '{}'", columns[i].name));
}

/// The SELECT list of the present columns, each quoted as an SQL identifier.
template <class Record, class Cell, std::size_t N>
[[nodiscard]] std::string select_list(const std::array<InputColumn<Record, Cell>, N>& columns,
                                      const std::array<bool, N>& present) {
  std::string list;
  for (std::size_t i = 0; i < N; ++i) {
    if (!present[i]) continue;
    if (!list.empty()) list += ", ";
    list += fmt::format("\"{}\"", columns[i].name);
  }
  return list;
}

/// A text cell (a CSV field, a PostgreSQL text-format field; NULL reads as empty): the §5
/// grammars decide timestamps and numbers.
struct TextCell {
  std::string_view value;
};

/// The cell as it is.
[[nodiscard]] inline std::string_view read_text(const TextCell& cell) { return cell.value; }
/// The cell by the §5 timestamp grammar (blank → missing).
[[nodiscard]] cbf::TimeField read_timestamp(const TextCell& cell) noexcept;
/// The cell by the §5 money grammar (blank → missing, unreadable → NaN).
[[nodiscard]] std::optional<double> read_number(const TextCell& cell) noexcept;

/// A text cell whose column remembers its last texts (TextMemo): a column's repeated texts are
/// kept once, as the SQLite host's are. The memo's texts must stay in the arena given.
struct MemoTextCell {
  std::string_view value;
  TextMemo* memo;
};

[[nodiscard]] inline std::string_view read_text(const MemoTextCell& cell) { return cell.value; }
[[nodiscard]] inline cbf::TimeField read_timestamp(const MemoTextCell& cell) noexcept {
  return read_timestamp(TextCell{cell.value});
}
[[nodiscard]] inline std::optional<double> read_number(const MemoTextCell& cell) noexcept {
  return read_number(TextCell{cell.value});
}
[[nodiscard]] inline KeptText keep_text(const MemoTextCell& cell, TextArena& arena) {
  return cell.memo->keep(cell.value, arena);
}

}  // namespace cbf::host
