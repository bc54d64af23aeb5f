// Contract features 1–5 (purchase behavior), with hand-computed expected values.
#include <catch2/catch.hpp>
#include <cbf/cbf.hpp>

#include "support.hpp"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

using namespace cbf_test;

namespace {

// Orders of the typical customer:
//   o1: rows at Mar 10 12:00 (10.0) and Mar 9 08:00 (5.5) → time Mar 9 08:00, value 15.5
//   o2: Mar 20 08:00, 20.0
//   o3: Apr 15 08:00, value missing → 0
Attributions typical_orders() {
  return {attr("o1", ts(2025, 3, 10, 12), 10.0), attr("o1", ts(2025, 3, 9, 8), 5.5),
          attr("o2", ts(2025, 3, 20, 8), 20.0), attr("o3", ts(2025, 4, 15, 8))};
}

// A host's own order line, adapted through cbf::record_traits.
struct OrderLine {
  std::string user;
  std::string order;
  std::int64_t epoch_seconds = 0;
  double amount = 0;
  std::string channel;
};

// A host struct with the contract's member names but other types.
struct ViewAttribution {
  std::string_view customer_id;
  std::string_view order_id;
  std::string_view attribution_type;
  std::optional<std::chrono::sys_time<std::chrono::milliseconds>> created_at;
  std::optional<float> attribution_value;
};

}  // namespace

template <>
struct cbf::record_traits<OrderLine> {
  static constexpr auto fields = cbf::fields(
      cbf::field::customer_id = &OrderLine::user, cbf::field::order_id = &OrderLine::order,
      cbf::field::created_at =
          [](const OrderLine& o) {
            return std::chrono::sys_seconds{std::chrono::seconds{o.epoch_seconds}};
          },
      cbf::field::attribution_value = &OrderLine::amount,
      cbf::field::attribution_type = &OrderLine::channel);
};

TEST_CASE("purchase features of a typical customer follow the contract's formulas", "[purchase]") {
  // Customer created exactly 5 contract months before as_of: tenure_months = 5.
  const cbf::Customer c = cust("c1", as_of - months(5));
  const auto r = cbf::compute_customer(c, cbf::no_records<cbf::Interaction>,
                                       cbf::no_records<cbf::Session>, typical_orders(), at_as_of);
  const auto& f = r.features;
  CHECK(f.total_purchases == 3);  // o1, o2, o3
  REQUIRE(f.avg_purchase_value);
  CHECK(*f.avg_purchase_value == 35.5 / 3.0);  // (15.5 + 20 + 0) / 3
  CHECK(f.purchase_frequency == 3.0 / 5.0);    // 3 orders / 5 months
  // Gaps: Mar 9 08:00 → Mar 20 08:00 = 11 d, → Apr 15 08:00 = 26 d; mean 18.5, sd 7.5,
  // CV = 15/37, 1 / (1 + 15/37) = 37/52.
  REQUIRE(f.purchase_consistency);
  CHECK(*f.purchase_consistency == Approx(37.0 / 52.0));
  // Months: Mar, Mar, Apr → p = 2/3, 1/3; 1 − H / ln 3 = 0.42061983571430506.
  REQUIRE(f.seasonal_purchase_pattern);
  const double h = -(2.0 / 3.0 * std::log(2.0 / 3.0) + 1.0 / 3.0 * std::log(1.0 / 3.0));
  CHECK(*f.seasonal_purchase_pattern == Approx(1.0 - h / std::log(3.0)));
  CHECK(*f.seasonal_purchase_pattern == Approx(0.42061983571430506));
}

TEST_CASE("purchase_features over attributions alone starts the tenure at the first of them",
          "[purchase]") {
  const auto f = cbf::purchase_features(typical_orders(), at_as_of);
  CHECK(f.total_purchases == 3);
  // first_seen = Mar 9 08:00; as_of − first_seen = 113 d 16 h = 9 820 800 s → one division.
  CHECK(f.purchase_frequency == 3.0 / (9820800000000.0 / 2629746000000.0));
  // The same through a context.
  const Attributions orders = typical_orders();
  const auto ctx =
      cbf::make_context(cbf::no_records<cbf::Customer>, cbf::no_records<cbf::Interaction>,
                        cbf::no_records<cbf::Session>, orders, at_as_of);
  CHECK(same(cbf::purchase_features(ctx), f));
}

