// compute_batch (contract §0, §4.1, §4.16): grouping by key, one row per key, key order, the
// default as_of, MissingAsOf, and batch diagnostics.
#include <catch2/catch.hpp>
#include <cbf/cbf.hpp>

#include "support.hpp"

#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

using namespace cbf_test;

namespace {

using Key = std::pair<std::string, std::string>;

std::vector<Key> keys_of(const cbf::BatchResult& b) {
  std::vector<Key> out;
  for (const auto& r : b.customers) out.emplace_back(r.shop_id, r.customer_id);
  return out;
}

const cbf::CustomerResult& row_of(const cbf::BatchResult& b, std::string_view shop,
                                  std::string_view customer) {
  for (const auto& r : b.customers)
    if (r.shop_id == shop && r.customer_id == customer) return r;
  FAIL("no row for (" << shop << ", " << customer << ")");
  return b.customers.front();
}

// A host's event row with its own names, adapted through cbf::record_traits.
struct Event {
  std::string store;
  std::string user;
  std::string kind;
  std::chrono::sys_seconds at;
};

}  // namespace

template <>
struct cbf::record_traits<Event> {
  static constexpr auto fields =
      cbf::fields(cbf::field::shop_id = &Event::store, cbf::field::customer_id = &Event::user,
                  cbf::field::event_type = &Event::kind, cbf::field::created_at = &Event::at);
};

TEST_CASE("compute_batch gives one row per (shop_id, customer_id), sorted by key bytes",
          "[batch]") {
  const Customers c{cust("b"), cust("z").shop("s1")};
  const Interactions e{ev("page_view", t0).customer("a").shop("s2"),
                       ev("page_view", t0).customer("B").shop("s1"),
                       ev("page_view", t0).customer("a").shop("  "),  // blank shop = ""
                       ev("page_view", t0).customer(" c1")};          // ids are exact
  const Sessions s{sess("x", t0).customer("\xC3\xA9").shop("s1"), sess("y", t0).customer("c1")};
  const Attributions o{attr("o1", t0, 1.0).customer("a").shop("s1"),
                       attr("o2", t0, 1.0).customer("a").shop("s1"),
                       attr("o3", t0, 1.0).customer("b")};
  const auto b = cbf::compute_batch(c, e, s, o, at_as_of);
  const std::vector<Key> expected{{"", " c1"}, {"", "a"},          {"", "b"},
                                  {"", "c1"},  {"s1", "B"},        {"s1", "a"},
                                  {"s1", "z"}, {"s1", "\xC3\xA9"},  // byte 0xC3 sorts after ASCII
                                  {"s2", "a"}};
  CHECK(keys_of(b) == expected);
  // Records are grouped by key: ("s1", "a") has two orders, ("", "b") a customer row and one.
  CHECK(row_of(b, "s1", "a").features.total_purchases == 2);
  CHECK(row_of(b, "", "b").features.total_purchases == 1);
  CHECK(row_of(b, "", "b").diagnostics.customer.used == 1);
  CHECK(row_of(b, "s2", "a").features.total_sessions == 1);
  CHECK(row_of(b, "", "a").features.total_sessions == 1);
  CHECK(row_of(b, "", "c1").features.total_sessions == 1);
  for (const auto& r : b.customers) CHECK(r.as_of == as_of);
}

TEST_CASE("a key whose records were all filtered still gets a row", "[batch]") {
  const Customers c{cust("bad_created", cbf::TimeField::invalid()),
                    cust("late_created", as_of + days(1))};
  const Interactions e{ev("page_view", as_of + sec(1)).customer("late_event"),
                       ev("", t0).customer("no_type")};
  const Sessions s{sess("s", cbf::TimeField::invalid()).customer("bad_session")};
  const Attributions o{attr("o", t0, -1.0).customer("bad_money"),
                       attr("", t0, 1.0).customer("no_order")};
  const auto b = cbf::compute_batch(c, e, s, o, at_as_of);
  const std::vector<Key> expected{{"", "bad_created"},  {"", "bad_money"},  {"", "bad_session"},
                                  {"", "late_created"}, {"", "late_event"}, {"", "no_order"},
                                  {"", "no_type"}};
  CHECK(keys_of(b) == expected);
  for (const auto& r : b.customers) {
    INFO(r.customer_id);
    CHECK(r.features.total_purchases == 0);
    CHECK(r.features.total_sessions == 0);
    CHECK_FALSE(r.features.avg_purchase_value);
    CHECK_FALSE(r.features.bounce_rate);
    CHECK(r.features.engagement_score == 0.0);
    CHECK(r.features.customer_segment == "inactive");  // nothing in the window
  }
  CHECK(row_of(b, "", "bad_created").diagnostics.customer.bad_timestamp == 1);
  CHECK(row_of(b, "", "late_created").diagnostics.customer.after_as_of == 1);
  CHECK(row_of(b, "", "late_event").diagnostics.interaction.after_as_of == 1);
  CHECK(row_of(b, "", "no_type").diagnostics.interaction.missing_field == 1);
  CHECK(row_of(b, "", "bad_session").diagnostics.session.bad_timestamp == 1);
  CHECK(row_of(b, "", "bad_money").diagnostics.attribution.bad_money == 1);
  CHECK(row_of(b, "", "no_order").diagnostics.attribution.empty_order_id == 1);
}

