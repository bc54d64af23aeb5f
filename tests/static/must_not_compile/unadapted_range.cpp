// expect: adapting-your-records\.md
// Must not compile: a range of a type that has none of the contract's fields.
#include <cbf/cbf.hpp>

#include <vector>

struct Unrelated {
  int id;
};

int main() {
  const std::vector<Unrelated> rows(1);
  return static_cast<int>(cbf::purchase_features(rows, cbf::Config{}).total_purchases);
}