TEST_CASE("purchase features are zero or null without orders", "[purchase]") {
  const auto check_empty = [](const cbf::PurchaseFeatures& f) {
    CHECK(f.total_purchases == 0);
    CHECK_FALSE(f.avg_purchase_value);
    CHECK(f.purchase_frequency == 0.0);
    CHECK_FALSE(f.purchase_consistency);
    CHECK_FALSE(f.seasonal_purchase_pattern);
  };
  check_empty(cbf::purchase_features(cbf::no_records<cbf::Attribution>, at_as_of));
  // Rows that make no order: empty order id, bad money, after as_of, missing created_at.
  const Attributions unusable{attr("", ts(2025, 3, 1), 5.0), attr("   ", ts(2025, 3, 1), 5.0),
                              attr("o1", ts(2025, 3, 1), -1.0), attr("o2", as_of + us(1), 1.0),
                              attr("o3", {}, 1.0)};
  check_empty(cbf::purchase_features(unusable, at_as_of));
}

TEST_CASE("avg_purchase_value is the correctly rounded sum of order values divided once",
          "[purchase]") {
  // fsum(0.1, 0.2, 0.3) = 0.6 (the exact sum of the three doubles, rounded once); 0.6 / 3 =
  // 0.19999999999999998, whereas naive left-to-right summation gives 0.20000000000000004.
  const Attributions orders{attr("a", ts(2025, 1, 1), 0.1), attr("b", ts(2025, 1, 2), 0.2),
                            attr("c", ts(2025, 1, 3), 0.3)};
  const auto f = cbf::purchase_features(orders, at_as_of);
  REQUIRE(f.avg_purchase_value);
  CHECK(*f.avg_purchase_value == 0.6 / 3.0);
  CHECK(*f.avg_purchase_value == 0.19999999999999998);
  for (std::uint64_t seed = 1; seed <= 6; ++seed)
    CHECK(*cbf::purchase_features(shuffled(orders, seed), at_as_of).avg_purchase_value ==
          0.6 / 3.0);

  // Four orders 1e12, 0.1, 0.1, 0.1: fsum = 1000000000000.3, / 4 = 250000000000.075 in any
  // order (naive forward summation gives 250000000000.07498).
  const Attributions big{attr("a", ts(2025, 1, 1), 1e12), attr("b", ts(2025, 1, 2), 0.1),
                         attr("c", ts(2025, 1, 3), 0.1), attr("d", ts(2025, 1, 4), 0.1)};
  CHECK(*cbf::purchase_features(big, at_as_of).avg_purchase_value == 250000000000.075);
  CHECK(*cbf::purchase_features(reversed(big), at_as_of).avg_purchase_value == 250000000000.075);

  // The same four rows as one order: its value is their correctly rounded sum.
  Attributions one_order = big;
  for (auto& a : one_order) a.order_id = "x";
  const auto g = cbf::purchase_features(one_order, at_as_of);
  CHECK(g.total_purchases == 1);
  CHECK(*g.avg_purchase_value == 1000000000000.3);
  CHECK(*cbf::purchase_features(reversed(one_order), at_as_of).avg_purchase_value ==
        1000000000000.3);
}

