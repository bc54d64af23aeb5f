// Throughput of the models: the BG/NBD log-likelihood, whole BG/NBD and Gamma-Gamma fits, P(alive),
// the conditional expectation and the 12-month lifetime value. items_per_second = customers per
// second. Populations: the CDNOW cohort (2 357 customers; its directory from the environment
// variable CBF_CDNOW_DIR, else ../shared/data/cdnow from the working directory; the benchmarks
// report an error when it is absent) and 1 M customers simulated from CDNOW-like parameters.
#include "../tests/models/simulate.hpp"

#include <cbf/models/bg_nbd.hpp>
#include <cbf/models/clv.hpp>
#include <cbf/models/fit.hpp>
#include <cbf/models/gamma_gamma.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace {

using cbf::models::Summary;

constexpr cbf::BgNbdParameters cdnow_bg_nbd{0.242593, 4.413531, 0.792886, 2.425753};
constexpr cbf::GammaGammaParameters cdnow_spend{6.248801, 3.744589, 15.447755};

std::filesystem::path cdnow_dir() {
#ifdef CBF_CDNOW_DIR
  return CBF_CDNOW_DIR;
#else
  if (const char* dir = std::getenv("CBF_CDNOW_DIR"); dir && *dir) return dir;
  return std::filesystem::path("..") / "shared" / "data" / "cdnow";
#endif
}

/// The CDNOW summaries (ID,x,t_x,T,zbar; weeks), read once; empty when the file is missing.
const std::optional<std::vector<Summary>>& cdnow() {
  static const std::optional<std::vector<Summary>> rows =
      []() -> std::optional<std::vector<Summary>> {
    std::ifstream in(cdnow_dir() / "cdnow_customers_summary_with_transactions.csv");
    if (!in) return std::nullopt;
    std::vector<Summary> out;
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::stringstream fields(line);
      std::string id, x, t_x, T, zbar;
      std::getline(fields, id, ',');
      std::getline(fields, x, ',');
      std::getline(fields, t_x, ',');
      std::getline(fields, T, ',');
      std::getline(fields, zbar, ',');
      out.push_back({std::stod(x), std::stod(t_x), std::stod(T), std::stod(zbar), 1.0});
    }
    return out;
  }();
  return rows;
}

/// 1 M customers from CDNOW-like parameters (T from 27 to 39 weeks), with Gamma-Gamma spend.
const std::vector<Summary>& simulated() {
  static const std::vector<Summary> rows = cbf_test::simulate(
      cbf_test::Population{
          {0.25, 4.0, 0.8, 2.5}, cbf::GammaGammaParameters{6.0, 4.0, 15.0}, 27.0, 39.0},
      1'000'000, 20260101);
  return rows;
}

/// The population of a benchmark: range(0) = 0 for CDNOW, else the simulated million; null (after
/// SkipWithError) when CDNOW is missing.
const std::vector<Summary>* population(benchmark::State& state) {
  if (state.range(0) != 0) return &simulated();
  if (!cdnow()) {
    state.SkipWithError(
        "CDNOW data not found: set CBF_CDNOW_DIR or run from a directory whose "
        "../shared/data/cdnow "
        "holds cdnow_customers_summary_with_transactions.csv");
    return nullptr;
  }
  return &*cdnow();
}

void set_label(benchmark::State& state) {
  state.SetLabel(state.range(0) == 0 ? "CDNOW" : "simulated");
}

/// One evaluation of Σ LL_i (the public per-customer function in a loop).
void BM_model_bg_nbd_log_likelihood(benchmark::State& state) {
  const auto* rows = population(state);
  if (!rows) return;
  for (auto _ : state)
    benchmark::DoNotOptimize(cbf::models::bg_nbd_log_likelihood(cdnow_bg_nbd, *rows));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rows->size()));
  set_label(state);
}
BENCHMARK(BM_model_bg_nbd_log_likelihood)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

