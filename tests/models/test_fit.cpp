// Fitting: the published CDNOW estimates (Fader, Hardie & Lee 2005; Fader & Hardie 2013), and
// degenerate populations that must be reported, never thrown or NaN.
#include "cdnow.hpp"

#include <cbf/models/fit.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

using cbf::models::Summary;

TEST_CASE("BG/NBD fitted on CDNOW reproduces the published estimates", "[fit][cdnow]") {
  const auto cdnow = cbf_test::cdnow_summaries();
  if (!cdnow) return;
  REQUIRE(cdnow->size() == 2357);
  const auto fit = cbf::models::fit_bg_nbd(*cdnow);
  CHECK(fit.converged);
  // Paper: r = 0.243, α = 4.414, a = 0.793, b = 2.426 (3 decimals); LL −9582.4.
  CHECK(fit.parameters.r == Approx(0.243).margin(5e-4));
  CHECK(fit.parameters.alpha == Approx(4.414).margin(5e-4));
  CHECK(fit.parameters.a == Approx(0.793).margin(5e-4));
  CHECK(fit.parameters.b == Approx(2.426).margin(5e-4));
  CHECK(fit.log_likelihood == Approx(-9582.4).margin(0.05));
  // lifetimes' MLE on the same rounded CSV (models-reference §7), relative 1e-4.
  CHECK(fit.parameters.r == Approx(0.242593).epsilon(1e-4));
  CHECK(fit.parameters.alpha == Approx(4.413532).epsilon(1e-4));
  CHECK(fit.parameters.a == Approx(0.792886).epsilon(1e-4));
  CHECK(fit.parameters.b == Approx(2.425753).epsilon(1e-4));
  CHECK(fit.log_likelihood == Approx(-9582.4256).margin(1e-3));
}

TEST_CASE("Gamma-Gamma fitted on CDNOW's repeat customers reproduces the published estimates",
          "[fit][cdnow]") {
  const auto cdnow = cbf_test::cdnow_summaries();
  if (!cdnow) return;
  const auto fit = cbf::models::fit_gamma_gamma(*cdnow);  // rows with x > 0 only (946)
  CHECK(fit.converged);
  // Published: p = 6.25, q = 3.74, γ = 15.44 (2 decimals); ours on the
  // CSV: 6.2488, 3.7446, 15.4478.
  CHECK(fit.parameters.p == Approx(6.25).margin(5e-3));
  CHECK(fit.parameters.q == Approx(3.74).margin(5e-3));
  CHECK(fit.parameters.gamma == Approx(15.44).margin(1e-2));
  CHECK(fit.log_likelihood == Approx(-4055.9232).margin(1e-3));
}

TEST_CASE("weights count identical customers once each", "[fit]") {
  const std::vector<Summary> repeated{{2, 10, 30, 0, 1}, {2, 10, 30, 0, 1}, {2, 10, 30, 0, 1},
                                      {0, 0, 25, 0, 1},  {1, 5, 20, 0, 1},  {5, 28, 30, 0, 1}};
  const std::vector<Summary> weighted{
      {2, 10, 30, 0, 3}, {0, 0, 25, 0, 1}, {1, 5, 20, 0, 1}, {5, 28, 30, 0, 1}};
  constexpr cbf::BgNbdParameters p{0.5, 3.0, 0.8, 2.0};
  CHECK(cbf::models::bg_nbd_log_likelihood(p, repeated) ==
        Approx(cbf::models::bg_nbd_log_likelihood(p, weighted)).epsilon(1e-14));
  // Six customers leave a flat optimum: both fits stop within the optimiser's tolerance of it.
  const auto a = cbf::models::fit_bg_nbd(repeated);
  const auto b = cbf::models::fit_bg_nbd(weighted);
  CHECK(a.log_likelihood == Approx(b.log_likelihood).epsilon(1e-6));
  CHECK(a.parameters.r == Approx(b.parameters.r).epsilon(1e-3));
}

TEST_CASE("degenerate populations are reported as not converged, never NaN", "[fit]") {
  const auto finite = [](const auto& fit) {
    return std::isfinite(fit.parameters.r) && std::isfinite(fit.parameters.alpha) &&
           std::isfinite(fit.parameters.a) && std::isfinite(fit.parameters.b) &&
           std::isfinite(fit.log_likelihood);
  };
  const std::vector<Summary> no_repeats(100, Summary{0, 0, 30, 0, 1});
  const auto zeros = cbf::models::fit_bg_nbd(no_repeats);
  CHECK_FALSE(zeros.converged);
  CHECK(finite(zeros));

  const auto single = cbf::models::fit_bg_nbd(std::vector<Summary>{{3, 20, 30, 10, 1}});
  CHECK_FALSE(single.converged);
  CHECK(finite(single));

  const auto huge = cbf::models::fit_bg_nbd(
      std::vector<Summary>{{1e6, 29, 30, 10, 1}, {0, 0, 30, 0, 1}, {2, 10, 30, 5, 1}});
  CHECK(finite(huge));

  const auto empty = cbf::models::fit_bg_nbd(std::vector<Summary>{});
  CHECK_FALSE(empty.converged);
  const auto invalid = cbf::models::fit_bg_nbd(
      std::vector<Summary>{{NAN, 1, 2, 0, 1}, {1, 5, 2, 0, 1}, {1, 1, 2, 0, -1}});
  CHECK_FALSE(invalid.converged);  // every row is unusable (NaN, t_x > T, negative weight)

  const auto no_spend = cbf::models::fit_gamma_gamma(no_repeats);
  CHECK_FALSE(no_spend.converged);
}

// Regression test of fuzz finding 3 (fuzz/known_findings.hpp): spans near DBL_MAX.
TEST_CASE("a BG/NBD fit on spans near the largest double keeps alpha finite", "[fit]") {
  const auto population = [](double span) {
    return std::vector<Summary>{{2, 0.5 * span, span, 0, 1},
                                {0, 0, 0.8 * span, 0, 1},
                                {5, 0.9 * span, span, 0, 1},
                                {1, 0.1 * span, 0.5 * span, 0, 1}};
  };
  // The MLE of α is about 2.14·max T: 3.6e308 here, beyond the double range (old: α = ∞ and a
  // NaN log-likelihood).
  const auto huge = cbf::models::fit_bg_nbd(population(1.7e308));
  CHECK(huge.parameters.alpha == std::numeric_limits<double>::max());
  CHECK_FALSE(huge.converged);
  CHECK(std::isfinite(huge.parameters.r));
  // Time rescaled by c adds Σ w·x·ln c = 8·ln c to the log-likelihood: compare with the fit of
  // the same population on spans 17 times shorter.
  const auto shorter = cbf::models::fit_bg_nbd(population(1e307));
  CHECK(std::isfinite(shorter.parameters.alpha));
  CHECK(huge.log_likelihood == Approx(shorter.log_likelihood - 8 * std::log(17.0)).epsilon(1e-6));
}