TEST_CASE("money is read as the contract says: missing is 0, -0 is 0, bad rows make no order",
          "[purchase]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  const Attributions rows{attr("missing", ts(2025, 2, 1)),
                          attr("negzero", ts(2025, 2, 2), -0.0),
                          attr("max", ts(2025, 2, 3), 1e12),
                          attr("nan", ts(2025, 2, 4), nan),
                          attr("neg", ts(2025, 2, 5), -0.01),
                          attr("inf", ts(2025, 2, 6), inf),
                          attr("toobig", ts(2025, 2, 7), 1.0000000000001e12)};
  const auto ctx =
      cbf::make_context(cbf::no_records<cbf::Customer>, cbf::no_records<cbf::Interaction>,
                        cbf::no_records<cbf::Session>, rows, at_as_of);
  CHECK(ctx.diagnostics.attribution.used == 3);
  CHECK(ctx.diagnostics.attribution.bad_money == 4);
  const auto f = cbf::purchase_features(ctx);
  CHECK(f.total_purchases == 3);               // missing, negzero, max
  CHECK(*f.avg_purchase_value == 1e12 / 3.0);  // (0 + 0 + 1e12) / 3
  REQUIRE(ctx.orders.size() == 3);
  for (const auto& o : ctx.orders)
    if (ctx.order_id_text(o.order_id) == "negzero")
      CHECK_FALSE(std::signbit(o.value));  // -0 read as +0

  // A single -0 order averages to +0, not -0.
  const auto z = cbf::purchase_features(Attributions{attr("z", ts(2025, 2, 2), -0.0)}, at_as_of);
  CHECK(*z.avg_purchase_value == 0.0);
  CHECK_FALSE(std::signbit(*z.avg_purchase_value));

  // A bad row of an order drops only that row: o keeps its good row.
  const auto part = cbf::purchase_features(
      Attributions{attr("o", ts(2025, 2, 1), 4.0), attr("o", ts(2025, 2, 1), nan)}, at_as_of);
  CHECK(part.total_purchases == 1);
  CHECK(*part.avg_purchase_value == 4.0);
}

TEST_CASE("purchase_frequency divides by the tenure from the customer's created_at", "[purchase]") {
  // created_at = as_of − 2 months, even though an order is 6 months old: tenure 2, 2 orders → 1.
  const Attributions orders{attr("a", as_of - months(6), 1.0), attr("b", as_of - days(3), 1.0)};
  auto r = cbf::compute_customer(cust("c1", as_of - months(2)), cbf::no_records<cbf::Interaction>,
                                 cbf::no_records<cbf::Session>, orders, at_as_of);
  CHECK(r.features.purchase_frequency == 1.0);

  // created_at exactly at as_of is used (≤ as_of) and the tenure clamps to 1 month.
  r = cbf::compute_customer(cust("c1", as_of), cbf::no_records<cbf::Interaction>,
                            cbf::no_records<cbf::Session>, orders, at_as_of);
  CHECK(r.features.purchase_frequency == 2.0);
  CHECK(r.diagnostics.customer.used == 1);

  // Tenure is one division of microseconds: 3 months + 1 s.
  r = cbf::compute_customer(cust("c1", as_of - months(3) - sec(1)),
                            cbf::no_records<cbf::Interaction>, cbf::no_records<cbf::Session>,
                            orders, at_as_of);
  CHECK(r.features.purchase_frequency == 2.0 / (7889239000000.0 / 2629746000000.0));
}

TEST_CASE("purchase_frequency falls back to the earliest used stamp", "[purchase]") {
  // Earliest used record: an interaction 8 months before as_of; 2 orders → 2 / 8.
  const Interactions events{ev("page_view", as_of - months(8)), ev("search", as_of - months(1))};
  const Attributions orders{attr("a", as_of - months(4), 1.0), attr("b", as_of - months(1), 1.0)};
  const Sessions none;
  SECTION("without a customer row") {
    const auto r =
        cbf::compute_customer(cbf::no_records<cbf::Customer>, events, none, orders, at_as_of);
    CHECK(r.features.purchase_frequency == 0.25);
  }
  SECTION("when created_at is after as_of") {
    const auto r = cbf::compute_customer(cust("c1", as_of + us(1)), events, none, orders, at_as_of);
    CHECK(r.features.purchase_frequency == 0.25);
    CHECK(r.diagnostics.customer.after_as_of == 1);
  }
  SECTION("when created_at is unparseable") {
    const auto r = cbf::compute_customer(cust("c1", cbf::TimeField::invalid()), events, none,
                                         orders, at_as_of);
    CHECK(r.features.purchase_frequency == 0.25);
    CHECK(r.diagnostics.customer.bad_timestamp == 1);
  }
  SECTION("when created_at is missing") {
    const auto r = cbf::compute_customer(cust("c1"), events, none, orders, at_as_of);
    CHECK(r.features.purchase_frequency == 0.25);
    CHECK(r.diagnostics.customer.used == 1);
  }
  SECTION("a session record can be the earliest stamp") {
    const Sessions s{sess("s0", as_of - months(10))};
    const auto r =
        cbf::compute_customer(cbf::no_records<cbf::Customer>, events, s, orders, at_as_of);
    CHECK(r.features.purchase_frequency == 0.2);  // 2 / 10
  }
  SECTION("records after as_of are not seen") {
    Interactions late = events;
    late.push_back(ev("page_view", as_of + days(1)));
    const auto r =
        cbf::compute_customer(cbf::no_records<cbf::Customer>, late, none, orders, at_as_of);
    CHECK(r.features.purchase_frequency == 0.25);
  }
}

