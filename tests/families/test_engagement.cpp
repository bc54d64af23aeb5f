// Contract features 6–10 (engagement behavior), with hand-computed expected values.
#include <catch2/catch.hpp>
#include <cbf/cbf.hpp>

#include "support.hpp"

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

constexpr cbf::Timestamp day1 = ts(2025, 5, 5, 10);  // a Monday, 10:00 UTC
constexpr cbf::Timestamp day2 = day1 + days(1);
constexpr cbf::Timestamp day3 = day1 + days(2);

// s1: 5 min, 3 page views (page_view, product_view, collection_view; add_to_cart is none);
// s2: exactly 10 s, 1 page view → not engaged; s3: 10 s + 1 µs, 1 page view (search) → engaged.
Sessions typical_sessions() {
  return {sess("s1", day1).end(day1 + mins(5)), sess("s2", day2).end(day2 + sec(10)),
          sess("s3", day3).end(day3 + sec(10) + us(1))};
}
Interactions typical_events() {
  return {ev("page_view", day1).session("s1"),
          ev("product_view", day1 + mins(1)).session("s1"),
          ev("collection_view", day1 + mins(2)).session("s1"),
          ev("add_to_cart", day1 + mins(3)).session("s1"),
          ev("page_view", day2).session("s2"),
          ev("search", day3).session("s3")};
}

cbf::EngagementFeatures engagement_of(const Interactions& events, const Sessions& sessions,
                                      const Attributions& orders = {}) {
  return cbf::engagement_features(
      cbf::make_context(cbf::no_records<cbf::Customer>, events, sessions, orders, at_as_of));
}

// A host's own event row, adapted through cbf::record_traits.
struct Hit {
  std::string user;
  std::string visit;
  std::string name;
  std::chrono::sys_seconds when;
  int seconds_in_view = 0;
};

// A host struct with the contract's member names but other types.
struct Visit {
  std::string_view customer_id;
  std::string_view session_id;
  std::chrono::sys_seconds start_time;
  std::optional<std::chrono::sys_time<std::chrono::milliseconds>> end_time;
};

}  // namespace

template <>
struct cbf::record_traits<Hit> {
  static constexpr auto fields =
      cbf::fields(cbf::field::customer_id = &Hit::user, cbf::field::session_id = &Hit::visit,
                  cbf::field::event_type = &Hit::name, cbf::field::created_at = &Hit::when,
                  cbf::field::view_duration = &Hit::seconds_in_view);
};

TEST_CASE("engagement features of a typical customer follow the contract's formulas",
          "[engagement]") {
  // Created exactly 2 months before as_of: tenure 2, so 3 sessions = 1.5 per month.
  const auto r =
      cbf::compute_customer(cust("c1", as_of - months(2)), typical_events(), typical_sessions(),
                            cbf::no_records<cbf::Attribution>, at_as_of);
  const auto& f = r.features;
  CHECK(f.total_sessions == 3);
  // Σ d = 300 s + 10 s + 10.000001 s = 320 000 001 µs; / (3 · 60e6).
  REQUIRE(f.avg_session_duration);
  CHECK(*f.avg_session_duration == 320000001.0 / 180000000.0);
  REQUIRE(f.page_views_per_session);
  CHECK(*f.page_views_per_session == 5.0 / 3.0);  // 3 + 1 + 1
  REQUIRE(f.bounce_rate);
  CHECK(*f.bounce_rate == 1.0 / 3.0);  // s2 only
  // 100 · (0.30 · 1.5/5.5 + 0.25 · m/(m + 10) + 0.25 · (5/3)/(5/3 + 5) + 0.20 · 2/3).
  const double m = 320000001.0 / 180000000.0;
  const double expected =
      100.0 * (0.30 * 1.5 / 5.5 + 0.25 * m / (m + 10.0) + 0.25 * 0.25 + 0.20 * (2.0 / 3.0));
  CHECK(f.engagement_score == Approx(expected));
  CHECK(f.engagement_score == Approx(31.538736430824354));
}

