#include "db/store.hpp"

#include "db/postgres_store.hpp"
#include "db/sqlite_store.hpp"

#include "common/errors.hpp"
#include "common/postgres.hpp"
#include "common/timestamp.hpp"

#include <fmt/format.h>

#include <utility>

namespace cbf::host::db {

std::unique_ptr<Store> open_store(const std::string& database, Notice notice) {
  constexpr std::string_view sqlite_scheme = "sqlite:";
  if (database.starts_with(sqlite_scheme) && database.size() > sqlite_scheme.size())
    return open_sqlite_store(database.substr(sqlite_scheme.size()), std::move(notice));
  if (pg::is_postgres_url(database)) return open_postgres_store(database, std::move(notice));
  throw HostError(
      fmt::format("'{}' is neither sqlite:PATH nor a postgresql:// URL", pg::redact_url(database)));
}

cbf::Timestamp read_run_instant(std::string_view text, std::string_view column) {
  const cbf::TimeField t = parse_timestamp(text);
  if (!t.is_valid())
    throw HostError(
        fmt::format("customer_behavior_runs.{}: '{}' is not a timestamp", column, text));
  return t.value();
}

std::string feature_names() {
  return feature_list(SqlTypes{},
                      [](std::string_view name, std::string_view) { return std::string(name); });
}

}  // namespace cbf::host::db
