// Contract features 11–14 (search & discovery), with hand-computed expected values.
#include <catch2/catch.hpp>
#include <cbf/cbf.hpp>

#include "support.hpp"

#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

using namespace cbf_test;

namespace {

cbf::SearchFeatures search_of(const Interactions& events, const Sessions& sessions,
                              const Attributions& orders = {},
                              const cbf::Config& config = at_as_of) {
  return cbf::search_features(events, sessions, orders, config);
}

std::optional<std::string> discovery_of(const Interactions& events, const Sessions& sessions = {},
                                        const Attributions& orders = {},
                                        const cbf::Config& config = at_as_of) {
  return search_of(events, sessions, orders, config).product_discovery_method;
}

// Attributions that only vote (value 1, distinct orders), one per label.
Attributions votes(const std::vector<std::string>& labels) {
  Attributions out;
  for (std::size_t i = 0; i < labels.size(); ++i)
    out.push_back(attr("o" + std::to_string(i), t0, 1.0).type(labels[i]));
  return out;
}

// Two record sessions; searches in s1, s2, in an unknown session "zz" and without a session.
Sessions typical_sessions() {
  return {sess("s1", t0).end(t0 + mins(30)), sess("s2", t0 + days(1)).end(t0 + days(1) + mins(30))};
}
Interactions typical_events() {
  return {
      ev("search", t0 + mins(1)).session("s1").query("Red Shoes"),
      ev("search_submitted", t0 + mins(2)).session("s1").query("  red   shoes "),
      ev("product_view", t0 + mins(3)).session("s1").category("A").query("green"),
      ev("view_search_results", t0 + days(1) + mins(1)).session("s2").query("blue"),
      ev("collection_view", t0 + days(1) + mins(2)).session("s2").category("B"),
      ev("search", t0 + days(2)).session("zz"),
      ev("product_view", t0 + days(2) + mins(1)).session("zz").category("A"),
      ev("search", t0 + days(3)).query("   "),
      ev("category_view", t0 + days(3) + mins(1)).category("C"),
      ev("search", t0 + days(3) + mins(2)).category("D"),
      ev("add_to_cart", t0 + days(3) + mins(3)).category("E"),
      ev("product_view", t0 + days(3) + mins(4)),
      ev("product_view", t0 + days(3) + mins(5)).category("  "),
  };
}

// A host struct with the contract's member names but other types.
struct TrackedEvent {
  std::string_view customer_id;
  std::string_view session_id;
  std::string_view event_type;
  std::string_view category_id;
  std::string_view search_query;
  std::chrono::sys_seconds created_at;
};

// A host's own order row, adapted through cbf::record_traits.
struct Sale {
  const char* buyer;
  const char* id;
  const char* channel;
  std::chrono::sys_seconds at;
};

}  // namespace

template <>
struct cbf::record_traits<Sale> {
  static constexpr auto fields = cbf::fields(
      cbf::field::customer_id = &Sale::buyer, cbf::field::order_id = &Sale::id,
      cbf::field::attribution_type = &Sale::channel, cbf::field::created_at = &Sale::at);
};

TEST_CASE("search features of a typical customer follow the contract's formulas", "[search]") {
  const auto f = search_of(typical_events(), typical_sessions());
  // 6 searches (s1 ×2, s2, zz, two without a session) over |S| = 2 sessions.
  REQUIRE(f.search_frequency);
  CHECK(*f.search_frequency == 3.0);
  // Non-empty queries: "Red Shoes", "  red   shoes ", "blue" (the product_view's "green" is no
  // search); distinct normalised: "red shoes", "blue" → 2 / 3.
  REQUIRE(f.search_query_diversity);
  CHECK(*f.search_query_diversity == 2.0 / 3.0);
  // Votes: s1's product_view follows a search → search; the zz product_view is in no session.
  CHECK(f.product_discovery_method == "search");
  // Categories of product_view / collection_view with one: A (s1), B, A (zz), C → n = 4,
  // Σc² = 4 + 1 + 1 = 6 → (16 − 6) / 16. D (search), E (add_to_cart) and blanks do not count.
  REQUIRE(f.category_exploration);
  CHECK(*f.category_exploration == 10.0 / 16.0);
}