TEST_CASE("records with a blank customer_id give no row and count missing_field in the batch",
          "[batch]") {
  const Customers c{cust(""), cust("  ").shop("s"), cust("c1")};
  const Interactions e{ev("page_view", t0).customer(""), ev("page_view", t0).customer("\t"),
                       ev("page_view", t0)};
  const Sessions s{sess("s", t0).customer(" ")};
  const Attributions o{attr("o", t0, 1.0).customer(""), attr("o", t0, 1.0)};
  const auto b = cbf::compute_batch(c, e, s, o, at_as_of);
  CHECK(keys_of(b) == std::vector<Key>{{"", "c1"}});
  CHECK(b.diagnostics.customer.missing_field == 2);
  CHECK(b.diagnostics.customer.used == 1);
  CHECK(b.diagnostics.interaction.missing_field == 2);
  CHECK(b.diagnostics.interaction.used == 1);
  CHECK(b.diagnostics.session.missing_field == 1);
  CHECK(b.diagnostics.attribution.missing_field == 1);
  CHECK(b.diagnostics.attribution.used == 1);
  // The row's own diagnostics hold only its key's records.
  const auto& r = row_of(b, "", "c1");
  CHECK(r.diagnostics.customer.total() == 1);
  CHECK(r.diagnostics.interaction.total() == 1);
  CHECK(r.diagnostics.session.total() == 0);
  CHECK(r.diagnostics.attribution.total() == 1);
}

TEST_CASE("batch diagnostics are the sum of the rows' plus the records without a key", "[batch]") {
  cbf::Config config = at_as_of;
  config.lookback = days(60);
  const Customers c{cust("a"), cust("a"), cust("b", cbf::TimeField::invalid()), cust("")};
  const Interactions e{ev("page_view", t0).customer("a").viewed(-3.0),
                       ev("page_view", as_of + sec(1)).customer("b"),
                       ev("page_view", as_of - days(61)).customer("c"), ev("x", t0).customer("")};
  const Sessions s{
      sess("s", t0).customer("a").end(t0 - sec(1)), sess("s", t0 + sec(1)).customer("a"),
      sess("t", t0).customer("b").end(cbf::TimeField::invalid()), sess("u", t0).customer("")};
  const Attributions o{attr("o", t0, 1.0).customer("a"), attr("", t0, 1.0).customer("b"),
                       attr("p", t0, std::numeric_limits<double>::infinity()).customer("c"),
                       attr("q", t0, 1.0).customer("")};
  const auto b = cbf::compute_batch(c, e, s, o, config);
  REQUIRE(b.customers.size() == 3);
  cbf::Diagnostics sum;
  for (const auto& r : b.customers) sum += r.diagnostics;
  sum.customer.missing_field += 1;  // the records without a customer_id
  sum.interaction.missing_field += 1;
  sum.session.missing_field += 1;
  sum.attribution.missing_field += 1;
  CHECK(b.diagnostics == sum);
  // And by hand.
  CHECK(b.diagnostics.customer.used == 1);
  CHECK(b.diagnostics.customer.duplicate_customer == 1);
  CHECK(b.diagnostics.customer.bad_timestamp == 1);
  CHECK(b.diagnostics.customer.missing_field == 1);
  CHECK(b.diagnostics.interaction.used == 1);
  CHECK(b.diagnostics.interaction.bad_view_duration == 1);
  CHECK(b.diagnostics.interaction.after_as_of == 1);
  CHECK(b.diagnostics.interaction.before_lookback == 1);
  CHECK(b.diagnostics.session.used == 2);
  CHECK(b.diagnostics.session.duplicate_session == 1);
  CHECK(b.diagnostics.session.end_before_start == 1);
  CHECK(b.diagnostics.session.bad_end_time == 1);
  CHECK(b.diagnostics.attribution.used == 1);
  CHECK(b.diagnostics.attribution.empty_order_id == 1);
  CHECK(b.diagnostics.attribution.bad_money == 1);
  CHECK(b.diagnostics.customer.total() == 4);
  CHECK(b.diagnostics.interaction.total() == 4);
  CHECK(b.diagnostics.session.total() == 4);
  CHECK(b.diagnostics.attribution.total() == 4);
}

