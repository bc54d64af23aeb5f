// cbf-db: the database host. Reads the four input tables (contract §1) of a SQLite database or a
// PostgreSQL server, computes the customers' features with the batch engine and upserts them into
// customer_behavior_features and customer_behavior_diagnostics (sql/*/output_schema.sql).
#include "common/config_options.hpp"
#include "common/errors.hpp"
#include "common/progress.hpp"
#include "common/timestamp.hpp"
#include "db/store.hpp"

#include <cbf/cbf.hpp>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

using cbf::host::HostError;
namespace db = cbf::host::db;

struct Options {
  std::string database;
  cbf::host::ConfigOptions model;
  unsigned threads = 0;
  std::optional<std::string> shard;
  std::optional<std::string> changed_since;
  bool incremental = false;
  std::int64_t batch_size = 500;
  bool quiet = false;
  bool verbose = false;
};

/// "K/N" with 0 ≤ K < N → the shard, or throws naming --shard.
cbf::Shard parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  cbf::Shard shard;
  const auto read = [&](std::string_view part, std::uint32_t& value) {
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    return ec == std::errc{} && end == part.data() + part.size() && !part.empty();
  };
  const std::string_view all(text);
  if (slash == std::string::npos || !read(all.substr(0, slash), shard.index) ||
      !read(all.substr(slash + 1), shard.count) || shard.count == 0 || shard.index >= shard.count)
    throw HostError(fmt::format("--shard: '{}' is not K/N with 0 <= K < N <= {}", text,
                                std::numeric_limits<std::uint32_t>::max()));
  return shard;
}

/// Whether a record may have changed at or after `since`: its latest valid stamp is not before
/// it, or one of its stamps is unreadable, or it has none (its change time is unknown).
template <class... Stamps>
bool changed_since(cbf::Timestamp since, const Stamps&... stamps) {
  bool any_valid = false;
  bool changed = false;
  const auto look = [&](const cbf::TimeField& t) {
    if (t.is_valid()) {
      any_valid = true;
      changed = changed || t.value() >= since;
    } else if (!t.is_missing()) {
      changed = true;
    }
  };
  (look(stamps), ...);
  return changed || !any_valid;
}

