// cbf-db's SQLite store (sql/sqlite/).
#pragma once

#include "db/store.hpp"

namespace cbf::host::db {

/// Opens the existing SQLite database at `path`; throws HostError when there is none.
[[nodiscard]] std::unique_ptr<Store> open_sqlite_store(const std::string& path, Notice notice);

}  // namespace cbf::host::db
