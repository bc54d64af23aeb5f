// cbf-db's PostgreSQL store (sql/postgresql/).
#pragma once

#include "db/store.hpp"

namespace cbf::host::db {

/// Connects to the PostgreSQL server at `url`; throws HostError when it cannot.
[[nodiscard]] std::unique_ptr<Store> open_postgres_store(const std::string& url, Notice notice);

}  // namespace cbf::host::db
