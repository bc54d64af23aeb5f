// A service file of the compile-time benchmark: its own record type and one compute_batch call.
#include <cbf/cbf.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

struct Event {
  std::int64_t customer_id;
  std::int64_t session_id;
  cbf::EventKind event_type;
  std::chrono::sys_seconds created_at;
};

int main() {
  const std::vector<Event> events{
      {1, 10, cbf::EventKind::page_view, std::chrono::sys_seconds{std::chrono::seconds{1700000000}}}};
  const cbf::BatchResult r =
      cbf::compute_batch(cbf::no_records<cbf::Customer>, events, cbf::no_records<cbf::Session>,
                         cbf::no_records<cbf::Attribution>, cbf::Config{});
  return static_cast<int>(r.customers.size());
}