TEST_CASE("search features are null without sessions, queries, votes or categories", "[search]") {
  // No interactions and no sessions: nothing at all.
  const auto none = search_of({}, {});
  CHECK_FALSE(none.search_frequency);
  CHECK_FALSE(none.search_query_diversity);
  CHECK_FALSE(none.product_discovery_method);
  CHECK_FALSE(none.category_exploration);
  // Attributions alone give no session; their untyped rows no vote.
  const auto orders_only = search_of({}, {}, Attributions{attr("o", t0, 3.0)});
  CHECK_FALSE(orders_only.search_frequency);
  CHECK_FALSE(orders_only.product_discovery_method);
  // Sessions without searches: frequency 0, not null; searches without queries: null diversity.
  const Interactions plain{ev("page_view", t0), ev("search", t0 + mins(1)).query(" \t ")};
  const auto f = search_of(plain, {});
  CHECK(f.search_frequency == 1.0);
  CHECK_FALSE(f.search_query_diversity);
  CHECK_FALSE(f.product_discovery_method);
  CHECK_FALSE(f.category_exploration);
  const auto g = search_of(Interactions{ev("page_view", t0)}, {});
  CHECK(g.search_frequency == 0.0);
}

TEST_CASE("search_frequency counts searches per session with derived sessions", "[search]") {
  // No ids: 10:00, 10:20 | gap 45 min | 11:05 → 2 sessions, 3 searches → 1.5.
  const Interactions e{ev("search", t0), ev("SEARCH ", t0 + mins(20)),
                       ev("search_submitted", t0 + mins(65)), ev("page_view", t0 + mins(66))};
  CHECK(search_of(e, {}).search_frequency == 1.5);
}

TEST_CASE(
    "search_query_diversity compares queries trimmed, lower-cased and with whitespace runs "
    "collapsed",
    "[search]") {
  // "Red\tShoes", "RED  SHOES", " red shoes\n" are one query; "redshoes" differs;
  // "ÄB" and "äb" differ (only A–Z are lower-cased). 6 queries, 4 distinct → 4 / 6.
  const Interactions e{ev("search", t0).query("Red\tShoes"),
                       ev("search", t0 + sec(1)).query("RED  SHOES"),
                       ev("search", t0 + sec(2)).query(" red shoes\n"),
                       ev("search", t0 + sec(3)).query("redshoes"),
                       ev("search", t0 + sec(4))
                           .query("\xC3\x84"
                                  "B"),
                       ev("search", t0 + sec(5))
                           .query("\xC3\xA4"
                                  "b")};
  CHECK(search_of(e, {}).search_query_diversity == 4.0 / 6.0);
  // Every ASCII whitespace (space, \t, \n, \v, \f, \r) collapses: "red\v\fhat" = "RED\r\nHAT".
  const Interactions ws{ev("search", t0).query("red\v\fhat"),
                        ev("search", t0 + sec(1)).query("RED\r\nHAT"),
                        ev("search", t0 + sec(2)).query("red hat ")};
  CHECK(search_of(ws, {}).search_query_diversity == 1.0 / 3.0);
  // One query repeated: 1 / 3.
  const Interactions same{ev("search", t0).query("a"), ev("search", t0 + sec(1)).query("A"),
                          ev("search", t0 + sec(2)).query(" a ")};
  CHECK(search_of(same, {}).search_query_diversity == 1.0 / 3.0);
}

TEST_CASE("product_discovery_method labels a product_view by the interaction just before it",
          "[search]") {
  // One session [previous, product_view]. A product_view first in its session votes direct.
  const std::vector<std::pair<std::string, std::string>> cases{
      {"search", "search"},    {"view_search_results", "search"}, {"collection_view", "browse"},
      {"page_view", "browse"}, {"add_to_cart", "cart"},           {"remove_from_cart", "cart"},
      {"cart_viewed", "cart"}, {"checkout_started", "browse"},    {"checkout_completed", "browse"},
      {"scroll", "browse"}};
  for (const auto& [previous, label] : cases) {
    INFO("previous event: " << previous);
    const Interactions e{ev(previous, t0).session("s"),
                         ev("product_view", t0 + sec(1)).session("s")};
    CHECK(discovery_of(e) == label);
  }
  // Alone: direct.
  CHECK(discovery_of(Interactions{ev("product_view", t0).session("s")}) == "direct");
  // Two product views: direct (first) and related (second) tie → related comes first.
  CHECK(discovery_of(Interactions{ev("product_view", t0).session("s"),
                                  ev("product_view", t0 + sec(1)).session("s")}) == "related");
}

