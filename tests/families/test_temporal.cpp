// Contract features 23–26 (temporal behavior) and cbf::local_time, with hand-computed expected
// values. Local time = UTC + config.utc_offset minutes; weekday 0 = Monday.
#include <catch2/catch.hpp>
#include <cbf/cbf.hpp>

#include "support.hpp"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

using namespace cbf_test;

namespace {

cbf::TemporalFeatures temporal_of(const Interactions& events, const Sessions& sessions,
                                  const Attributions& orders = {},
                                  const cbf::Config& config = at_as_of) {
  return cbf::temporal_features(events, sessions, orders, config);
}

/// Sessions s0, s1, … starting at the given instants.
Sessions sessions_at(const std::vector<cbf::Timestamp>& starts) {
  Sessions out;
  for (std::size_t i = 0; i < starts.size(); ++i)
    out.push_back(sess("s" + std::to_string(i), starts[i]));
  return out;
}

/// Orders o0, o1, … at the given instants (value 1).
Attributions orders_at(const std::vector<cbf::Timestamp>& times) {
  Attributions out;
  for (std::size_t i = 0; i < times.size(); ++i)
    out.push_back(attr("o" + std::to_string(i), times[i], 1.0));
  return out;
}

cbf::Config with_offset(int minutes) {
  cbf::Config c = at_as_of;
  c.utc_offset = std::chrono::minutes{minutes};
  return c;
}

/// `1 − H(p) / ln(k)` for month counts (hand formula of the contract).
double seasonality(const std::vector<double>& counts, double k) {
  double n = 0;
  for (double c : counts) n += c;
  double h = 0;
  for (double c : counts) h -= c / n * std::log(c / n);
  return 1.0 - h / std::log(k);
}

// Typical sessions (UTC, offset 0):
//   Mon 2025-06-02 09:15, Mon 2025-06-09 09:45, Sat 2025-06-14 14:00, Tue 2025-05-20 21:00.
Sessions typical_sessions() {
  return sessions_at(
      {ts(2025, 6, 2, 9, 15), ts(2025, 6, 9, 9, 45), ts(2025, 6, 14, 14), ts(2025, 5, 20, 21)});
}
// Orders: 2025-03-01 (older window (Jan 2, Apr 2]) and 2025-01-01 (before both windows).
Attributions typical_orders() { return orders_at({ts(2025, 3, 1), ts(2025, 1, 1)}); }

// A host's visit with the contract's member names but other types.
struct Visit {
  const char* customer_id;
  std::string_view session_id;
  std::chrono::sys_seconds start_time;
};

// A host's order, adapted through cbf::record_traits.
struct Purchase {
  std::string buyer;
  std::string number;
  std::chrono::sys_days day;
};

std::chrono::sys_seconds secs(cbf::Timestamp t) {
  return std::chrono::time_point_cast<std::chrono::seconds>(t);
}

constexpr cbf::Duration W = std::chrono::days{90};

}  // namespace

template <>
struct cbf::record_traits<Purchase> {
  static constexpr auto fields = cbf::fields(cbf::field::customer_id = &Purchase::buyer,
                                             cbf::field::order_id = &Purchase::number,
                                             cbf::field::created_at = &Purchase::day);
};

