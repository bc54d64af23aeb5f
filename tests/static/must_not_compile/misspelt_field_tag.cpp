// expect: device[^ ]*( is not a member of| in namespace) [^ ]*cbf::field
// Must not compile: a misspelt field name in a fields table is no tag of cbf::field (the old
// per-function form ignored a function named `device` and device_type came out null).
#include <cbf/cbf.hpp>

#include <string>

struct Hit {
  std::string user;
  std::string platform;
};
template <>
struct cbf::record_traits<Hit> {
  static constexpr auto fields =
      cbf::fields(cbf::field::customer_id = &Hit::user, cbf::field::device = &Hit::platform);
};

int main() { return static_cast<int>(cbf::field::customer_id(Hit{"u", "mobile"}).size()); }
