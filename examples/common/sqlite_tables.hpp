// The four input tables (contract §1) read from SQLite: the schema check and the conversion of
// SQLite's storage classes to the library's records, shared by the database hosts.
#pragma once

#include "common/sqlite.hpp"
#include "common/tables.hpp"

#include <cbf/time.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cbf::host::sqlite {

/// A column as a timestamp: TEXT by the §5 grammar (blank → missing), INTEGER as epoch seconds,
/// NULL → missing, REAL and BLOB → invalid (counted `bad_timestamp`).
[[nodiscard]] cbf::TimeField timestamp_value(const Statement& s, int column);

/// A column as a number: REAL and INTEGER as the double, NULL → missing, TEXT by the §5 money
/// grammar (blank → missing, unreadable → NaN, so the library counts it), BLOB → NaN.
[[nodiscard]] std::optional<double> number_value(const Statement& s, int column);

/// The column names of `table` in declaration order (PRAGMA table_info); empty when no such table.
[[nodiscard]] std::vector<std::string> table_columns(Database& db, std::string_view table);

/// Reads customer_data, user_interactions, user_sessions and purchase_attributions. Checks all
/// four first: a missing table or required column (§1) throws HostError naming it; absent
/// optional columns read as missing.
[[nodiscard]] Tables read_tables(Database& db);

}  // namespace cbf::host::sqlite
