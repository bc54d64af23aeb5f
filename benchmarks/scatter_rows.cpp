// What the scatter of a compact-row pass would cost (docs/benchmarks.md, "What would close the
// gap"): N rows of 8, 32, 48 and 64 bytes moved, in input order, to their customer's place by a
// stable counting sort, each row's customer drawn at random among C, as the peers' global time
// order interleaves customers. The batch scatters 8-byte pointers today.
//
//   cbf-scatter-rows [N=4481830] [CUSTOMERS=20000] [RUNS=5]
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

namespace {

template <std::size_t Bytes>
struct Row {
  std::array<unsigned char, Bytes> bytes;
};

/// Seconds of one scatter of `ids.size()` rows of Bytes bytes into `customers` places.
template <std::size_t Bytes>
double scatter_seconds(const std::vector<std::uint32_t>& ids, std::size_t customers) {
  const std::size_t n = ids.size();
  std::vector<Row<Bytes>> in(n), out(n);
  for (std::size_t i = 0; i < n; ++i) std::memset(in[i].bytes.data(), int(i & 0xff), Bytes);
  std::vector<std::uint32_t> next(customers + 1, 0);
  for (const std::uint32_t id : ids) ++next[id + 1];
  for (std::size_t c = 1; c <= customers; ++c) next[c] += next[c - 1];
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < n; ++i) out[next[ids[i]]++] = in[i];
  const auto stop = std::chrono::steady_clock::now();
  volatile unsigned char sink = out[n / 2].bytes[0];  // the rows are used
  (void)sink;
  return std::chrono::duration<double>(stop - start).count();
}

template <std::size_t Bytes>
double median_seconds(const std::vector<std::uint32_t>& ids, std::size_t customers, int runs) {
  std::vector<double> times;
  for (int r = 0; r < runs; ++r) times.push_back(scatter_seconds<Bytes>(ids, customers));
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 4481830;
  const std::size_t customers = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 20000;
  const int runs = argc > 3 ? std::atoi(argv[3]) : 5;
  if (n == 0 || customers == 0 || runs <= 0) {
    fmt::print(stderr, "usage: cbf-scatter-rows [N] [CUSTOMERS] [RUNS]\n");
    return 2;
  }
  std::mt19937_64 random(1);
  std::vector<std::uint32_t> ids(n);
  for (std::uint32_t& id : ids) id = static_cast<std::uint32_t>(random() % customers);
  fmt::print("{} rows into {} customers, median of {} runs\n", n, customers, runs);
  fmt::print("| row bytes | scatter s |\n|---|---|\n");
  fmt::print("| 8 (a pointer) | {:.3f} |\n", median_seconds<8>(ids, customers, runs));
  fmt::print("| 32 | {:.3f} |\n", median_seconds<32>(ids, customers, runs));
  fmt::print("| 48 (an InteractionRow) | {:.3f} |\n", median_seconds<48>(ids, customers, runs));
  fmt::print("| 64 | {:.3f} |\n", median_seconds<64>(ids, customers, runs));
  return 0;
}
