// Host records are read in place through cbf::record_traits or contract-named members.
#include <cbf/cbf.hpp>

#include <catch2/catch.hpp>
#include <range/v3/view/filter.hpp>
#include <range/v3/view/reverse.hpp>

#include <chrono>
#include <cmath>
#include <functional>
#include <list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
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

// A layout with other names, adapted through the traits customization point.
struct ShopOrderLine {
  std::string user;
  std::string order_number;
  long long placed_at_ms;
  float amount;
  std::string channel;
};

}  // namespace

template <>
struct cbf::record_traits<ShopOrderLine> {
  static std::string_view customer_id(const ShopOrderLine& r) { return r.user; }
  static const std::string& order_id(const ShopOrderLine& r) { return r.order_number; }
  static sys_time<milliseconds> created_at(const ShopOrderLine& r) {
    return sys_time<milliseconds>{milliseconds{r.placed_at_ms}};
  }
  static double attribution_value(const ShopOrderLine& r) { return r.amount; }
  static std::string_view attribution_type(const ShopOrderLine& r) { return r.channel; }
};

namespace {

// Traits override one field; the rest is read from members.
struct TaggedSession {
  std::string customer_id;
  std::string session_id;
  sys_seconds start_time;
  std::string platform;
};

}  // namespace

template <>
struct cbf::record_traits<TaggedSession> {
  static std::string_view device_type(const TaggedSession& s) { return s.platform; }
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

TEST_CASE("record_traits adapts a layout with other names, precision and types", "[access]") {
  const ShopOrderLine line{"u1", "A-100", 1'740'819'600'123, 19.5f, "Email"};
  CHECK(cbf::field::customer_id(line) == "u1");
  CHECK(cbf::field::order_id(line) == "A-100");
  CHECK(cbf::field::created_at(line).value() ==
        cbf::Timestamp{microseconds{1'740'819'600'123'000}});
  CHECK(cbf::field::attribution_value(line) == 19.5);
  STATIC_REQUIRE(cbf::attribution_record<ShopOrderLine>);
  STATIC_REQUIRE_FALSE(cbf::interaction_record<ShopOrderLine>);
}

TEST_CASE("a traits function overrides one field while members provide the rest", "[access]") {
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
