// A seeded simulator of the BG/NBD purchase process and the Gamma-Gamma spend model
// (std::mt19937_64), for parameter-recovery tests and the model benchmarks. Header-only.
//
// BG/NBD (Fader, Hardie & Lee 2005): λ ~ Gamma(shape r, rate α), p ~ Beta(a, b). A customer is born
// with a purchase at time 0 and observed over (0, T], T drawn uniformly per customer. While alive,
// purchases follow a Poisson process at rate λ; after each repeat purchase the customer dies with
// probability p. x counts the repeat purchases in (0, T], t_x is the time of the last one (0 if
// none). Gamma-Gamma: ν ~ Gamma(shape q, rate γ), each repeat transaction's value ~ Gamma(shape p,
// rate ν); m = the mean of the x repeat transactions (0 when x = 0).
#pragma once

#include <cbf/model_parameters.hpp>
#include <cbf/models/summary.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <vector>

namespace cbf_test {

/// What to simulate: the BG/NBD parameters, optionally the Gamma-Gamma ones, and the range of the
/// observation lengths T (uniform in [T_min, T_max], in the time unit of α).
struct Population {
  cbf::BgNbdParameters bg_nbd{0.25, 4.0, 0.8, 2.5};
  std::optional<cbf::GammaGammaParameters> spend{};
  double T_min = 27.0;
  double T_max = 39.0;
};

/// Draws from the BG/NBD and Gamma-Gamma generative processes.
class Simulator {
 public:
  explicit Simulator(std::uint64_t seed) : rng_(seed) {}

  /// Gamma(shape, rate) — std::gamma_distribution takes (shape, scale = 1 / rate).
  double gamma(double shape, double rate) {
    return std::gamma_distribution<double>(shape, 1.0 / rate)(rng_);
  }

  /// Beta(a, b) as X / (X + Y) with X ~ Gamma(a, 1), Y ~ Gamma(b, 1).
  double beta(double a, double b) {
    const double x = gamma(a, 1.0);
    const double y = gamma(b, 1.0);
    return x / (x + y);
  }

  double uniform(double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng_);
  }

  /// One customer's summary (x, t_x, T, m) with weight 1.
  cbf::models::Summary customer(const Population& population) {
    const cbf::BgNbdParameters& p = population.bg_nbd;
    const double T = population.T_min == population.T_max
                         ? population.T_min
                         : uniform(population.T_min, population.T_max);
    const double lambda = gamma(p.r, p.alpha);
    const double death = beta(p.a, p.b);
    cbf::models::Summary s{0, 0, T, 0, 1};
    if (lambda > 0 && death >= 0 && death <= 1) {  // a Gamma or Beta draw may underflow
      std::exponential_distribution<double> gap(lambda);
      std::bernoulli_distribution dies(death);
      double t = 0.0;
      for (;;) {
        t += gap(rng_);
        if (!(t <= T)) break;
        s.x += 1;
        s.t_x = t;
        if (dies(rng_)) break;
      }
    }
    if (population.spend && s.x > 0) {
      const cbf::GammaGammaParameters& g = *population.spend;
      const double nu = gamma(g.q, g.gamma);
      double total = 0.0;
      for (double k = 0; k < s.x; ++k) total += gamma(g.p, nu);
      s.m = total / s.x;
    }
    return s;
  }

 private:
  std::mt19937_64 rng_;
};

/// `customers` independent summaries of `population`, reproducible from `seed`.
inline std::vector<cbf::models::Summary> simulate(const Population& population,
                                                  std::size_t customers, std::uint64_t seed) {
  Simulator simulator(seed);
  std::vector<cbf::models::Summary> out;
  out.reserve(customers);
  for (std::size_t i = 0; i < customers; ++i) out.push_back(simulator.customer(population));
  return out;
}

}  // namespace cbf_test