TEST_CASE("purchase_frequency clamps a tenure below one month to 1", "[purchase]") {
  // First seen 10 days before as_of: tenure max(1, 0.33) = 1 → 2 orders per month.
  const Attributions orders{attr("a", as_of - days(10), 1.0), attr("b", as_of - days(2), 1.0)};
  CHECK(cbf::purchase_features(orders, at_as_of).purchase_frequency == 2.0);
  // And 0 with no purchases whatever the tenure.
  const auto r = cbf::compute_customer(
      cust("c1", as_of - months(30)), cbf::no_records<cbf::Interaction>,
      cbf::no_records<cbf::Session>, cbf::no_records<cbf::Attribution>, at_as_of);
  CHECK(r.features.purchase_frequency == 0.0);
}

TEST_CASE("purchase_consistency is null with fewer than three orders", "[purchase]") {
  const Attributions two{attr("a", ts(2025, 1, 1), 1.0), attr("b", ts(2025, 2, 1), 1.0)};
  CHECK_FALSE(cbf::purchase_features(two, at_as_of).purchase_consistency);
  // Three rows of two orders are still two orders.
  Attributions rows = two;
  rows.push_back(attr("b", ts(2025, 3, 1), 1.0));
  CHECK_FALSE(cbf::purchase_features(rows, at_as_of).purchase_consistency);
}

TEST_CASE("purchase_consistency is null when the mean gap is zero", "[purchase]") {
  const Attributions same_instant{attr("a", ts(2025, 1, 1), 1.0), attr("b", ts(2025, 1, 1), 1.0),
                                  attr("c", ts(2025, 1, 1), 1.0)};
  const auto f = cbf::purchase_features(same_instant, at_as_of);
  CHECK(f.total_purchases == 3);
  CHECK_FALSE(f.purchase_consistency);
}

TEST_CASE("purchase_consistency is 1 / (1 + sd / mean) of the gaps between order times",
          "[purchase]") {
  // Equal gaps (7 days each): sd 0 → exactly 1.
  const Attributions weekly{attr("a", ts(2025, 1, 1), 1.0), attr("b", ts(2025, 1, 8), 1.0),
                            attr("c", ts(2025, 1, 15), 1.0), attr("d", ts(2025, 1, 22), 1.0)};
  CHECK(*cbf::purchase_features(weekly, at_as_of).purchase_consistency == 1.0);

  // Gaps 0 and 2 days: mean 1, population sd 1, CV 1 → 0.5.
  const Attributions burst{attr("a", ts(2025, 1, 1), 1.0), attr("b", ts(2025, 1, 1), 1.0),
                           attr("c", ts(2025, 1, 3), 1.0)};
  CHECK(*cbf::purchase_features(burst, at_as_of).purchase_consistency == Approx(0.5));

  // An order's time is its earliest row: b has rows on Jan 9 and Jan 2, so times are Jan 1,
  // Jan 2, Jan 4: gaps 1 and 2 days, mean 1.5, sd 0.5, CV 1/3 → 0.75.
  const Attributions earliest{attr("a", ts(2025, 1, 1), 1.0), attr("b", ts(2025, 1, 9), 1.0),
                              attr("b", ts(2025, 1, 2), 1.0), attr("c", ts(2025, 1, 4), 1.0)};
  CHECK(*cbf::purchase_features(earliest, at_as_of).purchase_consistency == Approx(0.75));
}

