// Per-request latency of cbf::Calculator, one customer per call, as a service scores customers:
// each call timed on its own after a warm-up; percentiles of the calls. For comparison,
// compute_customer (a new context per call) on the same customers.
//
//   cbf-serving-bench [CALLS=20000]
#include "synthetic.hpp"

#include <cbf/cbf.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

struct Percentiles {
  double p50, p90, p99;
};

Percentiles percentiles(std::vector<double>& micros) {
  std::sort(micros.begin(), micros.end());
  const auto at = [&](double q) {
    return micros[static_cast<std::size_t>(q * static_cast<double>(micros.size() - 1))];
  };
  return {at(0.50), at(0.90), at(0.99)};
}

template <class F>
std::vector<double> time_calls(std::size_t calls, F&& call) {
  for (std::size_t i = 0; i < 200; ++i) call();  // warm: buffers at their size, caches filled
  std::vector<double> micros(calls);
  for (std::size_t i = 0; i < calls; ++i) {
    const auto start = std::chrono::steady_clock::now();
    call();
    const auto end = std::chrono::steady_clock::now();
    micros[i] = std::chrono::duration<double, std::micro>(end - start).count();
  }
  return micros;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t calls = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 20000;
  cbf::Config config;
  config.as_of = cbf::Timestamp{std::chrono::sys_days{std::chrono::year{2025} / 7 / 1}};
  std::printf("| events (records) | Calculator p50 | p90 | p99 | compute_customer p50 | p99 |\n");
  std::printf("|---|---|---|---|---|---|\n");
  for (const int sessions : {5, 50, 500}) {
    const cbf::bench::Batch one = cbf::bench::make_batch(1, sessions);
    const std::size_t n = sessions == 500 ? std::max<std::size_t>(calls / 10, 100) : calls;
    cbf::Calculator calculator(config);
    cbf::CustomerResult out;
    auto warm = time_calls(n, [&] {
      calculator.compute(one.customers, one.interactions, one.sessions, one.attributions, out);
    });
    auto cold = time_calls(n, [&] {
      const auto r = cbf::compute_customer(one.customers, one.interactions, one.sessions,
                                           one.attributions, config);
      if (r.customer_id.empty()) std::abort();  // keeps the call
    });
    const Percentiles w = percentiles(warm);
    const Percentiles c = percentiles(cold);
    std::printf("| %zu (%zu) | %.1f µs | %.1f µs | %.1f µs | %.1f µs | %.1f µs |\n",
                one.interactions.size(), one.records(), w.p50, w.p90, w.p99, c.p50, c.p99);
  }
  return 0;
}
