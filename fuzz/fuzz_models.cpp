// Fuzzes the models (include/cbf/models/, docs/models.md): BG/NBD and Gamma-Gamma functions at any
// doubles, the hypergeometric series against closed forms, and the fits on small populations.
#include "fuzz_input.hpp"
#include "known_findings.hpp"

#include <cbf/config.hpp>
#include <cbf/detail/special.hpp>
#include <cbf/models/bg_nbd.hpp>
#include <cbf/models/clv.hpp>
#include <cbf/models/fit.hpp>
#include <cbf/models/gamma_gamma.hpp>
#include <cbf/models/summary.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <type_traits>
#include <vector>

namespace {

using cbf_fuzz::FuzzInput;
using cbf_fuzz::require;

/// A model parameter: mostly an ordinary positive value, sometimes any edge double.
double parameter(FuzzInput& in) {
  const std::uint8_t selector = in.byte();
  if (selector < 150) return in.log_uniform(-3, 3);
  if (selector < 200) return in.log_uniform(-300, 300);
  return in.edge_double();
}

/// A count of repeat purchases: mostly a small integer, sometimes a large one or any double.
double count(FuzzInput& in) {
  const std::uint8_t selector = in.byte();
  if (selector < 160) return in.byte() % 16;
  if (selector < 220) return static_cast<double>(in.integer<std::uint32_t>() % 1'000'000);
  return in.edge_double();
}

/// A span of model time (weeks, say): mostly ordinary, sometimes 0 or any edge double.
double span(FuzzInput& in) {
  const std::uint8_t selector = in.byte();
  if (selector < 150) return in.log_uniform(-2, 4);
  if (selector < 170) return 0.0;
  if (selector < 210) return in.log_uniform(-300, 19);  // µs units reach 10^19
  return in.edge_double();
}

/// A model parameter of the domain cbf::validate accepts, 1e-100 … 1e100 (docs/models.md §5).
[[nodiscard]] bool in_domain(double x) { return x >= 1e-100 && x <= 1e100; }

/// The BG/NBD domain cbf::validate accepts: every parameter in_domain, a ≠ 1.
[[nodiscard]] bool valid(const cbf::BgNbdParameters& p) {
  return in_domain(p.r) && in_domain(p.alpha) && in_domain(p.a) && in_domain(p.b) && p.a != 1.0;
}

[[nodiscard]] bool valid(const cbf::GammaGammaParameters& g) {
  return in_domain(g.p) && in_domain(g.q) && in_domain(g.gamma);
}

/// |u · v| as a size for tolerances: 0 when either is 0, so an infinite factor times 0 is no NaN.
[[nodiscard]] double magnitude(double u, double v) {
  return u == 0 || v == 0 ? 0.0 : std::fabs(u) * std::fabs(v);
}

/// Within [lo, hi] (false for NaN).
[[nodiscard]] bool within(double x, double lo, double hi) { return x >= lo && x <= hi; }

/// cbf::validate rejects parameters with InvalidParameter exactly outside the documented domain.
template <class Parameters>
void check_validation(const Parameters& p) {
  cbf::Config config;
  if constexpr (std::is_same_v<Parameters, cbf::BgNbdParameters>) {
    config.bg_nbd = p;
  } else {
    config.gamma_gamma = p;
  }
  bool rejected = false;
  try {
    cbf::validate(config);
  } catch (const cbf::InvalidParameter&) {
    rejected = true;
  } catch (const std::exception& e) {
    cbf_fuzz::fail("validate threw something else than InvalidParameter: {}", e.what());
  }
  require(rejected != valid(p), "validate {} parameters the documented domain {}",
          rejected ? "rejected" : "accepted", rejected ? "allows" : "excludes");
}

/// A summary as a customer's orders give it: a whole x ≥ 0 (up to 10^9 orders) and 0 ≤ t_x ≤ T,
/// all finite, t_x = 0 without repeat purchases.
[[nodiscard]] bool valid_summary(double x, double t_x, double T) {
  return std::isfinite(x) && x >= 0 && x <= 1e9 && x == std::floor(x) && std::isfinite(t_x) &&
         std::isfinite(T) && t_x >= 0 && t_x <= T && (x > 0 || t_x == 0);
}

/// A summary and horizon of ordinary size: up to 10^4 repeat purchases, spans up to 10^6, and
/// the series' z = t / (α + t) of E[X(t)] (so also that of E[Y(t)]) at most ordinary_z.
[[nodiscard]] bool ordinary_summary(const cbf::BgNbdParameters& p, double x, double T, double t) {
  return x <= 1e4 && T <= 1e6 && t <= 1e6 && t <= cbf_fuzz::known::ordinary_z * (p.alpha + t);
}

void check_bg_nbd(FuzzInput& in) {
  const cbf::BgNbdParameters p{parameter(in), parameter(in), parameter(in), parameter(in)};
  check_validation(p);
  const double x = count(in);
  const double T = span(in);
  const double t_x = x > 0 ? T * (in.byte() / 255.0) : 0.0;
  const double t1 = span(in);
  const double t2 = t1 + span(in);
  if (!valid(p) || !valid_summary(x, t_x, T) || !(t1 >= 0 && t2 >= t1 && std::isfinite(t2))) {
    // Outside the domain the functions promise nothing but a defined result.
    (void)cbf::models::bg_nbd_log_likelihood(p, x, t_x, T);
    (void)cbf::models::bg_nbd_p_alive(p, x, t_x, T);
    (void)cbf::models::bg_nbd_conditional_expected_purchases(p, x, t_x, T, t1);
    (void)cbf::models::bg_nbd_expected_purchases(p, t1);
    return;
  }
  // P(alive) is overflow-free for every valid input (docs/models.md §7).
  const double alive = cbf::models::bg_nbd_p_alive(p, x, t_x, T);
  const bool known_nan = cbf_fuzz::known::p_alive_infinite_log_odds &&
                         cbf_fuzz::known::infinite_log_odds(p, x, t_x, T);
  require(known_nan || within(alive, 0, 1),
          "P(alive) = {} for r {} alpha {} a {} b {}, x {} t_x {} T {}", alive, p.r, p.alpha, p.a,
          p.b, x, t_x, T);
  require(x > 0 || alive == 1.0, "P(alive) = {} without repeat purchases", alive);
  require(cbf::models::bg_nbd_conditional_expected_purchases(p, x, t_x, T, 0.0) == 0.0 &&
              cbf::models::bg_nbd_expected_purchases(p, 0.0) == 0.0,
          "expected purchases over no time are not 0");

  const bool ordinary = cbf_fuzz::known::ordinary(p) && ordinary_summary(p, x, T, t2);
  if (cbf_fuzz::known::bg_nbd_outside_ordinary && !ordinary) return;
  const double e1 = cbf::models::bg_nbd_conditional_expected_purchases(p, x, t_x, T, t1);
  const double e2 = cbf::models::bg_nbd_conditional_expected_purchases(p, x, t_x, T, t2);
  const double n1 = cbf::models::bg_nbd_expected_purchases(p, t1);
  // (c/(a − 1))·(1 − …) cancels: a true value below the rounding of that scale may come out a
  // few units of it below 0, never more.
  const double noise = 1e-12 * std::max(1.0, (p.a + p.b + x) / std::fabs(p.a - 1));
  require(std::isfinite(e1) && std::isfinite(e2) && std::isfinite(n1) && e1 >= -noise &&
              e2 >= -noise && n1 >= -noise,
          "expected purchases negative or not finite: E[Y({})] = {}, E[Y({})] = {}, E[X({})] = {} "
          "for r {} alpha {} a {} b {}, x {} t_x {} T {}",
          t1, e1, t2, e2, t1, n1, p.r, p.alpha, p.a, p.b, x, t_x, T);
  // More time, at least as many purchases (up to the series' rounding).
  require(e2 >= e1 * (1 - 1e-9) - noise,
          "E[Y({})] = {} < E[Y({})] = {} for r {} alpha {} a {} b {}, x {} t_x {} T {}", t2, e2, t1,
          e1, p.r, p.alpha, p.a, p.b, x, t_x, T);

  if (cbf_fuzz::known::bg_nbd_likelihood_outside_ordinary && !ordinary) return;
  std::array<double, 4> gradient{};
  const double ll = cbf::models::bg_nbd_log_likelihood(p, x, t_x, T, gradient);
  require(std::isfinite(ll) && std::isfinite(gradient[0]) && std::isfinite(gradient[1]) &&
              std::isfinite(gradient[2]) && std::isfinite(gradient[3]),
          "log-likelihood {} or its gradient not finite for r {} alpha {} a {} b {}, x {} t_x {} "
          "T {}",
          ll, p.r, p.alpha, p.a, p.b, x, t_x, T);
  require(ll == cbf::models::bg_nbd_log_likelihood(p, x, t_x, T),
          "the log-likelihood differs with and without its gradient");
}

void check_hyp2f1(FuzzInput& in) {
  const double a = (in.integer<std::int16_t>() / 32768.0) * 40;
  const double b = (in.integer<std::int16_t>() / 32768.0) * 40;
  const double c = in.flag() ? in.log_uniform(-3, 3) : b;
  const double z = in.byte() / 256.0;
  // The series is defined for c not a non-positive integer (detail/special.hpp).
  if (c <= 0 && c == std::floor(c)) return;
  const auto f = cbf::detail::hyp2f1_series(a, b, c, z, 100'000);
  const auto g = cbf::detail::hyp2f1_series(b, a, c, z, 100'000);
  require(std::bit_cast<std::uint64_t>(f.value) == std::bit_cast<std::uint64_t>(g.value) &&
              f.terms == g.terms && f.converged == g.converged,
          "2F1({}, {}; {}; {}) is not symmetric in a and b", a, b, c, z);
  require(f.terms >= 1 && f.terms <= 100'000, "2F1 used {} terms", f.terms);
  if (!f.converged) return;
  require(std::isfinite(f.value), "2F1({}, {}; {}; {}) converged to {}", a, b, c, z, f.value);
  // With b = c the series is (1 − z)^−a; for a ≥ 0 its terms are positive, so it is accurate.
  if (c == b && a >= 0 && b > 0) {
    const double exact = std::pow(1.0 - z, -a);
    require(std::fabs(f.value - exact) <= 1e-11 * exact,
            "2F1({}, {}; {}; {}) = {}, (1 − z)^−a = {}", a, b, c, z, f.value, exact);
  }
  // 2F1(1, 1; 2; z) = −ln(1 − z) / z.
  if (z > 0) {
    const auto h = cbf::detail::hyp2f1_series(1, 1, 2, z);
    const double exact = -std::log1p(-z) / z;
    require(h.converged && std::fabs(h.value - exact) <= 1e-12 * exact,
            "2F1(1, 1; 2; {}) = {}, −ln(1 − z)/z = {}", z, h.value, exact);
  }
}

void check_gamma_gamma(FuzzInput& in) {
  const cbf::GammaGammaParameters g{parameter(in), parameter(in), parameter(in)};
  check_validation(g);
  const double x = 1 + count(in);
  const double m = in.flag() ? in.log_uniform(-2, 12) : in.edge_double();
  if (!valid(g) || !std::isfinite(x) || !(x > 0) || !std::isfinite(m) || !(m >= 0)) {
    (void)cbf::models::gamma_gamma_expected_value(g, x, m);
    return;
  }
  const double value = cbf::models::gamma_gamma_expected_value(g, x, m);
  if (g.p * x + g.q - 1 <= 0)
    require(value == m, "E[M] = {} is not m = {} when p·x + q − 1 <= 0", value, m);
  // Orders and their mean value as money gives them (contract: at most 10^12 per value).
  const bool ordinary = cbf_fuzz::known::ordinary(g) && x <= 1e9 && m <= 1e12;
  if (cbf_fuzz::known::extreme_model_parameters && !ordinary) return;
  require(std::isfinite(value) && value >= 0, "E[M | x {}, m {}] = {} for p {} q {} gamma {}", x, m,
          value, g.p, g.q, g.gamma);
  if (m > 0) {
    std::array<double, 3> gradient{};
    const double ll = cbf::models::gamma_gamma_log_likelihood(g, x, m, gradient);
    require(std::isfinite(ll) && std::isfinite(gradient[0]) && std::isfinite(gradient[1]) &&
                std::isfinite(gradient[2]),
            "Gamma-Gamma log-likelihood {} or its gradient not finite for p {} q {} gamma {}, x {} "
            "m {}",
            ll, g.p, g.q, g.gamma, x, m);
  }
}

void check_discounted_value(FuzzInput& in) {
  const cbf::BgNbdParameters p{parameter(in), parameter(in), parameter(in), parameter(in)};
  const double x = in.byte() % 16;
  const double T = span(in);
  const double t_x = x > 0 ? T * (in.byte() / 255.0) : 0.0;
  const double value = in.flag() ? in.log_uniform(-2, 12) : 0.0;
  const int months = in.byte() % 49;
  const double month = in.flag() ? 4.348125 : span(in);
  const double d = in.flag() ? 0.01 : in.edge_double();
  if (!valid(p) || !valid_summary(x, t_x, T) || !(month > 0) || !std::isfinite(month) ||
      !std::isfinite(d) || !(d > -1))
    return;
  const double v = cbf::models::discounted_value(p, cbf::models::Summary{x, t_x, T, value, 1},
                                                 value, months, month, d);
  require(months > 0 || v == 0, "discounted value {} over 0 months", v);
  // A rate d ≥ 0 never amplifies the expectations' rounding (their differences are summed).
  const bool ordinary =
      cbf_fuzz::known::ordinary(p) && ordinary_summary(p, x, T, months * month) && d >= 0 && d <= 1;
  if (cbf_fuzz::known::bg_nbd_outside_ordinary && !ordinary) return;
  const double noise = 1e-12 * std::max(1.0, (p.a + p.b + x) / std::fabs(p.a - 1));
  // v ≥ 0 first: the tolerance is NaN when 0 months meet an infinite noise (b near DBL_MAX).
  require(std::isfinite(v) && (v >= 0 || v >= -2 * months * noise * value),
          "discounted value {} for r {} alpha {} a {} b {}, x {} t_x {} T {}, value {}, {} months "
          "of {}, rate {}",
          v, p.r, p.alpha, p.a, p.b, x, t_x, T, value, months, month, d);
}

/// A population as text, for failure messages (formatted only when a message is).
struct PopulationText {
  const std::vector<cbf::models::Summary>& rows;
};

}  // namespace

/// Formats a population as `{x … t_x … T … m … weight …} …`.
template <>
struct fmt::formatter<PopulationText> {
  constexpr auto parse(format_parse_context& ctx) { return ctx.begin(); }
  template <class FormatContext>
  auto format(const PopulationText& p, FormatContext& ctx) const {
    auto out = ctx.out();
    for (const auto& s : p.rows)
      out = fmt::format_to(out, "{{x {} t_x {} T {} m {} weight {}}} ", s.x, s.t_x, s.T, s.m,
                           s.weight);
    return out;
  }
};

namespace {

/// Options of a fit: a small iteration budget mostly, so that one input stays fast.
cbf::models::FitOptions fit_options(FuzzInput& in) {
  constexpr std::array<double, 4> penalizers{0, 0.001, 0.1, 1};
  cbf::models::FitOptions options;
  options.penalizer = in.pick(penalizers);
  options.max_iterations = in.flag() ? 1 + in.byte() : 1000;
  return options;
}

/// A log-parameter strictly inside the interior documented for a converged fit (|θ| < 15).
[[nodiscard]] bool interior(double parameter) {
  return parameter > std::exp(-15.0) && parameter < std::exp(15.0);
}

/// Up to eight summaries, each decoded by `row`, with a weight of 1 or any parameter.
template <class Row>
std::vector<cbf::models::Summary> population_of(FuzzInput& in, Row&& row) {
  std::vector<cbf::models::Summary> population(in.byte() % 9);
  for (cbf::models::Summary& s : population) {
    row(s);
    s.weight = in.flag() ? 1.0 : parameter(in);
  }
  return population;
}

void check_fit_bg_nbd(FuzzInput& in) {
  const cbf::models::FitOptions options = fit_options(in);
  const auto population = population_of(in, [&](cbf::models::Summary& s) {
    s.x = count(in);
    s.T = span(in);
    s.t_x = in.flag() ? s.T * (in.byte() / 255.0) : span(in);
  });
  // docs/models.md §4: rows with non-finite values, t_x > T, negative values or a non-positive
  // weight are ignored.
  std::vector<cbf::models::Summary> usable;
  bool repeat = false;
  double max_T = 0;
  for (const auto& s : population) {
    if (std::isfinite(s.x) && std::isfinite(s.t_x) && std::isfinite(s.T) &&
        std::isfinite(s.weight) && s.x >= 0 && s.t_x >= 0 && s.t_x <= s.T && s.weight > 0) {
      usable.push_back(s);
      repeat = repeat || s.x > 0;
      max_T = std::max(max_T, s.T);
    }
  }
  const auto fit = cbf::models::fit_bg_nbd(population, options);
  const auto& p = fit.parameters;
  if (cbf_fuzz::known::extreme_model_parameters && max_T > 1e250) return;
  require(std::isfinite(p.r) && std::isfinite(p.alpha) && std::isfinite(p.a) &&
              std::isfinite(p.b) && p.r >= 0 && p.alpha >= 0 && p.a >= 0 && p.b >= 0,
          "BG/NBD fit returned r {} alpha {} a {} b {}", p.r, p.alpha, p.a, p.b);
  require(fit.iterations >= 0 && fit.iterations <= options.max_iterations,
          "BG/NBD fit ran {} iterations of {}", fit.iterations, options.max_iterations);
  if (!fit.converged) return;
  require(!usable.empty() && max_T > 0 && repeat,
          "BG/NBD fit converged without usable rows with a repeat purchase");
  require(interior(p.r) && interior(p.a) && interior(p.b) && p.alpha > 0,
          "converged BG/NBD fit on the boundary: r {} alpha {} a {} b {}", p.r, p.alpha, p.a, p.b);
  require(std::isfinite(fit.log_likelihood), "converged BG/NBD fit with log-likelihood {}",
          fit.log_likelihood);
  // The same sum of the same terms, grouped otherwise: equal up to the rounding of the parts of
  // each term (the log-gammas cancel exactly in value but not in rounding).
  using cbf::detail::log_gamma;
  double ll = 0, scale = 0;
  for (const auto& s : usable) {
    ll += s.weight * cbf::models::bg_nbd_log_likelihood(p, s.x, s.t_x, s.T);
    const double parts = std::fabs(log_gamma(p.r + s.x)) + std::fabs(log_gamma(p.r)) +
                         magnitude(p.r, std::log(p.alpha)) + std::fabs(log_gamma(p.a + p.b)) +
                         std::fabs(log_gamma(p.b + s.x)) + std::fabs(log_gamma(p.b)) +
                         std::fabs(log_gamma(p.a + p.b + s.x)) +
                         magnitude(p.r + s.x, std::fabs(std::log(p.alpha + s.T)) +
                                                  std::fabs(std::log(p.alpha + s.t_x)));
    scale += s.weight * (1 + parts);
  }
  require(std::fabs(ll - fit.log_likelihood) <= 1e-12 * scale,
          "BG/NBD fit reports log-likelihood {}, its parameters r {} alpha {} a {} b {} give {} on "
          "{}",
          fit.log_likelihood, p.r, p.alpha, p.a, p.b, ll, PopulationText{usable});
}

void check_fit_gamma_gamma(FuzzInput& in) {
  const cbf::models::FitOptions options = fit_options(in);
  const auto population = population_of(in, [&](cbf::models::Summary& s) {
    s.x = count(in);
    s.m = in.flag() ? in.log_uniform(-2, 6) : in.edge_double();
  });
  std::vector<cbf::models::Summary> usable;
  for (const auto& s : population)
    if (std::isfinite(s.x) && std::isfinite(s.m) && std::isfinite(s.weight) && s.x > 0 && s.m > 0 &&
        s.weight > 0)
      usable.push_back(s);
  const auto fit = cbf::models::fit_gamma_gamma(population, options);
  const auto& g = fit.parameters;
  require(std::isfinite(g.p) && std::isfinite(g.q) && std::isfinite(g.gamma) && g.p >= 0 &&
              g.q >= 0 && g.gamma >= 0,
          "Gamma-Gamma fit returned p {} q {} gamma {}", g.p, g.q, g.gamma);
  require(fit.iterations >= 0 && fit.iterations <= options.max_iterations,
          "Gamma-Gamma fit ran {} iterations of {}", fit.iterations, options.max_iterations);
  if (!fit.converged) return;
  require(!usable.empty(), "Gamma-Gamma fit converged without usable rows");
  require(interior(g.p) && interior(g.q) && interior(g.gamma),
          "converged Gamma-Gamma fit on the boundary: p {} q {} gamma {}", g.p, g.q, g.gamma);
  require(std::isfinite(fit.log_likelihood), "converged Gamma-Gamma fit with log-likelihood {}",
          fit.log_likelihood);
  using cbf::detail::log_gamma;
  double ll = 0, scale = 0;
  for (const auto& s : usable) {
    ll += s.weight * cbf::models::gamma_gamma_log_likelihood(g, s.x, s.m);
    const double px = g.p * s.x;
    const double parts = std::fabs(log_gamma(px + g.q)) + std::fabs(log_gamma(px)) +
                         std::fabs(log_gamma(g.q)) + magnitude(g.q, std::log(g.gamma)) +
                         magnitude(px - 1, std::log(s.m)) + magnitude(px, std::log(s.x)) +
                         magnitude(px + g.q, std::log(s.x * s.m + g.gamma));
    scale += s.weight * (1 + parts);
  }
  require(std::fabs(ll - fit.log_likelihood) <= 1e-12 * scale,
          "Gamma-Gamma fit reports log-likelihood {}, its parameters give {}", fit.log_likelihood,
          ll);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzInput in(data, size);
  switch (in.byte() % 6) {
    case 0:
      check_bg_nbd(in);
      break;
    case 1:
      check_hyp2f1(in);
      break;
    case 2:
      check_gamma_gamma(in);
      break;
    case 3:
      check_discounted_value(in);
      break;
    case 4:
      check_fit_bg_nbd(in);
      break;
    default:
      check_fit_gamma_gamma(in);
      break;
  }
  return 0;
}
