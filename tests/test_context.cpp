// The context every family reads (contract §0, §1, §3, §4): time order, sessions real and derived,
// session ends, conversion, orders, first_seen and tenure, and diagnostics.
#include <catch2/catch.hpp>
#include <cbf/cbf.hpp>

#include "support.hpp"

#include <range/v3/view/concat.hpp>
#include <range/v3/view/filter.hpp>

#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

using namespace cbf_test;

namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

cbf::CustomerContext context_of(const Interactions& events, const Sessions& sessions = {},
                                const Attributions& orders = {},
                                const cbf::Config& config = at_as_of) {
  return cbf::make_context(cbf::no_records<cbf::Customer>, events, sessions, orders, config);
}

using Inputs = std::vector<std::uint32_t>;

}  // namespace

// ---- time order ---------------------------------------------------------------------------------

TEST_CASE("interactions are in time order; at equal times page_view kind first, then input order",
          "[context]") {
  const Interactions e{
      ev("search", t0 + sec(1)),           // 0
      ev("product_view", t0),              // 1: a page-view kind by default, but not page_view
      ev("collection_view", t0),           // 2
      ev("page_view", t0),                 // 3
      ev("add_to_cart", t0),               // 4
      ev(" PageView ", t0),                // 5: page_view kind too
      ev("collection_view", t0 - sec(1)),  // 6
  };
  const auto ctx = context_of(e);
  CHECK(input_order(ctx) == Inputs{6, 3, 5, 1, 2, 4, 0});
  // The order does not depend on page_view_kinds.
  CHECK(input_order(context_of(e, {}, {}, shopify_as_of)) == Inputs{6, 3, 5, 1, 2, 4, 0});
}

TEST_CASE("interactions in reverse or shuffled order come out in the one time order", "[context]") {
  // Reversed input costs more moves than insertion is allowed, so the comparison sort finishes.
  Interactions reversed;
  for (int i = 0; i < 300; ++i) {
    const auto at = t0 + sec(300 - i / 2);  // pairs at equal times
    reversed.push_back(ev(i % 3 == 0 ? "page_view" : "search", at));
  }
  const auto ctx = context_of(reversed);
  REQUIRE(ctx.interactions.size() == 300);
  for (std::size_t k = 1; k < ctx.interactions.size(); ++k) {
    const auto& a = ctx.interactions[k - 1];
    const auto& b = ctx.interactions[k];
    INFO(k);
    REQUIRE(a.time <= b.time);
    if (a.time == b.time) {
      const bool pa = a.kind == cbf::EventKind::page_view, pb = b.kind == cbf::EventKind::page_view;
      CHECK((pa > pb || (pa == pb && a.input_index < b.input_index)));
    }
  }
  // The earliest time, t0 + 151 s, is shared by 298 and 299, two searches: input order. Then
  // t0 + 152 s by 296 (a search) and 297 (a page_view, 297 % 3 == 0): the page_view first.
  CHECK(ctx.interactions[0].input_index == 298);
  CHECK(ctx.interactions[1].input_index == 299);
  CHECK(ctx.interactions[2].input_index == 297);
  CHECK(ctx.interactions[3].input_index == 296);
}

TEST_CASE("sessions logged one after another out of time order come out in time order",
          "[context]") {
  // 30 runs of 7 rows in time order each (a session's events), the runs in shuffled order, with
  // ties across runs: the runs are merged.
  constexpr int runs = 30, per_run = 7;
  Interactions e;
  for (int k = 0; k < runs; ++k) {
    const int start = (k * 17) % runs * 5;  // 17 is prime to 30: every start once, shuffled
    for (int j = 0; j < per_run; ++j)
      e.push_back(ev(j % 3 == 1 ? "page_view" : "search", t0 + sec(start + j)));
  }
  const auto ctx = context_of(e);
  REQUIRE(ctx.interactions.size() == std::size_t{runs * per_run});
  // Expected: by time, then page_view first, then input order (the contract's order, by hand:
  // each time t is reached by the runs whose start is t - j for some j < 7).
  Inputs expected;
  for (int t = 0; t < runs * 5 + per_run; ++t) {
    Inputs page_views, others;
    for (int k = 0; k < runs; ++k) {
      const int j = t - (k * 17) % runs * 5;
      if (j < 0 || j >= per_run) continue;
      (j % 3 == 1 ? page_views : others).push_back(static_cast<std::uint32_t>(k * per_run + j));
    }
    expected.insert(expected.end(), page_views.begin(), page_views.end());
    expected.insert(expected.end(), others.begin(), others.end());
  }
  CHECK(input_order(ctx) == expected);
}

TEST_CASE("sessions logged whole but out of time order are laid one after another", "[context]") {
  // 20 runs of 6 rows (a session's events), the runs in shuffled order and disjoint in time:
  // run k covers seconds 10·s .. 10·s + 5 with s = 7k mod 20 (7 is prime to 20), a page_view at
  // its third row. Expected by hand: the runs by s, each in its own order.
  constexpr int runs = 20, per_run = 6;
  Interactions e;
  for (int k = 0; k < runs; ++k)
    for (int j = 0; j < per_run; ++j)
      e.push_back(ev(j == 2 ? "page_view" : "search", t0 + sec((k * 7) % runs * 10 + j)));
  const auto ctx = context_of(e);
  Inputs expected;
  for (int s = 0; s < runs; ++s) {
    int k = 0;
    while ((k * 7) % runs != s) ++k;
    for (int j = 0; j < per_run; ++j)
      expected.push_back(static_cast<std::uint32_t>(k * per_run + j));
  }
  CHECK(input_order(ctx) == expected);
}

TEST_CASE("runs that touch at one time are laid in order only when their rows already are",
          "[context]") {
  // Three runs of three searches: run 0 at seconds 4..6, run 1 at 0..2, run 2 at 2..4. Run 2's
  // first row ties run 1's last at second 2 and comes later in the input (fine to lay after), and
  // its last row ties run 0's first at second 4 but comes later in the input than it: the runs
  // interleave there, and the order must still be time, then input order.
  Interactions e;
  for (const int start : {4, 0, 2})
    for (int j = 0; j < 3; ++j) e.push_back(ev("search", t0 + sec(start + j)));
  const auto ctx = context_of(e);
  // Second 0: 3; 1: 4; 2: 5, 6; 3: 7; 4: 0, 8; 5: 1; 6: 2.
  CHECK(input_order(ctx) == Inputs{3, 4, 5, 6, 7, 0, 8, 1, 2});
}

