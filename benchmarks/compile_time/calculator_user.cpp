// A service file of the compile-time benchmark: one customer per request with cbf::Calculator.
#include <cbf/calculator.hpp>

#include <chrono>
#include <cstdint>
#include <vector>

struct Event {
  std::int64_t customer_id;
  std::int64_t session_id;
  cbf::EventKind event_type;
  std::chrono::sys_seconds created_at;
};

int main() {
  cbf::Calculator calculator(cbf::Config{});
  const std::vector<Event> events{
      {1, 10, cbf::EventKind::page_view, std::chrono::sys_seconds{std::chrono::seconds{1700000000}}}};
  const cbf::CustomerResult r =
      calculator.compute(cbf::no_records<cbf::Customer>, events, cbf::no_records<cbf::Session>,
                         cbf::no_records<cbf::Attribution>);
  return static_cast<int>(r.customer_id.size());
}
