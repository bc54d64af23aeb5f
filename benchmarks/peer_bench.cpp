// cbf on the peers' data, timed as the peers time themselves (../shared/bench/peers): load once,
// then compute all 30 features for every customer RUNS times; one JSON line that the peers'
// summarize.py reads.
//
//   cbf-peer-bench [--int-ids] DATADIR THREADS [RUNS=3] [OUT.csv]
//
// --int-ids holds the ids as integers and the event types as cbf::EventKind, as DuckDB holds them
// (BIGINT); without it every id is a view into the file's text.
#include "memory.hpp"
#include "peer_data.hpp"

#include <cbf/cbf.hpp>
#include <cbf/format.hpp>

#include <fmt/format.h>
#include <fmt/os.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

/// VmRSS and VmHWM of this process, in MB.
std::pair<long, long> rss_mb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  long rss = 0, hwm = 0;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) rss = std::atol(line.c_str() + 6) / 1024;
    if (line.rfind("VmHWM:", 0) == 0) hwm = std::atol(line.c_str() + 6) / 1024;
  }
  return {rss, hwm};
}

double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

}  // namespace

int main(int argc, char** argv) {
  const bool int_ids = argc > 1 && std::string_view(argv[1]) == "--int-ids";
  if (int_ids) {
    --argc;
    ++argv;
  }
  if (argc < 3) {
    std::fprintf(stderr, "usage: cbf-peer-bench [--int-ids] DATADIR THREADS [RUNS=3] [OUT.csv]\n");
    return 2;
  }
  const std::string dir = argv[1];
  const auto threads = static_cast<unsigned>(std::atoi(argv[2]));
  const int runs = argc > 3 ? std::atoi(argv[3]) : 3;
  using clock = std::chrono::steady_clock;

  const auto t0 = clock::now();
  cbf::bench::PeerData data = cbf::bench::load_peer_data(dir);
  cbf::bench::NumericPeerData numeric;
  if (int_ids) numeric = cbf::bench::to_numeric(data);
  const std::size_t records = data.records();
  const std::size_t input_bytes = int_ids
                                      ? numeric.bytes() + data.interaction_text.size() +
                                            data.session_text.size() + data.attribution_text.size()
                                      : data.bytes();
  const double load_s = std::chrono::duration<double>(clock::now() - t0).count();
  const auto [rss_after_load, hwm_after_load] = rss_mb();

  cbf::Config config;  // default preset, as_of = the latest stamp (§4.1)
  cbf::BatchOptions options;
  options.threads = threads;
  std::vector<double> times;
  std::int64_t engine_peak = 0;
  std::size_t result_rows = 0;
  const double cpu0 = cpu_seconds();
  for (int r = 0; r < runs; ++r) {
    const std::int64_t base = cbf::bench::reset_heap_peak();
    const auto t1 = clock::now();
    const auto result =
        int_ids ? cbf::compute_batch(cbf::no_records<cbf::Customer>, numeric.interactions,
                                     numeric.sessions, numeric.attributions, config, options)
                : cbf::compute_batch(cbf::no_records<cbf::Customer>, data.interactions,
                                     data.sessions, data.attributions, config, options);
    times.push_back(std::chrono::duration<double>(clock::now() - t1).count());
    engine_peak = std::max(engine_peak, cbf::bench::heap_peak.load() - base);
    result_rows = result.customers.size();
    if (r == 0 && argc > 4) {
      auto out = fmt::output_file(argv[4]);
      for (const auto& c : result.customers) out.print("{}\t{}\n", c.customer_id, c.features);
    }
  }
  double total = 0;
  for (double t : times) total += t;
  const double cpu_util = (cpu_seconds() - cpu0) / total;
  std::vector<double> sorted = times;
  std::sort(sorted.begin(), sorted.end());
  const double median = sorted[sorted.size() / 2];
  const auto [rss_end, hwm_end] = rss_mb();
  std::string list;
  for (double t : times) list += fmt::format("{}{:.3f}", list.empty() ? "" : ", ", t);
  fmt::print(
      "{{\"engine\": \"cbf\", \"variant\": \"{}\", \"fmt\": \"csv\", \"threads\": {}, \"rows\": "
      "{}, "
      "\"result_rows\": {}, \"features\": 30, \"load_s\": {:.3f}, \"compute_s\": [{}], "
      "\"compute_med_s\": {:.3f}, \"cpu_util\": {:.2f}, \"rss_after_load_mb\": {}, "
      "\"hwm_after_load_mb\": {}, \"hwm_end_mb\": {}, \"input_mb\": {}, \"engine_peak_mb\": {}}}\n",
      int_ids ? "det-int-ids" : "det", cbf::thread_count(threads), records, result_rows, load_s,
      list, median, cpu_util, rss_after_load, hwm_after_load, hwm_end, input_bytes >> 20,
      engine_peak >> 20);
  (void)rss_end;
  return 0;
}