TEST_CASE("blocks of sessions are laid whole only when they do not interleave", "[context]") {
  // lay_blocks itself: the sort falls back to merging when it declines, so only a direct call
  // shows which way did the work.
  const auto row = [](int second, std::uint32_t session, std::uint32_t input) {
    cbf::InteractionRow r;
    r.time = t0 + sec(second);
    r.session_id = session;
    r.input_index = input;
    r.kind = cbf::EventKind::search;
    return r;
  };
  cbf::detail::TimeOrderScratch scratch;
  // Sessions 1, 2, 3 at seconds 20.., 0.., 10.., four rows each: laid as 2, 3, 1.
  std::vector<cbf::InteractionRow> rows;
  for (const auto& [session, start] : {std::pair{1u, 20}, {2u, 0}, {3u, 10}})
    for (int j = 0; j < 4; ++j)
      rows.push_back(row(start + j, session, static_cast<std::uint32_t>(rows.size())));
  REQUIRE(cbf::detail::lay_blocks(rows, scratch));
  std::vector<std::uint32_t> order;
  for (const auto& r : rows) order.push_back(r.input_index);
  CHECK(order == std::vector<std::uint32_t>{4, 5, 6, 7, 8, 9, 10, 11, 0, 1, 2, 3});
  // Session 3 now starts at second 2, inside session 2: declined, rows untouched.
  rows.clear();
  for (const auto& [session, start] : {std::pair{1u, 20}, {2u, 0}, {3u, 2}})
    for (int j = 0; j < 4; ++j)
      rows.push_back(row(start + j, session, static_cast<std::uint32_t>(rows.size())));
  const auto before = rows;
  CHECK_FALSE(cbf::detail::lay_blocks(rows, scratch));
  CHECK(std::equal(rows.begin(), rows.end(), before.begin(), before.end(),
                   [](const auto& a, const auto& b) { return a.input_index == b.input_index; }));
}

TEST_CASE("late events logged after many others come out in time order", "[context]") {
  // Few rows out of place but far: insertion runs out of its budget and a sort finishes.
  Interactions e;
  for (int i = 0; i < 100; ++i) e.push_back(ev("search", t0 + sec(100 + i)));
  for (int i = 0; i < 10; ++i) e.push_back(ev(i == 9 ? "page_view" : "search", t0 + sec(i / 2)));
  const auto ctx = context_of(e);
  REQUIRE(ctx.interactions.size() == 110);
  // t0: 100, 101; t0 + 1 s: 102, 103; …; t0 + 4 s: 109 (the page_view) before 108.
  CHECK(input_order(ctx) == [] {
    Inputs v{100, 101, 102, 103, 104, 105, 106, 107, 109, 108};
    for (std::uint32_t i = 0; i < 100; ++i) v.push_back(i);
    return v;
  }());
}

// ---- record sessions ----------------------------------------------------------------------------

TEST_CASE("interactions join the record session with exactly their session_id", "[context]") {
  const Sessions s{sess("s1", t0 + mins(10)), sess("S1", t0)};
  const Interactions e{ev("page_view", t0 + mins(11)).session("s1"),   // 0 → s1
                       ev("page_view", t0 + mins(1)).session("S1"),    // 1 → S1
                       ev("page_view", t0 + mins(12)).session("s1 "),  // 2 → none ("s1 " ≠ "s1")
                       ev("page_view", t0 + mins(13)),                 // 3 → none
                       ev("page_view", t0 + mins(14)).session("s1")};  // 4 → s1
  const auto ctx = context_of(e, s);
  CHECK_FALSE(ctx.sessions_derived);
  REQUIRE(ctx.sessions.size() == 2);
  // Sessions are ordered by start: S1 (t0), s1 (t0 + 10 min).
  CHECK(ctx.session_id_text(ctx.sessions[0].session_id) == "S1");
  CHECK(ctx.session_id_text(ctx.sessions[1].session_id) == "s1");
  CHECK(member_inputs(ctx, 0) == Inputs{1});
  CHECK(member_inputs(ctx, 1) == Inputs{0, 4});
  CHECK(ctx.interactions.size() == 5);  // unmatched interactions are still used
  CHECK(ctx.sessions[1].page_views == 2);
}

TEST_CASE("a session's members interleaved with another's are folded as one walk", "[context]") {
  // Record sessions A and B overlap in time. A's walk (its first product, the kind before each
  // product view) goes on across B's members between its own.
  const Sessions s{sess("A", t0), sess("B", t0 + sec(1))};
  const Interactions e{ev("product_view", t0 + sec(1)).session("A").product("p1"),
                       ev("search", t0 + sec(2)).session("B"),
                       ev("page_view", t0 + sec(3)).session("A"),
                       ev("product_view", t0 + sec(4)).session("B").product("p2"),
                       ev("product_view", t0 + sec(5)).session("A").product("p3"),
                       ev("add_to_cart", t0 + sec(6)).session("B"),
                       ev("product_view", t0 + sec(7)).session("A").product("p1")};
  const auto ctx = context_of(e, s);
  REQUIRE(ctx.sessions.size() == 2);
  CHECK(member_inputs(ctx, 0) == Inputs{0, 2, 4, 6});
  CHECK(member_inputs(ctx, 1) == Inputs{1, 3, 5});
  CHECK(ctx.sessions[0].page_views == 4);  // product and page views: default page-view kinds
  CHECK(ctx.sessions[1].page_views == 2);  // the search and the product view
  CHECK(ctx.sessions[0].activity.compared_products);  // p3 differs from A's first, p1
  CHECK_FALSE(ctx.sessions[0].activity.added_to_cart);
  CHECK(ctx.sessions[1].activity.added_to_cart);
  CHECK_FALSE(ctx.sessions[1].activity.compared_products);             // p2 alone
  using Votes = std::array<std::int64_t, cbf::discovery_label_count>;  // search, browse, related,
                                                                       // direct, cart
  // A's p1 direct; B's p2 after B's search; A's p3 after A's page_view, browse; A's second p1
  // after p3, related.
  CHECK(ctx.product_view_votes == Votes{1, 1, 1, 1, 0});
  // With paired page views, A's page_view is skipped: p3 comes after A's p1, related.
  cbf::Config paired = at_as_of;
  paired.paired_page_views = true;
  CHECK(context_of(e, s, {}, paired).product_view_votes == Votes{1, 0, 2, 1, 0});
}