TEST_CASE("seasonal_purchase_pattern is null with fewer than two orders", "[purchase]") {
  CHECK_FALSE(cbf::purchase_features(Attributions{attr("a", ts(2025, 1, 1), 1.0)}, at_as_of)
                  .seasonal_purchase_pattern);
  // Two rows of one order are one order.
  CHECK_FALSE(
      cbf::purchase_features(
          Attributions{attr("a", ts(2025, 1, 1), 1.0), attr("a", ts(2025, 5, 1), 1.0)}, at_as_of)
          .seasonal_purchase_pattern);
}

TEST_CASE("seasonal_purchase_pattern is 1 when all orders fall in one month", "[purchase]") {
  const Attributions march{attr("a", ts(2024, 3, 1), 1.0), attr("b", ts(2025, 3, 15), 1.0),
                           attr("c", ts(2025, 3, 31, 23, 59, 59), 1.0)};
  CHECK(*cbf::purchase_features(march, at_as_of).seasonal_purchase_pattern == 1.0);
}

TEST_CASE("seasonal_purchase_pattern is 0 when each order is in a different month", "[purchase]") {
  // Two orders, two months: H = ln 2, 1 − ln 2 / ln 2 = 0.
  const Attributions two{attr("a", ts(2025, 1, 10), 1.0), attr("b", ts(2025, 2, 10), 1.0)};
  CHECK(*cbf::purchase_features(two, at_as_of).seasonal_purchase_pattern ==
        Approx(0.0).margin(1e-12));
  // Twelve orders, one per month: 1 − ln 12 / ln 12 ≈ −4e-16 → clamped to exactly 0.
  Attributions year;
  for (unsigned m = 1; m <= 12; ++m)
    year.push_back(attr("o" + std::to_string(m), ts(2024, m, 5), 1.0));
  CHECK(*cbf::purchase_features(year, cbf::Config{}).seasonal_purchase_pattern == 0.0);
}

TEST_CASE("seasonal_purchase_pattern uses the entropy of local order months", "[purchase]") {
  // Three in January, one in February: H = −(¾ ln ¾ + ¼ ln ¼), 1 − H / ln 4 = 0.5943609377704335.
  const Attributions orders{attr("a", ts(2025, 1, 2), 1.0), attr("b", ts(2025, 1, 12), 1.0),
                            attr("c", ts(2025, 1, 22), 1.0), attr("d", ts(2025, 2, 2), 1.0)};
  CHECK(*cbf::purchase_features(orders, at_as_of).seasonal_purchase_pattern ==
        Approx(0.5943609377704335));

  // Thirteen orders: one month twice, eleven once; ln(min(13, 12)) = ln 12 → 0.010702744148230026.
  Attributions thirteen;
  for (unsigned m = 1; m <= 12; ++m)
    thirteen.push_back(attr("o" + std::to_string(m), ts(2024, m, 5), 1.0));
  thirteen.push_back(attr("o13", ts(2024, 1, 20), 1.0));
  CHECK(*cbf::purchase_features(thirteen, cbf::Config{}).seasonal_purchase_pattern ==
        Approx(0.010702744148230026));
}

TEST_CASE("seasonal_purchase_pattern reads months in shop-local time", "[purchase]") {
  // Jan 31 23:30 UTC and Feb 10: different months in UTC (0), both February at UTC+01:00 (1).
  const Attributions orders{attr("a", ts(2025, 1, 31, 23, 30), 1.0),
                            attr("b", ts(2025, 2, 10), 1.0)};
  cbf::Config utc = at_as_of;
  CHECK(*cbf::purchase_features(orders, utc).seasonal_purchase_pattern ==
        Approx(0.0).margin(1e-12));
  cbf::Config plus_one = at_as_of;
  plus_one.utc_offset = std::chrono::minutes{60};
  CHECK(*cbf::purchase_features(orders, plus_one).seasonal_purchase_pattern == 1.0);
  // Mar 1 00:30 UTC is February at UTC−01:00, together with Feb 10.
  const Attributions west{attr("a", ts(2025, 3, 1, 0, 30), 1.0), attr("b", ts(2025, 2, 10), 1.0)};
  cbf::Config minus_one = at_as_of;
  minus_one.utc_offset = std::chrono::minutes{-60};
  CHECK(*cbf::purchase_features(west, minus_one).seasonal_purchase_pattern == 1.0);
  CHECK(*cbf::purchase_features(west, utc).seasonal_purchase_pattern == Approx(0.0).margin(1e-12));
}