TEST_CASE("engagement features are zero or null without sessions", "[engagement]") {
  const auto f = cbf::engagement_features(cbf::no_records<cbf::Interaction>,
                                          cbf::no_records<cbf::Session>, at_as_of);
  CHECK(f.total_sessions == 0);
  CHECK_FALSE(f.avg_session_duration);
  CHECK_FALSE(f.page_views_per_session);
  CHECK_FALSE(f.bounce_rate);
  CHECK(f.engagement_score == 0.0);
  // Records that are all filtered leave S empty too.
  const Sessions late{sess("s1", as_of + us(1))};
  const Interactions bad{ev("page_view", cbf::TimeField::invalid()), ev("", day1)};
  const auto g = cbf::engagement_features(bad, late, at_as_of);
  CHECK(g.total_sessions == 0);
  CHECK_FALSE(g.bounce_rate);
  CHECK(g.engagement_score == 0.0);
}

TEST_CASE("engagement_score saturates each part and weights them from the config", "[engagement]") {
  // One session of 10 minutes with 5 page views, first seen at its start 10 days before as_of
  // (tenure clamps to 1): 0.30 · 1/5 + 0.25 · 10/20 + 0.25 · 5/10 + 0.20 · 1 = 0.51 → 51.
  const cbf::Timestamp start = as_of - days(10);
  const Sessions s{sess("s", start).end(start + mins(10))};
  Interactions e;
  for (int i = 0; i < 5; ++i) e.push_back(ev("page_view", start + mins(i)).session("s"));
  const auto f = cbf::engagement_features(e, s, at_as_of);
  CHECK(f.avg_session_duration == 10.0);
  CHECK(f.page_views_per_session == 5.0);
  CHECK(f.bounce_rate == 0.0);
  CHECK(f.engagement_score == Approx(51.0));

  // Only the non-bounce part weighted: 100 · 1 · (1 − 0) = 100.
  cbf::Config only_bounce = at_as_of;
  only_bounce.engagement_weights = {0.0, 0.0, 0.0, 1.0};
  CHECK(cbf::engagement_features(e, s, only_bounce).engagement_score == Approx(100.0));
  // Half-saturation 1 for minutes, weight 1: 100 · 10 / 11.
  cbf::Config minutes_only = at_as_of;
  minutes_only.engagement_weights = {0.0, 1.0, 0.0, 0.0};
  minutes_only.engagement_half_saturation.session_minutes = 1.0;
  CHECK(cbf::engagement_features(e, s, minutes_only).engagement_score ==
        Approx(100.0 * 10.0 / 11.0));
}

TEST_CASE("page views count the kinds in page_view_kinds", "[engagement]") {
  // One session; default page views: page_viewed, Product_Viewed, view_item_list, view_cart,
  // search_submitted = 5. Not: addtocart, product_removed_from_cart, begin_checkout, scroll.
  const cbf::Timestamp t = day1;
  const Sessions s{sess("s", t).end(t + mins(9))};
  const Interactions e{ev("page_viewed", t).session("s"),
                       ev(" Product_Viewed ", t + mins(1)).session("s"),
                       ev("view_item_list", t + mins(2)).session("s"),
                       ev("view_cart", t + mins(3)).session("s"),
                       ev("search_submitted", t + mins(4)).session("s"),
                       ev("addtocart", t + mins(5)).session("s"),
                       ev("product_removed_from_cart", t + mins(6)).session("s"),
                       ev("begin_checkout", t + mins(7)).session("s"),
                       ev("scroll", t + mins(8)).session("s")};
  CHECK(cbf::engagement_features(e, s, at_as_of).page_views_per_session == 5.0);
  // Shopify preset: page_view alone.
  CHECK(cbf::engagement_features(e, s, shopify_as_of).page_views_per_session == 1.0);
  // A custom set.
  cbf::Config custom = at_as_of;
  custom.page_view_kinds = cbf::EventKindSet{cbf::EventKind::add_to_cart, cbf::EventKind::other};
  CHECK(cbf::engagement_features(e, s, custom).page_views_per_session == 2.0);
}

