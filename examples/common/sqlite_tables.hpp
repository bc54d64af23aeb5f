// The four input tables (contract §1) read from SQLite: the schema check and the conversion of
// SQLite's storage classes to the library's records, shared by the database hosts; serially on
// one connection, or in parallel on connections of their own that share one snapshot.
#pragma once

#include "common/sqlite.hpp"
#include "common/tables.hpp"

#include <cbf/time.hpp>

#include <functional>
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

/// Reads customer_data, user_interactions, user_sessions and purchase_attributions on `db`,
/// inside the transaction the caller holds (so in one snapshot). Checks all four first: a
/// missing table or required column (§1) throws HostError naming it; absent optional columns
/// read as missing. A table with rowids is read in rowid order. A failed read throws HostError
/// naming the table.
[[nodiscard]] Tables read_tables(Database& db);

/// What read_tables_in_parallel lets a test do at its one interesting moment.
struct ParallelReadHooks {
  /// Runs once every reading connection holds the shared snapshot and the guard that made it
  /// one has been released, before any row is read (another connection may write then).
  std::function<void()> snapshot_taken;
};

/// read_tables on `threads` connections (at least 2, at most 16) of their own to the file `path`,
/// each reading its own part of the rows (a table with rowids is split by rowid ranges), all in
/// one snapshot: the connections start their read transactions while a guard connection holds
/// the database's write lock (BEGIN IMMEDIATE), so no commit can fall between their starts, in
/// rollback-journal and WAL mode alike (docs/hosting.md). The same records in the same order as
/// read_tables, the same errors. Returns std::nullopt, having read nothing, when that snapshot
/// cannot be had at once (another connection holds the write lock, the file is read-only, …):
/// the caller then reads serially.
[[nodiscard]] std::optional<Tables> read_tables_in_parallel(const std::string& path,
                                                            unsigned threads,
                                                            const ParallelReadHooks& hooks = {});

}  // namespace cbf::host::sqlite