TEST_CASE("local_time splits an instant into local hour, weekday and month", "[temporal]") {
  using std::chrono::minutes;
  const auto check = [](cbf::Timestamp t, int offset, int hour, int weekday, int month) {
    const cbf::LocalTime l = cbf::local_time(t, minutes{offset});
    INFO("offset " << offset);
    CHECK(l.hour == hour);
    CHECK(l.weekday == weekday);
    CHECK(l.month == month);
  };
  // UTC: Tue 2025-07-01 00:00, and the microsecond before it (Mon Jun 30 23:59:59.999999).
  check(ts(2025, 7, 1), 0, 0, 1, 7);
  check(ts(2025, 7, 1) - us(1), 0, 23, 0, 6);
  // −300: 2025-03-01T04:59:59Z is Fri Feb 28 23:59:59; 05:00:00Z is Sat Mar 1 00:00.
  check(ts(2025, 3, 1, 4, 59, 59), -300, 23, 4, 2);
  check(ts(2025, 3, 1, 5), -300, 0, 5, 3);
  // +330: 2025-12-31T18:29:59Z is Wed Dec 31 23:59:59; 18:30:00Z is Thu 2026-01-01 00:00.
  check(ts(2025, 12, 31, 18, 29, 59), 330, 23, 2, 12);
  check(ts(2025, 12, 31, 18, 30), 330, 0, 3, 1);
  // −570 (−9:30): 2025-03-01T09:29:59.999999Z is Fri Feb 28 23:59:59.999999; 09:30Z is Sat
  // Mar 1 00:00; 2025-03-01T00:00Z is Fri Feb 28 14:30.
  check(ts(2025, 3, 1, 9, 30) - us(1), -570, 23, 4, 2);
  check(ts(2025, 3, 1, 9, 30), -570, 0, 5, 3);
  check(ts(2025, 3, 1), -570, 14, 4, 2);
  // Sunday is 6: Sun 2025-06-29 12:00Z.
  check(ts(2025, 6, 29, 12), 0, 12, 6, 6);
  // Before the epoch: 1969-12-31T23:59:59Z is a Wednesday; +60 makes it Thu 1970-01-01 00:59.
  check(ts(1969, 12, 31, 23, 59, 59), 0, 23, 2, 12);
  check(ts(1969, 12, 31, 23, 59, 59), 60, 0, 3, 1);
  // Extreme offsets ±1439 min.
  check(ts(2025, 1, 1), 1439, 23, 2, 1);   // Wed Jan 1 23:59
  check(ts(2025, 1, 1), -1439, 0, 1, 12);  // Tue 2024-12-31 00:01
}

TEST_CASE("temporal features of a typical customer follow the contract's formulas", "[temporal]") {
  const auto f = temporal_of({}, typical_sessions(), typical_orders());
  // Hours 9, 9, 14, 21 → 9.
  CHECK(f.preferred_shopping_time == 9);
  // Weekdays Mon, Mon, Sat, Tue → 0 (Monday).
  CHECK(f.shopping_day_preference == 0);
  // Months Jun ×3, May ×1 → 1 − H(3/4, 1/4) / ln 4.
  REQUIRE(f.seasonal_behavior);
  CHECK(*f.seasonal_behavior == Approx(seasonality({3, 1}, 4)));
  CHECK(*f.seasonal_behavior == Approx(0.5943609377704335));
  // as_of 2025-07-01: A₁ = (Apr 2, Jul 1] holds the 4 sessions; A₀ = (Jan 2, Apr 2] the Mar 1
  // order; the Jan 1 order is in neither → (4 − 1) / (4 + 1).
  REQUIRE(f.loyalty_trend);
  CHECK(*f.loyalty_trend == 3.0 / 5.0);

  // The same through compute_customer, with either preset.
  const Sessions sessions = typical_sessions();
  const Attributions orders = typical_orders();
  for (const cbf::Config* config : {&at_as_of, &shopify_as_of}) {
    const auto r =
        cbf::compute_customer(cbf::no_records<cbf::Customer>, cbf::no_records<cbf::Interaction>,
                              sessions, orders, *config);
    CHECK(r.features.preferred_shopping_time == 9);
    CHECK(r.features.shopping_day_preference == 0);
    CHECK(r.features.seasonal_behavior == f.seasonal_behavior);
    CHECK(r.features.loyalty_trend == 3.0 / 5.0);
  }
}

TEST_CASE("temporal features are null without sessions (and loyalty without any activity)",
          "[temporal]") {
  const auto none = temporal_of({}, {});
  CHECK_FALSE(none.preferred_shopping_time);
  CHECK_FALSE(none.shopping_day_preference);
  CHECK_FALSE(none.seasonal_behavior);
  CHECK_FALSE(none.loyalty_trend);

  // Orders but no session: hour, weekday and seasonality are null; the trend is not.
  const auto orders_only = temporal_of({}, {}, orders_at({as_of - days(1)}));
  CHECK_FALSE(orders_only.preferred_shopping_time);
  CHECK_FALSE(orders_only.shopping_day_preference);
  CHECK_FALSE(orders_only.seasonal_behavior);
  CHECK(orders_only.loyalty_trend == 1.0);

  // One session: seasonality needs |S| ≥ 2.
  const auto one = temporal_of({}, sessions_at({t0}));
  CHECK(one.preferred_shopping_time == 10);
  CHECK(one.shopping_day_preference == 0);  // Mon 2025-05-05
  CHECK_FALSE(one.seasonal_behavior);

  // Records that are not used leave everything null: after as_of, an attribution with an empty
  // order id or bad money.
  const auto unused =
      temporal_of(Interactions{ev("page_view", as_of + us(1))}, sessions_at({as_of + days(1)}),
                  Attributions{attr("", t0, 1.0), attr("o", t0, -1.0)});
  CHECK_FALSE(unused.preferred_shopping_time);
  CHECK_FALSE(unused.shopping_day_preference);
  CHECK_FALSE(unused.seasonal_behavior);
  CHECK_FALSE(unused.loyalty_trend);
}

