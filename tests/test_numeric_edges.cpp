// Numeric edge cases across the library: stamps at the limits of the timestamp range, an as_of
// before every record, sessions lasting years, a customer with two million events, and money and
// view durations at their bounds. Expected values by hand (contract and docs/features.md).
#include <catch2/catch.hpp>
#include <cbf/cbf.hpp>

#include <fmt/format.h>

#include "support.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

using namespace cbf_test;

namespace {

using cbf::no_records;

constexpr cbf::Timestamp upper{cbf::timestamp_limit};
constexpr cbf::Timestamp lower{-cbf::timestamp_limit};
constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double max_double = std::numeric_limits<double>::max();
constexpr double denormal = std::numeric_limits<double>::denorm_min();

// Contexts keep a pointer to their config: it must outlive them, so it is no temporary.
const cbf::Config at_upper = config_at(upper);

/// 2^63 − 2 µs, the span from the lower to the upper limit, the largest the library computes.
constexpr std::int64_t full_range = std::numeric_limits<std::int64_t>::max() - 1;
/// The same as a double, rounded once (to 2^63).
constexpr double full_range_us = static_cast<double>(full_range);

/// One customer's result from its records.
cbf::CustomerResult compute(const Customers& customers, const Interactions& interactions,
                            const Sessions& sessions, const Attributions& attributions,
                            const cbf::Config& config) {
  return cbf::compute_customer(customers, interactions, sessions, attributions, config);
}

/// The features of a customer with no record in the window (docs/features.md §1, Nulls).
cbf::CustomerBehaviorFeatures empty_features() {
  cbf::CustomerBehaviorFeatures f;
  f.customer_segment = "inactive";
  return f;
}

/// The counts of a kind where every record has the same reason `member`.
cbf::RecordCounts all(std::int64_t cbf::RecordCounts::*member, std::int64_t n) {
  cbf::RecordCounts c;
  c.*member = n;
  return c;
}

/// The lifetime value of one order of `value` at as_of: g = 90 days, churn 0 (feature 29).
double one_fresh_order_value(double value) { return value * (365.2425 / 90.0) * (1.0 - 0.0); }

}  // namespace

// ---- the limits of the timestamp range --------------------------------------------------------

TEST_CASE("local time at the timestamp limits is the proleptic Gregorian calendar's",
          "[numeric][time]") {
  // +2^62 µs = 148108-07-06 14:00:27.387904 UTC, a Friday; −2^62 µs = −144169-06-28
  // 09:59:32.612096 UTC, a Tuesday (days since 1970 by the 146 097-day 400-year cycle).
  const auto at = [](cbf::Timestamp t, int offset) {
    const cbf::LocalTime l = cbf::local_time(t, std::chrono::minutes{offset});
    return std::vector<int>{l.hour, l.weekday, l.month};
  };
  CHECK(at(upper, 0) == std::vector<int>{14, 4, 7});
  CHECK(at(lower, 0) == std::vector<int>{9, 1, 6});
  // The largest offsets move both a day: Saturday 13:59 and Monday 10:00.
  CHECK(at(upper, 1439) == std::vector<int>{13, 5, 7});
  CHECK(at(lower, -1439) == std::vector<int>{10, 0, 6});
}

namespace {

/// One customer's result from records stamped `at` (checked used) and `beyond` (bad_timestamp).
cbf::CustomerResult at_and_beyond(cbf::Timestamp at, cbf::Timestamp beyond, cbf::TimeField created,
                                  const cbf::Config& config) {
  const Customers c{cust("c1", created)};
  const Interactions e{ev("page_view", at).session("s1"), ev("page_view", beyond)};
  const Sessions s{sess("s1", at).end(at), sess("s2", beyond)};
  const Attributions o{attr("o1", at, 5.0), attr("o2", beyond, 5.0)};
  const auto r = compute(c, e, s, o, config);
  const cbf::RecordCounts one_each{.used = 1, .bad_timestamp = 1};
  CHECK(r.diagnostics.interaction == one_each);
  CHECK(r.diagnostics.session == one_each);
  CHECK(r.diagnostics.attribution == one_each);
  return r;
}

}  // namespace