TEST_CASE("when every Session record is filtered the sessions are derived", "[context]") {
  const Sessions s{sess("s1", as_of + sec(1)), sess("", t0)};
  const Interactions e{ev("page_view", t0).session("s1")};
  const auto ctx = context_of(e, s);
  CHECK(ctx.sessions_derived);
  REQUIRE(ctx.sessions.size() == 1);
  CHECK(ctx.session_id_text(ctx.sessions[0].session_id) == "s1");
  CHECK(ctx.sessions[0].start == t0);
}

// ---- derived sessions ---------------------------------------------------------------------------

TEST_CASE("a derived session starts when the session_id changes", "[context]") {
  const Interactions e{ev("page_view", t0).session("a"), ev("search", t0 + mins(1)).session("a"),
                       ev("page_view", t0 + mins(2)).session("b"),
                       ev("page_view", t0 + mins(3)).session("b")};
  const auto ctx = context_of(e);
  CHECK(ctx.sessions_derived);
  REQUIRE(ctx.sessions.size() == 2);
  CHECK(ctx.session_id_text(ctx.sessions[0].session_id) == "a");
  CHECK(ctx.sessions[0].start == t0);
  CHECK(ctx.sessions[0].end == t0 + mins(1));
  CHECK(ctx.session_id_text(ctx.sessions[1].session_id) == "b");
  CHECK(ctx.sessions[1].start == t0 + mins(2));
  CHECK(member_inputs(ctx, 0) == Inputs{0, 1});
  CHECK(member_inputs(ctx, 1) == Inputs{2, 3});
}

TEST_CASE("interactions without session_id split on a gap longer than the timeout, not equal to it",
          "[context]") {
  // 0, +30 min (gap exactly 30: same), +60 min + 1 µs (gap 30 min + 1 µs: new session).
  const Interactions e{ev("page_view", t0), ev("page_view", t0 + mins(30)),
                       ev("page_view", t0 + mins(60) + us(1))};
  const auto ctx = context_of(e);
  REQUIRE(ctx.sessions.size() == 2);
  CHECK(ctx.sessions[0].start == t0);
  CHECK(ctx.sessions[0].end == t0 + mins(30));
  CHECK(ctx.session_id_text(ctx.sessions[0].session_id).empty());
  CHECK(ctx.sessions[1].start == t0 + mins(60) + us(1));
  // session_timeout is config: 10 min splits all three.
  cbf::Config ten = at_as_of;
  ten.session_timeout = mins(10);
  CHECK(context_of(e, {}, {}, ten).sessions.size() == 3);
}

TEST_CASE("an interaction without session_id joins the current id'd session within the timeout",
          "[context]") {
  // a@0, (none)@+10 joins a; (none)@+50 (gap 40) starts a session with an empty id; a@+55 has an
  // id that differs from "" → new session; a@+4h keeps the same id → joins, whatever the gap.
  const Interactions e{ev("page_view", t0).session("a"), ev("page_view", t0 + mins(10)),
                       ev("page_view", t0 + mins(50)), ev("page_view", t0 + mins(55)).session("a"),
                       ev("page_view", t0 + mins(240)).session("a")};
  const auto ctx = context_of(e);
  REQUIRE(ctx.sessions.size() == 3);
  CHECK(ctx.session_id_text(ctx.sessions[0].session_id) == "a");
  CHECK(member_inputs(ctx, 0) == Inputs{0, 1});
  CHECK(ctx.session_id_text(ctx.sessions[1].session_id).empty());
  CHECK(member_inputs(ctx, 1) == Inputs{2});
  CHECK(ctx.session_id_text(ctx.sessions[2].session_id) == "a");
  CHECK(member_inputs(ctx, 2) == Inputs{3, 4});
  CHECK(ctx.sessions[2].duration() == mins(185));
}

TEST_CASE("ids A, B, A give three derived sessions and an attribution converts both A sessions",
          "[context]") {
  const Interactions e{ev("page_view", t0).session("A"), ev("page_view", t0 + mins(1)).session("B"),
                       ev("page_view", t0 + mins(2)).session("A")};
  const Attributions o{attr("o1", t0 + mins(5), 9.0).session("A")};
  const auto ctx = context_of(e, {}, o);
  REQUIRE(ctx.sessions.size() == 3);
  CHECK(ctx.session_id_text(ctx.sessions[0].session_id) == "A");
  CHECK(ctx.session_id_text(ctx.sessions[1].session_id) == "B");
  CHECK(ctx.session_id_text(ctx.sessions[2].session_id) == "A");
  CHECK(ctx.sessions[0].conversion_time == t0 + mins(5));
  CHECK_FALSE(ctx.sessions[1].converts());
  CHECK(ctx.sessions[2].conversion_time == t0 + mins(5));
  // Both A sessions are engaged by the conversion alone; B bounces.
  CHECK(cbf::engagement_features(ctx).bounce_rate == 1.0 / 3.0);
}

TEST_CASE("a derived session ends at the latest created_at + view_duration of its members",
          "[context]") {
  const Interactions e{ev("page_view", t0).viewed(600.0),
                       ev("page_view", t0 + mins(2)).viewed(1.0)};
  const auto ctx = context_of(e);
  REQUIRE(ctx.sessions.size() == 1);
  CHECK(ctx.sessions[0].end == t0 + mins(10));  // max(t0 + 600 s, t0 + 121 s)
}

// ---- session ends -------------------------------------------------------------------------------

