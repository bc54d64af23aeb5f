// Where cbf-db reads its input tables and writes its output tables: a SQLite file or a
// PostgreSQL server, behind one interface, so the run itself is written once (cbf_db.cpp).
#pragma once

#include "common/tables.hpp"

#include <cbf/batch.hpp>
#include <cbf/features.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>

namespace cbf::host::db {

/// One run as customer_behavior_runs records it.
struct RunRecord {
  std::string started_at;                    ///< the run's clock, also every row's last_computed_at
  std::string as_of;                         ///< §5 text
  std::string mode;                          ///< "full" or "incremental"
  std::optional<std::string> changed_since;  ///< incremental runs: the bound used
  std::string shard;                         ///< "all" or "K/N"
};

/// What the final upsert did to customer_behavior_features.
struct WriteCounts {
  std::int64_t inserted = 0;
  std::int64_t updated = 0;
  std::int64_t unchanged = 0;
};

/// A database holding the four input tables and (after the first run) the output tables.
class Store {
 public:
  virtual ~Store() = default;

  /// Reads the four input tables in one snapshot; throws HostError naming a missing table or
  /// required column.
  [[nodiscard]] virtual Tables read_tables() = 0;

  /// When the latest recorded run of `shard` started ("all" also finds nothing but full-table
  /// runs), as §5 text; nullopt when none has been recorded (or no output table exists yet).
  [[nodiscard]] virtual std::optional<std::string> last_run_start(std::string_view shard) = 0;

  /// Creates the output tables if needed, stages the batch in transactions of `batch_size`
  /// rows, then upserts it and records the run in one transaction: an interrupted run leaves
  /// the output tables as they were, and unchanged rows are not touched.
  virtual WriteCounts write(const cbf::BatchResult& batch, const RunRecord& run,
                            std::int64_t batch_size) = 0;
};

/// Opens "sqlite:PATH" (an existing file) or a "postgresql://…" / "postgres://…" URL; throws
/// HostError for anything else or when it cannot be opened.
[[nodiscard]] std::unique_ptr<Store> open_store(const std::string& database);

namespace detail {
template <class T>
struct ValueOf {
  using type = T;
};
template <class T>
struct ValueOf<std::optional<T>> {
  using type = T;
};
}  // namespace detail

/// The SQL types a store gives the features' C++ types.
struct SqlTypes {
  std::string_view text;
  std::string_view real;
  std::string_view integer;
};

/// The 30 features as `format(name, sql_type)`, joined by `separator`.
template <class Format>
[[nodiscard]] std::string feature_list(const SqlTypes& types, Format format,
                                       std::string_view separator = ", ") {
  std::string list;
  const auto add = [&](std::string_view name, std::string_view type) {
    if (!list.empty()) list += separator;
    list += format(name, type);
  };
  const auto type_of =
      [&]<class Member>(const cbf::FieldInfo<cbf::CustomerBehaviorFeatures, Member>&) {
        using Value = typename detail::ValueOf<Member>::type;
        if constexpr (std::is_same_v<Value, std::string>)
          return types.text;
        else if constexpr (std::is_floating_point_v<Value>)
          return types.real;
        else
          return types.integer;
      };
  std::apply([&](const auto&... field) { (add(field.name, type_of(field)), ...); },
             cbf::feature_fields);
  return list;
}

/// The 30 feature names, comma separated.
[[nodiscard]] std::string feature_names();

}  // namespace cbf::host::db