TEST_CASE("records stamped exactly at the upper limit are used and one microsecond later is bad",
          "[numeric][time]") {
  const auto r = at_and_beyond(upper, upper + us(1), upper, at_upper);
  CHECK(r.diagnostics.customer == all(&cbf::RecordCounts::used, 1));
  const auto& f = r.features;
  CHECK(f.total_purchases == 1);
  CHECK(f.avg_purchase_value == 5.0);
  CHECK(f.purchase_frequency == 1.0);  // tenure 0 → floored at 1 month
  CHECK(f.total_sessions == 1);
  CHECK(f.avg_session_duration == 0.0);
  CHECK(f.preferred_shopping_time == 14);
  CHECK(f.shopping_day_preference == 4);  // Friday
  CHECK(f.loyalty_trend == 1.0);          // a session and an order in the latest window
  CHECK(f.customer_segment == "new_customer");
  CHECK(f.churn_probability == 0.0);
  CHECK(f.lifetime_value_prediction == one_fresh_order_value(5.0));
  CHECK(f.risk_score == 0.0);  // (0.6 · 0 + 0.2 · max(0, −1)) / 0.8
  check_ranges(f);
}

TEST_CASE("records stamped exactly at the lower limit are used and one microsecond earlier is bad",
          "[numeric][time]") {
  cbf::Config config = config_at(lower);
  // The largest lookback and trend window are clamped to reach −2^63 + 1 µs from here at most.
  config.lookback = cbf::Duration::max();
  config.trend_window = cbf::Duration::max();
  const auto r = at_and_beyond(lower, lower - us(1), lower - us(1), config);
  CHECK(r.diagnostics.customer == all(&cbf::RecordCounts::bad_timestamp, 1));
  const auto& f = r.features;
  CHECK(f.total_purchases == 1);
  CHECK(f.total_sessions == 1);
  CHECK(f.preferred_shopping_time == 9);
  CHECK(f.shopping_day_preference == 1);  // Tuesday
  CHECK(f.loyalty_trend == 1.0);
  CHECK(f.customer_segment == "new_customer");
  CHECK(f.churn_probability == 0.0);
  check_ranges(f);
}

TEST_CASE("interactions at the two timestamp limits make two derived sessions", "[numeric][time]") {
  // Contract §4.6: the gap, 2^63 − 2 µs, exceeds the 30 min timeout. It is the largest
  // difference of two accepted stamps and still fits in int64 (a regression test: with limits of
  // ±2^62 it was 2^63 and overflowed in derive_sessions).
  const Interactions e{ev("page_view", lower), ev("page_view", upper)};
  const auto ctx = cbf::make_context(no_records<cbf::Customer>, e, no_records<cbf::Session>,
                                     no_records<cbf::Attribution>, at_upper);
  CHECK(ctx.sessions.size() == 2);
}

TEST_CASE("a customer created at the lower limit has the tenure up to an as_of at the upper one",
          "[numeric][time]") {
  // tenure_months = (2^63 − 2) µs / 2 629 746 000 000 µs ≈ 3 507 324.3 (contract feature 3).
  const Customers c{cust("c1", lower)};
  const Attributions o{attr("o1", upper, 1.0)};
  const auto ctx =
      cbf::make_context(c, no_records<cbf::Interaction>, no_records<cbf::Session>, o, at_upper);
  CHECK(ctx.tenure_months() == full_range_us / 2629746e6);
  CHECK(cbf::purchase_features(ctx).purchase_frequency == 1.0 / (full_range_us / 2629746e6));
}

TEST_CASE("a session from the lower to the upper limit lasts the whole range", "[numeric][time]") {
  // d(s) = (2^63 − 2) µs, rounded to the double 2^63, / 60 000 000 min.
  const Sessions s{sess("s1", lower).end(upper)};
  const auto ctx = cbf::make_context(no_records<cbf::Customer>, no_records<cbf::Interaction>, s,
                                     no_records<cbf::Attribution>, at_upper);
  CHECK(cbf::engagement_features(ctx).avg_session_duration == full_range_us / 60e6);
}