TEST_CASE("page views of interactions outside every session count for no session", "[engagement]") {
  // Two record sessions; two page views carry an id no session has ("S1" ≠ "s1").
  const Sessions s{sess("s1", day1).end(day1 + mins(1)), sess("s2", day2).end(day2 + mins(1))};
  const Interactions e{ev("page_view", day1).session("s1"), ev("page_view", day1).session("S1"),
                       ev("page_view", day2).session("zz"), ev("page_view", day2).session("s2"),
                       ev("page_view", day2 + sec(1)).session("s2")};
  const auto f = cbf::engagement_features(e, s, at_as_of);
  CHECK(f.total_sessions == 2);
  CHECK(f.page_views_per_session == 1.5);  // (1 + 2) / 2
}

TEST_CASE("bounce_rate: a session of exactly 10 s is not engaged, 10 s + 1 µs is", "[engagement]") {
  const Sessions ten{sess("a", day1).end(day1 + sec(10))};
  CHECK(engagement_of({}, ten).bounce_rate == 1.0);
  const Sessions longer{sess("a", day1).end(day1 + sec(10) + us(1))};
  CHECK(engagement_of({}, longer).bounce_rate == 0.0);
  // engaged_min_duration is config.
  cbf::Config five = at_as_of;
  five.engaged_min_duration = std::chrono::seconds{5};
  CHECK(cbf::engagement_features(cbf::no_records<cbf::Interaction>, ten, five).bounce_rate == 0.0);
}

TEST_CASE("bounce_rate: two page views engage a session of no duration", "[engagement]") {
  const Sessions s{sess("a", day1).end(day1), sess("b", day2).end(day2)};
  const Interactions e{ev("page_view", day1).session("a"), ev("product_view", day1).session("a"),
                       ev("page_view", day2).session("b"), ev("add_to_cart", day2).session("b")};
  const auto f = engagement_of(e, s);
  CHECK(f.bounce_rate == 0.5);  // a engaged (2 page views), b not (1 page view)
  CHECK(f.avg_session_duration == 0.0);
}

TEST_CASE("bounce_rate: a conversion alone engages a session", "[engagement]") {
  // Four sessions of 0 s with one page view each:
  //   a holds a checkout_completed → engaged;
  //   b has an attribution with its session_id → engaged;
  //   c's attribution has bad money → dropped, no conversion → bounce;
  //   d's attribution is after as_of → not used → bounce.
  const Sessions s{sess("a", day1).end(day1), sess("b", day2).end(day2), sess("c", day3).end(day3),
                   sess("d", day3 + days(1)).end(day3 + days(1))};
  const Interactions e{ev("page_view", day1).session("a"),
                       ev("checkout_completed", day1).session("a"),
                       ev("page_view", day2).session("b"), ev("page_view", day3).session("c"),
                       ev("page_view", day3 + days(1)).session("d")};
  const Attributions o{attr("o1", day2 + days(1), 5.0).session("b"),
                       attr("o2", day3, -5.0).session("c"),
                       attr("o3", as_of + sec(1), 5.0).session("d")};
  const auto f = engagement_of(e, s, o);
  CHECK(f.total_sessions == 4);
  CHECK(f.bounce_rate == 0.5);
}

