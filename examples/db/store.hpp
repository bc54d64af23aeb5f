// Where cbf-db reads its input tables and writes its output tables: a SQLite file or a
// PostgreSQL server, behind one interface, so the run itself is written once (cbf_db.cpp).
#pragma once

#include "common/tables.hpp"
#include "db/watermark.hpp"

#include <cbf/batch.hpp>
#include <cbf/features.hpp>

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

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

  /// Reads the four input tables in one snapshot, on up to `threads` (≥ 1) connections where
  /// the store can; throws HostError naming a missing table or required column, or the table
  /// whose read failed.
  [[nodiscard]] virtual Tables read_tables(unsigned threads) = 0;

  /// The runs recorded in customer_behavior_runs, in the order they committed (empty when the
  /// table does not exist yet); throws HostError on a started_at or changed_since it cannot read.
  [[nodiscard]] virtual std::vector<CommittedRun> committed_runs() = 0;

  /// Creates the output tables if needed, stages the batch in transactions of `batch_size`
  /// rows, then upserts it and records the run in one transaction, after any other run's
  /// publish (runs publish one at a time, so customer_behavior_runs is in commit order): an
  /// interrupted run leaves the output tables as they were, and unchanged rows are not touched.
  /// Throws only when the output tables are exactly as before; a failure after the commit is
  /// reported through the store's notices.
  virtual WriteCounts write(const cbf::BatchResult& batch, const RunRecord& run,
                            std::int64_t batch_size) = 0;
};

/// Receives one-line messages a store has for the user (a wait for another run, a cleanup that
/// failed after the commit).
using Notice = std::function<void(std::string_view)>;

/// An instant of customer_behavior_runs as read back, or throws HostError naming its column.
[[nodiscard]] cbf::Timestamp read_run_instant(std::string_view text, std::string_view column);

/// Runs `drop`, which frees the staging tables after the publishing commit: the run is published
/// by then, so a failure is a warning through `notice`, never the run's error.
template <class Drop>
void drop_staging_after_commit(const Notice& notice, Drop drop) {
  try {
    drop();
  } catch (const std::exception& e) {
    notice(std::string("warning: the run is published, but its staging tables were not dropped (") +
           e.what() + "); they go with the connection");
  }
}

/// Opens "sqlite:PATH" (an existing file) or a "postgresql://…" / "postgres://…" URL; throws
/// HostError for anything else or when it cannot be opened.
[[nodiscard]] std::unique_ptr<Store> open_store(const std::string& database, Notice notice);

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
