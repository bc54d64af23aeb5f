// The batch engine at the peers' sizes: 20 k and 100 k customers of gen.py's shape (about 4.6 M and
// 22.7 M records), all 30 features, on 1 and 2 threads. items_per_second = input records per
// second; `engine_MB` is the heap the batch allocates at its peak, `input_MB` the records and their
// text, `peak_ratio` = (input + engine peak) / input.
#include "memory.hpp"
#include "peer_data.hpp"

#include <cbf/cbf.hpp>

#include <benchmark/benchmark.h>

#include <map>
#include <memory>

namespace {

const cbf::bench::PeerData& peer_data(std::int64_t customers) {
  static std::map<std::int64_t, std::unique_ptr<cbf::bench::PeerData>> cache;
  auto& slot = cache[customers];
  if (!slot) {
    cache.clear();  // one size in memory at a time
    auto& fresh = cache[customers];
    fresh = std::make_unique<cbf::bench::PeerData>(cbf::bench::generate_peer_data(customers));
    return *fresh;
  }
  return *slot;
}

void BM_batch(benchmark::State& state) {
  const auto& data = peer_data(state.range(0));
  cbf::Config config;
  cbf::BatchOptions options;
  options.threads = static_cast<unsigned>(state.range(1));
  std::int64_t engine_peak = 0;
  for (auto _ : state) {
    const std::int64_t base = cbf::bench::reset_heap_peak();
    auto result = cbf::compute_batch(cbf::no_records<cbf::Customer>, data.interactions,
                                     data.sessions, data.attributions, config, options);
    engine_peak = std::max(engine_peak, cbf::bench::heap_peak.load() - base);
    benchmark::DoNotOptimize(result.customers.data());
  }
  const auto records = static_cast<std::int64_t>(data.records());
  state.SetItemsProcessed(state.iterations() * records);
  const double input = static_cast<double>(data.bytes());
  state.counters["records"] = static_cast<double>(records);
  state.counters["input_MB"] = input / 1048576.0;
  state.counters["engine_MB"] = static_cast<double>(engine_peak) / 1048576.0;
  state.counters["peak_ratio"] = (input + static_cast<double>(engine_peak)) / input;
}
BENCHMARK(BM_batch)
    ->ArgNames({"customers", "threads"})
    ->Args({20'000, 1})
    ->Args({20'000, 2})
    ->Args({100'000, 1})
    ->Args({100'000, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