TEST_CASE("session ends follow the end_time rules", "[context]") {
  const Sessions s{
      sess("given", t0).end(t0 + mins(3)),                       // end as given
      sess("missing", t0 + days(1)),                             // from members
      sess("before", t0 + days(2)).end(t0 + days(2) - sec(1)),   // end = start, flag
      sess("bad", t0 + days(3)).end(cbf::TimeField::invalid()),  // from members, flag
      sess("late", as_of - mins(1)).end(as_of + days(400)),      // cut at as_of
      sess("empty", t0 + days(4)),                               // no member: start
  };
  const Interactions e{
      ev("page_view", t0 + mins(10)).session("given").viewed(60.0),  // ignored: end_time given
      ev("page_view", t0 + days(1) + mins(2)).session("missing").viewed(30.0),
      ev("page_view", t0 + days(2) + mins(1)).session("before"),
      ev("page_view", t0 + days(3) + mins(4)).session("bad").viewed(6.0),
  };
  const auto ctx = context_of(e, s);
  REQUIRE(ctx.sessions.size() == 6);
  const auto find = [&](std::string_view id) -> const cbf::SessionRow& {
    for (const auto& row : ctx.sessions)
      if (ctx.session_id_text(row.session_id) == id) return row;
    FAIL("no session " << id);
    return ctx.sessions.front();
  };
  CHECK(find("given").duration() == mins(3));
  CHECK(find("missing").end == t0 + days(1) + mins(2) + sec(30));
  CHECK(find("before").duration() == us(0));
  CHECK(find("before").end == t0 + days(2));
  CHECK(find("bad").end == t0 + days(3) + mins(4) + sec(6));
  CHECK(find("late").end == as_of);
  CHECK(find("late").duration() == mins(1));
  CHECK(find("empty").duration() == us(0));
  CHECK(ctx.diagnostics.session.end_before_start == 1);
  CHECK(ctx.diagnostics.session.bad_end_time == 1);
  CHECK(ctx.diagnostics.session.used == 6);
}

TEST_CASE("a session's interactions after as_of are not used and do not extend it", "[context]") {
  const Sessions s{sess("s", as_of - mins(10))};
  const Interactions e{ev("page_view", as_of - mins(5)).session("s"),
                       ev("page_view", as_of + mins(5)).session("s")};
  const auto ctx = context_of(e, s);
  CHECK(ctx.diagnostics.interaction.after_as_of == 1);
  REQUIRE(ctx.sessions.size() == 1);
  CHECK(ctx.sessions[0].end == as_of - mins(5));
  CHECK(ctx.sessions[0].page_views == 1);
}

// ---- duplicates and devices ---------------------------------------------------------------------

TEST_CASE("duplicate Session records count once: the first in input order is kept", "[context]") {
  const Sessions s{sess("d", t0 + mins(5)).end(t0 + mins(6)).device("tablet"),
                   sess("d", t0).end(t0 + mins(20)).device("desktop"),
                   sess("d", t0 + mins(1)).end(cbf::TimeField::invalid())};
  const auto ctx = context_of({}, s);
  REQUIRE(ctx.sessions.size() == 1);
  CHECK(ctx.sessions[0].start == t0 + mins(5));
  CHECK(ctx.sessions[0].end == t0 + mins(6));
  CHECK(ctx.label_text(ctx.sessions[0].device_type) == "tablet");
  CHECK(ctx.diagnostics.session.duplicate_session == 2);
  CHECK(ctx.diagnostics.session.used == 1);
  CHECK(ctx.diagnostics.session.bad_end_time == 0);  // flags only on used records

  // Only in-window records are compared: a first copy after as_of is after_as_of, not the kept one.
  const Sessions w{sess("d", as_of + sec(1)), sess("d", t0), sess("d", as_of + sec(2))};
  const auto c2 = context_of({}, w);
  CHECK(c2.diagnostics.session.used == 1);
  CHECK(c2.diagnostics.session.after_as_of == 2);
  CHECK(c2.diagnostics.session.duplicate_session == 0);
}

TEST_CASE("a session without a device takes that of its first member with one, in time order",
          "[context]") {
  const Sessions s{sess("s", t0), sess("own", t0 + days(1)).device("  Tablet ")};
  const Interactions e{ev("search", t0 + mins(3)).session("s").device("desktop"),
                       ev("page_view", t0 + mins(2)).session("s").device(" Mobile "),
                       ev("product_view", t0 + mins(1)).session("s").device("   "),
                       ev("page_view", t0 + days(1)).session("own").device("phone")};
  const auto ctx = context_of(e, s);
  REQUIRE(ctx.sessions.size() == 2);
  CHECK(ctx.label_text(ctx.sessions[0].device_type) == "mobile");  // labels are normalised
  CHECK(ctx.label_text(ctx.sessions[1].device_type) == "tablet");
  // Derived sessions likewise.
  const auto derived = context_of(e);
  REQUIRE(derived.sessions.size() == 2);
  CHECK(derived.label_text(derived.sessions[0].device_type) == "mobile");
  CHECK(derived.label_text(derived.sessions[1].device_type) == "phone");
}

TEST_CASE("the shopify preset counts only page_view events as page views", "[context]") {
  const Interactions e{ev("page_viewed", t0), ev("product_viewed", t0),
                       ev("page_viewed", t0 + sec(5)), ev("collection_viewed", t0 + sec(5)),
                       ev("search_submitted", t0 + sec(9))};
  CHECK(context_of(e).sessions.at(0).page_views == 5);
  CHECK(context_of(e, {}, {}, shopify_as_of).sessions.at(0).page_views == 2);
}

// ---- conversion and orders ----------------------------------------------------------------------

TEST_CASE("a session converts at its earliest checkout_completed or attribution", "[context]") {
  const Sessions s{sess("a", t0), sess("b", t0 + days(1)), sess("c", t0 + days(2))};
  const Interactions e{ev("checkout_completed", t0 + mins(9)).session("a"),
                       ev("purchase", t0 + mins(7)).session("a"),
                       ev("transaction", t0 + days(1) + mins(9)).session("b"),
                       ev("checkout_started", t0 + days(2)).session("c")};
  const Attributions o{
      attr("o1", t0 + days(1) + mins(3), 1.0).session("b"),
      attr("o2", t0 + days(5), 1.0).session("nowhere"),
      attr("o3", t0 + days(2), not_a_number).session("c")};  // bad money: no conversion
  const auto ctx = context_of(e, s, o);
  REQUIRE(ctx.sessions.size() == 3);
  CHECK(ctx.sessions[0].conversion_time == t0 + mins(7));
  CHECK(ctx.sessions[1].conversion_time == t0 + days(1) + mins(3));
  CHECK_FALSE(ctx.sessions[2].converts());
}