TEST_CASE("preferred_shopping_time is the modal local hour, ties to the earliest", "[temporal]") {
  // One session at 20:00, one at 08:00 → 8.
  CHECK(temporal_of({}, sessions_at({ts(2025, 6, 1, 20), ts(2025, 6, 2, 8)}))
            .preferred_shopping_time == 8);
  // 23:00 and 00:30 → 0.
  CHECK(temporal_of({}, sessions_at({ts(2025, 6, 1, 23), ts(2025, 6, 2, 0, 30)}))
            .preferred_shopping_time == 0);
  // 17:00 ×2 beats 03:00 ×1.
  CHECK(
      temporal_of({}, sessions_at({ts(2025, 6, 1, 17), ts(2025, 6, 3, 3), ts(2025, 6, 2, 17, 59)}))
          .preferred_shopping_time == 17);
  // The hour of the session start: a derived session 23:50 → 00:10 counts at 23 (and on
  // Sunday 2025-06-29, weekday 6).
  const Interactions late_night{ev("page_view", ts(2025, 6, 29, 23, 50)),
                                ev("page_view", ts(2025, 6, 30, 0, 10))};
  const auto d = temporal_of(late_night, {});
  CHECK(d.preferred_shopping_time == 23);
  CHECK(d.shopping_day_preference == 6);
}

TEST_CASE("shopping_day_preference is the modal local weekday, ties to the smallest",
          "[temporal]") {
  // Sun 2025-06-29 and Mon 2025-06-30 → 0.
  CHECK(temporal_of({}, sessions_at({ts(2025, 6, 29, 12), ts(2025, 6, 30, 12)}))
            .shopping_day_preference == 0);
  // Sat 2025-06-28 and Fri 2025-06-27 → 4.
  CHECK(temporal_of({}, sessions_at({ts(2025, 6, 28, 12), ts(2025, 6, 27, 12)}))
            .shopping_day_preference == 4);
  // Sun ×2 beats Tue ×1.
  CHECK(temporal_of({}, sessions_at({ts(2025, 6, 29), ts(2025, 6, 24), ts(2025, 6, 22, 23)}))
            .shopping_day_preference == 6);
}

