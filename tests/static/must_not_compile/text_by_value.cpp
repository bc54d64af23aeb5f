// expect: field customer_id is of a type cbf cannot read.*storage that outlives the computation
// Must not compile: an id accessor returning std::string by value would leave a dangling view.
#include <cbf/cbf.hpp>

#include <string>

struct Event {
  std::string user;
};
template <>
struct cbf::record_traits<Event> {
  static constexpr auto fields =
      cbf::fields(cbf::field::customer_id = [](const Event& e) { return e.user; });
};

int main() { return static_cast<int>(cbf::field::customer_id(Event{"x"}).size()); }