TEST_CASE("orders take the earliest row time and the sum of row values, sorted by time",
          "[context]") {
  const Attributions o{attr("z", t0 + days(1), 1.5), attr("y", t0 + days(3), 2.0),
                       attr("z", t0 + days(4), 2.25), attr("x", t0 + days(1), 4.0),
                       attr("y", t0 + days(2))};
  const auto ctx = context_of({}, {}, o);
  REQUIRE(ctx.orders.size() == 3);
  // By time, then order_id: x (day 1), z (day 1), y (day 2).
  CHECK(ctx.order_id_text(ctx.orders[0].order_id) == "x");
  CHECK(ctx.orders[0].value == 4.0);
  CHECK(ctx.order_id_text(ctx.orders[1].order_id) == "z");
  CHECK(ctx.orders[1].time == t0 + days(1));
  CHECK(ctx.orders[1].value == 3.75);
  CHECK(ctx.order_id_text(ctx.orders[2].order_id) == "y");
  CHECK(ctx.orders[2].time == t0 + days(2));
  CHECK(ctx.orders[2].value == 2.0);
  // Attributions stay in input order.
  REQUIRE(ctx.attributions.size() == 5);
  CHECK(ctx.order_id_text(ctx.attributions[0].order_id) == "z");
  CHECK(ctx.attributions[4].input_index == 4);
}

// ---- first_seen and tenure ----------------------------------------------------------------------

TEST_CASE("first_seen is the customer's created_at, else the earliest used stamp", "[context]") {
  const Interactions e{ev("page_view", as_of - months(3))};
  const Sessions s{sess("s", as_of - months(4))};
  const Attributions o{attr("o", as_of - months(5), 1.0), attr("late", as_of + sec(1), 1.0)};
  const Customers c{cust("c1", as_of - months(2))};
  const auto with_row = cbf::make_context(c, e, s, o, at_as_of);
  CHECK(with_row.first_seen == as_of - months(2));
  CHECK(with_row.tenure_months() == 2.0);

  const auto fallback = context_of(e, s, o);
  CHECK(fallback.first_seen == as_of - months(5));
  CHECK(fallback.tenure_months() == 5.0);

  // Sessions count with their start; records before the lookback are not used.
  cbf::Config lookback = at_as_of;
  lookback.lookback = days(135);  // as_of − 135 d excludes the attribution (≈ 152 d)
  const auto windowed = context_of(e, s, o, lookback);
  CHECK(windowed.first_seen == as_of - months(4));

  // Nothing seen: no first_seen, tenure 1.
  const auto nothing = context_of({});
  CHECK_FALSE(nothing.first_seen);
  CHECK(nothing.tenure_months() == 1.0);
}

TEST_CASE("tenure_months is max(1, microseconds / 2629746000000) in one division", "[context]") {
  const auto tenure = [](cbf::Duration ago) {
    return context_of(Interactions{ev("page_view", as_of - ago)}).tenure_months();
  };
  CHECK(tenure(months(7) + us(1)) == 18408222000001.0 / 2629746000000.0);
  CHECK(tenure(days(45)) == 3888000000000.0 / 2629746000000.0);
  CHECK(tenure(months(1)) == 1.0);
  CHECK(tenure(months(1) - us(1)) == 1.0);  // clamped
  CHECK(tenure(us(0)) == 1.0);
}

// ---- view_duration ------------------------------------------------------------------------------

TEST_CASE("view_duration is rounded to microseconds ties-to-even and bad values are flagged",
          "[context]") {
  const Interactions e{ev("page_view", t0).viewed(2.5e-6),                 // 2.5 µs → 2
                       ev("page_view", t0 + sec(1)).viewed(1.5e-6),        // 1.5 µs → 2
                       ev("page_view", t0 + sec(2)).viewed(0.5e-6),        // 0.5 µs → 0
                       ev("page_view", t0 + sec(3)).viewed(1e9),           // the maximum
                       ev("page_view", t0 + sec(4)).viewed(-0.0),          // 0
                       ev("page_view", t0 + sec(5)).viewed(1e9 + 1),       // bad → 0
                       ev("page_view", t0 + sec(6)).viewed(-1.0),          // bad → 0
                       ev("page_view", t0 + sec(7)).viewed(not_a_number),  // bad → 0
                       ev("page_view", t0 + sec(8)).viewed(std::numeric_limits<double>::infinity()),
                       ev("page_view", t0 + sec(9))};  // missing → 0
  const auto ctx = context_of(e);
  REQUIRE(ctx.interactions.size() == 10);
  const std::vector<cbf::Duration> expected{us(2), us(2), us(0), sec(1000000000), us(0),
                                            us(0), us(0), us(0), us(0),           us(0)};
  for (std::size_t i = 0; i < 10; ++i) {
    INFO("interaction " << i);
    CHECK(ctx.interactions[i].view_end - ctx.interactions[i].time == expected[i]);
  }
  CHECK(ctx.diagnostics.interaction.bad_view_duration == 4);
  CHECK(ctx.diagnostics.interaction.used == 10);
}

// ---- diagnostics --------------------------------------------------------------------------------

