// Findings of the fuzz targets that are reported and not fixed yet. Each is avoided, so that a
// run looks for other ones; set its flag to false when the fix lands and the targets check it
// again.
#pragma once

#include <cbf/model_parameters.hpp>

#include <cmath>

namespace cbf_fuzz::known {

/// 1. A customer with stamps at −timestamp_limit and at +timestamp_limit: their difference is
///    2^63 µs, one more than int64 holds (signed overflow in include/cbf/rows.hpp tenure_months,
///    include/cbf/detail/sessions.hpp derive_sessions, …). While set, fuzz_batch makes no stamp
///    below −timestamp_limit + 1 µs.
inline constexpr bool full_time_span = false;

/// 2. The BG/NBD expectations (and so lifetime_value_prediction with fitted parameters) lose all
///    precision outside ordinary parameters (include/cbf/models/bg_nbd.hpp, the ₂F₁ series):
///    negative or huge for r ≳ 80 (its upper parameter a + b − 1 − r makes alternating terms of
///    size ~(1 + z)^r), NaN for a ≳ 300 and z near 1 (the terms overflow while (1 − z)^(a − 1)
///    underflows: 0 · ∞), negative when z = t / (α + T + t) is so near 1 that the series stops
///    at its 10⁶-term cap (docs/models.md §7 promises a small truncation error there; with
///    a + b < 1 it is not), and anything for parameters or spans near the ends of the double
///    range. While set, they are checked only within `ordinary` and for z ≤ ordinary_z.
inline constexpr bool bg_nbd_outside_ordinary = false;
inline constexpr double ordinary_z = 0.999;

/// 7. The BG/NBD log-likelihood and its gradient are not finite at extreme parameters
///    (include/cbf/models/bg_nbd.hpp bg_nbd_log_likelihood): differences of ln Γ of huge
///    arguments, r·ln α against (r + x)·ln(α + T), and ψ(r) = −1e313 for r = 1.06e-313. While set,
///    they are checked only within `ordinary` (and the summary's ordinary_summary).
inline constexpr bool bg_nbd_likelihood_outside_ordinary = false;

/// 3. Model parameters near the ends of the double range overflow: the Gamma-Gamma E[M] is inf
///    or NaN for p ~ 1e300, its log-likelihood NaN for q ~ 1e308, and fit_bg_nbd returns α = inf
///    when the largest T exceeds ~1e291. While set, those are checked only within `ordinary`.
inline constexpr bool extreme_model_parameters = false;

/// 4. P(alive) is NaN when its log-odds are ∞ − ∞ (include/cbf/models/bg_nbd.hpp
///    bg_nbd_p_alive): a / (b + x − 1) underflows to 0 while (α + T) / (α + t_x) overflows, e.g.
///    a = 2e-319, α = 2e-314; or α + T overflows. While set, P(alive) is not checked in exactly
///    those cases.
inline constexpr bool p_alive_infinite_log_odds = false;

/// The case of finding 4: the log-odds of bg_nbd_p_alive are NaN.
[[nodiscard]] inline bool infinite_log_odds(const cbf::BgNbdParameters& p, double x, double t_x,
                                            double T) noexcept {
  return x > 0 && std::isnan((p.r + x) * std::log((p.alpha + T) / (p.alpha + t_x)) +
                             std::log(p.a / (p.b + x - 1)));
}

/// 5. With fitted parameters, a monthly_discount_rate near −1 (valid: finite and > −1) makes
///    lifetime_value_prediction infinite: (1 + d)^k underflows to 0 and the sum divides by it
///    (include/cbf/models/clv.hpp discounted_value), e.g. d = −0.9999999 over 48 months. While set,
///    fuzz_batch makes no rate below −0.5.
inline constexpr bool discount_rate_near_minus_one = false;

/// 6. The sum of a customer's session durations overflows int64 (include/cbf/families/
///    engagement.hpp:39, `duration_us += s.duration().count()`): three sessions of 100 000 years
///    (valid stamps) give avg_session_duration = −4.99e10 minutes, and two spanning the whole range
///    are undefined behaviour. While set, fuzz_batch skips inputs whose durations could add up to
///    2^63 µs.
inline constexpr bool session_duration_sum = false;

/// A value of ordinary size for a model parameter.
[[nodiscard]] inline bool ordinary(double x) noexcept { return x >= 1e-3 && x <= 1e3; }

/// BG/NBD parameters of ordinary size: r up to 10, a up to 100, α and b within 10^±3, and a away
/// from the removable singularity a = 1 (docs/models.md §7).
[[nodiscard]] inline bool ordinary(const cbf::BgNbdParameters& p) noexcept {
  return p.r >= 1e-3 && p.r <= 10 && ordinary(p.alpha) && p.a >= 1e-3 && p.a <= 100 &&
         ordinary(p.b) && std::fabs(p.a - 1) >= 1e-6;
}

/// Gamma-Gamma parameters of ordinary size.
[[nodiscard]] inline bool ordinary(const cbf::GammaGammaParameters& g) noexcept {
  return ordinary(g.p) && ordinary(g.q) && ordinary(g.gamma);
}

}  // namespace cbf_fuzz::known
