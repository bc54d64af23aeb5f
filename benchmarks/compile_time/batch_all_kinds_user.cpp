// A service file of the compile-time benchmark that reads all four kinds of its own records: the
// cost of compute_batch for a service that has them all.
#include <cbf/cbf.hpp>

#include "service_event.hpp"
#include "service_records.hpp"

#include <vector>

int main() {
  const std::vector<Account> accounts{{1, first_event}};
  const std::vector<Event> events{{1, 10, cbf::EventKind::page_view, first_event}};
  const std::vector<Visit> visits{{1, 10, first_event, first_event}};
  const std::vector<Sale> sales{{1, 100, 10, 25.0, first_event}};
  const cbf::BatchResult r = cbf::compute_batch(accounts, events, visits, sales, cbf::Config{});
  return static_cast<int>(r.customers.size());
}
