// A customer's purchase summary for the models: repeat purchases, recency, age, mean value.
#pragma once

namespace cbf::models {

/// `(x, t_x, T, m)` in the model's time unit, with a weight (a count of identical customers).
struct Summary {
  double x = 0;       ///< repeat purchases (orders − 1)
  double t_x = 0;     ///< last − first order time
  double T = 0;       ///< as_of − first order time
  double m = 0;       ///< mean order value (Gamma-Gamma), 0 when unknown
  double weight = 1;  ///< customers this row stands for
};

}  // namespace cbf::models