TEST_CASE("the default as_of is the latest valid stamp of the whole batch", "[batch]") {
  const cbf::Config no_as_of;
  // Customer a's latest stamp is t0; b's attribution at t0 + 2 d has bad money but still counts;
  // a session's end_time and created_at and a customer's created_at do not count.
  const Customers c{cust("a", t0 + days(30)), cust("z", t0 + days(40))};
  const Interactions e{ev("page_view", t0).customer("a")};
  const Sessions s{
      sess("s", t0 + days(1)).customer("c").end(t0 + days(3650)).created(t0 + days(20))};
  const Attributions o{attr("o", t0 + days(2), -1.0).customer("b")};
  auto b = cbf::compute_batch(c, e, s, o, no_as_of);
  CHECK(b.as_of == t0 + days(2));
  REQUIRE(b.customers.size() == 4);  // a, b, c, z
  for (const auto& r : b.customers) CHECK(r.as_of == t0 + days(2));
  // Customer a's created_at (t0 + 30 d) is after the batch's as_of.
  CHECK(row_of(b, "", "a").diagnostics.customer.after_as_of == 1);

  // Rows with other problems count too: a blank event_type, a blank customer_id, an empty order.
  Interactions more = e;
  more.push_back(ev("", t0 + days(4)).customer("a"));
  CHECK(cbf::compute_batch(c, more, s, o, no_as_of).as_of == t0 + days(4));
  more.push_back(ev("page_view", t0 + days(5)).customer(""));
  CHECK(cbf::compute_batch(c, more, s, o, no_as_of).as_of == t0 + days(5));
  Attributions empty_order = o;
  empty_order.push_back(attr("", t0 + days(6), 1.0).customer("b"));
  CHECK(cbf::compute_batch(c, more, s, empty_order, no_as_of).as_of == t0 + days(6));
  // A session's start_time counts.
  Sessions later = s;
  later.push_back(sess("t", t0 + days(7)).customer("c"));
  CHECK(cbf::compute_batch(c, more, later, empty_order, no_as_of).as_of == t0 + days(7));
  // Not per customer: a's features use the batch's as_of (its tenure reaches it).
  const auto r = cbf::compute_batch(c, e, later, o, no_as_of);
  CHECK(row_of(r, "", "a").as_of == t0 + days(7));
}

TEST_CASE("compute_batch throws MissingAsOf when no as_of is given and no stamp is valid",
          "[batch]") {
  const cbf::Config no_as_of;
  const Customers c{cust("a", t0)};
  const Interactions e{ev("page_view", cbf::TimeField::invalid()).customer("a"),
                       ev("page_view", {}).customer("b")};
  const Sessions s{sess("s", {}).customer("a").end(t0).created(t0)};
  const Attributions o{attr("o", cbf::TimeField::invalid(), 1.0).customer("a")};
  CHECK_THROWS_AS(cbf::compute_batch(c, e, s, o, no_as_of), cbf::MissingAsOf);
  CHECK_THROWS_AS(
      cbf::compute_batch(Customers{}, Interactions{}, Sessions{}, Attributions{}, no_as_of),
      cbf::MissingAsOf);
  // With an explicit as_of the same batch computes: rows a and b, nothing used.
  const auto b = cbf::compute_batch(c, e, s, o, at_as_of);
  CHECK(b.as_of == as_of);
  CHECK(keys_of(b) == std::vector<Key>{{"", "a"}, {"", "b"}});
  const auto empty =
      cbf::compute_batch(Customers{}, Interactions{}, Sessions{}, Attributions{}, at_as_of);
  CHECK(empty.customers.empty());
  CHECK(empty.diagnostics == cbf::Diagnostics{});
}