TEST_CASE("every interaction gets exactly one reason and used ones may be flagged",
          "[context][diagnostics]") {
  cbf::Config config = at_as_of;
  config.lookback = days(30);
  const Interactions e{
      ev("page_view", as_of - days(1)).viewed(5.0),            // used
      ev("page_view", as_of - days(1)).customer(""),           // missing_field
      ev("  ", as_of - days(1)),                               // missing_field (blank)
      ev("page_view", {}),                                     // missing_field (no created_at)
      ev("page_view", cbf::TimeField::invalid()),              // bad_timestamp
      ev("page_view", as_of + us(1)),                          // after_as_of
      ev("page_view", as_of - days(30) - us(1)),               // before_lookback
      ev("page_view", as_of - days(30)).viewed(not_a_number),  // used, bad_view_duration
      ev("page_view", as_of + days(1)).viewed(not_a_number),   // after_as_of, not flagged
      ev("page_view", as_of).viewed(-1.0),                     // used, bad_view_duration
      ev("", as_of + days(1)),                                 // missing_field before after_as_of
      ev("", cbf::TimeField::invalid()),                       // missing_field before bad_timestamp
  };
  const auto d = context_of(e, {}, {}, config).diagnostics.interaction;
  CHECK(d.used == 3);
  CHECK(d.missing_field == 5);
  CHECK(d.bad_timestamp == 1);
  CHECK(d.after_as_of == 2);
  CHECK(d.before_lookback == 1);
  CHECK(d.empty_order_id == 0);
  CHECK(d.bad_money == 0);
  CHECK(d.duplicate_session == 0);
  CHECK(d.duplicate_customer == 0);
  CHECK(d.bad_view_duration == 2);
  CHECK(d.total() == static_cast<std::int64_t>(e.size()));
}

TEST_CASE("every session gets exactly one reason and used ones may be flagged",
          "[context][diagnostics]") {
  cbf::Config config = at_as_of;
  config.lookback = days(30);
  const Sessions s{
      sess("s1", as_of - days(2)).end(as_of - days(2) + mins(5)),    // used
      sess("", as_of - days(2)),                                     // missing_field
      sess("s2", {}),                                                // missing_field
      sess("s3", cbf::TimeField::invalid()),                         // bad_timestamp
      sess("s4", as_of + us(1)),                                     // after_as_of
      sess("s5", as_of - days(30) - us(1)),                          // before_lookback
      sess("s1", as_of - days(3)),                                   // duplicate_session
      sess("s6", as_of - days(30)).end(as_of - days(31)),            // used, end_before_start
      sess("s7", as_of).end(cbf::TimeField::invalid()),              // used, bad_end_time
      sess("s8", as_of - days(2)).customer(""),                      // missing_field
      sess("s4", as_of - days(1)),                                   // used (s4 above was late)
      sess("", cbf::TimeField::invalid()),                           // missing_field first
      sess("s9", as_of + days(1)).end(as_of),                        // after_as_of, no flag
      sess("s10", as_of - days(40)).end(cbf::TimeField::invalid()),  // before_lookback, no flag
      sess("s1", as_of + days(1)),                                   // after_as_of, not duplicate
  };
  const auto d = context_of({}, s, {}, config).diagnostics.session;
  CHECK(d.used == 4);
  CHECK(d.missing_field == 4);
  CHECK(d.bad_timestamp == 1);
  CHECK(d.after_as_of == 3);
  CHECK(d.before_lookback == 2);
  CHECK(d.duplicate_session == 1);
  CHECK(d.end_before_start == 1);
  CHECK(d.bad_end_time == 1);
  CHECK(d.bad_view_duration == 0);
  CHECK(d.total() == static_cast<std::int64_t>(s.size()));
}

TEST_CASE("every attribution gets exactly one reason, the first in the contract's order",
          "[context][diagnostics]") {
  cbf::Config config = at_as_of;
  config.lookback = days(30);
  const Attributions o{
      attr("o1", as_of - days(1), 10.0),              // used
      attr("o2", as_of - days(1), 1.0).customer(""),  // missing_field
      attr("o3", {}, 1.0),                            // missing_field
      attr("o4", cbf::TimeField::invalid(), 1.0),     // bad_timestamp
      attr("o5", as_of + us(1), 1.0),                 // after_as_of
      attr("o6", as_of - days(30) - us(1), 1.0),      // before_lookback
      attr("", as_of - days(1), 1.0),                 // empty_order_id
      attr("o7", as_of - days(1), not_a_number),      // bad_money
      attr("o8", as_of - days(30), 1e12),             // used
      attr("", cbf::TimeField::invalid(), 1.0),       // bad_timestamp before empty_order_id
      attr(" ", as_of - days(1), -5.0),               // empty_order_id before bad_money
      attr("o9", as_of + days(1), not_a_number),      // after_as_of before bad_money
      attr("", {}, 1.0),                              // missing_field before empty_order_id
      attr("o10", as_of - days(40), not_a_number),    // before_lookback before bad_money
      attr("o11", as_of - days(1), not_a_number).customer(" "),  // missing_field before bad_money
  };
  const auto d = context_of({}, {}, o, config).diagnostics.attribution;
  CHECK(d.used == 2);
  CHECK(d.missing_field == 4);
  CHECK(d.bad_timestamp == 2);
  CHECK(d.after_as_of == 2);
  CHECK(d.before_lookback == 2);
  CHECK(d.empty_order_id == 2);
  CHECK(d.bad_money == 1);
  CHECK(d.duplicate_session == 0);
  CHECK(d.duplicate_customer == 0);
  CHECK(d.total() == static_cast<std::int64_t>(o.size()));
}

