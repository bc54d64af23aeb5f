// expect: has no fields table. Write `static constexpr auto fields = cbf::fields
// Must not compile: the old form, a static function per field, which ignored a misspelt name.
#include <cbf/cbf.hpp>

#include <string>
#include <string_view>

struct Hit {
  std::string user;
};
template <>
struct cbf::record_traits<Hit> {
  static std::string_view customer_id(const Hit& h) { return h.user; }
};

int main() { return static_cast<int>(cbf::field::customer_id(Hit{"u"}).size()); }