TEST_CASE("each batch row equals compute_customer over that key's records", "[batch]") {
  // Two customers with interleaved records; values by hand for the key facts.
  const Customers c{cust("b", t0 - months(3)), cust("a", t0 - months(1))};
  const Interactions e{
      ev("search", t0).customer("a").query("Shoes"),
      ev("product_view", t0 + sec(1)).customer("b").session("sb").category("X"),
      ev("product_view", t0 + sec(2)).customer("a").category("Y"),
      ev("search", t0 + sec(3)).customer("b").session("sb").query("hat"),
      ev("page_view", t0 + mins(50)).customer("a"),
  };
  const Sessions s{sess("sb", t0).customer("b").end(t0 + mins(2))};
  const Attributions o{attr("o1", t0 + days(1), 10.0).customer("a"),
                       attr("o2", t0 + days(2), 20.0).customer("b"),
                       attr("o3", t0 + days(3), 30.0).customer("a")};
  const auto b = cbf::compute_batch(c, e, s, o, cbf::Config{});
  CHECK(b.as_of == t0 + days(3));
  REQUIRE(b.customers.size() == 2);
  cbf::Config at_batch;
  at_batch.as_of = b.as_of;
  const auto only = [](const auto& records, std::string_view id) {
    std::remove_cvref_t<decltype(records)> out;
    for (const auto& r : records)
      if (r.customer_id == id) out.push_back(r);
    return out;
  };
  for (const auto& row : b.customers) {
    INFO(row.customer_id);
    const auto single =
        cbf::compute_customer(only(c, row.customer_id), only(e, row.customer_id),
                              only(s, row.customer_id), only(o, row.customer_id), at_batch);
    CHECK(row.features == single.features);
    CHECK(row.diagnostics == single.diagnostics);
    CHECK(row.shop_id == single.shop_id);
    CHECK(row.customer_id == single.customer_id);
    CHECK(row.as_of == single.as_of);
  }
  // a: orders 10 and 30 → avg 20; derived sessions [t0, t0 + 2 s] and [t0 + 50 min] → 2.
  const auto& a = row_of(b, "", "a");
  CHECK(a.features.total_purchases == 2);
  CHECK(a.features.avg_purchase_value == 20.0);
  CHECK(a.features.total_sessions == 2);
  CHECK(a.features.search_frequency == 0.5);
  // b: its record session; 1 search; product view first in the session → direct.
  const auto& bb = row_of(b, "", "b");
  CHECK(bb.features.total_sessions == 1);
  CHECK(bb.features.avg_session_duration == 2.0);
  CHECK(bb.features.product_discovery_method == "direct");
  CHECK(bb.features.search_query_diversity == 1.0);
}

TEST_CASE("compute_batch does not depend on the order of the inputs", "[batch]") {
  Customers c;
  Interactions e;
  Sessions s;
  Attributions o;
  for (int k = 0; k < 6; ++k) {
    const std::string id = "c" + std::to_string(k);
    const std::string shop = k % 2 ? "s1" : "s2";
    const cbf::Timestamp base = t0 + days(k);
    c.push_back(cust(id, base - months(2)).shop(shop));
    for (int i = 0; i < 5; ++i)
      e.push_back(ev(i % 2 ? "product_view" : "search", base + mins(i * 17 + k))
                      .customer(id)
                      .shop(shop)
                      .session(k % 3 ? "" : "r" + std::to_string(k))
                      .category(i % 3 ? "A" : "B")
                      .query(i % 2 ? "" : "q" + std::to_string(i)));
    if (k % 3 == 0)
      s.push_back(sess("r" + std::to_string(k), base).customer(id).shop(shop).end(base + mins(70)));
    o.push_back(
        attr("o" + std::to_string(k), base + days(1) + mins(k), 1.5 * k).customer(id).shop(shop));
  }
  const auto base = cbf::compute_batch(c, e, s, o, cbf::Config{});
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const auto b =
        cbf::compute_batch(shuffled(c, seed), shuffled(e, seed + 10), shuffled(s, seed + 20),
                           shuffled(o, seed + 30), cbf::Config{});
    CHECK(b.as_of == base.as_of);
    CHECK(keys_of(b) == keys_of(base));
    REQUIRE(b.customers.size() == base.customers.size());
    for (std::size_t i = 0; i < b.customers.size(); ++i) {
      CHECK(b.customers[i].features == base.customers[i].features);
      CHECK(b.customers[i].diagnostics == base.customers[i].diagnostics);
    }
    CHECK(b.diagnostics == base.diagnostics);
  }
}

