// Throughput of classification, the context pass, each family, one customer and a batch.
// items_per_second counts input records (interactions + sessions + attributions + customers).
#include "synthetic.hpp"

#include <cbf/cbf.hpp>

#include <benchmark/benchmark.h>

#include <array>
#include <string_view>

namespace {

void BM_classify_event(benchmark::State& state) {
  constexpr std::array<std::string_view, 6> names{
      "page_viewed", " Product_Viewed ", "addtocart", "checkout_completed", "wishlist", "search"};
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(cbf::classify_event(names[i++ % names.size()]));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_classify_event);

// One customer with `range(0)` sessions.
struct OneCustomer {
  cbf::bench::Batch batch;
  cbf::Config config;
  explicit OneCustomer(int sessions) : batch(cbf::bench::make_batch(1, sessions)) {
    config.as_of = cbf::Timestamp{std::chrono::sys_days{std::chrono::year{2025} / 7 / 1}};
  }
  void build(cbf::CustomerContext& ctx) const {
    cbf::build_context(ctx, batch.customers, batch.interactions, batch.sessions, batch.attributions,
                       config, *config.as_of);
  }
};

void BM_build_context(benchmark::State& state) {
  const OneCustomer one(static_cast<int>(state.range(0)));
  cbf::CustomerContext ctx;
  for (auto _ : state) {
    one.build(ctx);
    benchmark::DoNotOptimize(ctx.sessions.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(one.batch.records()));
}
BENCHMARK(BM_build_context)->Arg(20)->Arg(200);

template <auto Family>
void BM_family(benchmark::State& state) {
  const OneCustomer one(static_cast<int>(state.range(0)));
  cbf::CustomerContext ctx;
  one.build(ctx);
  for (auto _ : state) benchmark::DoNotOptimize(Family(ctx));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(one.batch.records()));
}
// The context overloads of the (overloaded) family calculators.
cbf::PurchaseFeatures purchase(const cbf::CustomerContext& c) { return cbf::purchase_features(c); }
cbf::EngagementFeatures engagement(const cbf::CustomerContext& c) {
  return cbf::engagement_features(c);
}
cbf::SearchFeatures search(const cbf::CustomerContext& c) { return cbf::search_features(c); }
cbf::ShoppingFeatures shopping(const cbf::CustomerContext& c) { return cbf::shopping_features(c); }
cbf::DeviceFeatures device(const cbf::CustomerContext& c) { return cbf::device_features(c); }
cbf::TemporalFeatures temporal(const cbf::CustomerContext& c) { return cbf::temporal_features(c); }
cbf::SegmentationFeatures segmentation(const cbf::CustomerContext& c) {
  return cbf::segmentation_features(c);
}
BENCHMARK(BM_family<&purchase>)->Name("BM_purchase_features")->Arg(20)->Arg(200);
BENCHMARK(BM_family<&shopping>)->Name("BM_shopping_features")->Arg(20)->Arg(200);
BENCHMARK(BM_family<&device>)->Name("BM_device_features")->Arg(20)->Arg(200);
BENCHMARK(BM_family<&temporal>)->Name("BM_temporal_features")->Arg(20)->Arg(200);
BENCHMARK(BM_family<&segmentation>)->Name("BM_segmentation_features")->Arg(20)->Arg(200);
BENCHMARK(BM_family<&engagement>)->Name("BM_engagement_features")->Arg(20)->Arg(200);
BENCHMARK(BM_family<&search>)->Name("BM_search_features")->Arg(20)->Arg(200);

void BM_one_customer(benchmark::State& state) {
  const OneCustomer one(static_cast<int>(state.range(0)));
  cbf::CustomerContext ctx;
  for (auto _ : state) {
    one.build(ctx);
    benchmark::DoNotOptimize(cbf::compute_features(ctx));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(one.batch.records()));
}
BENCHMARK(BM_one_customer)->Arg(5)->Arg(50)->Arg(500);  // about 30, 300 and 3 000 records

void BM_batch(benchmark::State& state) {
  const auto batch = cbf::bench::make_batch(static_cast<int>(state.range(0)), 20);
  cbf::Config config;
  for (auto _ : state) {
    auto result = cbf::compute_batch(batch.customers, batch.interactions, batch.sessions,
                                     batch.attributions, config);
    benchmark::DoNotOptimize(result.customers.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(batch.records()));
}
BENCHMARK(BM_batch)->Arg(1000)->Arg(5000)->Unit(benchmark::kMillisecond);

}  // namespace