/// The keys with any record changed at or after `since`, sorted and distinct; they view the
/// tables' strings.
std::vector<cbf::CustomerKey> changed_keys(const cbf::host::Tables& t, cbf::Timestamp since) {
  std::vector<cbf::CustomerKey> keys;
  const auto add = [&](const auto& record, bool changed) {
    if (changed && !record.customer_id.empty())
      keys.push_back({record.shop_id, record.customer_id});
  };
  for (const auto& c : t.customers) add(c, changed_since(since, c.created_at, c.updated_at));
  for (const auto& i : t.interactions) add(i, changed_since(since, i.created_at));
  for (const auto& s : t.sessions)
    add(s, changed_since(since, s.start_time, s.end_time, s.created_at));
  for (const auto& a : t.attributions) add(a, changed_since(since, a.created_at));
  const auto order = [](const cbf::CustomerKey& x, const cbf::CustomerKey& y) {
    return std::tie(x.shop_id, x.customer_id) < std::tie(y.shop_id, y.customer_id);
  };
  std::sort(keys.begin(), keys.end(), order);
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

/// A timestamp option's value, or throws naming the option.
cbf::Timestamp parse_instant(std::string_view option, const std::string& text) {
  const cbf::TimeField t = cbf::host::parse_timestamp(text);
  if (!t.is_valid())
    throw HostError(fmt::format("{}: '{}' is not a timestamp (contract §5)", option, text));
  return t.value();
}

int run(const Options& o) {
  // The run's clock, taken before its read: every row this run writes carries it, and the
  // watermark of later --incremental runs is folded from it (db/watermark.hpp).
  const std::string started_at = cbf::host::format_timestamp(
      std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
  const cbf::Config config = cbf::host::make_config(o.model);
  cbf::BatchOptions options;
  options.threads = o.threads;
  if (o.shard) options.filter.shard = parse_shard(*o.shard);
  if (o.incremental && o.changed_since)
    throw HostError("--incremental and --changed-since exclude each other");
  std::optional<cbf::Timestamp> since;
  if (o.changed_since) since = parse_instant("--changed-since", *o.changed_since);

  // A store's notices (a wait for another run, a warning after the commit) always reach stderr.
  const std::unique_ptr<db::Store> store = db::open_store(
      o.database, [](std::string_view text) { fmt::print(stderr, "cbf-db: {}\n", text); });
  db::RunRecord record;
  record.started_at = started_at;
  record.shard = o.shard ? *o.shard : "all";
  cbf::host::Progress progress("cbf-db", o.quiet, o.verbose);
  if (o.incremental) {
    const std::vector<db::CommittedRun> runs = store->committed_runs();
    if (const auto watermark = db::incremental_watermark(runs, record.shard)) {
      since = *watermark;
    } else if (!o.quiet) {
      fmt::print(stderr,
                 "cbf-db: no committed run covers shard {} up to a known instant: computing "
                 "every customer\n",
                 record.shard);
    }
  }
  const cbf::host::Tables tables =
      store->read_tables(static_cast<unsigned>(cbf::thread_count(o.threads)));
  cbf::host::print_warnings("cbf-db", tables.warnings, o.quiet);
  progress.done("read", fmt::format("read {} records", tables.record_count()));

  std::vector<cbf::CustomerKey> keys;
  if (since) {
    keys = changed_keys(tables, *since);
    options.filter.keys = std::span<const cbf::CustomerKey>(keys);
    record.changed_since = cbf::host::format_timestamp(*since);
  }
  record.mode = since ? "incremental" : "full";
  options.progress = [&](const cbf::BatchProgress& p) { progress.update(p); };
  const cbf::BatchResult batch = cbf::compute_batch(
      tables.customers, tables.interactions, tables.sessions, tables.attributions, config, options);
  record.as_of = cbf::host::format_timestamp(batch.as_of);
  progress.done("compute", fmt::format("computed {} customers on {} threads",
                                       batch.customers.size(), cbf::thread_count(o.threads)));
  const db::WriteCounts written = store->write(batch, record, o.batch_size);
  progress.done("write",
                fmt::format("wrote {} rows to customer_behavior_features", batch.customers.size()));
  if (!o.quiet) {
    if (since)
      fmt::print(stderr, "cbf-db: {} customers with records changed since {}\n",
                 batch.customers.size(), *record.changed_since);
    fmt::print(stderr, "cbf-db: {} rows inserted, {} updated, {} unchanged (as_of {})\n",
               written.inserted, written.updated, written.unchanged, record.as_of);
    std::map<std::string_view, std::int64_t> segments;
    for (const cbf::CustomerResult& row : batch.customers)
      ++segments[row.features.customer_segment];
    std::string list;
    for (const auto& [segment, n] : segments)
      list += fmt::format("{}{} {}", list.empty() ? "" : ", ", segment, n);
    fmt::print(stderr, "cbf-db: customer_segment: {}\n", list.empty() ? "none" : list);
    fmt::print(stderr, "cbf-db: time split: {}\n", progress.time_split());
  } else {
    progress.print_time_split();
  }
  if (o.verbose) fmt::print(stderr, "cbf-db: cpu split: {}\n", progress.cpu_split());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{
      "Computes customer behavior features from the input tables of a SQLite database or a "
      "PostgreSQL server and upserts them into its output tables.",
      "cbf-db"};
  app.add_option("DATABASE", o.database,
                 "sqlite:PATH (an existing file) or postgresql://USER@HOST:PORT/DB, with the "
                 "tables customer_data, user_interactions, user_sessions and "
                 "purchase_attributions")
      ->required();
  cbf::host::add_config_options(app, o.model);
  app.add_option("--threads,-j", o.threads,
                 "Worker threads, 0..1024 (default 0: all hardware threads); the output does not "
                 "depend on it")
      ->transform(cbf::host::integer_in(0, 1024));
  app.add_option("--shard", o.shard,
                 "Compute only part K of N of the customers (K/N, 0-based; N up to 4294967295)");
  app.add_option("--changed-since", o.changed_since,
                 "Compute only customers with a record whose timestamps reach this instant "
                 "(or are unreadable)");
  app.add_flag("--incremental", o.incremental,
               "--changed-since the instant up to which the committed runs left every row of the "
               "shard exact (docs/hosting.md; every customer when there is none)");
  app.add_option("--batch-size", o.batch_size, "Rows per staging transaction, 1..1000000000")
      ->capture_default_str()
      ->transform(cbf::host::integer_in(1, 1'000'000'000));
  app.add_flag("--quiet,-q", o.quiet, "No summary on stderr");
  app.add_flag("--verbose,-v", o.verbose,
               "Print each phase and the read/compute/write time split, wall-clock and processor");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return cbf::host::report_errors("cbf-db", [&] { return run(o); });
}