TEST_CASE("product_discovery_method counts the votes of all product views and attributions",
          "[search]") {
  // s1: search, pv (search), pv (related), add_to_cart, pv (cart);
  // s2: pv (direct), collection_view, pv (browse), page_view, pv (browse), cart_viewed, pv (cart).
  // search 1, related 1, cart 2, direct 1, browse 2: browse and cart tie → browse.
  const Sessions s{sess("s1", t0), sess("s2", t0 + days(1))};
  const cbf::Timestamp u = t0 + days(1);
  const Interactions e{ev("search", t0).session("s1"),
                       ev("product_view", t0 + sec(1)).session("s1"),
                       ev("product_view", t0 + sec(2)).session("s1"),
                       ev("add_to_cart", t0 + sec(3)).session("s1"),
                       ev("product_view", t0 + sec(4)).session("s1"),
                       ev("product_view", u).session("s2"),
                       ev("collection_view", u + sec(1)).session("s2"),
                       ev("product_view", u + sec(2)).session("s2"),
                       ev("page_view", u + sec(3)).session("s2"),
                       ev("product_view", u + sec(4)).session("s2"),
                       ev("cart_viewed", u + sec(5)).session("s2"),
                       ev("product_view", u + sec(6)).session("s2")};
  CHECK(discovery_of(e, s) == "browse");
  // One more cart vote from an attribution: cart 3 wins.
  CHECK(discovery_of(e, s, votes({"Cart"})) == "cart");
  // Two "email" rows: email 2 ties browse 2 → browse; three → email.
  CHECK(discovery_of(e, s, votes({"email", "email"})) == "browse");
  CHECK(discovery_of(e, s, votes({"email", " EMAIL ", "Email"})) == "email");
}

TEST_CASE("product_discovery_method counts thousands of product views in one session exactly",
          "[search]") {
  // One session: 3000 × (search, product_view) votes search 3000; then 4500 product views in a
  // row vote related 4500 (each follows a product view). Votes are summed in 12-bit fields of a
  // register, emptied every 4095 members: a field that overflowed would carry into the next
  // label and turn related's 4500 into 404.
  Interactions e;
  cbf::Timestamp t = t0;
  for (int i = 0; i < 3000; ++i) {
    e.push_back(ev("search", t).session("s1"));
    e.push_back(ev("product_view", t + sec(1)).session("s1"));
    t += sec(2);
  }
  for (int i = 0; i < 4500; ++i) {
    e.push_back(ev("product_view", t).session("s1"));
    t += sec(1);
  }
  const Sessions s{sess("s1", t0)};
  const cbf::Config config = config_at(t + days(1));
  const Attributions no_orders;
  const cbf::CustomerContext ctx =
      cbf::make_context(cbf::no_records<cbf::Customer>, e, s, no_orders, config);
  const auto& votes_by_label = ctx.product_view_votes;
  CHECK(votes_by_label[static_cast<std::size_t>(cbf::DiscoveryLabel::search)] == 3000);
  CHECK(votes_by_label[static_cast<std::size_t>(cbf::DiscoveryLabel::related)] == 4500);
  CHECK(votes_by_label[static_cast<std::size_t>(cbf::DiscoveryLabel::browse)] == 0);
  CHECK(votes_by_label[static_cast<std::size_t>(cbf::DiscoveryLabel::direct)] == 0);
  CHECK(votes_by_label[static_cast<std::size_t>(cbf::DiscoveryLabel::cart)] == 0);
  CHECK(discovery_of(e, s, {}, config) == "related");
}

TEST_CASE(
    "product_discovery_method breaks ties search, browse, related, direct, cart, then others "
    "in byte order",
    "[search]") {
  CHECK(discovery_of({}, {}, votes({"cart", "direct", "related", "browse", "search"})) == "search");
  CHECK(discovery_of({}, {}, votes({"cart", "direct", "related", "browse"})) == "browse");
  CHECK(discovery_of({}, {}, votes({"cart", "direct", "related"})) == "related");
  CHECK(discovery_of({}, {}, votes({"cart", "direct"})) == "direct");
  CHECK(discovery_of({}, {}, votes({"zzz", "cart"})) == "cart");
  // Other labels: byte order of the normalised label ("ads" < "email").
  CHECK(discovery_of({}, {}, votes({"email", "Ads"})) == "ads");
  CHECK(discovery_of({}, {}, votes({"Zeta", "alpha"})) == "alpha");
  // Bytes ≥ 0x80 sort after ASCII: "zz" < "\xC3\xA9dition".
  CHECK(discovery_of({}, {},
                     votes({"\xC3\xA9"
                            "dition",
                            "zz"})) == "zz");
  // Upper-case letters fold before comparing: "B" is "b", after "a" (though 'B' < 'a' as bytes).
  CHECK(discovery_of({}, {}, votes({"B", "a"})) == "a");
}

