// The four input tables (contract §1) read from PostgreSQL: the schema check and the reading of
// each table with COPY, shared by the database hosts.
#pragma once

#include "common/postgres.hpp"
#include "common/tables.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace cbf::host::pg {

/// The column names of `table` in the connection's current schema, in declaration order; empty
/// when there is no such table.
[[nodiscard]] std::vector<std::string> table_columns(Connection& db, std::string_view table);

/// Reads customer_data, user_interactions, user_sessions and purchase_attributions with COPY in
/// one read-only snapshot. Checks all four first: a missing table or required column (§1) throws
/// HostError naming it; absent optional columns read as missing. Every value is read as
/// PostgreSQL's text form by the §5 grammars, so TIMESTAMPTZ, TIMESTAMP (UTC), TEXT and integer
/// epoch seconds all work as timestamps, and DOUBLE PRECISION, NUMERIC and TEXT as numbers.
[[nodiscard]] Tables read_tables(Connection& db);

}  // namespace cbf::host::pg
