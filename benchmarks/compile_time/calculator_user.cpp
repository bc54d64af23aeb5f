// A service file of the compile-time benchmark: one customer per request with cbf::Calculator.
#include <cbf/calculator.hpp>

#include "service_event.hpp"

#include <vector>

int main() {
  cbf::Calculator calculator(cbf::Config{});
  const std::vector<Event> events{{1, 10, cbf::EventKind::page_view, first_event}};
  const cbf::CustomerResult r =
      calculator.compute(cbf::no_records<cbf::Customer>, events, cbf::no_records<cbf::Session>,
                         cbf::no_records<cbf::Attribution>);
  return static_cast<int>(r.customer_id.size());
}
