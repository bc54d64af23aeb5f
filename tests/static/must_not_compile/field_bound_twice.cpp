// expect: binds field device_type more than once
// Must not compile: one table binding the same field twice.
#include <cbf/cbf.hpp>

#include <string>

struct Hit {
  std::string user;
  std::string platform;
  std::string browser;
};
template <>
struct cbf::record_traits<Hit> {
  static constexpr auto fields =
      cbf::fields(cbf::field::customer_id = &Hit::user, cbf::field::device_type = &Hit::platform,
                  cbf::field::device_type = &Hit::browser);
};

int main() { return static_cast<int>(cbf::field::device_type(Hit{"u", "m", "b"}).size()); }
