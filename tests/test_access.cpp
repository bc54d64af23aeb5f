// Host records are read in place through a cbf::record_traits fields table or contract-named
// members.
#include "bit_identical.hpp"

#include <cbf/cbf.hpp>

#include <catch2/catch.hpp>
#include <range/v3/view/filter.hpp>
#include <range/v3/view/reverse.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdint>
#include <functional>
#include <list>
#include <numeric>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

using namespace std::chrono;

namespace {

constexpr sys_seconds t0 = sys_days{year{2025} / 3 / 1} + hours{9};

// Members named as the contract's fields, but of the host's own types.
struct WebEvent {
  std::string_view customer_id;
  const char* event_type;
  std::optional<std::string> session_id;
  sys_seconds created_at;
  std::optional<sys_time<milliseconds>> ignored_stamp;
  std::optional<int> view_duration;
};

// A layout with other names, adapted through a fields table.
struct ShopOrderLine {
  std::string user;
  std::string order_number;
  long long placed_at_ms;
  float amount;
  std::string channel;

  [[nodiscard]] std::string_view channel_name() const { return channel; }
};

}  // namespace

template <>
struct cbf::record_traits<ShopOrderLine> {
  static constexpr auto fields = cbf::fields(
      cbf::field::customer_id = &ShopOrderLine::user,  // a data member
      cbf::field::order_id = &ShopOrderLine::order_number,
      cbf::field::created_at =  // any callable taking const R&
      [](const ShopOrderLine& r) { return sys_time<milliseconds>{milliseconds{r.placed_at_ms}}; },
      cbf::field::attribution_value = &ShopOrderLine::amount,
      cbf::field::attribution_type = &ShopOrderLine::channel_name);  // a const member function
};

namespace {

// A table binds one field; the rest is read from members.
struct TaggedSession {
  std::string customer_id;
  std::string session_id;
  sys_seconds start_time;
  std::string platform;
};

}  // namespace

template <>
struct cbf::record_traits<TaggedSession> {
  static constexpr auto fields = cbf::fields(cbf::field::device_type = &TaggedSession::platform);
};

TEST_CASE("contract-named members of the host's own types are read without adaptation",
          "[access]") {
  const WebEvent e{"c7", " Search ", std::nullopt, t0, std::nullopt, 12};
  CHECK(cbf::field::customer_id(e) == "c7");
  CHECK(cbf::field::event_type(e) == " Search ");
  CHECK(cbf::field::session_id(e).empty());  // an empty optional is missing
  CHECK(cbf::field::created_at(e) == cbf::TimeField(t0));
  CHECK(cbf::field::view_duration(e) == 12.0);
  CHECK(cbf::field::shop_id(e).empty());  // no such member: missing
  CHECK(cbf::field::end_time(e).is_missing());
  STATIC_REQUIRE(cbf::interaction_record<WebEvent>);
}

TEST_CASE("a null const char* text field reads as missing", "[access]") {
  const WebEvent e{"c7", nullptr, std::string("s1"), t0, std::nullopt, std::nullopt};
  CHECK(cbf::field::event_type(e).empty());
  CHECK(cbf::field::session_id(e) == "s1");
  CHECK_FALSE(cbf::field::view_duration(e).has_value());
}