TEST_CASE("attribution labels are normalised and fixed labels collect their votes", "[search]") {
  // " Search " and "SEARCH" vote search; the label output is normalised.
  CHECK(discovery_of({}, {}, votes({" Search ", "SEARCH", "browse"})) == "search");
  CHECK(discovery_of({}, {}, votes({"  Social Media\t"})) == "social media");
  // Each attribution row votes once, even when several rows share an order: o1 ×2 email vs
  // browse ×1 (product view after a collection view).
  const Interactions e{ev("collection_view", t0).session("s"),
                       ev("product_view", t0 + sec(1)).session("s")};
  const Attributions rows{attr("o1", t0, 1.0).type("email"), attr("o1", t0, 2.0).type("email")};
  CHECK(discovery_of(e, {}, rows) == "email");
  // Untyped, bad-money and after-as_of rows do not vote.
  const Attributions unused{attr("o1", t0, 1.0).type("  "), attr("o2", t0, -1.0).type("email"),
                            attr("o3", t0, std::numeric_limits<double>::infinity()).type("email"),
                            attr("o4", as_of + sec(1), 1.0).type("email"),
                            attr("", t0, 1.0).type("email")};
  CHECK(discovery_of(e, {}, unused) == "browse");
}

TEST_CASE("product views that belong to no session do not vote", "[search]") {
  // Record session s1: collection_view, product_view → browse 1. In the unknown session "zz":
  // search, product_view, search, product_view would be search 2 if they voted.
  const Sessions s{sess("s1", t0)};
  const Interactions e{ev("collection_view", t0).session("s1"),
                       ev("product_view", t0 + sec(1)).session("s1"),
                       ev("search", t0 + sec(2)).session("zz"),
                       ev("product_view", t0 + sec(3)).session("zz"),
                       ev("search", t0 + sec(4)).session("zz"),
                       ev("product_view", t0 + sec(5)).session("zz"),
                       ev("search", t0 + sec(6)),
                       ev("product_view", t0 + sec(7))};
  CHECK(discovery_of(e, s) == "browse");
  // With only such product views there are no votes at all.
  const Interactions outside{ev("search", t0).session("zz"),
                             ev("product_view", t0 + sec(1)).session("zz")};
  CHECK_FALSE(discovery_of(outside, s));
}

TEST_CASE("the previous interaction is taken in the same session only", "[search]") {
  // Derived sessions from ids A, B, A: the second A starts a new session, so its product_view is
  // first in it (direct), not after the search of the first A session.
  const Interactions e{ev("search", t0).session("A"),
                       ev("collection_view", t0 + sec(1)).session("B"),
                       ev("product_view", t0 + sec(2)).session("A")};
  CHECK(discovery_of(e) == "direct");
  // With record sessions A and B the product_view joins A after its search.
  const Sessions s{sess("A", t0), sess("B", t0 + sec(1))};
  CHECK(discovery_of(e, s) == "search");
}

TEST_CASE("at equal times a page_view comes before other kinds, then input order rules",
          "[search]") {
  // product_view given first, page_view second, same instant: page_view first → browse.
  const Interactions pv_first{ev("product_view", t0).session("s"),
                              ev("page_view", t0).session("s")};
  CHECK(discovery_of(pv_first) == "browse");
  // Neither is a page_view: input order. collection_view then search at t0 → search last.
  const Interactions a{ev("collection_view", t0).session("s"), ev("search", t0).session("s"),
                       ev("product_view", t0 + sec(1)).session("s")};
  CHECK(discovery_of(a) == "search");
  const Interactions b{ev("search", t0).session("s"), ev("collection_view", t0).session("s"),
                       ev("product_view", t0 + sec(1)).session("s")};
  CHECK(discovery_of(b) == "browse");
  // A product_view given before a search at the same instant stays before it: direct.
  const Interactions c{ev("product_view", t0).session("s"), ev("search", t0).session("s")};
  CHECK(discovery_of(c) == "direct");
}