TEST_CASE("compute_batch reads host records through record_traits and pointers", "[batch]") {
  namespace chr = std::chrono;
  const auto at = [](cbf::Timestamp t) { return chr::floor<chr::seconds>(t); };
  const std::vector<Event> events{{"shop", "u2", "search", at(t0)},
                                  {"shop", "u1", "page_view", at(t0 + sec(1))},
                                  {"shop", "u2", "search", at(t0 + mins(31) + sec(1))},
                                  {"", "u3", "page_view", at(t0 + sec(2))},
                                  {"shop", "", "page_view", at(t0 + days(1))}};
  std::vector<const Event*> pointers;
  for (const auto& x : events) pointers.push_back(&x);
  const auto b =
      cbf::compute_batch(cbf::no_records<cbf::Customer>, pointers, cbf::no_records<cbf::Session>,
                         cbf::no_records<cbf::Attribution>, cbf::Config{});
  CHECK(b.as_of == t0 + days(1));  // the blank-customer row's stamp counts
  CHECK(keys_of(b) == std::vector<Key>{{"", "u3"}, {"shop", "u1"}, {"shop", "u2"}});
  CHECK(b.diagnostics.interaction.missing_field == 1);
  CHECK(row_of(b, "shop", "u2").features.total_sessions == 2);  // gap 31 min 1 s
  CHECK(row_of(b, "shop", "u2").features.search_frequency == 1.0);
  const auto same_rows =
      cbf::compute_batch(cbf::no_records<cbf::Customer>, events, cbf::no_records<cbf::Session>,
                         cbf::no_records<cbf::Attribution>, cbf::Config{});
  REQUIRE(same_rows.customers.size() == 3);
  for (std::size_t i = 0; i < 3; ++i)
    CHECK(same_rows.customers[i].features == b.customers[i].features);
}

TEST_CASE("model_summaries gives each buyer's (x, t_x, T, m) in weeks, in key order", "[batch]") {
  // c1: orders at t0, t0 + 7 d (two rows: 10 + 20) and t0 + 21 d → x = 2, t_x = 3 weeks,
  // T = as_of − t0 = 56 days 14 h = 8.083333 weeks, m = (10 + 30 + 60) / 3.
  // c2: one order at as_of − 14 days → x = 0, t_x = 0, T = 2 weeks, m = 5. c3 never bought.
  const cbf::Timestamp first = as_of - days(56) - std::chrono::hours(14);
  auto second = attr("o2", first + days(7), 10.0);
  auto second_line = attr("o2", first + days(7) + mins(1), 20.0);
  Attributions orders{attr("o1", first, 10.0), second, second_line,
                      attr("o3", first + days(21), 60.0)};
  auto other = attr("p1", as_of - days(14), 5.0);
  other.customer_id = "c2";
  orders.push_back(other);
  const Customers customers{cust("c3")};
  const auto summaries = cbf::model_summaries(customers, cbf::no_records<cbf::Interaction>,
                                              cbf::no_records<cbf::Session>, orders, at_as_of);
  REQUIRE(summaries.size() == 2);
  CHECK(summaries[0].x == 2);
  CHECK(summaries[0].t_x == 3.0);
  CHECK(summaries[0].T == Approx(8.0 + 14.0 / (7 * 24)).epsilon(1e-15));
  CHECK(summaries[0].m == 100.0 / 3.0);
  CHECK(summaries[1].x == 0);
  CHECK(summaries[1].t_x == 0.0);
  CHECK(summaries[1].T == 2.0);
  CHECK(summaries[1].m == 5.0);
}

// ---- integer keys given back ----------------------------------------------------------------

namespace {

template <class Id, class ShopId>
struct KeyedEvent {
  ShopId shop_id;
  Id customer_id;
  cbf::EventKind event_type = cbf::EventKind::page_view;
  cbf::Timestamp created_at{};
};

}  // namespace

