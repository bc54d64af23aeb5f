#include "common/sqlite_tables.hpp"

#include "common/input_columns.hpp"
#include "common/number.hpp"
#include "common/timestamp.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace cbf::host::sqlite {
namespace {

/// A column of the current row of a SELECT, read by its storage class.
struct ColumnCell {
  const Statement& select;
  int column;
};

// A column as text (TEXT as is, INTEGER and REAL as SQLite writes them, NULL empty): a view valid
// until the next step, which is all store_text needs, as it keeps a copy at once.
std::string_view read_text(const ColumnCell& cell) { return cell.select.column_text(cell.column); }
cbf::TimeField read_timestamp(const ColumnCell& cell) {
  return timestamp_value(cell.select, cell.column);
}
std::optional<double> read_number(const ColumnCell& cell) {
  return number_value(cell.select, cell.column);
}

/// One input table: its SQL name, its columns, and which of them the database has.
template <class Record, std::size_t N>
struct Table {
  std::string_view name;
  const std::array<InputColumn<Record, ColumnCell>, N>& columns;
  std::array<bool, N> present{};

  /// Looks the columns up; throws when the table or a required column is missing, and warns
  /// of a column ignored although it resembles one of the table's.
  void check(Database& db, std::vector<std::string>& warnings) {
    const std::vector<std::string> names = table_columns(db, name);
    present = present_columns(name, columns, names);
    add_near_miss_warnings(warnings, fmt::format("table {}", name), columns, names);
  }

  /// Appends every row of the table to `out`.
  void read(Database& db, std::vector<Record>& out, TextArena& text) const {
    Statement select(db, fmt::format("SELECT {} FROM \"{}\"", select_list(columns, present), name));
    while (select.step()) {
      Record& record = out.emplace_back();
      int column = 0;
      for (std::size_t i = 0; i < N; ++i)
        if (present[i]) columns[i].store(record, ColumnCell{select, column++}, text);
    }
  }
};

}  // namespace

cbf::TimeField timestamp_value(const Statement& s, int column) {
  switch (s.column_type(column)) {
    case SQLITE_NULL:
      return {};
    case SQLITE_INTEGER:
      return std::chrono::sys_seconds{std::chrono::seconds{s.column_int64(column)}};
    case SQLITE_TEXT:
      return parse_timestamp(s.column_text(column));
    default:
      return cbf::TimeField::invalid();
  }
}

std::optional<double> number_value(const Statement& s, int column) {
  switch (s.column_type(column)) {
    case SQLITE_NULL:
      return std::nullopt;
    case SQLITE_INTEGER:
      return static_cast<double>(s.column_int64(column));
    case SQLITE_FLOAT:
      return s.column_double(column);
    case SQLITE_TEXT:
      return parse_number(s.column_text(column));
    default:
      return std::numeric_limits<double>::quiet_NaN();
  }
}

std::vector<std::string> table_columns(Database& db, std::string_view table) {
  Statement info(db, "SELECT name FROM pragma_table_info(?)");
  info.bind_text(1, table);
  std::vector<std::string> names;
  while (info.step()) names.emplace_back(info.column_text(0));
  return names;
}

Tables read_tables(Database& db) {
  Table<HostCustomer, 7> customers{"customer_data", customer_columns<ColumnCell>};
  Table<HostInteraction, 11> interactions{"user_interactions", interaction_columns<ColumnCell>};
  Table<HostSession, 9> sessions{"user_sessions", session_columns<ColumnCell>};
  Table<HostAttribution, 8> attributions{"purchase_attributions", attribution_columns<ColumnCell>};
  std::vector<std::string> warnings;
  customers.check(db, warnings);
  interactions.check(db, warnings);
  sessions.check(db, warnings);
  attributions.check(db, warnings);
  Tables t;
  t.warnings = std::move(warnings);
  customers.read(db, t.customers, t.text);
  interactions.read(db, t.interactions, t.text);
  sessions.read(db, t.sessions, t.text);
  attributions.read(db, t.attributions, t.text);
  return t;
}

}  // namespace cbf::host::sqlite