TEST_CASE("hour, weekday and month are read in local time across boundaries", "[temporal]") {
  // Three sessions: 2025-03-01T04:59:59Z, 2025-03-08T04:30Z, 2025-03-01T05:00Z.
  const Sessions s =
      sessions_at({ts(2025, 3, 1, 4, 59, 59), ts(2025, 3, 8, 4, 30), ts(2025, 3, 1, 5)});
  SECTION("UTC") {
    // Hours 4, 4, 5 → 4; Sat, Sat, Sat → 5; Mar ×3 → 1.
    const auto f = temporal_of({}, s);
    CHECK(f.preferred_shopping_time == 4);
    CHECK(f.shopping_day_preference == 5);
    CHECK(f.seasonal_behavior == 1.0);
  }
  SECTION("UTC−5") {
    // Local Fri Feb 28 23:59:59, Fri Mar 7 23:30, Sat Mar 1 00:00 → hour 23, Friday (4);
    // months Feb, Mar, Mar → 1 − H(1/3, 2/3) / ln 3.
    const cbf::Config c = with_offset(-300);
    const auto f = temporal_of({}, s, {}, c);
    CHECK(f.preferred_shopping_time == 23);
    CHECK(f.shopping_day_preference == 4);
    REQUIRE(f.seasonal_behavior);
    CHECK(*f.seasonal_behavior == Approx(seasonality({1, 2}, 3)));
    CHECK(*f.seasonal_behavior == Approx(0.42061983571430506));
  }
  SECTION("UTC+5:30 at the new year") {
    // 2025-12-31T18:29:59Z is local Wed Dec 31 23:59:59; 18:30Z is Thu 2026-01-01 00:00;
    // 2026-01-01T18:30Z is Fri Jan 2 00:00.
    const cbf::Config c = with_offset(330);
    const Sessions ny = sessions_at(
        {ts(2025, 12, 31, 18, 29, 59), ts(2025, 12, 31, 18, 30), ts(2026, 1, 1, 18, 30)});
    cbf::Config later = c;
    later.as_of = ts(2026, 2, 1);
    const auto f = temporal_of({}, ny, {}, later);
    CHECK(f.preferred_shopping_time == 0);                          // 23, 0, 0
    CHECK(f.shopping_day_preference == 2);                          // Wed, Thu, Fri: one each → 2
    CHECK(*f.seasonal_behavior == Approx(seasonality({1, 2}, 3)));  // Dec, Jan, Jan
    // In UTC all three are 18h; Wed, Wed, Thu → 2; Dec, Dec, Jan.
    cbf::Config utc = later;
    utc.utc_offset = std::chrono::minutes{0};
    const auto g = temporal_of({}, ny, {}, utc);
    CHECK(g.preferred_shopping_time == 18);
    CHECK(g.shopping_day_preference == 2);
    CHECK(*g.seasonal_behavior == Approx(seasonality({2, 1}, 3)));
  }
  SECTION("UTC−9:30") {
    // 2025-03-01T09:29:59Z → Fri Feb 28 23:59:59; 09:30Z → Sat Mar 1 00:00; 2025-03-02T09:29Z
    // → Sat Mar 1 23:59.
    const cbf::Config c = with_offset(-570);
    const Sessions m =
        sessions_at({ts(2025, 3, 1, 9, 29, 59), ts(2025, 3, 1, 9, 30), ts(2025, 3, 2, 9, 29)});
    const auto f = temporal_of({}, m, {}, c);
    CHECK(f.preferred_shopping_time == 23);  // 23, 0, 23
    CHECK(f.shopping_day_preference == 5);   // Fri, Sat, Sat
    CHECK(*f.seasonal_behavior == Approx(seasonality({1, 2}, 3)));
  }
}

TEST_CASE("seasonal_purchase_pattern (feature 5) groups orders by local month", "[temporal]") {
  // 2025-03-01T04:00Z and 2025-03-15T12:00Z: UTC Mar, Mar → 1; UTC−5 Feb 28 23:00, Mar → 0.
  const Attributions orders{attr("a", ts(2025, 3, 1, 4), 1.0), attr("b", ts(2025, 3, 15, 12), 1.0)};
  CHECK(cbf::purchase_features(orders, at_as_of).seasonal_purchase_pattern == 1.0);
  const cbf::Config west = with_offset(-300);
  CHECK(cbf::purchase_features(orders, west).seasonal_purchase_pattern == 0.0);
  // 2025-01-31T18:30Z and 2025-02-10: UTC Jan, Feb → 0; UTC+5:30 Feb 1 00:00, Feb → 1.
  const Attributions east_orders{attr("a", ts(2025, 1, 31, 18, 30), 1.0),
                                 attr("b", ts(2025, 2, 10), 1.0)};
  CHECK(cbf::purchase_features(east_orders, at_as_of).seasonal_purchase_pattern == 0.0);
  const cbf::Config east = with_offset(330);
  CHECK(cbf::purchase_features(east_orders, east).seasonal_purchase_pattern == 1.0);
  // One microsecond earlier stays in January locally: Jan 31 23:59:59.999999 → 0.
  const Attributions before{attr("a", ts(2025, 1, 31, 18, 30) - us(1), 1.0),
                            attr("b", ts(2025, 2, 10), 1.0)};
  CHECK(cbf::purchase_features(before, east).seasonal_purchase_pattern == 0.0);
  // UTC−9:30: 2025-03-01T09:29Z is Feb 28 locally; with 2025-02-10 → Feb, Feb → 1.
  const Attributions far_west{attr("a", ts(2025, 3, 1, 9, 29), 1.0),
                              attr("b", ts(2025, 2, 10, 12), 1.0)};
  const cbf::Config w570 = with_offset(-570);
  CHECK(cbf::purchase_features(far_west, w570).seasonal_purchase_pattern == 1.0);
  CHECK(cbf::purchase_features(far_west, at_as_of).seasonal_purchase_pattern == 0.0);
}