TEST_CASE(
    "avg_session_duration uses the latest created_at + view_duration when end_time is missing",
    "[engagement]") {
  // Start 10:00; members 10:01 viewed 100 s (→ 10:02:40) and 10:02 viewed 5 s (→ 10:02:05):
  // end 10:02:40, d = 160 s.
  const Sessions s{sess("s", day1)};
  const Interactions e{ev("page_view", day1 + mins(1)).session("s").viewed(100.0),
                       ev("page_view", day1 + mins(2)).session("s").viewed(5.0)};
  CHECK(engagement_of(e, s).avg_session_duration == 160000000.0 / 60000000.0);
  // No member: d = 0.
  CHECK(engagement_of({}, s).avg_session_duration == 0.0);
  // Missing view durations count 0: end = 10:02.
  const Interactions plain{ev("page_view", day1 + mins(1)).session("s"),
                           ev("page_view", day1 + mins(2)).session("s")};
  CHECK(engagement_of(plain, s).avg_session_duration == 2.0);
}

TEST_CASE("a derived end is never before the session start", "[engagement]") {
  // The only member is 5 minutes before the session record's start: end = start, d = 0.
  const Sessions s{sess("s", day1)};
  const Interactions e{ev("page_view", day1 - mins(5)).session("s").viewed(60.0)};
  CHECK(engagement_of(e, s).avg_session_duration == 0.0);
}

TEST_CASE("a session whose end_time is before its start lasts 0", "[engagement]") {
  const Sessions s{sess("s", day1).end(day1 - sec(1)), sess("t", day2).end(day2 + mins(3))};
  const Interactions e{ev("page_view", day1 + mins(1)).session("s").viewed(30.0)};
  const auto ctx = cbf::make_context(cbf::no_records<cbf::Customer>, e, s,
                                     cbf::no_records<cbf::Attribution>, at_as_of);
  CHECK(ctx.diagnostics.session.end_before_start == 1);
  CHECK(ctx.diagnostics.session.used == 2);
  CHECK(cbf::engagement_features(ctx).avg_session_duration == 1.5);  // (0 + 3) / 2
}

TEST_CASE("an unparseable end_time is flagged and the end is derived", "[engagement]") {
  const Sessions s{sess("s", day1).end(cbf::TimeField::invalid())};
  const Interactions e{ev("page_view", day1 + mins(4)).session("s").viewed(60.0)};
  const auto ctx = cbf::make_context(cbf::no_records<cbf::Customer>, e, s,
                                     cbf::no_records<cbf::Attribution>, at_as_of);
  CHECK(ctx.diagnostics.session.bad_end_time == 1);
  CHECK(ctx.diagnostics.session.used == 1);
  CHECK(cbf::engagement_features(ctx).avg_session_duration == 5.0);  // 4 min + 60 s
}

TEST_CASE("a session that ends after as_of is cut at as_of", "[engagement]") {
  // Starts 2 min before as_of, ends an hour after: d = 2 min.
  const Sessions s{sess("s", as_of - mins(2)).end(as_of + mins(60))};
  CHECK(engagement_of({}, s).avg_session_duration == 2.0);
  // A derived end past as_of is cut too: member at as_of − 1 min viewed 600 s.
  const Sessions open{sess("s", as_of - mins(2))};
  const Interactions e{ev("page_view", as_of - mins(1)).session("s").viewed(600.0)};
  CHECK(engagement_of(e, open).avg_session_duration == 2.0);
  // A session starting exactly at as_of is used and lasts 0.
  const Sessions at{sess("s", as_of).end(as_of + mins(5))};
  const auto f = engagement_of({}, at);
  CHECK(f.total_sessions == 1);
  CHECK(f.avg_session_duration == 0.0);
}

TEST_CASE("total_sessions counts a duplicated session id once", "[engagement]") {
  // The first s1 in input order is kept (3 min); the second (30 min) is a duplicate.
  const Sessions s{sess("s1", day1).end(day1 + mins(3)), sess("s2", day2).end(day2 + mins(1)),
                   sess("s1", day1 - days(1)).end(day1 + mins(30))};
  const auto ctx =
      cbf::make_context(cbf::no_records<cbf::Customer>, cbf::no_records<cbf::Interaction>, s,
                        cbf::no_records<cbf::Attribution>, at_as_of);
  CHECK(ctx.diagnostics.session.duplicate_session == 1);
  const auto f = cbf::engagement_features(ctx);
  CHECK(f.total_sessions == 2);
  CHECK(f.avg_session_duration == 2.0);  // (3 + 1) / 2
}