TEST_CASE("an order at the lower limit seen from the upper one is long churned",
          "[numeric][time]") {
  // recency_days = (2^63 − 2) / 86 400 000 000 ≈ 1.07e8 days → R 1, F 1: hibernating; churn =
  // 1 − exp(−1.07e8 / 180) = 1. (With limits of ±2^62 the span overflowed to −1.07e8 days:
  // churn −inf, lifetime value +inf, segment new_customer.)
  const Attributions o{attr("o1", lower, 1.0)};
  const auto r = compute({}, {}, {}, o, at_upper);
  CHECK(r.features.customer_segment == "hibernating");
  CHECK(r.features.churn_probability == 1.0);
  check_ranges(r.features);
}

TEST_CASE("a conversion at the upper limit of a session started at the lower one is no impulse",
          "[numeric][time]") {
  // 2^63 − 2 µs from start to conversion is more than 10 min (feature 18): 0 of 1, and not a
  // negative span clamped to 0 (which counted as impulsive before the limit was 2^62 − 1).
  const Sessions s{sess("s1", lower)};
  const Attributions o{attr("o1", upper, 1.0).session("s1")};
  const auto ctx =
      cbf::make_context(no_records<cbf::Customer>, no_records<cbf::Interaction>, s, o, at_upper);
  CHECK(cbf::shopping_features(ctx).impulse_purchase_tendency == 0.0);
}

TEST_CASE("earlier_by subtracts and saturates just below the lower limit", "[numeric][time]") {
  constexpr cbf::Timestamp below{-cbf::timestamp_limit - us(1)};
  CHECK(cbf::earlier_by(t0, days(1)) == t0 - days(1));
  CHECK(cbf::earlier_by(upper, cbf::timestamp_limit) == cbf::Timestamp{});
  // From the upper limit, 2^63 − 2 µs reaches the lower limit exactly; one more is below it.
  CHECK(cbf::earlier_by(upper, upper - lower) == lower);
  CHECK(cbf::earlier_by(upper, upper - lower + us(1)) == below);
  CHECK(cbf::earlier_by(upper, cbf::Duration::max()) == below);
  CHECK(cbf::earlier_by(lower, us(1)) == below);
  CHECK(cbf::earlier_by(below, days(1)) == below);
  CHECK(cbf::earlier_by(lower, cbf::Duration::zero()) == lower);
}

TEST_CASE("a lookback and a trend window longer than the range hold records at the far limit",
          "[numeric][time]") {
  // as_of at the upper limit, one session at the lower one. With the largest lookback the session
  // is used (not before_lookback), and with the largest trend window it falls in the latest
  // window: loyalty_trend = (1 − 0) / (1 + 0) = 1, not −1 (nothing recent).
  cbf::Config config = at_upper;
  config.lookback = cbf::Duration::max();
  config.trend_window = cbf::Duration::max();
  const Sessions s{sess("s1", lower)};
  const auto r = compute({}, {}, s, {}, config);
  CHECK(r.diagnostics.session == all(&cbf::RecordCounts::used, 1));
  CHECK(r.features.total_sessions == 1);
  CHECK(r.features.loyalty_trend == 1.0);

  // A lookback one microsecond short of the span leaves the session out.
  config.lookback = upper - lower - us(1);
  const auto short_of = compute({}, {}, s, {}, config);
  CHECK(short_of.diagnostics.session == all(&cbf::RecordCounts::before_lookback, 1));
}

// ---- as_of before every record ------------------------------------------------------------------

