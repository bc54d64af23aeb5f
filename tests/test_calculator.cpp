// cbf::Calculator: the results of compute_customer, one customer per call, with buffers kept from
// call to call so that a warm calculator allocates nothing.
#include <catch2/catch.hpp>
#include <cbf/calculator.hpp>

#include "bit_identical.hpp"
#include "support.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include "counting_heap.hpp"

using namespace cbf_test;

namespace {

struct OneCustomer {
  Customers customers;
  Interactions interactions;
  Sessions sessions;
  Attributions attributions;
};

/// A customer with `visits` sessions of a few events each, orders and short labels.
OneCustomer shopper(const std::string& id, int visits) {
  OneCustomer c;
  c.customers.push_back(cust(id, t0 - days(400)));
  for (int v = 0; v < visits; ++v) {
    const cbf::Timestamp start = t0 + days(v % 40) + mins(v);
    const std::string session = id + "-s" + std::to_string(v);
    c.sessions.push_back(sess(session, start)
                             .customer(id)
                             .device(v % 3 ? "mobile" : "desktop")
                             .referrer(v % 2 ? "email" : "organic"));
    c.interactions.push_back(ev("search_submitted", start)
                                 .customer(id)
                                 .session(session)
                                 .query("shoes " + std::to_string(v % 4)));
    c.interactions.push_back(ev("product_viewed", start + sec(30))
                                 .customer(id)
                                 .session(session)
                                 .product("p" + std::to_string(v % 7))
                                 .category("c" + std::to_string(v % 3))
                                 .viewed(12.5));
    c.interactions.push_back(
        ev("product_added_to_cart", start + sec(90)).customer(id).session(session).product("p1"));
    if (v % 4 == 0)
      c.attributions.push_back(attr("o" + std::to_string(v), start + mins(5), 10.0 + v)
                                   .customer(id)
                                   .session(session)
                                   .type("email"));
  }
  return c;
}

cbf::CustomerResult expected(const OneCustomer& c, const cbf::Config& config) {
  return cbf::compute_customer(c.customers, c.interactions, c.sessions, c.attributions, config);
}

}  // namespace

TEST_CASE("a calculator gives compute_customer's result, call after call", "[calculator]") {
  cbf::Calculator calculator(at_as_of);
  cbf::CustomerResult reused;
  for (const int visits : {30, 1, 100, 0, 7}) {
    INFO("visits " << visits);
    const OneCustomer c = shopper("u" + std::to_string(visits), visits);
    const cbf::CustomerResult want = expected(c, at_as_of);
    CHECK(cbf_test::identical_rows(
        calculator.compute(c.customers, c.interactions, c.sessions, c.attributions), want));
    // Into a result that held another customer: nothing of that one is left.
    calculator.compute(c.customers, c.interactions, c.sessions, c.attributions, reused);
    CHECK(cbf_test::identical_rows(reused, want));
  }
  // One customer record instead of a range.
  const OneCustomer c = shopper("single", 5);
  CHECK(cbf_test::identical_rows(
      calculator.compute(c.customers.front(), c.interactions, c.sessions, c.attributions),
      expected(c, at_as_of)));
}

TEST_CASE("a calculator given no_records after a customer with records keeps none of them",
          "[calculator]") {
  // no_records is read by no code at all: what a previous call left in the calculator's
  // buffers must still be gone.
  cbf::Calculator calculator(at_as_of);
  const OneCustomer before = shopper("before", 30);
  (void)calculator.compute(before.customers, before.interactions, before.sessions,
                           before.attributions);
  const OneCustomer after = shopper("after", 4);
  const Interactions no_interactions;
  CHECK(cbf_test::identical_rows(
      calculator.compute(after.customers, cbf::no_records<cbf::Interaction>, after.sessions,
                         after.attributions),
      cbf::compute_customer(after.customers, no_interactions, after.sessions, after.attributions,
                            at_as_of)));
  const Sessions no_sessions;
  const Attributions no_attributions;
  (void)calculator.compute(before.customers, before.interactions, before.sessions,
                           before.attributions);
  CHECK(cbf_test::identical_rows(
      calculator.compute(after.customers, after.interactions, cbf::no_records<cbf::Session>,
                         cbf::no_records<cbf::Attribution>),
      cbf::compute_customer(after.customers, after.interactions, no_sessions, no_attributions,
                            at_as_of)));
}

TEST_CASE("a calculator without as_of takes each customer's latest stamp", "[calculator]") {
  cbf::Calculator calculator(cbf::Config{});
  const OneCustomer early = shopper("early", 3);
  const OneCustomer late = shopper("late", 60);
  const auto a =
      calculator.compute(early.customers, early.interactions, early.sessions, early.attributions);
  const auto b =
      calculator.compute(late.customers, late.interactions, late.sessions, late.attributions);
  CHECK(a.as_of == expected(early, cbf::Config{}).as_of);
  CHECK(b.as_of == expected(late, cbf::Config{}).as_of);
  CHECK(a.as_of < b.as_of);
}

TEST_CASE("compute_at computes at the given instant whatever the config says", "[calculator]") {
  cbf::Calculator calculator(at_as_of);
  const OneCustomer c = shopper("now", 20);
  const cbf::Timestamp now = as_of + days(30);
  const auto got =
      calculator.compute_at(now, c.customers, c.interactions, c.sessions, c.attributions);
  CHECK(got.as_of == now);
  CHECK(cbf_test::identical_rows(got, expected(c, config_at(now))));
}

TEST_CASE("a calculator rejects a bad config and records of two customers", "[calculator]") {
  cbf::Config bad;
  bad.session_timeout = cbf::Duration{-1};
  CHECK_THROWS_AS(cbf::Calculator(bad), cbf::InvalidParameter);

  cbf::Calculator calculator(at_as_of);
  OneCustomer c = shopper("one", 3);
  c.interactions.push_back(ev("page_viewed", t0).customer("two"));
  CHECK_THROWS_AS(calculator.compute(c.customers, c.interactions, c.sessions, c.attributions),
                  cbf::MixedCustomers);
  // The calculator is usable after the error.
  const OneCustomer ok = shopper("three", 3);
  CHECK(cbf_test::identical_rows(
      calculator.compute(ok.customers, ok.interactions, ok.sessions, ok.attributions),
      expected(ok, at_as_of)));
}

TEST_CASE("a warm calculator allocates nothing", "[calculator]") {
#if !CBF_TEST_COUNTS_HEAP
  WARN("skipped: ThreadSanitizer owns operator new, so allocations are not counted");
#else
  cbf::Calculator calculator(at_as_of);
  const OneCustomer big = shopper("big", 100);
  const OneCustomer small = shopper("small", 40);
  cbf::CustomerResult out;
  for (int warm = 0; warm < 2; ++warm)
    calculator.compute(big.customers, big.interactions, big.sessions, big.attributions, out);
  const std::int64_t before = heap::allocations.load();
  calculator.compute(small.customers, small.interactions, small.sessions, small.attributions, out);
  calculator.compute(big.customers, big.interactions, big.sessions, big.attributions, out);
  CHECK(heap::allocations.load() - before == 0);
  CHECK(cbf_test::identical_rows(out, expected(big, at_as_of)));  // and the result is right
#endif
}