/// One evaluation of the fit's objective: Σ LL_i and its gradient over rows sorted by x (what
/// fit_bg_nbd evaluates once per line-search step).
void BM_model_bg_nbd_value_and_gradient(benchmark::State& state) {
  const auto* source = population(state);
  if (!source) return;
  const std::vector<Summary> rows = cbf::models::detail::bg_nbd_rows(*source);
  std::array<double, 4> gradient{};
  for (auto _ : state) {
    benchmark::DoNotOptimize(cbf::models::detail::bg_nbd_total(cdnow_bg_nbd, rows, gradient));
    benchmark::DoNotOptimize(gradient.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rows.size()));
  set_label(state);
}
BENCHMARK(BM_model_bg_nbd_value_and_gradient)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

/// A whole BG/NBD fit (copying, filtering and sorting the rows included).
void BM_model_fit_bg_nbd(benchmark::State& state) {
  const auto* rows = population(state);
  if (!rows) return;
  int iterations = 0;
  bool converged = true;
  for (auto _ : state) {
    const auto fit = cbf::models::fit_bg_nbd(*rows);
    iterations = fit.iterations;
    converged = converged && fit.converged;
    benchmark::DoNotOptimize(fit.parameters.r);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rows->size()));
  state.counters["bfgs_iterations"] = iterations;
  state.counters["converged"] = converged ? 1 : 0;
  set_label(state);
}
BENCHMARK(BM_model_fit_bg_nbd)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

/// A whole Gamma-Gamma fit (over the repeat buyers; items count every customer passed in).
void BM_model_fit_gamma_gamma(benchmark::State& state) {
  const auto* rows = population(state);
  if (!rows) return;
  int iterations = 0;
  bool converged = true;
  for (auto _ : state) {
    const auto fit = cbf::models::fit_gamma_gamma(*rows);
    iterations = fit.iterations;
    converged = converged && fit.converged;
    benchmark::DoNotOptimize(fit.parameters.p);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rows->size()));
  state.counters["bfgs_iterations"] = iterations;
  state.counters["converged"] = converged ? 1 : 0;
  set_label(state);
}
BENCHMARK(BM_model_fit_gamma_gamma)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

/// P(alive) for every customer.
void BM_model_p_alive(benchmark::State& state) {
  const auto* rows = population(state);
  if (!rows) return;
  for (auto _ : state)
    for (const Summary& s : *rows)
      benchmark::DoNotOptimize(cbf::models::bg_nbd_p_alive(cdnow_bg_nbd, s.x, s.t_x, s.T));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rows->size()));
  set_label(state);
}
BENCHMARK(BM_model_p_alive)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

/// E[Y(39 weeks) | x, t_x, T] for every customer (one ₂F₁ series each).
void BM_model_conditional_expected_purchases(benchmark::State& state) {
  const auto* rows = population(state);
  if (!rows) return;
  for (auto _ : state)
    for (const Summary& s : *rows)
      benchmark::DoNotOptimize(
          cbf::models::bg_nbd_conditional_expected_purchases(cdnow_bg_nbd, s.x, s.t_x, s.T, 39.0));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rows->size()));
  set_label(state);
}
BENCHMARK(BM_model_conditional_expected_purchases)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

/// The contract's lifetime value: 12 monthly conditional expectations, discounted, times the
/// Gamma-Gamma expected order value (x + 1 orders of mean m), for every customer.
void BM_model_lifetime_value(benchmark::State& state) {
  const auto* rows = population(state);
  if (!rows) return;
  constexpr double month = 30.436875 / 7.0;  // weeks
  for (auto _ : state)
    for (const Summary& s : *rows) {
      const double value = cbf::models::gamma_gamma_expected_value(cdnow_spend, s.x + 1, s.m);
      benchmark::DoNotOptimize(
          cbf::models::discounted_value(cdnow_bg_nbd, s, value, 12, month, 0.01));
    }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rows->size()));
  set_label(state);
}
BENCHMARK(BM_model_lifetime_value)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