TEST_CASE("a fields table adapts a layout with other names, precision and types", "[access]") {
  const ShopOrderLine line{"u1", "A-100", 1'740'819'600'123, 19.5f, "Email"};
  CHECK(cbf::field::customer_id(line) == "u1");
  CHECK(cbf::field::order_id(line) == "A-100");
  CHECK(cbf::field::created_at(line).value() ==
        cbf::Timestamp{microseconds{1'740'819'600'123'000}});
  CHECK(cbf::field::attribution_value(line) == 19.5);
  STATIC_REQUIRE(cbf::attribution_record<ShopOrderLine>);
  STATIC_REQUIRE_FALSE(cbf::interaction_record<ShopOrderLine>);
}

TEST_CASE("a table binds one field while members provide the rest", "[access]") {
  const TaggedSession s{"c1", "s1", t0, "Mobile"};
  CHECK(cbf::field::device_type(s) == "Mobile");
  CHECK(cbf::field::session_id(s) == "s1");
  STATIC_REQUIRE(cbf::session_record<TaggedSession>);
}

TEST_CASE("timestamps finer than microseconds are floored to microseconds", "[access]") {
  const auto ns = sys_time<nanoseconds>{nanoseconds{1'999}};
  CHECK(cbf::TimeField(ns).value().time_since_epoch() == microseconds{1});
  const auto before_epoch = sys_time<nanoseconds>{nanoseconds{-1}};
  CHECK(cbf::TimeField(before_epoch).value().time_since_epoch() == microseconds{-1});
}

TEST_CASE("adapted host records give the same features as the default records", "[access]") {
  const std::vector<ShopOrderLine> host{{"u1", "A-1", 1'740'819'600'000, 10.0f, "Email"},
                                        {"u1", "A-2", 1'741'424'400'000, 30.0f, "email"}};
  std::vector<cbf::Attribution> plain;
  for (const auto& h : host)
    plain.push_back({.customer_id = h.user,
                     .order_id = h.order_number,
                     .attribution_type = h.channel,
                     .attribution_value = h.amount,
                     .created_at = sys_time<milliseconds>{milliseconds{h.placed_at_ms}}});
  cbf::Config config;
  config.as_of = sys_days{year{2025} / 4 / 1};
  const auto a =
      cbf::compute_customer(cbf::no_records<cbf::Customer>, cbf::no_records<cbf::Interaction>,
                            cbf::no_records<cbf::Session>, host, config);
  const auto b =
      cbf::compute_customer(cbf::no_records<cbf::Customer>, cbf::no_records<cbf::Interaction>,
                            cbf::no_records<cbf::Session>, plain, config);
  CHECK(a.features == b.features);
  CHECK(a.features.total_purchases == 2);
  CHECK(*a.features.avg_purchase_value == 20.0);
  CHECK(*a.features.product_discovery_method == "email");
  CHECK(a.customer_id == "u1");
}

TEST_CASE("records are read through pointers, reference_wrappers, spans and range-v3 views",
          "[access]") {
  std::vector<cbf::Attribution> rows{
      {.customer_id = "c1", .order_id = "o1", .attribution_value = 5.0, .created_at = t0},
      {.customer_id = "c1",
       .order_id = "o2",
       .attribution_value = 7.0,
       .created_at = t0 + hours{1}},
      {.customer_id = "c1",
       .order_id = "o3",
       .attribution_value = 100.0,
       .created_at = t0 + hours{2}}};
  cbf::Config config;
  config.as_of = t0 + days{1};

  std::vector<const cbf::Attribution*> pointers{&rows[0], &rows[1], &rows[2]};
  std::vector<std::reference_wrapper<const cbf::Attribution>> refs(rows.begin(), rows.end());
  std::list<cbf::Attribution> list(rows.begin(), rows.end());
  const auto from_vector = cbf::purchase_features(rows, config);
  CHECK(from_vector.total_purchases == 3);
  CHECK(cbf::purchase_features(pointers, config).avg_purchase_value ==
        from_vector.avg_purchase_value);
  CHECK(cbf::purchase_features(refs, config).avg_purchase_value == from_vector.avg_purchase_value);
  CHECK(cbf::purchase_features(list, config).avg_purchase_value == from_vector.avg_purchase_value);
  CHECK(cbf::purchase_features(std::span(rows), config).avg_purchase_value ==
        from_vector.avg_purchase_value);
  CHECK(cbf::purchase_features(rows | ranges::views::reverse, config).avg_purchase_value ==
        from_vector.avg_purchase_value);

  // A filtered view: only the small orders, read in place.
  auto small = rows | ranges::views::filter(
                          [](const cbf::Attribution& a) { return *a.attribution_value < 50; });
  const auto f = cbf::purchase_features(small, config);
  CHECK(f.total_purchases == 2);
  CHECK(*f.avg_purchase_value == 6.0);
}

TEST_CASE("a time point beyond the timestamp limit is an invalid timestamp, not an overflow",
          "[access]") {
  const auto far = sys_seconds{seconds{std::int64_t{1} << 60}};
  CHECK(cbf::TimeField(far).state() == cbf::TimeField::State::invalid);
  CHECK(cbf::TimeField(sys_seconds{-seconds{std::int64_t{1} << 60}}).state() ==
        cbf::TimeField::State::invalid);
  const auto edge = cbf::Timestamp{cbf::timestamp_limit};
  CHECK(cbf::TimeField(edge).is_valid());
  CHECK(cbf::TimeField(edge + microseconds{1}).state() == cbf::TimeField::State::invalid);
  CHECK(cbf::TimeField(sys_time<nanoseconds>::max()).is_valid());  // ≈ year 2262: in range
}

// ---- integer ids and event kinds, read as they are ------------------------------------------

namespace {

// A service's own records: integer ids (some optional) and an enum event kind, no text.
struct NumericEvent {
  std::int64_t shop_id;
  std::int64_t customer_id;
  std::optional<std::int64_t> session_id;
  cbf::EventKind event_type;
  std::optional<std::uint32_t> product_id;
  std::optional<int> category_id;
  std::string search_query;
  std::optional<double> view_duration;
  std::string device_type;
  sys_seconds created_at;
};
struct NumericSession {
  std::int64_t shop_id;
  std::int64_t customer_id;
  long session_id;
  sys_seconds start_time;
  std::optional<sys_seconds> end_time;
  std::string device_type;
  std::string referrer_type;
};
struct NumericOrderLine {
  std::int64_t shop_id;
  std::int64_t customer_id;
  std::uint64_t order_id;
  std::optional<std::int64_t> session_id;
  std::optional<double> attribution_value;
  sys_seconds created_at;
};
struct NumericCustomer {
  std::int64_t shop_id;
  std::int64_t customer_id;
  std::optional<sys_seconds> created_at;
};

static_assert(cbf::interaction_record<NumericEvent>);
static_assert(cbf::session_record<NumericSession>);
static_assert(cbf::attribution_record<NumericOrderLine>);
static_assert(cbf::customer_record<NumericCustomer>);

/// An event_type text that classifies as `kind` ("other" for other).
std::string event_text(cbf::EventKind kind) {
  for (const auto& entry : cbf::detail::event_names)
    if (entry.kind == kind) return std::string(entry.name);
  return "other";
}

template <class T>
std::string text_of(const std::optional<T>& v) {
  return v ? std::to_string(*v) : std::string();
}

/// The same shop as numeric records and as cbf's text records (ids as decimal text).
struct TwinShops {
  std::vector<NumericEvent> events;
  std::vector<NumericSession> sessions;
  std::vector<NumericOrderLine> orders;
  std::vector<NumericCustomer> customers;
  std::vector<cbf::Interaction> text_events;
  std::vector<cbf::Session> text_sessions;
  std::vector<cbf::Attribution> text_orders;
  std::vector<cbf::Customer> text_customers;
};

TwinShops make_twin_shops(std::uint32_t seed) {
  std::mt19937_64 random(seed);
  const auto pick = [&](std::uint64_t n) { return random() % n; };
  // Ids whose decimal text orders differently from their values, negatives, 64-bit extremes.
  const std::vector<std::int64_t> customer_ids{9, 10, -3, 100, 7, 123456789012345, INT64_MIN, 0};
  TwinShops t;
  for (std::size_t c = 0; c < customer_ids.size(); ++c) {
    const std::int64_t shop = 1 + static_cast<std::int64_t>(c % 2);
    const std::int64_t customer = customer_ids[c];
    if (c % 3 != 2) {
      const sys_seconds created = t0 - days{static_cast<int>(pick(300))};
      t.customers.push_back({shop, customer, created});
      t.text_customers.push_back({std::to_string(shop), std::to_string(customer), created});
    }
    for (int s = 0; s < 6; ++s) {
      const long session =
          static_cast<long>(c * 100 + static_cast<std::size_t>(s % 5));  // a duplicate
      const sys_seconds start = t0 - days{static_cast<int>(pick(200))} - hours{pick(20)};
      const std::optional<sys_seconds> end =
          pick(4) == 0 ? std::nullopt : std::optional(start + minutes{pick(90)});
      const std::string device = std::array{"mobile", "desktop", " Tablet", ""}[pick(4)];
      const std::string referrer = std::array{"search", "direct", "social"}[pick(3)];
      t.sessions.push_back({shop, customer, session, start, end, device, referrer});
      t.text_sessions.push_back({std::to_string(shop),
                                 std::to_string(customer),
                                 std::to_string(session),
                                 start,
                                 end ? cbf::TimeField(*end) : cbf::TimeField{},
                                 device,
                                 "",
                                 referrer,
                                 {}});
      for (int e = 0; e < 12; ++e) {
        const auto kind = static_cast<cbf::EventKind>(pick(cbf::event_kind_count));
        const std::optional<std::int64_t> session_id =
            pick(6) == 0 ? std::nullopt : std::optional<std::int64_t>(session);
        const std::optional<std::uint32_t> product =
            pick(3) == 0 ? std::nullopt : std::optional(static_cast<std::uint32_t>(pick(12)));
        const std::optional<int> category =
            pick(3) == 0 ? std::nullopt : std::optional(static_cast<int>(pick(5)) - 2);
        const std::string query =
            kind == cbf::EventKind::search ? std::array{"Shoes", "shoes ", "red hat"}[pick(3)] : "";
        const std::optional<double> view =
            pick(2) == 0 ? std::nullopt : std::optional(static_cast<double>(pick(300)));
        const sys_seconds at = start + minutes{pick(120)};
        t.events.push_back(
            {shop, customer, session_id, kind, product, category, query, view, device, at});
        t.text_events.push_back({std::to_string(shop), std::to_string(customer),
                                 text_of(session_id), event_text(kind), "", text_of(product),
                                 text_of(category), query, view, device, at});
      }
      if (pick(2) == 0) {
        const std::uint64_t order = (pick(2) == 0 ? UINT64_MAX - pick(3) : pick(40));
        const std::optional<double> value = static_cast<double>(pick(20000)) / 100.0;
        const sys_seconds at = start + minutes{30 + pick(60)};
        const std::optional<std::int64_t> session_id =
            pick(3) == 0 ? std::nullopt : std::optional<std::int64_t>(session);
        t.orders.push_back({shop, customer, order, session_id, value, at});
        t.text_orders.push_back({std::to_string(shop), std::to_string(customer),
                                 std::to_string(order), "", text_of(session_id), "", value, at});
      }
    }
  }
  // Records of a customer apart, in global time order, as an event log holds them.
  std::vector<std::size_t> order(t.events.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return t.events[a].created_at < t.events[b].created_at;
  });
  std::vector<NumericEvent> events;
  std::vector<cbf::Interaction> text_events;
  for (const std::size_t i : order) {
    events.push_back(t.events[i]);
    text_events.push_back(t.text_events[i]);
  }
  t.events = std::move(events);
  t.text_events = std::move(text_events);
  return t;
}

}  // namespace

TEST_CASE("integer ids and EventKind event types give the features of their decimal text") {
  for (const std::uint32_t seed : {1u, 2u, 3u}) {
    const TwinShops t = make_twin_shops(seed);
    for (const cbf::Config& config : {cbf::Config{}, cbf::shopify_config()}) {
      cbf::Config at = config;
      at.as_of = t0 + days{30};
      const cbf::BatchResult numeric =
          cbf::compute_batch(t.customers, t.events, t.sessions, t.orders, at);
      const cbf::BatchResult text =
          cbf::compute_batch(t.text_customers, t.text_events, t.text_sessions, t.text_orders, at);
      REQUIRE(numeric.customers.size() == 8);
      REQUIRE(numeric.customers.size() == text.customers.size());
      for (std::size_t i = 0; i < text.customers.size(); ++i) {
        INFO("seed " << seed << ", customer " << text.customers[i].customer_id);
        CHECK(cbf_test::identical_rows(numeric.customers[i], text.customers[i]));
      }
      CHECK(numeric.diagnostics == text.diagnostics);
    }
  }
}

TEST_CASE("searches of integer-id records whose queries are views keep their own queries") {
  // Such records' queries are interned after the pass over the records (defers_search_query):
  // each search must still get its own query, and the pool the ids of the text records' pass.
  struct ViewedQueryEvent {
    std::int64_t customer_id;
    std::int64_t session_id;
    cbf::EventKind event_type;
    std::string_view search_query;
    sys_seconds created_at;
  };
  static_assert(cbf::detail::defers_search_query<ViewedQueryEvent>);
  static_assert(!cbf::detail::defers_search_query<cbf::Interaction>);
  const std::array<std::string, 6> queries{"Shoes", " red  hat", "", "shoes", "mug", "MUG "};
  std::vector<ViewedQueryEvent> events;
  std::vector<cbf::Interaction> text_events;
  for (int i = 0; i < 40; ++i) {
    const cbf::EventKind kind = std::array{cbf::EventKind::search, cbf::EventKind::product_view,
                                           cbf::EventKind::page_view}[i % 3];
    const std::string_view query =
        kind == cbf::EventKind::search ? std::string_view(queries[(i / 3) % 6]) : "";
    // 17 and 40 are coprime: every second once, out of input order.
    const sys_seconds at = t0 - hours{1} + seconds{(i * 17) % 40};
    events.push_back({7, 100 + i / 10, kind, query, at});
    text_events.push_back({"", "7", std::to_string(100 + i / 10), event_text(kind), "", "", "",
                           std::string(query), std::nullopt, "", at});
  }
  cbf::Config at;
  at.as_of = t0;
  const auto numeric =
      cbf::make_context(cbf::no_records<NumericCustomer>, events, cbf::no_records<NumericSession>,
                        cbf::no_records<NumericOrderLine>, at);
  const auto text =
      cbf::make_context(cbf::no_records<cbf::Customer>, text_events, cbf::no_records<cbf::Session>,
                        cbf::no_records<cbf::Attribution>, at);
  REQUIRE(numeric.interactions.size() == 40);
  REQUIRE(text.interactions.size() == 40);
  for (std::size_t i = 0; i < 40; ++i) {
    const cbf::InteractionRow& a = numeric.interactions[i];
    const cbf::InteractionRow& b = text.interactions[i];
    INFO("row " << i << ", input " << a.input_index);
    CHECK(a.input_index == b.input_index);
    CHECK(a.search_query == b.search_query);
    CHECK(numeric.texts.queries.text(a.search_query) == text.texts.queries.text(b.search_query));
  }
  CHECK(numeric.texts.queries.text(numeric.interactions[0].search_query) == "shoes");
  CHECK(cbf::compute_features(numeric).search_query_diversity ==
        cbf::compute_features(text).search_query_diversity);
}

TEST_CASE("one customer's integer records give the row of the batch") {
  const TwinShops t = make_twin_shops(4);
  cbf::Config at;
  at.as_of = t0 + days{30};
  const auto mine = [](const auto& records, std::int64_t customer) {
    std::vector<std::remove_cvref_t<decltype(records[0])>> out;
    for (const auto& r : records)
      if (r.customer_id == customer) out.push_back(r);
    return out;
  };
  const auto customers = mine(t.customers, 10);
  const auto events = mine(t.events, 10);
  const auto sessions = mine(t.sessions, 10);
  const auto orders = mine(t.orders, 10);
  const cbf::CustomerResult one = cbf::compute_customer(customers, events, sessions, orders, at);
  const cbf::BatchResult batch =
      cbf::compute_batch(t.customers, t.events, t.sessions, t.orders, at);
  const auto row = std::find_if(batch.customers.begin(), batch.customers.end(),
                                [](const auto& r) { return r.customer_id == "10"; });
  REQUIRE(row != batch.customers.end());
  CHECK(one.shop_id == "2");
  CHECK(cbf_test::identical_features(one.features, row->features));
}

TEST_CASE("shard_of an integer key equals shard_of its decimal text") {
  for (const std::int64_t customer : {std::int64_t{0}, std::int64_t{-7}, std::int64_t{42},
                                      std::int64_t{INT64_MAX}, std::int64_t{INT64_MIN}}) {
    for (const std::uint32_t count : {1u, 2u, 7u, 1000u}) {
      const std::string text = std::to_string(customer);
      CHECK(cbf::shard_of(std::int64_t{3}, customer, count) == cbf::shard_of("3", text, count));
      CHECK(cbf::shard_of(std::string_view("shop"), customer, count) ==
            cbf::shard_of("shop", text, count));
    }
  }
  CHECK(cbf::shard_of(std::uint64_t{UINT64_MAX}, 5u, 9u) ==
        cbf::shard_of("18446744073709551615", "5", 9u));
}

TEST_CASE("a stream of integer keys ordered as their decimal text gives the batch's rows") {
  const TwinShops t = make_twin_shops(5);
  cbf::Config at;
  at.as_of = t0 + days{30};
  const auto by_text_key = [](auto records) {
    std::stable_sort(records.begin(), records.end(), [](const auto& a, const auto& b) {
      const auto key = [](const auto& r) {
        return std::pair(std::to_string(r.shop_id), std::to_string(r.customer_id));
      };
      return key(a) < key(b);
    });
    return records;
  };
  const auto customers = by_text_key(t.customers);
  const auto events = by_text_key(t.events);
  const auto sessions = by_text_key(t.sessions);
  const auto orders = by_text_key(t.orders);
  std::vector<cbf::CustomerResult> streamed;
  (void)cbf::stream_batch(customers, events, sessions, orders, at,
                          [&](cbf::CustomerResult&& r) { streamed.push_back(std::move(r)); });
  const cbf::BatchResult batch = cbf::compute_batch(customers, events, sessions, orders, at);
  REQUIRE(streamed.size() == batch.customers.size());
  for (std::size_t i = 0; i < streamed.size(); ++i) {
    CHECK(cbf_test::identical_rows(streamed[i], batch.customers[i]));
  }
}

TEST_CASE("an optional EventKind that is empty makes the event miss its event_type") {
  struct KindOnly {
    std::string_view customer_id;
    std::optional<cbf::EventKind> event_type;
    sys_seconds created_at;
  };
  const std::vector<KindOnly> events{{"c", cbf::EventKind::page_view, t0},
                                     {"c", std::nullopt, t0 + minutes{1}},
                                     {"c", cbf::EventKind::checkout_completed, t0 + minutes{2}}};
  cbf::Config at;
  at.as_of = t0 + days{1};
  const cbf::CustomerResult r =
      cbf::compute_customer(cbf::no_records<cbf::Customer>, events, cbf::no_records<cbf::Session>,
                            cbf::no_records<cbf::Attribution>, at);
  CHECK(r.diagnostics.interaction.used == 2);
  CHECK(r.diagnostics.interaction.missing_field == 1);
  CHECK(r.features.total_sessions == 1);
}

TEST_CASE("an EventKind outside the enumeration reads as other, as an unknown event_type does") {
  struct KindOnly {
    std::string_view customer_id;
    cbf::EventKind event_type;
    sys_seconds created_at;
    std::string_view product_id;
  };
  const auto unmapped =
      static_cast<cbf::EventKind>(200);  // a host's cast of a kind it never mapped
  CHECK(cbf::detail::event_kind_of(KindOnly{"c", unmapped, t0, ""}) == cbf::EventKind::other);
  const auto events_with = [&](cbf::EventKind middle) {
    return std::vector<KindOnly>{{"c", cbf::EventKind::page_view, t0, ""},
                                 {"c", middle, t0 + minutes{1}, ""},
                                 {"c", cbf::EventKind::product_view, t0 + minutes{2}, "p1"}};
  };
  cbf::Config at;
  at.as_of = t0 + days{1};
  at.paired_page_views = false;
  const auto compute = [&](const std::vector<KindOnly>& events) {
    return cbf::compute_customer(cbf::no_records<cbf::Customer>, events,
                                 cbf::no_records<cbf::Session>, cbf::no_records<cbf::Attribution>,
                                 at);
  };
  const cbf::CustomerResult unmapped_kind = compute(events_with(unmapped));
  CHECK(unmapped_kind.diagnostics.interaction.used == 3);
  // The product view follows an `other` event: a vote for browse.
  CHECK(unmapped_kind.features.product_discovery_method == std::optional<std::string>("browse"));
  CHECK(cbf_test::identical_rows(unmapped_kind, compute(events_with(cbf::EventKind::other))));
}

// ---- fields tables: every form of getter, and what the concepts check -----------------------

namespace {

// A service's event whose integer ids and event kind are bound under other names; its member
// `customer_id` is a stale text copy that the binding replaces.
struct LegacyEvent {
  std::string customer_id;
  std::int64_t account;
  std::optional<std::int64_t> visit;
  std::string kind;
  sys_seconds at;
  std::optional<std::uint32_t> sku_;
  std::vector<int> device_type;  // not readable as text, but the table binds device_type

  [[nodiscard]] std::optional<std::uint32_t> sku() const { return sku_; }
  [[nodiscard]] std::string_view platform() const { return "Mobile"; }
};

}  // namespace

template <>
struct cbf::record_traits<LegacyEvent> {
  static constexpr auto fields = cbf::fields(
      cbf::field::customer_id = &LegacyEvent::account,  // wins over the member customer_id
      cbf::field::session_id = &LegacyEvent::visit,     // an optional integer id
      cbf::field::event_type = [](const LegacyEvent& e) -> const std::string& { return e.kind; },
      cbf::field::product_id = &LegacyEvent::sku,  // a const member function's optional integer
      cbf::field::device_type = &LegacyEvent::platform,  // wins over the unreadable member
      cbf::field::created_at = &LegacyEvent::at);
};

static_assert(cbf::interaction_record<LegacyEvent>);
static_assert(cbf::detail::number_customer_id<LegacyEvent>);
static_assert(cbf::detail::number_session_id<LegacyEvent>);
static_assert(cbf::detail::number_product_id<LegacyEvent>);

TEST_CASE("a binding wins over a member of the same name, and binds integer ids", "[access]") {
  const LegacyEvent e{"stale", 42, 7, " page_view", t0, 12u, {1, 2}};
  cbf::detail::IdDigits digits;
  CHECK(cbf::detail::id_text_customer_id(e, digits) == "42");
  CHECK(cbf::detail::id_text_session_id(e, digits) == "7");
  CHECK(cbf::detail::id_text_product_id(e, digits) == "12");
  CHECK(cbf::field::event_type(e) == " page_view");
  CHECK(cbf::field::device_type(e) == "Mobile");
  CHECK(cbf::field::created_at(e) == cbf::TimeField(t0));
  CHECK(cbf::detail::event_kind_of(e) == cbf::EventKind::page_view);

  const LegacyEvent no_visit{"stale", -3, std::nullopt, "search", t0, std::nullopt, {}};
  CHECK(cbf::detail::id_text_session_id(no_visit, digits).empty());  // an empty optional: missing
  CHECK(cbf::detail::id_text_product_id(no_visit, digits).empty());
  CHECK(cbf::detail::id_text_customer_id(no_visit, digits) == "-3");

  cbf::Config at;
  at.as_of = t0 + days{1};
  const std::vector<LegacyEvent> events{e, {"stale", 42, 7, "search", t0 + minutes{5}, 3u, {}}};
  const cbf::BatchResult batch =
      cbf::compute_batch(cbf::no_records<cbf::Customer>, events, cbf::no_records<cbf::Session>,
                         cbf::no_records<cbf::Attribution>, at);
  REQUIRE(batch.customers.size() == 1);
  CHECK(batch.customers[0].customer_id == "42");
  CHECK(batch.customers[0].features.total_sessions == 1);
  CHECK(batch.customers[0].features.preferred_device == "mobile");
}

namespace {

// Getters of every form reading the same record.
struct Visit {
  std::string user;
  std::string visit;
  sys_seconds began;
  std::string agent;

  [[nodiscard]] std::string_view browser() const { return agent; }
};

std::string_view referrer_of(const Visit&) { return "search"; }

struct FindsNothing {
  [[nodiscard]] std::optional<sys_seconds> operator()(const Visit&) const { return std::nullopt; }
};

}  // namespace

template <>
struct cbf::record_traits<Visit> {
  static constexpr auto fields = cbf::fields(
      cbf::field::customer_id = &Visit::user,      // a data member
      cbf::field::session_id = &Visit::visit,      // (const std::string&)
      cbf::field::browser_type = &Visit::browser,  // a const member function
      cbf::field::referrer_type = &referrer_of,    // a function
      cbf::field::start_time =
          [](const Visit& v) {  // a lambda
            return v.began;
          },
      cbf::field::end_time = FindsNothing{},          // a function object
      cbf::field::device_type = [](const Visit& v) {  // owned text, by value
        return std::string(v.agent) + "-x";
      });
};

static_assert(cbf::session_record<Visit>);

TEST_CASE("a field is bound to a member, a member function, a function, a lambda or an object",
          "[access]") {
  const Visit v{"c1", "s1", t0, "Firefox"};
  CHECK(cbf::field::customer_id(v) == "c1");
  CHECK(cbf::field::session_id(v) == "s1");
  CHECK(cbf::field::browser_type(v) == "Firefox");
  CHECK(cbf::field::referrer_type(v) == "search");
  CHECK(cbf::field::start_time(v) == cbf::TimeField(t0));
  CHECK(cbf::field::end_time(v).is_missing());
  CHECK(cbf::field::device_type(v) == "Firefox-x");
  CHECK(cbf::field::order_id(v).empty());  // neither bound nor a member: missing
  STATIC_REQUIRE(std::is_same_v<decltype(cbf::field::device_type(v)), std::string>);
  STATIC_REQUIRE(std::is_same_v<decltype(cbf::field::browser_type(v)), std::string_view>);
}

namespace {

// Types whose fields cbf cannot read: the concepts reject them (the API names the field).
struct VectorDevice {  // a member of an unreadable type, though not a required field
  std::string customer_id;
  std::string event_type;
  sys_seconds created_at;
  std::vector<int> device_type;
};
struct CountStamp {  // a time field as a bare count: which unit, which epoch?
  std::string customer_id;
  std::string order_id;
  long created_at;
};
struct TextNumber {
  std::string customer_id;
  std::string order_id;
  sys_seconds created_at;
  std::string attribution_value;
};
struct Mutable {
  std::string user;
  std::string kind;
  sys_seconds at;
  [[nodiscard]] std::string_view name() { return kind; }  // not const
};
struct ByValueId {
  std::string user;
  sys_seconds at;
};
struct LambdaTakingRef {
  std::string user;
  std::string order;
  sys_seconds at;
};

}  // namespace

template <>
struct cbf::record_traits<Mutable> {
  static constexpr auto fields =
      cbf::fields(cbf::field::customer_id = &Mutable::user, cbf::field::event_type = &Mutable::name,
                  cbf::field::created_at = &Mutable::at);
};
template <>
struct cbf::record_traits<ByValueId> {
  static constexpr auto fields = cbf::fields(
      cbf::field::customer_id = [](const ByValueId& r) { return r.user; },
      cbf::field::created_at = &ByValueId::at);
};
template <>
struct cbf::record_traits<LambdaTakingRef> {
  static constexpr auto fields = cbf::fields(
      cbf::field::customer_id = &LambdaTakingRef::user,
      cbf::field::order_id = [](LambdaTakingRef& r) -> std::string_view { return r.order; },
      cbf::field::created_at = &LambdaTakingRef::at);
};

static_assert(!cbf::interaction_record<VectorDevice>);
static_assert(!cbf::customer_record<VectorDevice>);
static_assert(cbf::has_device_type<VectorDevice>);  // there, but unreadable
static_assert(!cbf::attribution_record<CountStamp>);
static_assert(!cbf::attribution_record<TextNumber>);
static_assert(!cbf::interaction_record<Mutable>);  // a non-const member function
static_assert(!cbf::customer_record<ByValueId>);   // an id as a std::string by value
static_assert(!cbf::attribution_record<LambdaTakingRef>);
static_assert(cbf::has_order_id<LambdaTakingRef>);  // bound, but not callable with const R&

// ---- labels an accessor computes, returned by value -----------------------------------------

namespace {

// Records whose labels and event types the host computes on each read (from an enum, say) and
// returns as std::string by value; the ids stay views into the records.
struct ComputedEvent {
  const cbf::Interaction* e;
};
struct ComputedSession {
  const cbf::Session* s;
};
struct ComputedOrderLine {
  const cbf::Attribution* a;
};

std::optional<std::string> computed(const std::string& text) {
  return text.empty() ? std::nullopt : std::optional<std::string>(std::string(text));
}

}  // namespace

template <>
struct cbf::record_traits<ComputedEvent> {
  static constexpr auto fields = cbf::fields(
      cbf::field::shop_id = [](const ComputedEvent& r) -> const std::string& {
        return r.e->shop_id;
      },
      cbf::field::customer_id = [](const ComputedEvent& r) -> const std::string& {
        return r.e->customer_id;
      },
      cbf::field::session_id = [](const ComputedEvent& r) -> const std::string& {
        return r.e->session_id;
      },
      cbf::field::product_id = [](const ComputedEvent& r) -> const std::string& {
        return r.e->product_id;
      },
      cbf::field::category_id = [](const ComputedEvent& r) -> const std::string& {
        return r.e->category_id;
      },
      cbf::field::event_type = [](const ComputedEvent& r) -> std::string {
        return r.e->event_type;
      },
      cbf::field::search_query = [](const ComputedEvent& r) -> std::string {
        return r.e->search_query;
      },
      cbf::field::device_type = [](const ComputedEvent& r) -> std::optional<std::string> {
        return computed(r.e->device_type);
      },
      cbf::field::view_duration = [](const ComputedEvent& r) -> std::optional<double> {
        return r.e->view_duration;
      },
      cbf::field::created_at = [](const ComputedEvent& r) -> cbf::TimeField {
        return r.e->created_at;
      });
};
template <>
struct cbf::record_traits<ComputedSession> {
  static constexpr auto fields = cbf::fields(
      cbf::field::shop_id = [](const ComputedSession& r) -> const std::string& {
        return r.s->shop_id;
      },
      cbf::field::customer_id = [](const ComputedSession& r) -> const std::string& {
        return r.s->customer_id;
      },
      cbf::field::session_id = [](const ComputedSession& r) -> const std::string& {
        return r.s->session_id;
      },
      cbf::field::start_time = [](const ComputedSession& r) -> cbf::TimeField {
        return r.s->start_time;
      },
      cbf::field::end_time = [](const ComputedSession& r) -> cbf::TimeField {
        return r.s->end_time;
      },
      cbf::field::device_type = [](const ComputedSession& r) -> std::string {
        return r.s->device_type;
      },
      cbf::field::referrer_type = [](const ComputedSession& r) -> std::optional<std::string> {
        return computed(r.s->referrer_type);
      });
};
template <>
struct cbf::record_traits<ComputedOrderLine> {
  static constexpr auto fields = cbf::fields(
      cbf::field::shop_id = [](const ComputedOrderLine& r) -> const std::string& {
        return r.a->shop_id;
      },
      cbf::field::customer_id = [](const ComputedOrderLine& r) -> const std::string& {
        return r.a->customer_id;
      },
      cbf::field::order_id = [](const ComputedOrderLine& r) -> const std::string& {
        return r.a->order_id;
      },
      cbf::field::session_id = [](const ComputedOrderLine& r) -> const std::string& {
        return r.a->session_id;
      },
      cbf::field::attribution_type = [](const ComputedOrderLine& r) -> std::string {
        return r.a->attribution_type;
      },
      cbf::field::attribution_value = [](const ComputedOrderLine& r) -> std::optional<double> {
        return r.a->attribution_value;
      },
      cbf::field::created_at = [](const ComputedOrderLine& r) -> cbf::TimeField {
        return r.a->created_at;
      });
};

TEST_CASE("labels and event types returned by value give the features of the records' text") {
  // Long labels, so the strings live on the heap and a view of a dead one would show (ASan).
  const std::string pad(40, 'x');
  for (const std::uint32_t seed : {4u, 5u}) {
    TwinShops t = make_twin_shops(seed);
    for (auto& e : t.text_events)
      if (!e.device_type.empty()) e.device_type += pad;
    for (auto& s : t.text_sessions) s.referrer_type += pad;
    for (std::size_t i = 0; i < t.text_orders.size(); ++i)
      t.text_orders[i].attribution_type = i % 3 ? "Email" + pad : "search";
    std::vector<ComputedEvent> events;
    std::vector<ComputedSession> sessions;
    std::vector<ComputedOrderLine> orders;
    for (const auto& e : t.text_events) events.push_back({&e});
    for (const auto& s : t.text_sessions) sessions.push_back({&s});
    for (const auto& a : t.text_orders) orders.push_back({&a});
    cbf::Config at = cbf::Config{};
    at.as_of = t0 + days{30};
    const cbf::BatchResult computed_rows =
        cbf::compute_batch(t.text_customers, events, sessions, orders, at);
    const cbf::BatchResult text_rows =
        cbf::compute_batch(t.text_customers, t.text_events, t.text_sessions, t.text_orders, at);
    REQUIRE(text_rows.customers.size() == 8);
    REQUIRE(computed_rows.customers.size() == text_rows.customers.size());
    bool long_label = false;
    for (std::size_t i = 0; i < text_rows.customers.size(); ++i) {
      INFO("seed " << seed << ", customer " << text_rows.customers[i].customer_id);
      CHECK(cbf_test::identical_rows(computed_rows.customers[i], text_rows.customers[i]));
      long_label |= text_rows.customers[i].features.channel_preference.value_or("").size() > 40;
    }
    CHECK(long_label);  // the long labels reached the output
    CHECK(computed_rows.diagnostics == text_rows.diagnostics);
  }
}
