// expect: field device_type is of a type cbf cannot read.*A text field may be
// Must not compile: an accessor whose result a text field cannot read, given to the API.
#include <cbf/cbf.hpp>

#include <chrono>
#include <string>
#include <vector>

struct Hit {
  std::string user;
  std::string kind;
  std::chrono::sys_seconds at;
  std::vector<int> platform;
};
template <>
struct cbf::record_traits<Hit> {
  static constexpr auto fields =
      cbf::fields(cbf::field::customer_id = &Hit::user, cbf::field::event_type = &Hit::kind,
                  cbf::field::created_at = &Hit::at, cbf::field::device_type = &Hit::platform);
};

int main() {
  const std::vector<Hit> hits(1);
  const cbf::Config config;
  const auto f = cbf::device_features(hits, cbf::no_records<cbf::Session>, config);
  return f.preferred_device ? 1 : 0;
}