TEST_CASE("seasonal_behavior is 1 − H(session months) / ln(min(|S|, 12))", "[temporal]") {
  // One month (two years): 1.
  CHECK(temporal_of({}, sessions_at({ts(2024, 4, 1), ts(2025, 4, 30, 23)})).seasonal_behavior ==
        1.0);
  // Two months, two sessions: H = ln 2 → 0.
  CHECK(temporal_of({}, sessions_at({ts(2025, 4, 1), ts(2025, 5, 1)})).seasonal_behavior == 0.0);
  // All twelve months once, and twice: H = ln 12 → 0 (clamped below 1e-12).
  std::vector<cbf::Timestamp> twelve, twenty_four;
  for (unsigned m = 1; m <= 12; ++m) {
    twelve.push_back(ts(2024, m, 10));
    twenty_four.push_back(ts(2024, m, 10));
    twenty_four.push_back(ts(2024, m, 20, 12));
  }
  CHECK(temporal_of({}, sessions_at(twelve)).seasonal_behavior == 0.0);
  CHECK(temporal_of({}, sessions_at(twenty_four)).seasonal_behavior == 0.0);
  // Thirteen sessions: January twice, every other month once → 1 − H / ln 12.
  std::vector<cbf::Timestamp> thirteen = twelve;
  thirteen.push_back(ts(2025, 1, 15));
  const auto f = temporal_of({}, sessions_at(thirteen));
  REQUIRE(f.seasonal_behavior);
  std::vector<double> counts(11, 1.0);
  counts.push_back(2.0);
  CHECK(*f.seasonal_behavior == Approx(seasonality(counts, 12)));
  // Twelve sessions in two months (6 + 6): 1 − ln 2 / ln 12.
  std::vector<cbf::Timestamp> two_months;
  for (unsigned d = 1; d <= 6; ++d) {
    two_months.push_back(ts(2025, 1, d));
    two_months.push_back(ts(2025, 6, d));
  }
  CHECK(*temporal_of({}, sessions_at(two_months)).seasonal_behavior ==
        Approx(1.0 - std::log(2.0) / std::log(12.0)));
}

TEST_CASE("loyalty_trend compares the last two windows of sessions and orders", "[temporal]") {
  // Base: a session in A₁ (as_of − 10 d) and one in A₀ (as_of − 100 d), plus one stamp X:
  // X ∈ A₁ → (2 − 1) / 3; X ∈ A₀ → (1 − 2) / 3; X in neither → 0.
  const auto trend_with_session = [](cbf::Timestamp x) {
    return temporal_of({}, sessions_at({as_of - days(10), as_of - days(100), x})).loyalty_trend;
  };
  const auto trend_with_order = [](cbf::Timestamp x) {
    return temporal_of({}, sessions_at({as_of - days(10), as_of - days(100)}), orders_at({x}))
        .loyalty_trend;
  };
  for (const auto& trend :
       {std::function<std::optional<double>(cbf::Timestamp)>(trend_with_session),
        std::function<std::optional<double>(cbf::Timestamp)>(trend_with_order)}) {
    CHECK(trend(as_of) == 1.0 / 3.0);  // (as_of − W, as_of] includes as_of
    CHECK(trend(as_of - W + us(1)) == 1.0 / 3.0);
    CHECK(trend(as_of - W) == -1.0 / 3.0);  // as_of − W is in A₀
    CHECK(trend(as_of - 2 * W + us(1)) == -1.0 / 3.0);
    CHECK(trend(as_of - 2 * W) == 0.0);  // as_of − 2W is in neither
    CHECK(trend(as_of - 2 * W - days(30)) == 0.0);
  }
  // Only recent activity → 1; only older → −1.
  CHECK(temporal_of({}, sessions_at({as_of - days(1)})).loyalty_trend == 1.0);
  CHECK(temporal_of({}, sessions_at({as_of - W})).loyalty_trend == -1.0);
  // Both windows empty: −1 with a session or an order (lapsed), null with neither.
  CHECK(temporal_of({}, sessions_at({as_of - 2 * W})).loyalty_trend == -1.0);
  CHECK(temporal_of({}, {}, orders_at({as_of - days(400)})).loyalty_trend == -1.0);
  // Derived sessions count like record sessions (interactions themselves do not).
  const Interactions e{ev("page_view", as_of - days(5)), ev("search", as_of - days(5) + mins(1)),
                       ev("page_view", as_of - days(95))};
  CHECK(temporal_of(e, {}).loyalty_trend == 0.0);  // sessions at −5 d (A₁) and −95 d (A₀)
}

