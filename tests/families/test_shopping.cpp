// Contract features 15–18 (shopping patterns) and cbf::session_activity, with hand-computed
// expected values.
#include <catch2/catch.hpp>
#include <cbf/cbf.hpp>

#include "support.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

using namespace cbf_test;

namespace {

cbf::ShoppingFeatures shopping_of(const Interactions& events, const Sessions& sessions,
                                  const Attributions& orders = {},
                                  const cbf::Config& config = at_as_of) {
  return cbf::shopping_features(events, sessions, orders, config);
}

// Five record sessions, one day apart from t0 (2025-05-05 10:00):
//   s1: views p1, p2, adds to cart, starts and completes checkout at +5 min
//   s2: views p3 twice, adds to cart, does not convert
//   s3: starts checkout only
//   s4: views a product without id; converts by attribution o4 at +20 min
//   s5: a page view only
// plus an add_to_cart in session "zz", which matches no session.
Sessions typical_sessions() {
  return {sess("s1", t0), sess("s2", t0 + days(1)), sess("s3", t0 + days(2)),
          sess("s4", t0 + days(3)), sess("s5", t0 + days(4))};
}
Interactions typical_events() {
  return {
      ev("product_view", t0 + mins(1)).session("s1").product("p1"),
      ev("product_view", t0 + mins(2)).session("s1").product("p2"),
      ev("add_to_cart", t0 + mins(3)).session("s1").product("p2"),
      ev("checkout_started", t0 + mins(4)).session("s1"),
      ev("checkout_completed", t0 + mins(5)).session("s1"),
      ev("product_view", t0 + days(1) + mins(1)).session("s2").product("p3"),
      ev("product_view", t0 + days(1) + mins(2)).session("s2").product("p3"),
      ev("add_to_cart", t0 + days(1) + mins(3)).session("s2").product("p3"),
      ev("checkout_started", t0 + days(2) + mins(1)).session("s3"),
      ev("product_view", t0 + days(3) + mins(1)).session("s4"),
      ev("page_view", t0 + days(4) + mins(1)).session("s5"),
      ev("add_to_cart", t0 + days(5)).session("zz").product("p9"),
  };
}
Attributions typical_orders() { return {attr("o4", t0 + days(3) + mins(20), 40.0).session("s4")}; }

// A host's own click row, adapted through cbf::record_traits.
struct Click {
  std::string user;
  std::string visit;
  std::string action;
  std::string sku;
  std::int64_t epoch_ms = 0;
};

// A host's visit with the contract's member names but other types.
struct Visit {
  const char* customer_id;
  std::string_view session_id;
  std::optional<std::chrono::sys_seconds> start_time;
};

// A host's order with the contract's member names but other types.
struct Sale {
  std::string_view customer_id;
  std::string_view order_id;
  std::string_view session_id;
  std::chrono::sys_time<std::chrono::milliseconds> created_at;
  float attribution_value;
};

std::int64_t epoch_ms(cbf::Timestamp t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace

template <>
struct cbf::record_traits<Click> {
  static constexpr auto fields = cbf::fields(
      cbf::field::customer_id = &Click::user, cbf::field::session_id = &Click::visit,
      cbf::field::event_type = &Click::action, cbf::field::product_id = &Click::sku,
      cbf::field::created_at = [](const Click& c) {
        return std::chrono::sys_time<std::chrono::milliseconds>{
            std::chrono::milliseconds{c.epoch_ms}};
      });
};

TEST_CASE("shopping features of a typical customer follow the contract's formulas", "[shopping]") {
  const auto f = shopping_of(typical_events(), typical_sessions(), typical_orders());
  // Cart sessions s1 (converts), s2 (does not); "zz" is no session → 1 / 2.
  REQUIRE(f.cart_abandonment_rate);
  CHECK(*f.cart_abandonment_rate == 1.0 / 2.0);
  // Sessions with checkout_started or a conversion: s1, s3, s4; converting: s1, s4 → 2 / 3.
  REQUIRE(f.checkout_completion_rate);
  CHECK(*f.checkout_completion_rate == 2.0 / 3.0);
  // Sessions with a product_view: s1, s2, s4; with ≥ 2 distinct ids: s1 only → 1 / 3.
  REQUIRE(f.product_comparison_behavior);
  CHECK(*f.product_comparison_behavior == 1.0 / 3.0);
  // Converting: s1 at +5 min (≤ 10), s4 at +20 min → 1 / 2.
  REQUIRE(f.impulse_purchase_tendency);
  CHECK(*f.impulse_purchase_tendency == 1.0 / 2.0);

  // The same through compute_customer, with either preset.
  const Interactions events = typical_events();
  const Sessions sessions = typical_sessions();
  const Attributions orders = typical_orders();
  for (const cbf::Config* config : {&at_as_of, &shopify_as_of}) {
    const auto r =
        cbf::compute_customer(cbf::no_records<cbf::Customer>, events, sessions, orders, *config);
    CHECK(r.features.cart_abandonment_rate == 1.0 / 2.0);
    CHECK(r.features.checkout_completion_rate == 2.0 / 3.0);
    CHECK(r.features.product_comparison_behavior == 1.0 / 3.0);
    CHECK(r.features.impulse_purchase_tendency == 1.0 / 2.0);
  }
}

TEST_CASE("session_activity reports what each session did", "[shopping]") {
  const Interactions events = typical_events();
  const Sessions sessions = typical_sessions();
  const Attributions orders = typical_orders();
  const auto ctx =
      cbf::make_context(cbf::no_records<cbf::Customer>, events, sessions, orders, at_as_of);
  REQUIRE(ctx.sessions.size() == 5);  // s1 … s5 by start time
  const auto a1 = cbf::session_activity(ctx, ctx.sessions[0]);
  CHECK(a1.added_to_cart);
  CHECK(a1.started_checkout);
  CHECK(a1.viewed_product);
  CHECK(a1.compared_products);
  const auto a2 = cbf::session_activity(ctx, ctx.sessions[1]);
  CHECK(a2.added_to_cart);
  CHECK_FALSE(a2.started_checkout);
  CHECK(a2.viewed_product);
  CHECK_FALSE(a2.compared_products);  // p3 twice
  const auto a3 = cbf::session_activity(ctx, ctx.sessions[2]);
  CHECK_FALSE(a3.added_to_cart);
  CHECK(a3.started_checkout);
  CHECK_FALSE(a3.viewed_product);
  CHECK_FALSE(a3.compared_products);
  const auto a4 = cbf::session_activity(ctx, ctx.sessions[3]);
  CHECK_FALSE(a4.added_to_cart);
  CHECK_FALSE(a4.started_checkout);  // converts, but started no checkout
  CHECK(a4.viewed_product);
  CHECK_FALSE(a4.compared_products);
  CHECK(ctx.sessions[3].converts());
  const auto a5 = cbf::session_activity(ctx, ctx.sessions[4]);
  CHECK_FALSE(a5.added_to_cart);
  CHECK_FALSE(a5.started_checkout);
  CHECK_FALSE(a5.viewed_product);
  CHECK_FALSE(a5.compared_products);

  // The kinds are recognised under every accepted name, case-insensitively and trimmed.
  const Interactions names{
      ev(" Product_Added_To_Cart ", t0).session("s1"),
      ev("BEGIN_CHECKOUT", t0 + mins(1)).session("s1"),
      ev("view_item", t0 + mins(2)).session("s1").product("a"),
      ev("Detail", t0 + mins(3)).session("s1").product("b"),
  };
  const Sessions one{sess("s1", t0)};
  const auto c2 = cbf::make_context(cbf::no_records<cbf::Customer>, names, one,
                                    cbf::no_records<cbf::Attribution>, at_as_of);
  const auto b = cbf::session_activity(c2, c2.sessions.at(0));
  CHECK(b.added_to_cart);
  CHECK(b.started_checkout);
  CHECK(b.viewed_product);
  CHECK(b.compared_products);
}

TEST_CASE("shopping features are null when their denominators are empty", "[shopping]") {
  const auto none = shopping_of({}, {});
  CHECK_FALSE(none.cart_abandonment_rate);
  CHECK_FALSE(none.checkout_completion_rate);
  CHECK_FALSE(none.product_comparison_behavior);
  CHECK_FALSE(none.impulse_purchase_tendency);

  // Sessions that only view pages (and cart-adjacent kinds that are no add_to_cart).
  const Interactions plain{ev("page_view", t0), ev("cart_viewed", t0 + mins(1)),
                           ev("remove_from_cart", t0 + mins(2)),
                           ev("collection_view", t0 + mins(3))};
  const auto p = shopping_of(plain, {});
  CHECK_FALSE(p.cart_abandonment_rate);
  CHECK_FALSE(p.checkout_completion_rate);
  CHECK_FALSE(p.product_comparison_behavior);
  CHECK_FALSE(p.impulse_purchase_tendency);

  // Orders without a session_id convert no session; activity in no session counts nowhere.
  const Sessions s{sess("s1", t0)};
  const Interactions elsewhere{ev("add_to_cart", t0 + mins(1)).session("other"),
                               ev("checkout_completed", t0 + mins(2)).session("other"),
                               ev("product_view", t0 + mins(3)).product("p1")};
  const auto q = shopping_of(elsewhere, s, Attributions{attr("o1", t0 + mins(1), 5.0)});
  CHECK_FALSE(q.cart_abandonment_rate);
  CHECK_FALSE(q.checkout_completion_rate);
  CHECK_FALSE(q.product_comparison_behavior);
  CHECK_FALSE(q.impulse_purchase_tendency);

  // Only product views: comparison is defined, the rest null.
  const auto v = shopping_of(Interactions{ev("product_view", t0).product("p1")}, {});
  CHECK(v.product_comparison_behavior == 0.0);
  CHECK_FALSE(v.cart_abandonment_rate);
  CHECK_FALSE(v.checkout_completion_rate);
  CHECK_FALSE(v.impulse_purchase_tendency);
}

TEST_CASE("cart_abandonment_rate counts cart sessions that do not convert", "[shopping]") {
  SECTION("every accepted add_to_cart name makes a cart session") {
    // Four derived sessions (ids a–d); only b converts → 3 / 4 abandoned.
    const Interactions e{
        ev("product_added_to_cart", t0).session("a"), ev(" ADD_TO_CART", t0 + mins(1)).session("b"),
        ev("purchase", t0 + mins(2)).session("b"), ev("addtocart", t0 + mins(3)).session("c"),
        ev("Cart", t0 + mins(4)).session("d")};
    CHECK(shopping_of(e, {}).cart_abandonment_rate == 3.0 / 4.0);
  }
  SECTION("an attribution with the session's id converts it") {
    const Sessions s{sess("s1", t0), sess("s2", t0 + days(1))};
    const Interactions e{ev("add_to_cart", t0 + mins(1)).session("s1"),
                         ev("add_to_cart", t0 + days(1) + mins(1)).session("s2")};
    // s1 converts by o1 → 1 / 2; without the order both abandon → 2 / 2.
    CHECK(shopping_of(e, s, Attributions{attr("o1", t0 + days(2), 1.0).session("s1")})
              .cart_abandonment_rate == 1.0 / 2.0);
    CHECK(shopping_of(e, s).cart_abandonment_rate == 1.0);
    // An attribution with bad money is dropped whole (4.5): no conversion.
    CHECK(shopping_of(e, s, Attributions{attr("o1", t0 + days(2), -3.0).session("s1")})
              .cart_abandonment_rate == 1.0);
    // A conversion after as_of does not exist yet.
    CHECK(shopping_of(e, s, Attributions{attr("o1", as_of + us(1), 1.0).session("s1")})
              .cart_abandonment_rate == 1.0);
    // Nor does a checkout_completed after as_of, even in an in-window session.
    Interactions late = e;
    late.push_back(ev("checkout_completed", as_of + us(1)).session("s1"));
    CHECK(shopping_of(late, s).cart_abandonment_rate == 1.0);
    // One at as_of exactly does.
    late.back().created_at = as_of;
    CHECK(shopping_of(late, s).cart_abandonment_rate == 1.0 / 2.0);
  }
  SECTION("an attribution converts every session with its id (4.7)") {
    // Derived sessions: x, y, x again → three sessions, two with id x; both x sessions have a
    // cart and convert by one attribution; y's cart is abandoned → 1 / 3.
    const Interactions e{ev("add_to_cart", t0).session("x"),
                         ev("add_to_cart", t0 + mins(1)).session("y"),
                         ev("add_to_cart", t0 + mins(2)).session("x")};
    const auto f = shopping_of(e, {}, Attributions{attr("o1", t0 + mins(3), 1.0).session("x")});
    CHECK(f.cart_abandonment_rate == 1.0 / 3.0);
    CHECK(f.checkout_completion_rate == 1.0);  // x, x: both convert → 2 / 2
  }
  SECTION("several add_to_cart in one session make one cart session") {
    const Interactions e{ev("add_to_cart", t0), ev("add_to_cart", t0 + mins(1)),
                         ev("add_to_cart", t0 + mins(2)),
                         ev("add_to_cart", t0 + mins(60)),  // gap 58 min > 30: new session
                         ev("checkout_completed", t0 + mins(61))};
    CHECK(shopping_of(e, {}).cart_abandonment_rate == 1.0 / 2.0);
  }
}

TEST_CASE("checkout_completion_rate is converting sessions among checkout or converting ones",
          "[shopping]") {
  // a: checkout_started twice, no conversion; b: begin_checkout then transaction; c: converts by
  // checkout_completed without a checkout_started; d: checkout_started only → 2 / 4.
  const Interactions e{ev("checkout_started", t0).session("a"),
                       ev("checkout_started", t0 + mins(1)).session("a"),
                       ev("begin_checkout", t0 + mins(2)).session("b"),
                       ev("Transaction", t0 + mins(3)).session("b"),
                       ev("checkout_completed", t0 + mins(4)).session("c"),
                       ev("checkout_started", t0 + mins(5)).session("d")};
  const auto f = shopping_of(e, {});
  CHECK(f.checkout_completion_rate == 2.0 / 4.0);
  // A conversion alone (attribution) makes a session count: e converts → 3 / 5.
  Interactions more = e;
  more.push_back(ev("page_view", t0 + mins(6)).session("e"));
  CHECK(shopping_of(more, {}, Attributions{attr("o", t0 + mins(7), 2.0).session("e")})
            .checkout_completion_rate == 3.0 / 5.0);
  // Every session that starts a checkout converts → 1.
  const Interactions all{ev("checkout_started", t0).session("a"),
                         ev("checkout_completed", t0 + mins(1)).session("a")};
  CHECK(shopping_of(all, {}).checkout_completion_rate == 1.0);
  // None converts → 0, not null.
  const Interactions started{ev("checkout_started", t0).session("a")};
  CHECK(shopping_of(started, {}).checkout_completion_rate == 0.0);
}

TEST_CASE("product_comparison_behavior counts sessions viewing two distinct product ids",
          "[shopping]") {
  const Interactions e{
      // a: p1, p1 → one distinct id: views, does not compare.
      ev("product_view", t0).session("a").product("p1"),
      ev("product_view", t0 + mins(1)).session("a").product("p1"),
      // b: a view without id, then p1 → one distinct id.
      ev("product_view", t0 + mins(2)).session("b"),
      ev("product_view", t0 + mins(3)).session("b").product("p1"),
      // c: a blank id (missing), then p1, p2 → compares.
      ev("product_view", t0 + mins(4)).session("c").product("  "),
      ev("view_item", t0 + mins(5)).session("c").product("p1"),
      ev("Product_Viewed", t0 + mins(6)).session("c").product("p2"),
      // d: ids are exact: "p1" and "P1" are distinct → compares.
      ev("product_view", t0 + mins(7)).session("d").product("p1"),
      ev("product_view", t0 + mins(8)).session("d").product("P1"),
      // e: only views without an id → in the denominator only.
      ev("product_view", t0 + mins(9)).session("e"),
      ev("detail", t0 + mins(10)).session("e").product(" \t "),
      // f: p1 viewed, p2 only added to cart → one viewed id.
      ev("product_view", t0 + mins(11)).session("f").product("p1"),
      ev("add_to_cart", t0 + mins(12)).session("f").product("p2"),
      // g: no product_view at all (a collection view with a product id) → not counted.
      ev("collection_view", t0 + mins(13)).session("g").product("p7"),
  };
  // Viewing sessions a–f (6), comparing c and d (2) → 2 / 6.
  CHECK(shopping_of(e, {}).product_comparison_behavior == 2.0 / 6.0);
  // Ids that differ only by surrounding whitespace are different ids (used exactly as given).
  const Interactions spaced{ev("product_view", t0).product("p1"),
                            ev("product_view", t0 + mins(1)).product(" p1")};
  CHECK(shopping_of(spaced, {}).product_comparison_behavior == 1.0);
  // Three views of p1 with p2 in between: compares.
  const Interactions back{ev("product_view", t0).product("p1"),
                          ev("product_view", t0 + mins(1)).product("p2"),
                          ev("product_view", t0 + mins(2)).product("p1")};
  CHECK(shopping_of(back, {}).product_comparison_behavior == 1.0);
}

TEST_CASE("impulse_purchase_tendency: a conversion within 10 minutes of the start, inclusive",
          "[shopping]") {
  SECTION("the window is inclusive, to the microsecond") {
    const Sessions s{sess("a", t0), sess("b", t0 + days(1))};
    const Interactions e{ev("checkout_completed", t0 + mins(10)).session("a"),
                         ev("checkout_completed", t0 + days(1) + mins(10) + us(1)).session("b")};
    // a at exactly 10 min: impulsive; b at 10 min + 1 µs: not → 1 / 2.
    CHECK(shopping_of(e, s).impulse_purchase_tendency == 1.0 / 2.0);
  }
  SECTION("a conversion stamped before the session start counts as 0") {
    const Sessions s{sess("a", t0), sess("b", t0 + days(1))};
    // a converts by an attribution an hour before its start: max(0, −60 min) = 0 → impulsive;
    // b converts by a checkout_completed interaction 5 min before its start → impulsive too.
    const Attributions o{attr("o1", t0 - mins(60), 1.0).session("a")};
    const Interactions e{ev("checkout_completed", t0 + days(1) - mins(5)).session("b")};
    CHECK(shopping_of(e, s, o).impulse_purchase_tendency == 1.0);
  }
  SECTION("the conversion time is the earliest checkout_completed or attribution") {
    const Sessions s{sess("a", t0), sess("b", t0 + days(1)), sess("c", t0 + days(2))};
    const Interactions e{
        ev("checkout_completed", t0 + mins(30)).session("a"),             // a: 30 min …
        ev("checkout_completed", t0 + days(1) + mins(3)).session("b"),    // b: 3 min
        ev("checkout_completed", t0 + days(2) + mins(11)).session("c")};  // c: 11 min …
    const Attributions o{attr("o1", t0 + mins(5), 1.0).session("a"),      // … a: 5 min wins
                         attr("o2", t0 + days(1) + mins(25), 1.0).session("b"),
                         attr("o3", t0 + days(2) + mins(12), 1.0).session("c")};  // … c: 11
    // a (5 min) and b (3 min) impulsive, c (11 min) not → 2 / 3.
    CHECK(shopping_of(e, s, o).impulse_purchase_tendency == 2.0 / 3.0);
  }
  SECTION("a derived session starts at its first interaction") {
    // x: 10:00 page_view, 10:10 purchase → 10 min; y: 11:00 page view, 11:10:01 purchase.
    const Interactions e{ev("page_view", t0).session("x"),
                         ev("purchase", t0 + mins(10)).session("x"),
                         ev("page_view", t0 + mins(60)).session("y"),
                         ev("purchase", t0 + mins(70) + sec(1)).session("y")};
    CHECK(shopping_of(e, {}).impulse_purchase_tendency == 1.0 / 2.0);
  }
  SECTION("config.impulse_window changes the window") {
    cbf::Config strict = at_as_of;
    strict.impulse_window = cbf::Duration::zero();
    const Interactions e{ev("checkout_completed", t0).session("a"),
                         ev("checkout_completed", t0 + days(1) + us(1)).session("b")};
    const Sessions s{sess("a", t0), sess("b", t0 + days(1))};
    CHECK(shopping_of(e, s, {}, strict).impulse_purchase_tendency == 1.0 / 2.0);
    cbf::Config wide = at_as_of;
    wide.impulse_window = std::chrono::hours{2};
    const Interactions slow{ev("checkout_completed", t0 + mins(120)).session("a"),
                            ev("checkout_completed", t0 + days(1) + mins(121)).session("b")};
    CHECK(shopping_of(slow, s, {}, wide).impulse_purchase_tendency == 1.0 / 2.0);
  }
}

TEST_CASE("shopping features do not depend on input order", "[shopping]") {
  const Interactions events = typical_events();
  const Sessions sessions = typical_sessions();
  const Attributions orders = typical_orders();
  const auto base = shopping_of(events, sessions, orders);
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    INFO("seed " << seed);
    CHECK(same(shopping_of(shuffled(events, seed), shuffled(sessions, seed + 100),
                           shuffled(orders, seed + 200)),
               base));
  }
  CHECK(same(shopping_of(reversed(events), reversed(sessions), orders), base));
  // Derived sessions too: the interactions are put in time order first.
  const Interactions derived{ev("product_view", t0).product("a"),
                             ev("product_view", t0 + mins(1)).product("b"),
                             ev("add_to_cart", t0 + mins(2)), ev("add_to_cart", t0 + mins(50)),
                             ev("checkout_completed", t0 + mins(55))};
  const auto d = shopping_of(derived, {});
  // Sessions: [0, 2] (cart, compares) and [50, 55] (cart, converts at 5 min).
  CHECK(d.cart_abandonment_rate == 1.0 / 2.0);
  CHECK(d.checkout_completion_rate == 1.0);
  CHECK(d.product_comparison_behavior == 1.0);
  CHECK(d.impulse_purchase_tendency == 1.0);
  for (std::uint64_t seed = 1; seed <= 8; ++seed)
    CHECK(same(shopping_of(shuffled(derived, seed), {}), d));
}

TEST_CASE("shopping features read host records adapted by traits or by member names",
          "[shopping]") {
  const auto at = [](cbf::Timestamp t) {
    return std::chrono::time_point_cast<std::chrono::seconds>(t);
  };
  const std::vector<Click> clicks{
      {"c1", "v1", "product_view", "p1", epoch_ms(t0 + mins(1))},
      {"c1", "v1", "product_view", "p2", epoch_ms(t0 + mins(2))},
      {"c1", "v1", "add_to_cart", "p2", epoch_ms(t0 + mins(3))},
      {"c1", "v2", "add_to_cart", "p3", epoch_ms(t0 + days(1) + mins(1))},
      {"c1", "v2", "checkout_started", "", epoch_ms(t0 + days(1) + mins(2))},
  };
  const std::vector<Visit> visits{{"c1", "v1", at(t0)}, {"c1", "v2", at(t0 + days(1))}};
  const std::vector<Sale> sales{
      {"c1", "o1", "v1", std::chrono::time_point_cast<std::chrono::milliseconds>(t0 + mins(4)),
       9.5f}};
  const auto f = cbf::shopping_features(clicks, visits, sales, at_as_of);
  // Cart sessions v1 (converts by o1), v2 (does not) → 1 / 2; checkout or converting: v1, v2,
  // converting v1 → 1 / 2; comparing v1 of viewing v1 → 1; v1 converts at 4 min → 1.
  CHECK(f.cart_abandonment_rate == 1.0 / 2.0);
  CHECK(f.checkout_completion_rate == 1.0 / 2.0);
  CHECK(f.product_comparison_behavior == 1.0);
  CHECK(f.impulse_purchase_tendency == 1.0);

  // The same records as cbf structs give the same result.
  const Interactions events{ev("product_view", t0 + mins(1)).session("v1").product("p1"),
                            ev("product_view", t0 + mins(2)).session("v1").product("p2"),
                            ev("add_to_cart", t0 + mins(3)).session("v1").product("p2"),
                            ev("add_to_cart", t0 + days(1) + mins(1)).session("v2").product("p3"),
                            ev("checkout_started", t0 + days(1) + mins(2)).session("v2")};
  const Sessions sessions{sess("v1", t0), sess("v2", t0 + days(1))};
  const Attributions orders{attr("o1", t0 + mins(4), 9.5).session("v1")};
  CHECK(same(shopping_of(events, sessions, orders), f));
}
