// Prints one customer's features through the installed package: proves headers, dependencies
// and the fmt formatter resolve from the install tree.
#include <cbf/cbf.hpp>

#include <fmt/format.h>

#include <chrono>
#include <vector>

int main() {
  using namespace std::chrono;
  const auto t0 = sys_days{year{2025} / 1 / 1} + hours{10};
  std::vector<cbf::Interaction> events{
      {.customer_id = "c1", .session_id = "s1", .event_type = "page_viewed", .created_at = t0},
      {.customer_id = "c1",
       .session_id = "s1",
       .event_type = "search_submitted",
       .search_query = "red shoes",
       .created_at = t0 + seconds{20}}};
  std::vector<cbf::Attribution> orders{{.customer_id = "c1",
                                        .order_id = "o1",
                                        .attribution_value = 25.0,
                                        .created_at = t0 + minutes{5}}};
  const auto result = cbf::compute_customer(cbf::Customer{.customer_id = "c1"}, events,
                                            cbf::no_records<cbf::Session>, orders, cbf::Config{});
  fmt::print("{}\n", result.features);
  return result.features.total_purchases == 1 && result.features.total_sessions == 1 ? 0 : 1;
}
