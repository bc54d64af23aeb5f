// The README's example, compiled and run with a host's own record types.
#include <cbf/cbf.hpp>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace {

using namespace std::chrono;

struct MyEvent {  // contract field names: no adaptation needed
  std::string customer_id;
  std::string session_id;
  std::string event_type;
  sys_seconds created_at;
};

// --- as in README.md ---
struct MyOrderLine {  // your own struct, with your own names
  std::string user, number;
  double amount;
  std::chrono::sys_seconds placed_at;
};
}  // namespace
template <>  // which member is which contract field
struct cbf::record_traits<MyOrderLine> {
  static constexpr auto fields = cbf::fields(cbf::field::customer_id = &MyOrderLine::user,
                                             cbf::field::order_id = &MyOrderLine::number,
                                             cbf::field::attribution_value = &MyOrderLine::amount,
                                             cbf::field::created_at = &MyOrderLine::placed_at);
};
// --- end ---

namespace {

std::vector<MyEvent> load_events(const std::string& id) {
  const sys_seconds t = sys_days{year{2025} / 6 / 2} + hours{18};
  return {{id, "s1", "page_viewed", t},
          {id, "s1", "product_viewed", t + seconds{5}},
          {id, "s1", "page_viewed", t + seconds{5}}};
}

std::vector<MyOrderLine> load_orders(const std::string& id) {
  const sys_seconds t = sys_days{year{2025} / 6 / 2} + hours{18};
  return {{id, "o1", 40.0, t + minutes{3}}, {id, "o2", 43.0, t + days{7}}};
}

}  // namespace

TEST_CASE("the README example compiles and prints the features", "[readme]") {
  // --- as in README.md ---
  std::vector<MyEvent> events = load_events("c42");
  std::vector<MyOrderLine> orders = load_orders("c42");
  cbf::Config config = cbf::shopify_config();
  config.as_of = std::chrono::sys_days{std::chrono::year{2025} / 7 / 1};

  cbf::CustomerResult r = cbf::compute_customer(cbf::no_records<cbf::Customer>, events,
                                                cbf::no_records<cbf::Session>, orders, config);
  const std::string printed = fmt::format("{}\n", r.features);
  // --- end ---
  CHECK(r.customer_id == "c42");
  CHECK(r.features.total_purchases == 2);
  CHECK(*r.features.avg_purchase_value == 41.5);
  CHECK(r.features.total_sessions == 1);
  // The product_viewed and the page_viewed share an instant: the page_view comes first, is the
  // tracker's paired event and is skipped, so the view votes by the first page_viewed: browse.
  CHECK(*r.features.product_discovery_method == "browse");
  CHECK(printed.rfind("{total_purchases: 2, avg_purchase_value: 41.5, ", 0) == 0);
  // Last order 21.25 days before as_of, two orders: R = 5, F = 2.
  CHECK(printed.find("customer_segment: \"potential_loyalist\"") != std::string::npos);
  CHECK(printed.find(fmt::format("churn_probability: {}}}", *r.features.churn_probability)) !=
        std::string::npos);
}
