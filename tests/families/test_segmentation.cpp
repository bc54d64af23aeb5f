// Contract features 27–30 (behavioral segmentation): RFM segments and scores, calibrate_rfm,
// risk_score, and churn / lifetime value without model parameters, with hand-computed values.
#include <fmt/format.h>
#include <catch2/catch.hpp>
#include <cbf/cbf.hpp>
#include <range/v3/view/transform.hpp>

#include "support.hpp"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

using namespace cbf_test;

namespace {

cbf::SegmentationFeatures segmentation_of(const Interactions& events, const Sessions& sessions,
                                          const Attributions& orders,
                                          const cbf::Config& config = at_as_of) {
  return cbf::segmentation_features(events, sessions, orders, config);
}

/// `n` orders o0 … o(n−1) of value 1, the last `recency` before as_of, one day apart before it.
Attributions orders_ending(int n, cbf::Duration recency) {
  Attributions out;
  for (int i = 0; i < n; ++i)
    out.push_back(attr(fmt::format("o{}", i), as_of - recency - days(n - 1 - i), 1.0));
  return out;
}

std::string segment_of(const Attributions& orders, const cbf::Config& config = at_as_of) {
  return segmentation_of({}, {}, orders, config).customer_segment;
}

double after(double x) { return std::nextafter(x, std::numeric_limits<double>::infinity()); }

// A host's order line, adapted through cbf::record_traits.
struct OrderLine {
  std::string user;
  std::string order;
  std::int64_t epoch_seconds = 0;
  double amount = 0;
};

// A host's order with the contract's member names but other types.
struct Sale {
  const char* customer_id;
  std::string_view order_id;
  std::optional<std::chrono::sys_seconds> created_at;
  std::optional<float> attribution_value;
};

std::int64_t epoch_seconds(cbf::Timestamp t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

template <>
struct cbf::record_traits<OrderLine> {
  static constexpr auto fields = cbf::fields(
      cbf::field::customer_id = &OrderLine::user, cbf::field::order_id = &OrderLine::order,
      cbf::field::created_at =
          [](const OrderLine& o) {
            return std::chrono::sys_seconds{std::chrono::seconds{o.epoch_seconds}};
          },
      cbf::field::attribution_value = &OrderLine::amount);
};

TEST_CASE("rfm_segment maps every cell of the contract's table", "[segmentation]") {
  // Rows R = 5 … 1, columns F = 1 … 5, exactly as the contract's table.
  const std::array<std::array<std::string_view, 5>, 5> table{{
      {"new_customer", "potential_loyalist", "potential_loyalist", "champion", "champion"},
      {"promising", "potential_loyalist", "potential_loyalist", "loyal_customer", "loyal_customer"},
      {"about_to_sleep", "about_to_sleep", "needs_attention", "loyal_customer", "loyal_customer"},
      {"hibernating", "hibernating", "at_risk", "at_risk", "cannot_lose"},
      {"hibernating", "hibernating", "at_risk", "at_risk", "cannot_lose"},
  }};
  for (int r = 5; r >= 1; --r)
    for (int f = 1; f <= 5; ++f) {
      INFO("R " << r << " F " << f);
      CHECK(cbf::rfm_segment(r, f) ==
            table[static_cast<std::size_t>(5 - r)][static_cast<std::size_t>(f - 1)]);
    }
  // Spot checks written out.
  CHECK(cbf::rfm_segment(5, 1) == "new_customer");
  CHECK(cbf::rfm_segment(5, 5) == "champion");
  CHECK(cbf::rfm_segment(4, 1) == "promising");
  CHECK(cbf::rfm_segment(3, 3) == "needs_attention");
  CHECK(cbf::rfm_segment(3, 2) == "about_to_sleep");
  CHECK(cbf::rfm_segment(2, 5) == "cannot_lose");
  CHECK(cbf::rfm_segment(1, 3) == "at_risk");
  CHECK(cbf::rfm_segment(1, 1) == "hibernating");
  static_assert(cbf::rfm_segment(4, 4) == "loyal_customer");
}

TEST_CASE("recency_score and frequency_score at each default break (≤ is inclusive)",
          "[segmentation]") {
  const cbf::RfmBreaks d{};
  // R = 5 if ≤ 30, 4 if ≤ 90, 3 if ≤ 180, 2 if ≤ 365, else 1.
  CHECK(cbf::recency_score(0.0, d) == 5);
  CHECK(cbf::recency_score(30.0, d) == 5);
  CHECK(cbf::recency_score(after(30.0), d) == 4);
  CHECK(cbf::recency_score(90.0, d) == 4);
  CHECK(cbf::recency_score(after(90.0), d) == 3);
  CHECK(cbf::recency_score(180.0, d) == 3);
  CHECK(cbf::recency_score(after(180.0), d) == 2);
  CHECK(cbf::recency_score(365.0, d) == 2);
  CHECK(cbf::recency_score(after(365.0), d) == 1);
  CHECK(cbf::recency_score(10000.0, d) == 1);
  // F = 1 if ≤ 1, 2 if ≤ 2, 3 if ≤ 4, 4 if ≤ 8, else 5.
  CHECK(cbf::frequency_score(1, d) == 1);
  CHECK(cbf::frequency_score(2, d) == 2);
  CHECK(cbf::frequency_score(3, d) == 3);
  CHECK(cbf::frequency_score(4, d) == 3);
  CHECK(cbf::frequency_score(5, d) == 4);
  CHECK(cbf::frequency_score(8, d) == 4);
  CHECK(cbf::frequency_score(9, d) == 5);
  CHECK(cbf::frequency_score(1000, d) == 5);
  static_assert(cbf::recency_score(30.0, cbf::RfmBreaks{}) == 5);
  static_assert(cbf::frequency_score(8.0, cbf::RfmBreaks{}) == 4);
}

TEST_CASE("recency_score and frequency_score follow custom breaks", "[segmentation]") {
  // Coinciding breaks skip a score: recency {7, 14, 14, 60}, frequency {2, 3, 3, 10}.
  const cbf::RfmBreaks b{{7, 14, 14, 60}, {2, 3, 3, 10}};
  CHECK(cbf::recency_score(7.0, b) == 5);
  CHECK(cbf::recency_score(after(7.0), b) == 4);
  CHECK(cbf::recency_score(14.0, b) == 4);
  CHECK(cbf::recency_score(after(14.0), b) == 2);  // not ≤ 14 (3), ≤ 60 → 2
  CHECK(cbf::recency_score(60.0, b) == 2);
  CHECK(cbf::recency_score(61.0, b) == 1);
  CHECK(cbf::frequency_score(1, b) == 1);
  CHECK(cbf::frequency_score(2, b) == 1);
  CHECK(cbf::frequency_score(3, b) == 2);
  CHECK(cbf::frequency_score(4, b) == 4);  // not ≤ 3 (3), ≤ 10 → 4
  CHECK(cbf::frequency_score(10, b) == 4);
  CHECK(cbf::frequency_score(11, b) == 5);
}

TEST_CASE("customer_segment of buyers: the RFM cell of recency and order count", "[segmentation]") {
  CHECK(segment_of(orders_ending(1, days(5))) == "new_customer");         // R5 F1
  CHECK(segment_of(orders_ending(2, days(10))) == "potential_loyalist");  // R5 F2
  CHECK(segment_of(orders_ending(5, days(1))) == "champion");             // R5 F4
  CHECK(segment_of(orders_ending(9, days(1))) == "champion");             // R5 F5
  CHECK(segment_of(orders_ending(1, days(60))) == "promising");           // R4 F1
  CHECK(segment_of(orders_ending(3, days(60))) == "potential_loyalist");  // R4 F3
  CHECK(segment_of(orders_ending(5, days(60))) == "loyal_customer");      // R4 F4
  CHECK(segment_of(orders_ending(2, days(150))) == "about_to_sleep");     // R3 F2
  CHECK(segment_of(orders_ending(3, days(100))) == "needs_attention");    // R3 F3
  CHECK(segment_of(orders_ending(9, days(170))) == "loyal_customer");     // R3 F5
  CHECK(segment_of(orders_ending(1, days(200))) == "hibernating");        // R2 F1
  CHECK(segment_of(orders_ending(3, days(200))) == "at_risk");            // R2 F3
  CHECK(segment_of(orders_ending(9, days(300))) == "cannot_lose");        // R2 F5
  CHECK(segment_of(orders_ending(1, days(400))) == "hibernating");        // R1 F1
  CHECK(segment_of(orders_ending(6, days(400))) == "at_risk");            // R1 F4
  CHECK(segment_of(orders_ending(10, days(400))) == "cannot_lose");       // R1 F5

  // Recency breaks are inclusive, to the microsecond: 30 d → R5, 30 d + 1 µs → R4.
  CHECK(segment_of(orders_ending(1, days(30))) == "new_customer");
  CHECK(segment_of(orders_ending(1, days(30) + us(1))) == "promising");
  CHECK(segment_of(orders_ending(2, days(365))) == "hibernating");      // R2 F2
  CHECK(segment_of(orders_ending(3, days(365) + us(1))) == "at_risk");  // R1 F3
  CHECK(segment_of(orders_ending(3, days(180))) == "needs_attention");  // R3 F3
  CHECK(segment_of(orders_ending(3, days(180) + us(1))) == "at_risk");  // R2 F3

  // An order counts once however many rows it has: o has three rows → F1.
  const Attributions rows{attr("o", as_of - days(3), 1.0), attr("o", as_of - days(2), 1.0),
                          attr("o", as_of - days(1), 1.0)};
  CHECK(segment_of(rows) == "new_customer");
  // Recency is from the last order time; an order's time is its earliest row: o1 (−10 d),
  // o2 rows at −40 d and −20 d → last order time −10 d.
  const Attributions two{attr("o2", as_of - days(20), 1.0), attr("o1", as_of - days(10), 1.0),
                         attr("o2", as_of - days(40), 1.0)};
  CHECK(segment_of(two) == "potential_loyalist");  // R5 F2
  // Rows after as_of are not orders yet.
  Attributions late = orders_ending(1, days(100));
  late.push_back(attr("new", as_of + us(1), 5.0));
  CHECK(segment_of(late) == "about_to_sleep");  // R3 F1
}

TEST_CASE("customer_segment follows config.rfm breaks", "[segmentation]") {
  cbf::Config c = at_as_of;
  c.rfm = cbf::RfmBreaks{{1, 2, 3, 4}, {0, 0, 0, 0}};
  // One order 2.5 days ago: not ≤ 1, not ≤ 2, ≤ 3 → R3; 1 order > 0 → F5 → loyal_customer.
  const Attributions o{attr("o", as_of - std::chrono::hours{60}, 1.0)};
  CHECK(segment_of(o, c) == "loyal_customer");
  // With the defaults it is a new customer.
  CHECK(segment_of(o) == "new_customer");
  c.rfm = cbf::RfmBreaks{{0, 0, 0, 2.5}, {1, 1, 1, 1}};
  CHECK(segment_of(o, c) == "hibernating");  // R2 (≤ 2.5 exactly), F1
}

TEST_CASE("customer_segment without orders: prospect or inactive", "[segmentation]") {
  const Attributions none;
  // A used interaction or session makes a prospect.
  CHECK(segmentation_of(Interactions{ev("page_view", t0)}, {}, none).customer_segment ==
        "prospect");
  CHECK(segmentation_of({}, Sessions{sess("s1", t0)}, none).customer_segment == "prospect");
  // An interaction matching no record session still counts.
  CHECK(segmentation_of(Interactions{ev("page_view", t0).session("zz")}, Sessions{sess("s1", t0)},
                        none)
            .customer_segment == "prospect");
  // Activity long ago is still activity (no lookback).
  CHECK(segmentation_of(Interactions{ev("page_view", ts(2020, 1, 1))}, {}, none).customer_segment ==
        "prospect");

  // Nothing at all, or nothing used: inactive.
  CHECK(segmentation_of({}, {}, none).customer_segment == "inactive");
  CHECK(segmentation_of(Interactions{ev("page_view", as_of + us(1))},
                        Sessions{sess("s1", as_of + days(1))}, none)
            .customer_segment == "inactive");
  // Attributions that make no order (empty id, bad money, after as_of) are no activity.
  CHECK(segmentation_of(
            {}, {},
            Attributions{attr("", t0, 1.0), attr("o", t0, -1.0), attr("p", as_of + us(1), 1.0)})
            .customer_segment == "inactive");
  // Records before the lookback are ignored.
  cbf::Config lb = at_as_of;
  lb.lookback = days(30);
  CHECK(segmentation_of(Interactions{ev("page_view", as_of - days(31))}, {}, none, lb)
            .customer_segment == "inactive");
  CHECK(segmentation_of(Interactions{ev("page_view", as_of - days(30))}, {}, none, lb)
            .customer_segment == "prospect");
  // Only a customer row.
  const auto r = cbf::compute_customer(cust("c1", t0), cbf::no_records<cbf::Interaction>,
                                       cbf::no_records<cbf::Session>,
                                       cbf::no_records<cbf::Attribution>, at_as_of);
  CHECK(r.features.customer_segment == "inactive");
  CHECK_FALSE(r.features.risk_score);
  CHECK_FALSE(r.features.churn_probability);
  CHECK_FALSE(r.features.lifetime_value_prediction);
}

TEST_CASE("rfm_observation is (days since the last order, number of orders)", "[segmentation]") {
  // Orders at as_of − 36 h and as_of − 10 d → recency 1.5 days, frequency 2.
  const Attributions o{attr("a", as_of - days(10), 1.0),
                       attr("b", as_of - std::chrono::hours{36}, 1.0)};
  const auto ctx =
      cbf::make_context(cbf::no_records<cbf::Customer>, cbf::no_records<cbf::Interaction>,
                        cbf::no_records<cbf::Session>, o, at_as_of);
  const auto rfm = cbf::rfm_observation(ctx);
  REQUIRE(rfm);
  CHECK(rfm->recency_days == 1.5);
  CHECK(rfm->frequency == 2);
  // An order at as_of → 0; a microsecond before → 1 µs / 86 400 000 000 µs.
  const Attributions now{attr("a", as_of, 1.0)};
  const auto c2 =
      cbf::make_context(cbf::no_records<cbf::Customer>, cbf::no_records<cbf::Interaction>,
                        cbf::no_records<cbf::Session>, now, at_as_of);
  CHECK(cbf::rfm_observation(c2)->recency_days == 0.0);
  const Attributions just{attr("a", as_of - us(1), 1.0)};
  const auto c3 =
      cbf::make_context(cbf::no_records<cbf::Customer>, cbf::no_records<cbf::Interaction>,
                        cbf::no_records<cbf::Session>, just, at_as_of);
  CHECK(cbf::rfm_observation(c3)->recency_days == 1.0 / 86400e6);
  // No order → empty.
  const Interactions e{ev("page_view", t0)};
  const auto c4 =
      cbf::make_context(cbf::no_records<cbf::Customer>, e, cbf::no_records<cbf::Session>,
                        cbf::no_records<cbf::Attribution>, at_as_of);
  CHECK_FALSE(cbf::rfm_observation(c4));
}

TEST_CASE("calibrate_rfm computes nearest-rank quintile breaks", "[segmentation]") {
  using Obs = cbf::RfmObservation;
  const auto check_breaks = [](const cbf::RfmBreaks& b, std::array<double, 4> r,
                               std::array<double, 4> f) {
    CHECK(b.recency_days == r);
    CHECK(b.frequency == f);
  };
  SECTION("n = 0: the fallback, unchanged") {
    const std::vector<Obs> none;
    check_breaks(cbf::calibrate_rfm(none), {30, 90, 180, 365}, {1, 2, 4, 8});
    const cbf::RfmBreaks custom{{1, 2, 3, 4}, {5, 6, 7, 8}};
    check_breaks(cbf::calibrate_rfm(none, custom), {1, 2, 3, 4}, {5, 6, 7, 8});
  }
  SECTION("n = 1: every break is the one value") {
    const std::vector<Obs> one{{12.5, 3}};
    check_breaks(cbf::calibrate_rfm(one), {12.5, 12.5, 12.5, 12.5}, {3, 3, 3, 3});
  }
  SECTION("n = 3: ranks ⌈3k/5⌉ = 1, 2, 2, 3, recency and frequency sorted separately") {
    const std::vector<Obs> three{{30, 1}, {10, 5}, {20, 3}};
    // Recency sorted 10, 20, 30; frequency sorted 1, 3, 5.
    check_breaks(cbf::calibrate_rfm(three), {10, 20, 20, 30}, {1, 3, 3, 5});
  }
  SECTION("n = 5: ranks 1, 2, 3, 4") {
    const std::vector<Obs> five{{50, 1}, {10, 2}, {40, 3}, {20, 4}, {30, 5}};
    check_breaks(cbf::calibrate_rfm(five), {10, 20, 30, 40}, {1, 2, 3, 4});
  }
  SECTION("n = 7: ranks ⌈7k/5⌉ = 2, 3, 5, 6") {
    const std::vector<Obs> seven{{7, 70}, {1, 10}, {6, 60}, {2, 20}, {5, 50}, {3, 30}, {4, 40}};
    check_breaks(cbf::calibrate_rfm(seven), {2, 3, 5, 6}, {20, 30, 50, 60});
  }
  SECTION("n = 10: ranks 2, 4, 6, 8, in any input order") {
    std::vector<Obs> ten;
    for (int i = 1; i <= 10; ++i) ten.push_back({i * 1.5, 11 - i});
    // Recency 1.5, 3, …, 15 → 3, 6, 9, 12; frequency 1 … 10 → 2, 4, 6, 8.
    check_breaks(cbf::calibrate_rfm(ten), {3, 6, 9, 12}, {2, 4, 6, 8});
    for (std::uint64_t seed = 1; seed <= 5; ++seed)
      check_breaks(cbf::calibrate_rfm(shuffled(ten, seed)), {3, 6, 9, 12}, {2, 4, 6, 8});
  }
  SECTION("ties: a class may hold more than a fifth") {
    // Recency sorted 1, 1, 5, 5, 5, 5, 5, 5, 9, 9 → ranks 2, 4, 6, 8 → 1, 5, 5, 5;
    // frequency all 1 → 1, 1, 1, 1.
    const std::vector<Obs> tied{{5, 1}, {5, 1}, {9, 1}, {1, 1}, {5, 1},
                                {5, 1}, {1, 1}, {5, 1}, {9, 1}, {5, 1}};
    const cbf::RfmBreaks b = cbf::calibrate_rfm(tied);
    check_breaks(b, {1, 5, 5, 5}, {1, 1, 1, 1});
    // Scored with them: 1 → 5, 5 → 4, 9 → 1; frequency 1 → 1, 2 → 5.
    CHECK(cbf::recency_score(1, b) == 5);
    CHECK(cbf::recency_score(5, b) == 4);
    CHECK(cbf::recency_score(9, b) == 1);
    CHECK(cbf::frequency_score(1, b) == 1);
    CHECK(cbf::frequency_score(2, b) == 5);
  }
  SECTION("any range of observations: a span, a view, an rvalue") {
    const std::vector<Obs> five{{50, 1}, {10, 2}, {40, 3}, {20, 4}, {30, 5}};
    check_breaks(cbf::calibrate_rfm(std::span<const Obs>(five)), {10, 20, 30, 40}, {1, 2, 3, 4});
    const std::vector<std::pair<double, std::int64_t>> pairs{
        {50, 1}, {10, 2}, {40, 3}, {20, 4}, {30, 5}};
    check_breaks(cbf::calibrate_rfm(pairs | ranges::views::transform([](const auto& p) {
                                      return Obs{p.first, p.second};
                                    })),
                 {10, 20, 30, 40}, {1, 2, 3, 4});
    check_breaks(cbf::calibrate_rfm(std::vector<Obs>{{8, 2}}), {8, 8, 8, 8}, {2, 2, 2, 2});
  }
  SECTION("from contexts, and used as config.rfm") {
    // Five buyers with recencies 10, 20, 30, 40, 50 days and 1 … 5 orders.
    std::vector<Attributions> buyers;
    for (int i = 1; i <= 5; ++i) buyers.push_back(orders_ending(i, days(10 * i)));
    std::vector<Obs> population;
    for (const auto& o : buyers) {
      const auto ctx =
          cbf::make_context(cbf::no_records<cbf::Customer>, cbf::no_records<cbf::Interaction>,
                            cbf::no_records<cbf::Session>, o, at_as_of);
      population.push_back(*cbf::rfm_observation(ctx));
    }
    cbf::Config c = at_as_of;
    c.rfm = cbf::calibrate_rfm(population);
    check_breaks(c.rfm, {10, 20, 30, 40}, {1, 2, 3, 4});
    CHECK_NOTHROW(cbf::validate(c));
    // The third buyer: recency 30 → R3 (≤ 30), 3 orders → F3 → needs_attention; the first:
    // R5 F1 → new_customer; the fifth: recency 50 → R1, 5 orders → F5 → cannot_lose.
    CHECK(segment_of(buyers[2], c) == "needs_attention");
    CHECK(segment_of(buyers[0], c) == "new_customer");
    CHECK(segment_of(buyers[4], c) == "cannot_lose");
  }
}

TEST_CASE("risk_score is the weighted mean of the available parts", "[segmentation]") {
  const cbf::RiskWeights w{};  // 0.6, 0.2, 0.2
  // All parts: churn 0.5, cart 0.25, loyalty −0.5 → part 0.5.
  CHECK(cbf::risk_score(0.5, 0.25, -0.5, w) ==
        (0.6 * 0.5 + 0.2 * 0.25 + 0.2 * 0.5) / (0.6 + 0.2 + 0.2));
  CHECK(*cbf::risk_score(0.5, 0.25, -0.5, w) == Approx(0.45));
  // A rising trend contributes max(0, −0.5) = 0, but its weight stays.
  CHECK(cbf::risk_score(0.5, 0.25, 0.5, w) ==
        (0.6 * 0.5 + 0.2 * 0.25 + 0.2 * 0.0) / (0.6 + 0.2 + 0.2));
  // Renormalised without churn: (0.2 · 0.5 + 0.2 · 1) / 0.4.
  CHECK(cbf::risk_score(std::nullopt, 0.5, -1.0, w) == (0.2 * 0.5 + 0.2 * 1.0) / (0.2 + 0.2));
  CHECK(*cbf::risk_score(std::nullopt, 0.5, -1.0, w) == Approx(0.75));
  // Without cart: (0.6 · 0.25 + 0.2 · 0.75) / 0.8.
  CHECK(cbf::risk_score(0.25, std::nullopt, -0.75, w) == (0.6 * 0.25 + 0.2 * 0.75) / (0.6 + 0.2));
  // One part alone is itself.
  CHECK(cbf::risk_score(0.3, std::nullopt, std::nullopt, w) == (0.6 * 0.3) / 0.6);
  CHECK(cbf::risk_score(std::nullopt, 0.75, std::nullopt, w) == (0.2 * 0.75) / 0.2);
  CHECK(*cbf::risk_score(std::nullopt, 0.75, std::nullopt, w) == Approx(0.75));
  CHECK(cbf::risk_score(std::nullopt, std::nullopt, -0.5, w) == 0.5);
  CHECK(cbf::risk_score(std::nullopt, std::nullopt, 1.0, w) == 0.0);
  // No part → null.
  CHECK_FALSE(cbf::risk_score(std::nullopt, std::nullopt, std::nullopt, w));

  // Custom weights with exact arithmetic: {0.5, 0.25, 0.25}.
  const cbf::RiskWeights dyadic{0.5, 0.25, 0.25};
  CHECK(cbf::risk_score(0.5, 0.25, -1.0, dyadic) == 0.25 + 0.0625 + 0.25);  // 0.5625
  CHECK(cbf::risk_score(0.5, std::nullopt, -1.0, dyadic) == (0.25 + 0.25) / 0.75);
  // All available parts weigh 0 → null; a zero-weight part adds nothing.
  const cbf::RiskWeights churn_only{1.0, 0.0, 0.0};
  CHECK_FALSE(cbf::risk_score(std::nullopt, 0.5, -1.0, churn_only));
  CHECK(cbf::risk_score(0.25, 1.0, -1.0, churn_only) == 0.25);
  CHECK_FALSE(cbf::risk_score(0.5, 0.5, -0.5, cbf::RiskWeights{0.0, 0.0, 0.0}));
}

TEST_CASE("churn and lifetime value without parameters: one order", "[segmentation]") {
  // One order of 100 at as_of − 45 d: g = (0 + 90) / 1 = 90 d; churn = 1 − exp(−45 / 180);
  // value = 100 · (365.2425 / 90) · exp(−0.25).
  const Attributions o{attr("o", as_of - days(45), 100.0)};
  const auto f = segmentation_of({}, {}, o);
  REQUIRE(f.churn_probability);
  CHECK(*f.churn_probability == Approx(1.0 - std::exp(-0.25)));
  CHECK(*f.churn_probability == Approx(0.22119921692859512));
  REQUIRE(f.lifetime_value_prediction);
  CHECK(*f.lifetime_value_prediction == Approx(100.0 * (365.2425 / 90.0) * std::exp(-0.25)));
  // Risk: churn available, no cart session, loyalty +1 (order in A₁) → part 0;
  // (0.6 · churn + 0.2 · 0) / 0.8.
  REQUIRE(f.risk_score);
  CHECK(*f.risk_score == Approx(0.6 * (1.0 - std::exp(-0.25)) / 0.8));
  CHECK(f.customer_segment == "promising");  // 45 d → R4, F1
}

TEST_CASE("churn and lifetime value without parameters: several orders", "[segmentation]") {
  SECTION("three orders at one instant: g = 90 / 3 = 30 d (4.13)") {
    // Values 10, 20, 30 → mean 20; recency 60 d → churn = 1 − exp(−60 / 60).
    const Attributions o{attr("a", as_of - days(60), 10.0), attr("b", as_of - days(60), 20.0),
                         attr("c", as_of - days(60), 30.0)};
    const auto f = segmentation_of({}, {}, o);
    CHECK(*f.churn_probability == Approx(1.0 - std::exp(-1.0)));
    CHECK(*f.lifetime_value_prediction == Approx(20.0 * (365.2425 / 30.0) * std::exp(-1.0)));
  }
  SECTION("orders spread over 90 days: g = (90 + 90) / 3 = 60 d") {
    // Orders at −100 d, −40 d, −10 d of 50 each: recency 10 → churn = 1 − exp(−10 / 120).
    const Attributions o{attr("a", as_of - days(100), 50.0), attr("b", as_of - days(40), 50.0),
                         attr("c", as_of - days(10), 50.0)};
    const auto f = segmentation_of({}, {}, o);
    CHECK(*f.churn_probability == Approx(1.0 - std::exp(-1.0 / 12.0)));
    CHECK(*f.lifetime_value_prediction == Approx(50.0 * (365.2425 / 60.0) * std::exp(-1.0 / 12.0)));
  }
  SECTION("an order at as_of: churn exactly 0") {
    // recency 0 → churn = 1 − exp(0) = 0; value = 30 · 365.2425 / 90 · 1.
    const auto f = segmentation_of({}, {}, Attributions{attr("o", as_of, 30.0)});
    CHECK(f.churn_probability == 0.0);
    CHECK(*f.lifetime_value_prediction == Approx(30.0 * 365.2425 / 90.0));
    // Risk: (0.6 · 0 + 0.2 · 0) / 0.8 = 0.
    CHECK(f.risk_score == 0.0);
  }
  SECTION("fractional recency and span") {
    // Orders at −36 h and −12 h: span 1 d, g = (1 + 90) / 2 = 45.5 d; recency 0.5 d.
    const Attributions o{attr("a", as_of - std::chrono::hours{36}, 8.0),
                         attr("b", as_of - std::chrono::hours{12}, 4.0)};
    const auto f = segmentation_of({}, {}, o);
    CHECK(*f.churn_probability == Approx(1.0 - std::exp(-0.5 / 91.0)));
    CHECK(*f.lifetime_value_prediction == Approx(6.0 * (365.2425 / 45.5) * std::exp(-0.5 / 91.0)));
  }
  SECTION("orders without value predict no value, but still churn") {
    const auto f = segmentation_of({}, {}, Attributions{attr("o", as_of - days(90))});
    CHECK(*f.churn_probability == Approx(1.0 - std::exp(-0.5)));
    CHECK(f.lifetime_value_prediction == 0.0);
  }
}

TEST_CASE("churn and lifetime value follow the config's cycle and horizon", "[segmentation]") {
  const Attributions o{attr("o", as_of - days(15), 12.0)};
  SECTION("default_purchase_cycle") {
    cbf::Config c = at_as_of;
    c.default_purchase_cycle = days(30);
    // g = 30 d, recency 15 → churn = 1 − exp(−0.25); value 12 · 365.2425 / 30 · exp(−0.25).
    const auto f = segmentation_of({}, {}, o, c);
    CHECK(*f.churn_probability == Approx(1.0 - std::exp(-0.25)));
    CHECK(*f.lifetime_value_prediction == Approx(12.0 * (365.2425 / 30.0) * std::exp(-0.25)));
  }
  SECTION("clv_horizon_months") {
    cbf::Config half = at_as_of;
    half.clv_horizon_months = 6;  // 6 · 30.436875 = 182.62125 days
    const auto f = segmentation_of({}, {}, o, half);
    CHECK(*f.churn_probability == Approx(1.0 - std::exp(-15.0 / 180.0)));
    CHECK(*f.lifetime_value_prediction ==
          Approx(12.0 * (182.62125 / 90.0) * std::exp(-15.0 / 180.0)));
    cbf::Config none = at_as_of;
    none.clv_horizon_months = 0;
    CHECK(segmentation_of({}, {}, o, none).lifetime_value_prediction == 0.0);
  }
}

TEST_CASE("churn and lifetime value are null without orders", "[segmentation]") {
  // A prospect whose only activity is an abandoned cart 200 days ago: churn null; cart 1;
  // loyalty: one session in neither window → −1 → part 1; risk (0.2 · 1 + 0.2 · 1) / 0.4 = 1.
  const Interactions e{ev("add_to_cart", as_of - days(200))};
  const auto f = segmentation_of(e, {}, {});
  CHECK(f.customer_segment == "prospect");
  CHECK_FALSE(f.churn_probability);
  CHECK_FALSE(f.lifetime_value_prediction);
  CHECK(f.risk_score == 1.0);
  // A recent prospect without carts: loyalty +1 → part 0; only that part → risk 0.
  const auto g = segmentation_of(Interactions{ev("page_view", as_of - days(1))}, {}, {});
  CHECK(g.risk_score == 0.0);
  // No records: nothing available.
  const auto h = segmentation_of({}, {}, {});
  CHECK_FALSE(h.risk_score);
  CHECK_FALSE(h.churn_probability);
  CHECK_FALSE(h.lifetime_value_prediction);
  // config.risk_weights: only the cart weighs → risk = cart_abandonment_rate.
  cbf::Config c = at_as_of;
  c.risk_weights = cbf::RiskWeights{0.0, 1.0, 0.0};
  const Interactions carts{ev("add_to_cart", t0), ev("add_to_cart", t0 + days(1)),
                           ev("checkout_completed", t0 + days(1) + mins(1)),
                           ev("add_to_cart", t0 + days(2))};
  CHECK(segmentation_of(carts, {}, Attributions{attr("o", t0, 1.0)}, c).risk_score == 2.0 / 3.0);
  // … and without a cart session nothing weighs → null.
  CHECK_FALSE(segmentation_of(Interactions{ev("page_view", t0)}, {}, {}, c).risk_score);
}

TEST_CASE("predict_value and segmentation_features agree across their entry points",
          "[segmentation]") {
  const Interactions e{ev("add_to_cart", as_of - days(20)).session("a"),
                       ev("add_to_cart", as_of - days(120)).session("b")};
  const Attributions o{attr("x", as_of - days(100), 40.0), attr("y", as_of - days(20), 20.0)};
  const auto ctx = cbf::make_context(cbf::no_records<cbf::Customer>, e,
                                     cbf::no_records<cbf::Session>, o, at_as_of);
  const auto v = cbf::predict_value(ctx, cbf::purchase_features(ctx));
  // g = (80 + 90) / 2 = 85 d, recency 20 → churn = 1 − exp(−20 / 170); mean value 30.
  REQUIRE(v.churn_probability);
  CHECK(*v.churn_probability == Approx(1.0 - std::exp(-20.0 / 170.0)));
  CHECK(*v.lifetime_value_prediction == Approx(30.0 * (365.2425 / 85.0) * std::exp(-20.0 / 170.0)));
  const auto s = cbf::segmentation_features(ctx);
  CHECK(s.churn_probability == v.churn_probability);
  CHECK(s.lifetime_value_prediction == v.lifetime_value_prediction);
  CHECK(same(
      s, cbf::segmentation_features(ctx, cbf::purchase_features(ctx), cbf::shopping_features(ctx),
                                    cbf::temporal_features(ctx))));
  CHECK(same(s, segmentation_of(e, {}, o)));
  // Risk: carts a, b, both abandoned → 1; loyalty: sessions −20 d (A₁), −120 d (A₀), orders
  // −100 d (A₀), −20 d (A₁) → 0 → part 0; (0.6 · churn + 0.2 · 1 + 0.2 · 0) / 1.
  CHECK(*s.risk_score == Approx(0.6 * (1.0 - std::exp(-20.0 / 170.0)) + 0.2));
  CHECK(s.customer_segment == "potential_loyalist");  // 20 d → R5, 2 orders → F2
  // No orders: predict_value is empty.
  const auto c2 =
      cbf::make_context(cbf::no_records<cbf::Customer>, e, cbf::no_records<cbf::Session>,
                        cbf::no_records<cbf::Attribution>, at_as_of);
  const auto v2 = cbf::predict_value(c2, cbf::purchase_features(c2));
  CHECK_FALSE(v2.churn_probability);
  CHECK_FALSE(v2.lifetime_value_prediction);
}

TEST_CASE("segmentation features do not depend on input order", "[segmentation]") {
  const Interactions e{ev("add_to_cart", as_of - days(20)).session("a"),
                       ev("checkout_completed", as_of - days(20) + mins(3)).session("a"),
                       ev("add_to_cart", as_of - days(120)).session("b"),
                       ev("page_view", as_of - days(50)).session("c")};
  const Attributions o{attr("x", as_of - days(100), 40.0), attr("y", as_of - days(20), 20.0),
                       attr("x", as_of - days(99), 5.0), attr("z", as_of - days(3), 7.5)};
  const auto base = segmentation_of(e, {}, o);
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    INFO("seed " << seed);
    CHECK(same(segmentation_of(shuffled(e, seed), {}, shuffled(o, seed + 3)), base));
  }
  CHECK(base.customer_segment == "potential_loyalist");  // 3 d → R5, 3 orders → F3
}

TEST_CASE("segmentation features read host records adapted by traits or by member names",
          "[segmentation]") {
  const std::vector<OrderLine> lines{{"c1", "o", epoch_seconds(as_of - days(45)), 100.0}};
  const auto f = cbf::segmentation_features(cbf::no_records<cbf::Interaction>,
                                            cbf::no_records<cbf::Session>, lines, at_as_of);
  CHECK(f.customer_segment == "promising");
  CHECK(*f.churn_probability == Approx(1.0 - std::exp(-0.25)));
  CHECK(*f.lifetime_value_prediction == Approx(100.0 * (365.2425 / 90.0) * std::exp(-0.25)));

  const std::vector<Sale> sales{
      {"c1", "a", std::chrono::time_point_cast<std::chrono::seconds>(as_of - days(60)), 10.0f},
      {"c1", "b", std::chrono::time_point_cast<std::chrono::seconds>(as_of - days(60)), 20.0f},
      {"c1", "c", std::chrono::time_point_cast<std::chrono::seconds>(as_of - days(60)), 30.0f},
      {"c1", "d", std::nullopt, 99.0f}};  // no created_at: missing_field, not an order
  const auto g = cbf::segmentation_features(cbf::no_records<cbf::Interaction>,
                                            cbf::no_records<cbf::Session>, sales, at_as_of);
  CHECK(g.customer_segment == "potential_loyalist");  // 60 d → R4, 3 orders → F3
  CHECK(*g.churn_probability == Approx(1.0 - std::exp(-1.0)));
  CHECK(*g.lifetime_value_prediction == Approx(20.0 * (365.2425 / 30.0) * std::exp(-1.0)));
}

TEST_CASE("with fitted parameters churn is 1 − P(alive) and value the discounted model sum",
          "[segmentation]") {
  // Orders at t0 (10), t0 + 14 d (30): x = 1, t_x = 2 weeks, T = (as_of − t0) in weeks.
  cbf::Config config = at_as_of;
  config.bg_nbd = cbf::BgNbdParameters{0.243, 4.414, 0.793, 2.426};
  const Attributions orders{attr("o1", t0, 10.0), attr("o2", t0 + days(14), 30.0)};
  const double T = static_cast<double>((as_of - t0).count()) / (7 * 86400e6);
  const cbf::models::Summary s{1, 2, T, 20, 1};
  const double month = 30.436875 / 7;

  const auto plain =
      cbf::compute_customer(cbf::no_records<cbf::Customer>, cbf::no_records<cbf::Interaction>,
                            cbf::no_records<cbf::Session>, orders, config);
  CHECK(*plain.features.churn_probability ==
        Approx(1 - cbf::models::bg_nbd_p_alive(*config.bg_nbd, 1, 2, T)).epsilon(1e-14));
  // Without Gamma-Gamma the expected order value is the plain mean, 20.
  CHECK(*plain.features.lifetime_value_prediction ==
        Approx(cbf::models::discounted_value(*config.bg_nbd, s, 20.0, 12, month, 0.01))
            .epsilon(1e-12));

  config.gamma_gamma = cbf::GammaGammaParameters{6.25, 3.74, 15.44};
  const auto spend =
      cbf::compute_customer(cbf::no_records<cbf::Customer>, cbf::no_records<cbf::Interaction>,
                            cbf::no_records<cbf::Session>, orders, config);
  // E[M] with x = |P| = 2 orders of mean 20: 6.25 (15.44 + 40) / (12.5 + 3.74 − 1).
  const double expected_value = 6.25 * (15.44 + 40.0) / (12.5 + 3.74 - 1.0);
  CHECK(*spend.features.lifetime_value_prediction ==
        Approx(cbf::models::discounted_value(*config.bg_nbd, s, expected_value, 12, month, 0.01))
            .epsilon(1e-12));
  CHECK(*spend.features.churn_probability == *plain.features.churn_probability);

  // A single order: x = 0, so P(alive) = 1 and churn is exactly 0.
  const Attributions one{attr("o1", t0, 10.0)};
  const auto single =
      cbf::compute_customer(cbf::no_records<cbf::Customer>, cbf::no_records<cbf::Interaction>,
                            cbf::no_records<cbf::Session>, one, config);
  CHECK(*single.features.churn_probability == 0.0);
}
