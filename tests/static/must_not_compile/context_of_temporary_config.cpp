// expect: deleted
// Must not compile: a context keeps a pointer to its config, so a temporary Config would dangle.
#include <cbf/cbf.hpp>

int main() {
  const auto ctx = cbf::make_context(
      cbf::no_records<cbf::Customer>, cbf::no_records<cbf::Interaction>,
      cbf::no_records<cbf::Session>, cbf::no_records<cbf::Attribution>, cbf::Config{});
  return static_cast<int>(ctx.orders.size());
}
