// A per-request calculator for services: one customer per call, with the config and every buffer
// kept from call to call, so a warm calculator computes without allocating.
#pragma once

#include <cbf/compute.hpp>
#include <cbf/config.hpp>
#include <cbf/context.hpp>
#include <cbf/features.hpp>
#include <cbf/time.hpp>

#include <utility>

namespace cbf {

/// Computes one customer's features per call, as compute_customer does, reusing its buffers: once
/// it has seen customers as large, a call allocates nothing but labels longer than std::string
/// keeps inline (15 bytes with libstdc++; the segment potential_loyalist is one). One calculator
/// serves one thread at a time; give each thread its own.
class Calculator {
 public:
  /// Keeps a validated copy of `config` (throws InvalidParameter).
  explicit Calculator(Config config) : config_(std::move(config)) { validate(config_); }

  /// The config every call uses.
  [[nodiscard]] const Config& config() const noexcept { return config_; }

  /// One customer's result at `config().as_of`, else at the latest valid stamp of its records.
  /// The records need outlive only the call. Throws MissingAsOf or MixedCustomers.
  template <class CustomerOrRange, class Interactions, class Sessions, class Attributions>
  [[nodiscard]] CustomerResult compute(CustomerOrRange&& customer, Interactions&& interactions,
                                       Sessions&& sessions, Attributions&& attributions) {
    CustomerResult out;
    compute(customer, interactions, sessions, attributions, out);
    return out;
  }

  /// The same into `out`, reusing the memory of its key strings.
  template <class CustomerOrRange, class Interactions, class Sessions, class Attributions>
  void compute(CustomerOrRange&& customer, Interactions&& interactions, Sessions&& sessions,
               Attributions&& attributions, CustomerResult& out) {
    compute_at(resolve_as_of(config_, interactions, sessions, attributions), customer, interactions,
               sessions, attributions, out);
  }

  /// One customer's result at `as_of` (a request's "now"), whatever `config().as_of` says.
  template <class CustomerOrRange, class Interactions, class Sessions, class Attributions>
  [[nodiscard]] CustomerResult compute_at(Timestamp as_of, CustomerOrRange&& customer,
                                          Interactions&& interactions, Sessions&& sessions,
                                          Attributions&& attributions) {
    CustomerResult out;
    compute_at(as_of, customer, interactions, sessions, attributions, out);
    return out;
  }

  /// The same into `out`, reusing the memory of its strings.
  template <class CustomerOrRange, class Interactions, class Sessions, class Attributions>
  void compute_at(Timestamp as_of, CustomerOrRange&& customer, Interactions&& interactions,
                  Sessions&& sessions, Attributions&& attributions, CustomerResult& out) {
    context_.scratch.single_key = true;
    build_context(context_, detail::customer_range(customer), interactions, sessions, attributions,
                  config_, as_of);
    if (const auto& other = context_.scratch.other_key)
      throw MixedCustomers(context_.shop_id, context_.customer_id, other->first, other->second);
    out.shop_id.assign(context_.shop_id);
    out.customer_id.assign(context_.customer_id);
    out.as_of = as_of;
    out.features = detail::compute_features(context_, scratch_);
    out.diagnostics = context_.diagnostics;
    out.shop_id_bits = context_.shop_id_bits;
    out.customer_id_bits = context_.customer_id_bits;
  }

 private:
  Config config_;
  CustomerContext context_;
  detail::FeatureScratch scratch_;
};

}  // namespace cbf
