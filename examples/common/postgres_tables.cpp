#include "common/postgres_tables.hpp"

#include "common/input_columns.hpp"

#include <fmt/format.h>

#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cbf::host::pg {
namespace {

/// One input table: its SQL name, its columns, and which of them the database has.
template <class Record, std::size_t N>
struct Table {
  std::string_view name;
  const std::array<InputColumn<Record, TextCell>, N>& columns;
  std::array<bool, N> present{};

  /// Looks the columns up; throws when the table or a required column is missing, and warns
  /// of a column ignored although it resembles one of the table's.
  void check(Connection& db, std::vector<std::string>& warnings) {
    const std::vector<std::string> names = table_columns(db, name);
    present = present_columns(name, columns, names);
    add_near_miss_warnings(warnings, fmt::format("table {}", name), columns, names);
  }

  /// Appends every row of the table to `out`; NULL reads as an empty field.
  void read(Connection& db, std::vector<Record>& out, TextArena& text) const {
    std::vector<std::optional<std::string_view>> fields;
    std::string scratch;
    db.copy_out(
        fmt::format("COPY (SELECT {} FROM \"{}\") TO STDOUT", select_list(columns, present), name),
        [&](std::string_view line) {
          split_copy_row(line, fields, scratch);
          Record& record = out.emplace_back();
          std::size_t field = 0;
          for (std::size_t i = 0; i < N; ++i) {
            if (!present[i]) continue;
            const std::optional<std::string_view> value =
                field < fields.size() ? fields[field] : std::nullopt;
            ++field;
            columns[i].store(record, TextCell{value.value_or(std::string_view())}, text);
          }
        });
  }
};

}  // namespace

std::vector<std::string> table_columns(Connection& db, std::string_view table) {
  const std::array<std::optional<std::string>, 1> parameters{std::string(table)};
  const Result result = db.query(
      "SELECT column_name FROM information_schema.columns "
      "WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
      parameters);
  std::vector<std::string> names;
  for (int row = 0; row < result.rows(); ++row) names.emplace_back(result.text(row, 0));
  return names;
}

Tables read_tables(Connection& db) {
  Table<HostCustomer, 7> customers{"customer_data", customer_columns<TextCell>};
  Table<HostInteraction, 11> interactions{"user_interactions", interaction_columns<TextCell>};
  Table<HostSession, 9> sessions{"user_sessions", session_columns<TextCell>};
  Table<HostAttribution, 8> attributions{"purchase_attributions", attribution_columns<TextCell>};
  std::vector<std::string> warnings;
  customers.check(db, warnings);
  interactions.check(db, warnings);
  sessions.check(db, warnings);
  attributions.check(db, warnings);
  // One snapshot for the four tables: rows written meanwhile are all in or all out.
  db.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  Tables t;
  t.warnings = std::move(warnings);
  customers.read(db, t.customers, t.text);
  interactions.read(db, t.interactions, t.text);
  sessions.read(db, t.sessions, t.text);
  attributions.read(db, t.attributions, t.text);
  db.exec("COMMIT");
  return t;
}

}  // namespace cbf::host::pg
