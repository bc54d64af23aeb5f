// Parameters of the churn and lifetime-value models, shared by the config and models/.
#pragma once

namespace cbf {

/// BG/NBD parameters (Fader, Hardie & Lee 2005): purchase rate λ ~ Gamma(r, α), dropout
/// probability p ~ Beta(a, b); α in the model's time unit. All positive, a ≠ 1.
struct BgNbdParameters {
  double r;
  double alpha;
  double a;
  double b;
};

/// Gamma-Gamma spend parameters: order value ~ Gamma(p, ν), ν ~ Gamma(q, γ). All positive.
struct GammaGammaParameters {
  double p;
  double q;
  double gamma;
};

}  // namespace cbf
