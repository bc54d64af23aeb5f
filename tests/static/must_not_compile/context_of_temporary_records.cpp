// expect: keeps views into the attribution records
// Must not compile: a context keeps views into its records, so a temporary container would dangle.
#include <cbf/cbf.hpp>

#include <vector>

int main() {
  const cbf::Config config;
  const auto ctx =
      cbf::make_context(cbf::no_records<cbf::Customer>, cbf::no_records<cbf::Interaction>,
                        cbf::no_records<cbf::Session>, std::vector<cbf::Attribution>(1), config);
  return static_cast<int>(ctx.orders.size());
}
