// expect: the interaction record type has no field event_type
// Must not compile: an interaction record without event_type, given to the API.
#include <cbf/cbf.hpp>

#include <chrono>
#include <string>
#include <vector>

struct Hit {
  std::string user;
  std::string kind;
  std::chrono::sys_seconds at;
};
template <>
struct cbf::record_traits<Hit> {
  static constexpr auto fields =
      cbf::fields(cbf::field::customer_id = &Hit::user, cbf::field::created_at = &Hit::at);
};

int main() {
  const std::vector<Hit> hits(1);
  const cbf::Config config;
  return static_cast<int>(
      cbf::engagement_features(hits, cbf::no_records<cbf::Session>, config).total_sessions);
}
