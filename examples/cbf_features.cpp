// cbf-features: the reference CSV host. Reads the four input tables of a directory, computes the
// features of every customer and writes the customer_behavior_features table (contract §5).
#include "common/config_options.hpp"
#include "common/csv_reader.hpp"
#include "common/errors.hpp"
#include "common/output_files.hpp"
#include "common/progress.hpp"
#include "common/sorted_tables.hpp"
#include "common/tables.hpp"
#include "common/timestamp.hpp"

#include <cbf/cbf.hpp>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <unistd.h>

namespace {

using cbf::host::HostError;

struct Options {
  std::string dir;
  cbf::host::ConfigOptions model;
  std::optional<std::string> diagnostics;
  std::optional<std::string> output;
  bool quiet = false;
  bool verbose = false;
  bool sorted = false;
  unsigned threads = 0;
};

/// Ends a run whose outputs are written: standard output flushed (when the features went there),
/// the files published together, the write reported.
int finish(const Options& o, cbf::host::OutputFiles& files, cbf::host::Progress& progress) {
  if (!o.output) {
    std::cout.flush();
    if (!std::cout) throw HostError("standard output: write failed");
  }
  files.publish();
  progress.done("write",
                fmt::format("wrote {}", o.output ? *o.output : std::string("standard output")));
  progress.print_time_split();
  return 0;
}

/// --sorted: the files read while the features are computed, one customer at a time, in memory
/// that does not grow with the shop (cbf::stream_batch over cbf::host::SortedTables).
int run_sorted(const Options& o, const cbf::Config& config, std::ostream* diagnostics_out,
               std::ostream* features_out, cbf::host::OutputFiles& files,
               cbf::host::Progress& progress) {
  cbf::host::SortedTables tables(o.dir);
  cbf::host::print_warnings("cbf-features", tables.warnings, o.quiet);
  // Without --as-of the files are read twice: once for the latest stamp, once to compute.
  std::uint64_t bytes_total = cbf::host::input_bytes(o.dir);
  if (!config.as_of) bytes_total *= 2;
  tables.count.on_block = [&](const cbf::host::SortedReadCount& c) {
    progress.update_read(c.bytes, bytes_total, c.records);
  };
  std::ostream& out = features_out != nullptr ? *features_out : std::cout;
  cbf::host::write_features_header(out);
  std::string as_of;
  std::string line;
  const cbf::StreamSummary summary =
      cbf::stream_batch(tables.customers, tables.interactions, tables.sessions, tables.attributions,
                        config, [&](cbf::CustomerResult&& row) {
                          if (as_of.empty()) as_of = cbf::host::format_timestamp(row.as_of);
                          line.clear();
                          cbf::host::append_features_row(line, row, as_of);
                          out << line;
                        });
  const std::uint64_t passes = config.as_of ? 1 : 2;
  progress.done(
      "read and compute",
      fmt::format("read {} records from {}{} and computed {} customers as they came",
                  tables.count.records / passes, o.dir,
                  passes == 2 ? " (twice: first for the latest stamp)" : "", summary.customers));
  if (diagnostics_out) cbf::host::write_diagnostics_csv(*diagnostics_out, summary.diagnostics);
  return finish(o, files, progress);
}

int run(const Options& o) {
  const cbf::Config config = cbf::host::make_config(o.model);
  if (!std::filesystem::is_directory(o.dir))
    throw HostError(fmt::format("{}: not a directory", o.dir));
  // Every output is written in full before any replaces its file, and they replace them
  // together: a failure anywhere leaves each as it was (standard output, written last, is the
  // one output that cannot wait). Opened first, so an unwritable path fails before the work.
  cbf::host::OutputFiles files;
  std::ostream* const diagnostics_out = o.diagnostics ? &files.add(*o.diagnostics) : nullptr;
  std::ostream* const features_out = o.output ? &files.add(*o.output) : nullptr;
  cbf::host::Progress progress("cbf-features", o.quiet, o.verbose);
  if (o.sorted) return run_sorted(o, config, diagnostics_out, features_out, files, progress);
  const cbf::host::Tables tables = cbf::host::read_tables(
      o.dir,
      [&](const cbf::host::ReadProgress& p) {
        progress.update_read(p.bytes_done, p.bytes_total, p.records_done);
      },
      o.threads);
  cbf::host::print_warnings("cbf-features", tables.warnings, o.quiet);
  progress.done("read", fmt::format("read {} records from {}", tables.record_count(), o.dir));
  cbf::BatchOptions options;
  options.threads = o.threads;
  options.progress = [&](const cbf::BatchProgress& p) { progress.update(p); };
  const cbf::BatchResult batch = cbf::compute_batch(
      tables.customers, tables.interactions, tables.sessions, tables.attributions, config, options);
  progress.done("compute", fmt::format("computed {} customers on {} threads",
                                       batch.customers.size(), cbf::thread_count(o.threads)));
  if (diagnostics_out) cbf::host::write_diagnostics_csv(*diagnostics_out, batch.diagnostics);
  cbf::host::write_features_csv(features_out ? *features_out : std::cout, batch);
  return finish(o, files, progress);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"Computes customer behavior features from the four input CSV tables of DIR.",
               "cbf-features"};
  app.add_option("DIR", o.dir,
                 "Directory with customers.csv, user_interactions.csv, "
                 "user_sessions.csv, purchase_attributions.csv")
      ->required();
  cbf::host::add_config_options(app, o.model);
  app.add_option("--diagnostics", o.diagnostics, "Write record diagnostics (CSV) to FILE");
  app.add_option("--output,-o", o.output, "Write the features to FILE instead of stdout");
  app.add_option("--threads,-j", o.threads,
                 "Worker threads, 0..1024 (default 0: all hardware threads); the output does not "
                 "depend on it")
      ->transform(cbf::host::integer_in(0, 1024));
  app.add_flag("--sorted", o.sorted,
               "The files are sorted by (shop_id, customer_id) as bytes (LC_ALL=C sort): read "
               "them while computing, one customer at a time on one thread, in memory that does "
               "not grow with the shop; a row out of order is an error");
  app.add_flag("--quiet,-q", o.quiet, "No progress messages on stderr");
  app.add_flag("--verbose,-v", o.verbose, "Print each phase and the read/compute/write time split");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return cbf::host::report_errors("cbf-features", [&] { return run(o); });
}
