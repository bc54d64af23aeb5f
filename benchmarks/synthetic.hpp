// Synthetic customers for the benchmarks: realistic funnels, deterministic from a seed.
#pragma once

#include <cbf/records.hpp>

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace cbf::bench {

/// The records of a synthetic batch.
struct Batch {
  std::vector<cbf::Customer> customers;
  std::vector<cbf::Interaction> interactions;
  std::vector<cbf::Session> sessions;
  std::vector<cbf::Attribution> attributions;

  [[nodiscard]] std::size_t records() const {
    return customers.size() + interactions.size() + sessions.size() + attributions.size();
  }
};

/// `customers` customers with about `sessions_per_customer` sessions of ~10 events each.
inline Batch make_batch(int customers, int sessions_per_customer, std::uint64_t seed = 42) {
  using namespace std::chrono;
  static constexpr std::array<const char*, 8> funnel{
      "page_viewed",    "collection_viewed",     "search_submitted", "product_viewed",
      "product_viewed", "product_added_to_cart", "checkout_started", "checkout_completed"};
  static constexpr std::array<const char*, 3> devices{"mobile", "desktop", "tablet"};
  std::mt19937_64 rng(seed);
  Batch b;
  const sys_seconds origin = sys_days{year{2025} / 1 / 1};
  for (int c = 0; c < customers; ++c) {
    const std::string id = fmt::format("c{}", c);
    b.customers.push_back({.customer_id = id, .created_at = origin});
    for (int s = 0; s < sessions_per_customer; ++s) {
      const std::string sid = fmt::format("{}-s{}", id, s);
      const sys_seconds start = origin + seconds{static_cast<long>(rng() % (180 * 86400))};
      b.sessions.push_back({.customer_id = id,
                            .session_id = sid,
                            .start_time = start,
                            .device_type = devices[rng() % devices.size()],
                            .referrer_type = "organic"});
      const int depth = 2 + static_cast<int>(rng() % funnel.size());
      for (int e = 0; e < depth && e < static_cast<int>(funnel.size()); ++e) {
        b.interactions.push_back({.customer_id = id,
                                  .session_id = sid,
                                  .event_type = funnel[static_cast<std::size_t>(e)],
                                  .product_id = fmt::format("p{}", rng() % 50),
                                  .category_id = fmt::format("k{}", rng() % 8),
                                  .search_query = fmt::format("query {}", rng() % 5),
                                  .view_duration = static_cast<double>(rng() % 120),
                                  .created_at = start + seconds{e * 40}});
      }
      if (depth >= static_cast<int>(funnel.size()))
        b.attributions.push_back(
            {.customer_id = id,
             .order_id = fmt::format("{}-o", sid),
             .session_id = sid,
             .attribution_type = "email",
             .attribution_value = 10.0 + static_cast<double>(rng() % 9000) / 100,
             .created_at = start + seconds{300}});
    }
  }
  return b;
}

}  // namespace cbf::bench