TEST_CASE("loyalty_trend counts each order once, at its earliest row", "[temporal]") {
  // Order o has rows at as_of − 100 d and as_of − 10 d → time as_of − 100 d (A₀); a session at
  // as_of − 5 d (A₁) → (1 − 1) / 2 = 0.
  const Attributions rows{attr("o", as_of - days(10), 1.0), attr("o", as_of - days(100), 1.0)};
  CHECK(temporal_of({}, sessions_at({as_of - days(5)}), rows).loyalty_trend == 0.0);
  // A session and an order at one instant count twice: A₁ = 2, A₀ = 1 → 1 / 3.
  CHECK(temporal_of({}, sessions_at({as_of - days(5), as_of - days(100)}),
                    orders_at({as_of - days(5)}))
            .loyalty_trend == 1.0 / 3.0);
}

TEST_CASE("loyalty_trend uses config.trend_window", "[temporal]") {
  cbf::Config week = at_as_of;
  week.trend_window = std::chrono::days{7};
  // Sessions at −1 d, −6 d (A₁), −7 d, −13 d (A₀), −14 d and −20 d (neither) → 0;
  // with the default 90 d all six are in A₁ → 1.
  const Sessions s = sessions_at({as_of - days(1), as_of - days(6), as_of - days(7),
                                  as_of - days(13), as_of - days(14), as_of - days(20)});
  CHECK(temporal_of({}, s, {}, week).loyalty_trend == 0.0);
  CHECK(temporal_of({}, s).loyalty_trend == 1.0);
  // Three in A₁, one in A₀ → 1 / 2.
  const Sessions t = sessions_at({as_of - days(1), as_of - days(2), as_of, as_of - days(8)});
  CHECK(temporal_of({}, t, {}, week).loyalty_trend == 2.0 / 4.0);
}

TEST_CASE("temporal features do not depend on input order", "[temporal]") {
  const Sessions sessions = typical_sessions();
  const Attributions orders = typical_orders();
  const auto base = temporal_of({}, sessions, orders);
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    INFO("seed " << seed);
    CHECK(same(temporal_of({}, shuffled(sessions, seed), shuffled(orders, seed + 9)), base));
  }
  // Ties keep the smallest hour and weekday whatever the order.
  const Sessions tie = sessions_at({ts(2025, 6, 29, 20), ts(2025, 6, 30, 8), ts(2025, 6, 28, 15)});
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    const auto f = temporal_of({}, shuffled(tie, seed));
    CHECK(f.preferred_shopping_time == 8);
    CHECK(f.shopping_day_preference == 0);  // Sun, Mon, Sat
  }
  // Derived sessions from shuffled interactions.
  const Interactions e{ev("page_view", ts(2025, 6, 2, 9)), ev("search", ts(2025, 6, 2, 9, 20)),
                       ev("page_view", ts(2025, 6, 3, 9, 5)), ev("page_view", ts(2025, 6, 4, 18))};
  const auto d = temporal_of(e, {});
  CHECK(d.preferred_shopping_time == 9);  // starts 9:00 Mon, 9:05 Tue, 18:00 Wed
  CHECK(d.shopping_day_preference == 0);
  for (std::uint64_t seed = 1; seed <= 8; ++seed)
    CHECK(same(temporal_of(shuffled(e, seed), {}), d));
}

TEST_CASE("temporal features read host records adapted by traits or by member names",
          "[temporal]") {
  const std::vector<Visit> visits{{"c1", "v1", secs(ts(2025, 6, 2, 9, 15))},
                                  {"c1", "v2", secs(ts(2025, 6, 9, 9, 45))},
                                  {"c1", "v3", secs(ts(2025, 6, 14, 14))},
                                  {"c1", "v4", secs(ts(2025, 5, 20, 21))}};
  const std::vector<Purchase> purchases{
      {"c1", "o1", std::chrono::sys_days{std::chrono::year{2025} / 3 / 1}},
      {"c1", "o2", std::chrono::sys_days{std::chrono::year{2025} / 1 / 1}}};
  const auto f =
      cbf::temporal_features(cbf::no_records<cbf::Interaction>, visits, purchases, at_as_of);
  CHECK(same(f, temporal_of({}, typical_sessions(), typical_orders())));
  CHECK(f.preferred_shopping_time == 9);
  CHECK(f.loyalty_trend == 3.0 / 5.0);
}