TEST_CASE("with paired page views the tracker's page_view before a product_view is skipped once",
          "[search]") {
  // Shopify: search, then page_viewed + product_viewed at the same instant (product given first).
  const Interactions e{ev("search_submitted", t0).session("s"),
                       ev("product_viewed", t0 + sec(5)).session("s"),
                       ev("page_viewed", t0 + sec(5)).session("s")};
  CHECK(discovery_of(e, {}, {}, shopify_as_of) == "search");
  CHECK(discovery_of(e, {}, {}, at_as_of) == "browse");  // default: not skipped
  // Skipped once only: page_viewed, page_viewed, product_viewed → the earlier page_view → browse.
  const Interactions twice{
      ev("search", t0).session("s"), ev("page_viewed", t0 + sec(1)).session("s"),
      ev("page_viewed", t0 + sec(2)).session("s"), ev("product_viewed", t0 + sec(2)).session("s")};
  CHECK(discovery_of(twice, {}, {}, shopify_as_of) == "browse");
  // A paired page_view first in the session leaves nothing before: direct.
  const Interactions first{ev("page_viewed", t0).session("s"),
                           ev("product_viewed", t0).session("s")};
  CHECK(discovery_of(first, {}, {}, shopify_as_of) == "direct");
  // Nothing is skipped when the previous event is not a page_view.
  const Interactions cart{ev("add_to_cart", t0).session("s"),
                          ev("product_viewed", t0 + sec(1)).session("s")};
  CHECK(discovery_of(cart, {}, {}, shopify_as_of) == "cart");
}

TEST_CASE("category_exploration is the Gini-Simpson index of viewed categories", "[search]") {
  // One category: 1 − 1 = 0.
  const Interactions one{ev("product_view", t0).category("A"),
                         ev("collection_view", t0 + sec(1)).category("A")};
  CHECK(search_of(one, {}).category_exploration == 0.0);
  // Three equally: 1 − 3 · (1/3)² = (9 − 3) / 9.
  const Interactions three{ev("product_view", t0).category("A"),
                           ev("product_view", t0 + sec(1)).category("B"),
                           ev("collection_viewed", t0 + sec(2)).category("C")};
  CHECK(search_of(three, {}).category_exploration == 6.0 / 9.0);
  // Ids are exact: "a", "A" and "A " are three categories: again 6/9.
  const Interactions exact{ev("product_view", t0).category("A"),
                           ev("product_view", t0 + sec(1)).category("a"),
                           ev("product_view", t0 + sec(2)).category("A ")};
  CHECK(search_of(exact, {}).category_exploration == 6.0 / 9.0);
  // Interactions after as_of are not seen.
  Interactions late = one;
  late.push_back(ev("product_view", as_of + sec(1)).category("Z"));
  CHECK(search_of(late, {}).category_exploration == 0.0);
}

TEST_CASE("search features do not depend on the order of the inputs", "[search]") {
  const auto base = search_of(typical_events(), typical_sessions(), votes({"email"}));
  for (std::uint64_t seed = 1; seed <= 8; ++seed)
    CHECK(same(search_of(shuffled(typical_events(), seed), shuffled(typical_sessions(), seed + 1),
                         votes({"email"})),
               base));
  // Derived sessions, distinct times.
  const Interactions e{ev("search", t0),
                       ev("product_view", t0 + sec(1)).category("X"),
                       ev("collection_view", t0 + mins(40)).category("Y"),
                       ev("product_view", t0 + mins(41)).category("X"),
                       ev("product_view", t0 + mins(42)),
                       ev("search", t0 + mins(43)).query("q")};
  const auto d = search_of(e, {});
  CHECK(d.search_frequency == 1.0);               // 2 searches, 2 sessions
  CHECK(d.product_discovery_method == "search");  // search 1, browse 1, related 1 → search
  CHECK(d.category_exploration == 4.0 / 9.0);     // X 2, Y 1: (9 − 5) / 9
  for (std::uint64_t seed = 1; seed <= 8; ++seed) CHECK(same(search_of(shuffled(e, seed), {}), d));
}

TEST_CASE("search features read host structs by member and through record_traits", "[search]") {
  namespace chr = std::chrono;
  const auto at = [](cbf::Timestamp t) { return chr::floor<chr::seconds>(t); };
  const std::vector<TrackedEvent> events{{"c1", "", "search", "", "Shoes", at(t0)},
                                         {"c1", "", "product_view", "A", "", at(t0 + sec(1))},
                                         {"c1", "", "search", "", " shoes ", at(t0 + mins(45))},
                                         {"c1", "", "collection_view", "B", "", at(t0 + mins(46))}};
  const std::vector<Sale> sales{{"c1", "o1", "email", at(t0)}, {"c1", "o2", "Email", at(t0)}};
  const auto f = cbf::search_features(events, cbf::no_records<cbf::Session>, sales, at_as_of);
  CHECK(f.search_frequency == 1.0);              // 2 searches, 2 derived sessions
  CHECK(f.search_query_diversity == 0.5);        // "shoes" twice
  CHECK(f.product_discovery_method == "email");  // email 2 vs search 1
  CHECK(f.category_exploration == 0.5);          // A, B
}
