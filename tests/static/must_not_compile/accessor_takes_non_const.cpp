// expect: accessor given for field device_type must accept the record as const R&
// Must not compile: an accessor taking the record as R& (the old per-function form ignored it, and
// device_type came out null).
#include <cbf/cbf.hpp>

#include <string>
#include <string_view>

struct Hit {
  std::string user;
  std::string platform;
};
template <>
struct cbf::record_traits<Hit> {
  static constexpr auto fields = cbf::fields(
      cbf::field::customer_id = &Hit::user,
      cbf::field::device_type = [](Hit& h) -> std::string_view { return h.platform; });
};

int main() { return static_cast<int>(cbf::field::device_type(Hit{"u", "mobile"}).size()); }