TEST_CASE("results give integer ids back in the host's own type, in the documented key order",
          "[batch]") {
  using Event = KeyedEvent<std::int32_t, std::int64_t>;
  // Key order is the ids' decimal text as bytes: "-5" < "10" < "2" (shop "7" for all).
  const std::vector<Event> events{{7, 2, cbf::EventKind::page_view, t0},
                                  {7, -5, cbf::EventKind::search, t0},
                                  {7, 10, cbf::EventKind::page_view, t0},
                                  {7, 2, cbf::EventKind::search, t0 + sec(5)}};
  const cbf::BatchResult r =
      cbf::compute_batch(cbf::no_records<cbf::Customer>, events, cbf::no_records<cbf::Session>,
                         cbf::no_records<cbf::Attribution>, at_as_of);
  REQUIRE(r.customers.size() == 3);
  CHECK(cbf::id_as<std::int32_t>(r.customers[0].customer_id_bits) == -5);
  CHECK(cbf::id_as<std::int32_t>(r.customers[1].customer_id_bits) == 10);
  CHECK(cbf::id_as<std::int32_t>(r.customers[2].customer_id_bits) == 2);
  CHECK(r.customers[0].customer_id == "-5");
  CHECK(r.customers[2].features.total_sessions == 1);
  for (const auto& row : r.customers) CHECK(cbf::id_as<std::int64_t>(row.shop_id_bits) == 7);

  // The same through one customer, a calculator and a stream.
  const std::vector<Event> two{events[0], events[3]};
  const cbf::CustomerResult one =
      cbf::compute_customer(cbf::no_records<cbf::Customer>, two, cbf::no_records<cbf::Session>,
                            cbf::no_records<cbf::Attribution>, at_as_of);
  CHECK(cbf::id_as<std::int32_t>(one.customer_id_bits) == 2);
  cbf::Calculator calculator(at_as_of);
  const cbf::CustomerResult calculated =
      calculator.compute(cbf::no_records<cbf::Customer>, two, cbf::no_records<cbf::Session>,
                         cbf::no_records<cbf::Attribution>);
  CHECK(cbf::id_as<std::int32_t>(calculated.customer_id_bits) == 2);
  const std::vector<Event> ordered{events[1], events[2], events[0], events[3]};
  std::vector<cbf::CustomerResult> streamed;
  (void)cbf::stream_batch(cbf::no_records<cbf::Customer>, ordered, cbf::no_records<cbf::Session>,
                          cbf::no_records<cbf::Attribution>, at_as_of,
                          [&](cbf::CustomerResult&& row) { streamed.push_back(std::move(row)); });
  REQUIRE(streamed.size() == 3);
  CHECK(cbf::id_as<std::int32_t>(streamed[0].customer_id_bits) == -5);
}

TEST_CASE("64-bit extremes and optional integer ids come back exactly; text ids have no bits",
          "[batch]") {
  using Unsigned = KeyedEvent<std::uint64_t, std::string_view>;
  const std::vector<Unsigned> big{{"s", UINT64_MAX, cbf::EventKind::page_view, t0}};
  const cbf::BatchResult u =
      cbf::compute_batch(cbf::no_records<cbf::Customer>, big, cbf::no_records<cbf::Session>,
                         cbf::no_records<cbf::Attribution>, at_as_of);
  REQUIRE(u.customers.size() == 1);
  CHECK(cbf::id_as<std::uint64_t>(u.customers[0].customer_id_bits) == UINT64_MAX);
  CHECK(u.customers[0].customer_id == "18446744073709551615");
  CHECK_FALSE(u.customers[0].shop_id_bits);  // the shop id is text

  using Optional = KeyedEvent<std::optional<std::int64_t>, std::optional<short>>;
  const std::vector<Optional> optional{
      {std::nullopt, std::nullopt, cbf::EventKind::page_view, t0},  // no key: unkeyed
      {short{-1}, std::numeric_limits<std::int64_t>::min(), cbf::EventKind::page_view, t0}};
  const cbf::BatchResult o =
      cbf::compute_batch(cbf::no_records<cbf::Customer>, optional, cbf::no_records<cbf::Session>,
                         cbf::no_records<cbf::Attribution>, at_as_of);
  REQUIRE(o.customers.size() == 1);
  CHECK(cbf::id_as<std::int64_t>(o.customers[0].customer_id_bits) ==
        std::numeric_limits<std::int64_t>::min());
  CHECK(cbf::id_as<short>(o.customers[0].shop_id_bits) == -1);

  const std::vector<cbf::Interaction> text{
      {.customer_id = "42", .event_type = "page_view", .created_at = t0}};
  const cbf::BatchResult t =
      cbf::compute_batch(cbf::no_records<cbf::Customer>, text, cbf::no_records<cbf::Session>,
                         cbf::no_records<cbf::Attribution>, at_as_of);
  REQUIRE(t.customers.size() == 1);
  CHECK_FALSE(t.customers[0].customer_id_bits);
  CHECK_FALSE(cbf::id_as<int>(t.customers[0].customer_id_bits));
}