TEST_CASE("an as_of before every record leaves every feature at its empty value",
          "[numeric][time]") {
  // Everything is after_as_of (contract §3), so the customer has nothing: the non-nullable
  // features are 0, the segment is inactive, everything else is null.
  const Customers c{cust("c1", t0)};
  const Interactions e{ev("page_view", t0), ev("checkout_completed", t0 + mins(1))};
  const Sessions s{sess("s1", t0).end(t0 + mins(5))};
  const Attributions o{attr("o1", t0 + mins(1), 10.0)};
  for (const cbf::Timestamp cutoff : {t0 - us(1), lower}) {
    const auto r = compute(c, e, s, o, config_at(cutoff));
    CHECK(r.features == empty_features());
    CHECK(r.diagnostics.customer == all(&cbf::RecordCounts::after_as_of, 1));
    CHECK(r.diagnostics.interaction == all(&cbf::RecordCounts::after_as_of, 2));
    CHECK(r.diagnostics.session == all(&cbf::RecordCounts::after_as_of, 1));
    CHECK(r.diagnostics.attribution == all(&cbf::RecordCounts::after_as_of, 1));
    CHECK(r.customer_id == "c1");
  }
}

// ---- sessions lasting years ---------------------------------------------------------------------

TEST_CASE("sessions lasting years keep their whole duration up to as_of", "[numeric]") {
  // The contract caps no duration: d(s) = max(0, min(end, as_of) − start). as_of = 2025-07-01.
  // s1: 2020-01-01 → 2025-01-01, 1827 days (two leap days); s2: 2024-01-01 → 9999-12-31, cut at
  // as_of: 547 days. Mean (1827 + 547) / 2 = 1187 days = 1 709 280 min.
  const Sessions s{sess("s1", ts(2020, 1, 1)).end(ts(2025, 1, 1)),
                   sess("s2", ts(2024, 1, 1)).end(ts(9999, 12, 31))};
  const auto r = compute({}, {}, s, {}, at_as_of);
  CHECK(r.features.avg_session_duration == 1709280.0);
  CHECK(r.features.bounce_rate == 0.0);  // both longer than 10 s
  check_ranges(r.features);

  // A derived session of one page viewed for the maximum 10^9 s (31.7 years) ends 10^15 µs after
  // it started: 10^15 / 60 000 000 min, rounded once.
  const Interactions e{ev("page_view", ts(1990, 1, 1)).viewed(1e9)};
  const auto v = compute({}, e, {}, {}, at_as_of);
  CHECK(v.features.avg_session_duration == 1e15 / 60e6);
  CHECK(v.features.avg_session_duration == 16666666.666666666);
}

TEST_CASE("thirty sessions of ten thousand years average without overflow", "[numeric]") {
  // Each lasts 0001-01-01 → 9999-12-31, 3 652 058 days = 5 258 963 520 min, which the CSV host
  // accepts too. Their exact total, 9.47e18 µs, exceeds int64 (a regression test: the sum
  // overflowed and gave a negative mean); past 2^63 the mean is kept as quotient and remainder.
  Sessions s;
  for (int i = 0; i < 30; ++i)
    s.push_back(sess(fmt::format("s{}", i), ts(1, 1, 1)).end(ts(9999, 12, 31)));
  const cbf::Config config = config_at(ts(9999, 12, 31));
  const auto ctx = cbf::make_context(no_records<cbf::Customer>, no_records<cbf::Interaction>, s,
                                     no_records<cbf::Attribution>, config);
  CHECK(cbf::engagement_features(ctx).avg_session_duration == 5258963520.0);
}

// ---- a customer with two million events
// -----------------------------------------------------------

namespace {

/// A compact event row, as a host holding millions of them would keep it.
struct Hit {
  std::string_view customer_id;
  std::string_view event_type;
  std::string_view product_id;
  cbf::Timestamp created_at;
};

}  // namespace