TEST_CASE("engagement features use derived sessions when no Session record is used",
          "[engagement]") {
  // No session ids: 10:00, 10:10, 10:40 (gap exactly 30 min: same session), 11:11 (gap 31 min:
  // new session). Sessions [10:00–10:40] and [11:11–11:11]: avg (40 + 0) / 2 = 20 min.
  const Interactions e{ev("page_view", day1), ev("page_view", day1 + mins(10)),
                       ev("page_view", day1 + mins(40)), ev("page_view", day1 + mins(71))};
  const auto f = cbf::engagement_features(e, cbf::no_records<cbf::Session>, at_as_of);
  CHECK(f.total_sessions == 2);
  CHECK(f.avg_session_duration == 20.0);
  CHECK(f.page_views_per_session == 2.0);
  CHECK(f.bounce_rate == 0.5);  // the single-page 0 s session bounces

  // A Session record after as_of is not used, so sessions are still derived.
  const Sessions late{sess("x", as_of + sec(1)).end(as_of + mins(9))};
  CHECK(same(cbf::engagement_features(e, late, at_as_of), f));
}

TEST_CASE("engagement features do not depend on the order of the inputs", "[engagement]") {
  const auto base = engagement_of(typical_events(), typical_sessions());
  for (std::uint64_t seed = 1; seed <= 8; ++seed)
    CHECK(same(engagement_of(shuffled(typical_events(), seed), shuffled(typical_sessions(), seed)),
               base));
  // Derived sessions too (distinct times).
  const Interactions derived{ev("page_view", day1), ev("search", day1 + mins(10)),
                             ev("page_view", day1 + mins(50)).viewed(30.0),
                             ev("product_view", day2).session("x"),
                             ev("product_view", day2 + mins(1)).session("y")};
  const auto d = engagement_of(derived, {});
  CHECK(d.total_sessions == 4);
  for (std::uint64_t seed = 1; seed <= 8; ++seed)
    CHECK(same(engagement_of(shuffled(derived, seed), {}), d));
}

TEST_CASE("engagement features read host records adapted through record_traits and by member",
          "[engagement]") {
  namespace chr = std::chrono;
  const auto secs = [](cbf::Timestamp t) { return chr::floor<chr::seconds>(t); };
  // The typical sessions as Visit rows (s1 5 min, s2 10 s, s3 with a missing end_time whose end
  // comes from its member: 12 s in view → engaged).
  const std::vector<Visit> visits{
      {"c1", "s1", secs(day1), chr::time_point_cast<chr::milliseconds>(day1 + mins(5))},
      {"c1", "s2", secs(day2), chr::time_point_cast<chr::milliseconds>(day2 + sec(10))},
      {"c1", "s3", secs(day3), std::nullopt}};
  const std::vector<Hit> hits{{"c1", "s1", "page_view", secs(day1), 0},
                              {"c1", "s1", "product_view", secs(day1 + mins(1)), 0},
                              {"c1", "s1", "collection_view", secs(day1 + mins(2)), 0},
                              {"c1", "s2", "page_view", secs(day2), 0},
                              {"c1", "s3", "search", secs(day3), 12}};
  const auto f = cbf::engagement_features(hits, visits, at_as_of);
  CHECK(f.total_sessions == 3);
  CHECK(f.avg_session_duration == 322000000.0 / 180000000.0);  // (300 + 10 + 12) s / 3
  CHECK(f.page_views_per_session == 5.0 / 3.0);
  CHECK(f.bounce_rate == 1.0 / 3.0);
}
