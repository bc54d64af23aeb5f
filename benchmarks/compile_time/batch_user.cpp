// A service file of the compile-time benchmark: its own record type and one compute_batch call.
#include <cbf/cbf.hpp>

#include "service_event.hpp"

#include <string>
#include <vector>

int main() {
  const std::vector<Event> events{{1, 10, cbf::EventKind::page_view, first_event}};
  const cbf::BatchResult r =
      cbf::compute_batch(cbf::no_records<cbf::Customer>, events, cbf::no_records<cbf::Session>,
                         cbf::no_records<cbf::Attribution>, cbf::Config{});
  return static_cast<int>(r.customers.size());
}
