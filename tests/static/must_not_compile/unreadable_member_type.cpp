// expect: field created_at is of a type cbf cannot read.*A timestamp may be
// Must not compile: a member with a contract field's name but a type the field cannot read.
#include <cbf/cbf.hpp>

#include <string>
#include <vector>

struct Order {
  std::string customer_id;
  std::string order_id;
  long created_at;  // seconds: which epoch, which unit? A sys_time says.
};

int main() {
  const std::vector<Order> orders(1);
  return static_cast<int>(cbf::purchase_features(orders, cbf::Config{}).total_purchases);
}