TEST_CASE("customer rows: the first row of the key counts whatever its created_at", "[context]") {
  const Interactions e{ev("page_view", as_of - months(6))};
  SECTION("bad created_at → bad_timestamp; a later good row is a duplicate and is ignored") {
    const Customers c{cust(""), cust("c1", cbf::TimeField::invalid()),
                      cust("c1", as_of - months(2)), cust(" \t")};
    const auto ctx = cbf::make_context(c, e, cbf::no_records<cbf::Session>,
                                       cbf::no_records<cbf::Attribution>, at_as_of);
    const auto& d = ctx.diagnostics.customer;
    CHECK(d.missing_field == 2);
    CHECK(d.bad_timestamp == 1);
    CHECK(d.duplicate_customer == 1);
    CHECK(d.used == 0);
    CHECK(d.total() == 4);
    CHECK(ctx.customer_id == "c1");
    CHECK(ctx.first_seen == as_of - months(6));  // fallback: created_at ignored
  }
  SECTION("created_at after as_of → after_as_of; the key still has its row") {
    // Every record of the key in shop "shop": a blank shop_id would be another customer.
    const Customers c{cust("c1", as_of + us(1)).shop("shop"),
                      cust("c1", as_of - months(2)).shop("shop")};
    const Interactions in_shop{ev("page_view", as_of - months(6)).shop("shop")};
    const auto r = cbf::compute_customer(c, in_shop, Sessions{}, Attributions{}, at_as_of);
    CHECK(r.diagnostics.customer.after_as_of == 1);
    CHECK(r.diagnostics.customer.duplicate_customer == 1);
    CHECK(r.customer_id == "c1");
    CHECK(r.shop_id == "shop");
  }
  SECTION("a missing created_at is used; the lookback does not apply to customer rows") {
    cbf::Config config = at_as_of;
    config.lookback = days(1);
    const Customers old{cust("c1", as_of - months(40))};
    const auto ctx = cbf::make_context(old, e, cbf::no_records<cbf::Session>,
                                       cbf::no_records<cbf::Attribution>, config);
    CHECK(ctx.diagnostics.customer.used == 1);
    CHECK(ctx.first_seen == as_of - months(40));
    CHECK(ctx.tenure_months() == 40.0);
    const Customers undated{cust("c1")};
    const auto missing = cbf::make_context(undated, e, cbf::no_records<cbf::Session>,
                                           cbf::no_records<cbf::Attribution>, at_as_of);
    CHECK(missing.diagnostics.customer.used == 1);
    CHECK(missing.first_seen == as_of - months(6));
  }
}

TEST_CASE("lookback and as_of borders are inclusive", "[context][diagnostics]") {
  cbf::Config config = at_as_of;
  config.lookback = days(30);
  const cbf::Timestamp start = as_of - days(30);
  const Interactions e{ev("page_view", start), ev("page_view", start - us(1)),
                       ev("page_view", as_of), ev("page_view", as_of + us(1))};
  const Sessions s{sess("a", start), sess("b", start - us(1)), sess("c", as_of),
                   sess("d", as_of + us(1))};
  const Attributions o{attr("a", start, 1.0), attr("b", start - us(1), 1.0), attr("c", as_of, 1.0),
                       attr("d", as_of + us(1), 1.0)};
  const auto ctx = context_of(e, s, o, config);
  for (const auto* d :
       {&ctx.diagnostics.interaction, &ctx.diagnostics.session, &ctx.diagnostics.attribution}) {
    CHECK(d->used == 2);
    CHECK(d->before_lookback == 1);
    CHECK(d->after_as_of == 1);
    CHECK(d->total() == 4);
  }
  CHECK(ctx.first_seen == start);
  // A lookback of zero keeps only records stamped exactly at as_of.
  config.lookback = days(0);
  CHECK(context_of(e, s, o, config).diagnostics.interaction.used == 1);
}

TEST_CASE("make_context takes the latest valid stamp as as_of when none is given", "[context]") {
  cbf::Config config;                                               // no as_of
  const Interactions e{ev("page_view", t0), ev("", t0 + days(3))};  // the blank one counts too
  const Sessions s{sess("s", t0 + days(2)).end(t0 + days(900)).created(t0 + days(800))};
  const Attributions o{attr("", t0 + days(1), 1.0)};
  CHECK(cbf::make_context(cbf::no_records<cbf::Customer>, e, s, o, config).as_of == t0 + days(3));
  const Customers late{cust("c1", t0 + days(500))};  // customer created_at does not count
  CHECK(cbf::make_context(late, cbf::no_records<cbf::Interaction>, s, o, config).as_of ==
        t0 + days(2));
  const Customers early{cust("c1", t0)};
  const Sessions open_ended{sess("s", {}).end(t0)};  // end_time does not count
  const Attributions unreadable{attr("o", cbf::TimeField::invalid(), 1.0)};
  CHECK_THROWS_AS(
      cbf::make_context(early, cbf::no_records<cbf::Interaction>, open_ended, unreadable, config),
      cbf::MissingAsOf);
}

TEST_CASE("compute_customer fills features 15 to 30 from the same context", "[context]") {
  // One session s (Monday 2025-05-05 10:00, mobile, email): add_to_cart, checkout_started,
  // product_view p1; o1 converts it 3 min after its start; o2 nine days later.
  const Interactions e{ev("add_to_cart", t0).session("s").device("mobile"),
                       ev("checkout_started", t0 + mins(1)).session("s"),
                       ev("product_view", t0 + mins(2)).session("s").product("p1")};
  const Sessions s{sess("s", t0).device("mobile").referrer("email")};
  const Attributions o{attr("o1", t0 + mins(3), 5.0).session("s"), attr("o2", t0 + days(9), 5.0)};
  const auto f = cbf::compute_customer(cust("c1", t0 - days(1)), e, s, o, at_as_of).features;
  CHECK(f.total_purchases == 2);
  CHECK(*f.cart_abandonment_rate == 0.0);  // the cart session converts
  CHECK(*f.checkout_completion_rate == 1.0);
  CHECK(*f.product_comparison_behavior == 0.0);  // one product viewed
  CHECK(*f.impulse_purchase_tendency == 1.0);    // converted after 3 min ≤ 10 min
  CHECK(*f.preferred_device == "mobile");
  CHECK(*f.channel_preference == "email");
  CHECK(*f.mobile_usage_pattern == 1.0);
  CHECK(*f.desktop_usage_pattern == 0.0);
  CHECK(*f.preferred_shopping_time == 10);
  CHECK(*f.shopping_day_preference == 0);  // Monday
  CHECK_FALSE(f.seasonal_behavior);        // one session
  CHECK(*f.loyalty_trend == 1.0);          // 1 session + 2 orders in the last 90 days, none before
  // Last order 2025-05-14 10:00 → 47.5833 days before as_of: R = 4; F = 2.
  CHECK(f.customer_segment == "potential_loyalist");
  // Span o1 → o2 = 9 days − 3 min; g = (span + 90) / 2 days; churn = 1 − exp(−recency / 2g).
  const double g = (9.0 - 3.0 / 1440.0 + 90.0) / 2.0;
  const double churn = 1.0 - std::exp(-(47.0 + 14.0 / 24.0) / (2.0 * g));
  CHECK(*f.churn_probability == Approx(churn).epsilon(1e-12));
  CHECK(*f.lifetime_value_prediction ==
        Approx(5.0 * (365.2425 / g) * (1.0 - churn)).epsilon(1e-12));
  CHECK(*f.risk_score == Approx(0.6 * churn / 1.0).epsilon(1e-12));  // cart 0, trend 0
}