TEST_CASE("a customer with two million interactions gets exact counts and ratios", "[numeric]") {
  // 20 000 derived sessions of 100 events, one every 2 h from Monday 2022-01-03 00:00. Events
  // 10 s apart: page_view, 97 product_views of p0/p1 alternately, add_to_cart, and then
  // checkout_completed (even sessions) or cart_viewed (odd ones). Each session lasts 990 s.
  constexpr int sessions = 20'000;
  constexpr int per_session = 100;
  const cbf::Timestamp start = ts(2022, 1, 3);
  std::vector<Hit> hits;
  hits.reserve(sessions * per_session);
  for (int s = 0; s < sessions; ++s) {
    const cbf::Timestamp begin = start + std::chrono::hours{2 * s};
    for (int k = 0; k < per_session; ++k) {
      std::string_view event = "product_view";
      if (k == 0) event = "page_view";
      if (k == 98) event = "add_to_cart";
      if (k == 99) event = s % 2 == 0 ? "checkout_completed" : "cart_viewed";
      hits.push_back(Hit{"c1", event, k % 2 == 0 ? "p0" : "p1", begin + sec(10 * k)});
    }
  }
  // as_of = the end of the 40 000th hour.
  const auto r = cbf::compute_customer(no_records<cbf::Customer>, hits, no_records<cbf::Session>,
                                       no_records<cbf::Attribution>,
                                       config_at(start + std::chrono::hours{40'000}));
  CHECK(r.diagnostics.interaction == all(&cbf::RecordCounts::used, 2'000'000));
  const auto& f = r.features;
  CHECK(f.total_sessions == 20'000);
  CHECK(f.avg_session_duration == 16.5);           // 990 s
  CHECK(f.page_views_per_session == 98.5);         // 98 (even) or 99 (odd, with cart_viewed)
  CHECK(f.bounce_rate == 0.0);                     // ≥ 2 page views each
  CHECK(f.search_frequency == 0.0);                // no search
  CHECK(f.product_discovery_method == "related");  // 96 product views after one, per session
  CHECK(f.cart_abandonment_rate == 0.5);           // the 10 000 odd sessions do not convert
  CHECK(f.checkout_completion_rate == 1.0);        // no checkout_started: converters only
  CHECK(f.product_comparison_behavior == 1.0);     // p0 and p1 in every session
  CHECK(f.impulse_purchase_tendency == 0.0);       // conversions 990 s after the start
  // Session starts at hours 0, 2, …, 22: 20 000 = 12 · 1 666 + 8, so hours 0–14 have one more.
  CHECK(f.preferred_shopping_time == 0);
  // 1 666 whole days are 238 whole weeks; the 8 sessions of day 1 667 fall on a Monday again.
  CHECK(f.shopping_day_preference == 0);
  // Windows of 90 days = 1 080 sessions: (as_of − 2 160 h, as_of] holds sessions 18 921–19 999
  // (1 079), the window before it sessions 17 841–18 920 (1 080).
  CHECK(f.loyalty_trend == -1.0 / 2159.0);
  CHECK(f.customer_segment == "prospect");
  // Parts: cart abandonment 0.5 and max(0, 1/2159), each weighted 0.2; no churn part.
  CHECK(f.risk_score == (0.2 * 0.5 + 0.2 * (1.0 / 2159.0)) / (0.2 + 0.2));
  CHECK(f.total_purchases == 0);
  check_ranges(f);
}

// ---- money at its bounds ------------------------------------------------------------------------

TEST_CASE("money at its bounds: 1e12 and denormals are orders and anything above 1e12 is bad",
          "[numeric][money]") {
  // Contract §5 and docs §10: bad when NaN, infinite, negative or above 10^12; -0 is 0. Each
  // customer has one attribution row, at as_of.
  struct Case {
    const char* customer;
    double value;
    std::optional<double> avg;  // empty: the row is bad money and there is no order
  };
  const std::vector<Case> cases{
      {"at_bound", 1e12, 1e12},
      {"above_bound", std::nextafter(1e12, inf), std::nullopt},
      {"max_double", max_double, std::nullopt},
      {"negative_max", -max_double, std::nullopt},
      {"denormal", denormal, denormal},
      {"negative_denormal", -denormal, std::nullopt},
      {"smallest_normal", std::numeric_limits<double>::min(), std::numeric_limits<double>::min()},
      {"negative_zero", -0.0, 0.0},
  };
  Attributions rows;
  for (const Case& c : cases) rows.push_back(attr("o", as_of, c.value).customer(c.customer));
  const auto batch = cbf::compute_batch(no_records<cbf::Customer>, no_records<cbf::Interaction>,
                                        no_records<cbf::Session>, rows, at_as_of);
  REQUIRE(batch.customers.size() == cases.size());
  CHECK(batch.diagnostics.attribution.used == 4);
  CHECK(batch.diagnostics.attribution.bad_money == 4);
  for (const Case& c : cases) {
    INFO(c.customer);
    const auto& row = *std::find_if(batch.customers.begin(), batch.customers.end(),
                                    [&](const auto& r) { return r.customer_id == c.customer; });
    const auto& f = row.features;
    check_ranges(f);
    CHECK(f.avg_purchase_value == c.avg);
    if (!c.avg) {
      CHECK(f.total_purchases == 0);
      CHECK(f.customer_segment == "inactive");
      continue;
    }
    CHECK(f.total_purchases == 1);
    CHECK_FALSE(std::signbit(*f.avg_purchase_value));
    CHECK(f.lifetime_value_prediction == one_fresh_order_value(*c.avg));
  }
}

TEST_CASE("ten thousand orders of the largest money add up exactly", "[numeric][money]") {
  // 10^4 · 10^12 = 10^16, exact in a double. One order per row at the same instant: g = 90 / 10^4
  // days, so the lifetime value is 10^12 · (365.2425 / 0.009) · 1 ≈ 4.06e16: finite.
  // The same rows as one order: its value is their exact sum.
  constexpr int n = 10'000;
  Attributions separate, together;
  for (int i = 0; i < n; ++i) {
    separate.push_back(attr(fmt::format("o{}", i), as_of, 1e12));
    together.push_back(attr("o", as_of, 1e12));
  }
  const auto a = compute({}, {}, {}, separate, at_as_of).features;
  CHECK(a.total_purchases == n);
  CHECK(a.avg_purchase_value == 1e12);
  CHECK(a.lifetime_value_prediction == 1e12 * (365.2425 / (90.0 / n)) * 1.0);
  check_ranges(a);
  const auto b = compute({}, {}, {}, together, at_as_of).features;
  CHECK(b.total_purchases == 1);
  CHECK(b.avg_purchase_value == 1e16);
  check_ranges(b);
}

// ---- view durations at their bounds -------------------------------------------------------------

TEST_CASE("view durations at their bounds: 0 to 1e9 s is valid and anything else is flagged",
          "[numeric]") {
  // Contract §1: a view_duration is valid from 0 to 10^9 s, converted with nearbyint(v · 10^6)
  // µs; anything else is missing (0) and flagged bad_view_duration. One derived session per
  // interaction (each its own session_id), from 1990 on, so only the 10^9 s view lasts: d = 10^15
  // µs. The other five last 0 and bounce (one page view, no conversion).
  const std::vector<double> seconds{1e9,      std::nextafter(1e9, inf), max_double, denormal, -0.0,
                                    -denormal};
  Interactions e;
  for (std::size_t i = 0; i < seconds.size(); ++i)
    e.push_back(ev("page_view", ts(1990, 1, 1) + days(static_cast<std::int64_t>(i)))
                    .session(fmt::format("s{}", i))
                    .viewed(seconds[i]));
  const auto r = compute({}, e, {}, {}, at_as_of);
  CHECK(r.diagnostics.interaction.used == 6);
  CHECK(r.diagnostics.interaction.bad_view_duration == 3);  // above 1e9, DBL_MAX, −denormal
  CHECK(r.features.total_sessions == 6);
  CHECK(r.features.avg_session_duration == 1e15 / (6 * 60e6));
  CHECK(r.features.bounce_rate == 5.0 / 6.0);
  check_ranges(r.features);

  // The longest view from the upper timestamp limit: its end lies beyond the range and is cut
  // at as_of, d = 0.
  const Interactions last{ev("page_view", upper).viewed(1e9)};
  const auto u = compute({}, last, {}, {}, at_upper);
  CHECK(u.features.avg_session_duration == 0.0);
  CHECK(u.diagnostics.interaction.bad_view_duration == 0);
}