TEST_CASE("purchase features do not depend on the order of the attribution rows", "[purchase]") {
  const Attributions rows{
      attr("o1", ts(2025, 3, 10, 12), 10.0), attr("o1", ts(2025, 3, 9, 8), 5.5),
      attr("o2", ts(2025, 3, 20, 8), 0.1),   attr("o3", ts(2025, 4, 15, 8), 0.2),
      attr("o4", ts(2025, 5, 1), 0.3),       attr("o4", ts(2025, 5, 2), 0.7),
      attr("o5", ts(2025, 6, 1), 1e12)};
  const auto base = cbf::purchase_features(rows, at_as_of);
  CHECK(base.total_purchases == 5);
  for (std::uint64_t seed = 1; seed <= 10; ++seed)
    CHECK(same(cbf::purchase_features(shuffled(rows, seed), at_as_of), base));
}

TEST_CASE("purchase features read host records adapted through record_traits", "[purchase]") {
  namespace chr = std::chrono;
  const auto epoch = [](cbf::Timestamp t) {
    return chr::duration_cast<chr::seconds>(t.time_since_epoch()).count();
  };
  // The typical customer's orders as a host's own rows.
  const std::vector<OrderLine> lines{{"c1", "o1", epoch(ts(2025, 3, 10, 12)), 10.0, "email"},
                                     {"c1", "o1", epoch(ts(2025, 3, 9, 8)), 5.5, ""},
                                     {"c1", "o2", epoch(ts(2025, 3, 20, 8)), 20.0, ""},
                                     {"c1", "o3", epoch(ts(2025, 4, 15, 8)), 0.0, ""}};
  const auto f = cbf::purchase_features(lines, at_as_of);
  CHECK(same(f, cbf::purchase_features(typical_orders(), at_as_of)));
  CHECK(*f.avg_purchase_value == 35.5 / 3.0);

  // A vector of pointers and a span over the same rows work too.
  std::vector<const OrderLine*> pointers;
  for (const auto& l : lines) pointers.push_back(&l);
  CHECK(same(cbf::purchase_features(pointers, at_as_of), f));
  CHECK(same(cbf::purchase_features(std::span<const OrderLine>(lines), at_as_of), f));
}

TEST_CASE("purchase features read a struct with contract member names of other types",
          "[purchase]") {
  namespace chr = std::chrono;
  using ms_time = chr::sys_time<chr::milliseconds>;
  const auto at = [](cbf::Timestamp t) {
    return std::optional<ms_time>(chr::floor<chr::milliseconds>(t));
  };
  // o1 = 12.5 + 7.25 (floats exact in binary), o2 = 0.5, o3 value missing; a row without
  // created_at is missing_field.
  const std::vector<ViewAttribution> rows{
      {"c1", "o1", "email", at(ts(2025, 3, 9, 8)), 12.5f},
      {"c1", "o1", "", at(ts(2025, 3, 10, 12) + us(999)), 7.25f},  // floored to the millisecond
      {"c1", "o2", "", at(ts(2025, 3, 20, 8)), 0.5f},
      {"c1", "o3", "", at(ts(2025, 4, 15, 8)), std::nullopt},
      {"c1", "o4", "", std::nullopt, 1.0f}};
  const auto ctx =
      cbf::make_context(cbf::no_records<cbf::Customer>, cbf::no_records<cbf::Interaction>,
                        cbf::no_records<cbf::Session>, rows, at_as_of);
  CHECK(ctx.diagnostics.attribution.used == 4);
  CHECK(ctx.diagnostics.attribution.missing_field == 1);
  const auto f = cbf::purchase_features(ctx);
  CHECK(f.total_purchases == 3);
  CHECK(*f.avg_purchase_value == 20.25 / 3.0);            // (19.75 + 0.5 + 0) / 3
  CHECK(*f.purchase_consistency == Approx(37.0 / 52.0));  // same order times as the typical case
}