TEST_CASE("blank session ids are missing: id-less interactions, missing_field sessions",
          "[context]") {
  // An interaction with session_id "  " is id-less: it joins the current session within the
  // timeout and splits on a longer gap.
  const Interactions e{ev("page_view", t0).session("a"),
                       ev("page_view", t0 + mins(5)).session("  "),
                       ev("page_view", t0 + mins(50)).session("\t")};
  const auto ctx = context_of(e);
  REQUIRE(ctx.sessions.size() == 2);
  CHECK(member_inputs(ctx, 0) == Inputs{0, 1});
  CHECK(ctx.session_id_text(ctx.sessions[1].session_id).empty());
  const Sessions s{sess("  ", t0), sess("ok", t0).end(t0)};
  const auto blank = context_of({}, s);
  CHECK(blank.diagnostics.session.missing_field == 1);
  CHECK(blank.diagnostics.session.used == 1);
  CHECK(blank.diagnostics.session.end_before_start == 0);  // end == start is no flag
  CHECK(blank.sessions.at(0).duration() == us(0));
}

TEST_CASE("a config outside its domain throws InvalidParameter", "[context]") {
  cbf::Config bad = at_as_of;
  bad.lookback = -days(1);
  CHECK_THROWS_AS(context_of({}, {}, {}, bad), cbf::InvalidParameter);
  CHECK_THROWS_AS(cbf::compute_batch(Customers{}, Interactions{}, Sessions{}, Attributions{}, bad),
                  cbf::InvalidParameter);
}

TEST_CASE("records are read from any forward range of lvalue records", "[context]") {
  const Interactions e{ev("search", t0).query("a"), ev("product_view", t0 + sec(1)).category("A"),
                       ev("page_view", t0 + sec(2)).customer("other"),
                       ev("collection_view", t0 + mins(45)).category("B")};
  const Sessions none;
  const Attributions o{attr("o1", t0, 2.0).type("email"), attr("o2", t0 + days(1), 4.0)};
  const auto mine = [](const cbf::Interaction& i) { return i.customer_id == "c1"; };
  const Interactions filtered{e[0], e[1], e[3]};
  const auto expected = cbf::compute_customer(cust("c1"), filtered, none, o, at_as_of);
  CHECK(expected.features.total_sessions == 2);
  CHECK(expected.features.avg_purchase_value == 3.0);

  // range-v3 filter and concat, span, pointers, reference_wrappers. (std::views::filter is not
  // used here: clang 14 cannot compile libstdc++ 12's <ranges> views.)
  const auto by_v3 =
      cbf::compute_customer(cust("c1"), e | ranges::views::filter(mine), none, o, at_as_of);
  CHECK(by_v3.features == expected.features);
  CHECK(by_v3.diagnostics == expected.diagnostics);
  const Attributions first{o[0]};
  const Attributions second{o[1]};
  const auto concat = cbf::compute_customer(cust("c1"), filtered, none,
                                            ranges::views::concat(first, second), at_as_of);
  CHECK(concat.features == expected.features);
  std::vector<const cbf::Interaction*> pointers{&e[0], &e[1], &e[3]};
  std::vector<std::reference_wrapper<const cbf::Attribution>> refs{std::cref(o[0]),
                                                                   std::cref(o[1])};
  const auto indirect = cbf::compute_customer(Customers{cust("c1")}, pointers,
                                              std::span<const cbf::Session>(none), refs, at_as_of);
  CHECK(indirect.features == expected.features);
  CHECK(indirect.diagnostics == expected.diagnostics);
}

// ---- one customer at a time -----------------------------------------------------------------

TEST_CASE("records of three customers given as one customer's throw MixedCustomers naming two") {
  const Interactions e{ev("page_view", t0), ev("page_view", t0 + sec(1)).customer("c2"),
                       ev("page_view", t0 + sec(2)).customer("c3")};
  try {
    (void)cbf::compute_customer(cbf::no_records<cbf::Customer>, e, cbf::no_records<cbf::Session>,
                                cbf::no_records<cbf::Attribution>, at_as_of);
    FAIL("no MixedCustomers");
  } catch (const cbf::MixedCustomers& error) {
    const std::string what = error.what();
    CHECK_THAT(what, Catch::Contains("(, c1) and (, c2)"));
  }
  CHECK_THROWS_AS(context_of(e), std::invalid_argument);
}

TEST_CASE("the same customer_id in another shop is another customer, in any record kind") {
  const Interactions e{ev("page_view", t0).shop("eu"), ev("page_view", t0 + sec(1)).shop("eu")};
  const Sessions s{sess("s1", t0).shop("us")};
  const Attributions a{attr("o1", t0 + sec(5)).shop("eu")};
  CHECK_THROWS_WITH(context_of(e, s, a), Catch::Contains("(eu, c1) and (us, c1)"));
  const Sessions same{sess("s1", t0).shop("eu")};
  CHECK_NOTHROW(context_of(e, same, a));
  const auto customer = cust("c1").shop("de");
  CHECK_THROWS_AS(cbf::compute_customer(customer, e, same, a, at_as_of), cbf::MixedCustomers);
}

TEST_CASE("records without a customer_id are counted, not another customer") {
  const Interactions e{ev("page_view", t0), ev("page_view", t0 + sec(1)).customer("  ")};
  const auto ctx = context_of(e);
  CHECK(ctx.customer_id == "c1");
  CHECK(ctx.diagnostics.interaction.missing_field == 1);
}

TEST_CASE("a batch of many customers never throws MixedCustomers") {
  const Interactions e{ev("page_view", t0), ev("page_view", t0).customer("c2"),
                       ev("page_view", t0).customer("c3").shop("us")};
  const cbf::BatchResult r =
      cbf::compute_batch(cbf::no_records<cbf::Customer>, e, cbf::no_records<cbf::Session>,
                         cbf::no_records<cbf::Attribution>, at_as_of);
  CHECK(r.customers.size() == 3);
}
