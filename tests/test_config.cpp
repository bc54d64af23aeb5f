#include <cbf/cbf.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <limits>
#include <string>

using namespace std::chrono;

namespace {

/// What validate says about `c`: its InvalidParameter message, or "no exception".
std::string message_of(const cbf::Config& c) {
  try {
    cbf::validate(c);
  } catch (const cbf::InvalidParameter& e) {
    return e.what();
  }
  return "no exception";
}

}  // namespace

TEST_CASE("the default config carries the contract's defaults", "[config]") {
  const cbf::Config c = cbf::default_config();
  CHECK_FALSE(c.as_of);
  CHECK_FALSE(c.lookback);
  CHECK(c.utc_offset == minutes{0});
  CHECK(c.session_timeout == minutes{30});
  CHECK(c.engaged_min_duration == seconds{10});
  CHECK(c.impulse_window == minutes{10});
  CHECK(c.trend_window == days{90});
  CHECK(c.page_view_kinds == cbf::EventKindSet{cbf::EventKind::page_view,
                                               cbf::EventKind::product_view,
                                               cbf::EventKind::collection_view,
                                               cbf::EventKind::cart_view, cbf::EventKind::search});
  CHECK_FALSE(c.paired_page_views);
  CHECK(c.engagement_weights.sessions_per_month == 0.30);
  CHECK(c.engagement_weights.session_minutes == 0.25);
  CHECK(c.engagement_weights.page_views_per_session == 0.25);
  CHECK(c.engagement_weights.non_bounce == 0.20);
  CHECK(c.engagement_half_saturation.sessions_per_month == 4);
  CHECK(c.engagement_half_saturation.session_minutes == 10);
  CHECK(c.engagement_half_saturation.page_views_per_session == 5);
  CHECK(c.rfm.recency_days == std::array<double, 4>{30, 90, 180, 365});
  CHECK(c.rfm.frequency == std::array<double, 4>{1, 2, 4, 8});
  CHECK(c.default_purchase_cycle == days{90});
  CHECK(c.clv_horizon_months == 12);
  CHECK(c.monthly_discount_rate == 0.01);
  CHECK(c.model_time_unit == weeks{1});
  CHECK_FALSE(c.bg_nbd);
  CHECK_FALSE(c.gamma_gamma);
  CHECK_NOTHROW(cbf::validate(c));
}

TEST_CASE("the shopify preset counts page_viewed alone and pairs it with view events", "[config]") {
  const cbf::Config c = cbf::shopify_config();
  CHECK(c.page_view_kinds == cbf::EventKindSet{cbf::EventKind::page_view});
  CHECK(c.paired_page_views);
  cbf::Config rest = c;
  rest.page_view_kinds = cbf::default_config().page_view_kinds;
  rest.paired_page_views = false;
  CHECK(rest.session_timeout == cbf::default_config().session_timeout);
  CHECK_NOTHROW(cbf::validate(c));
}

TEST_CASE("validate names the parameter that is out of its domain", "[config]") {
  cbf::Config c;
  c.utc_offset = minutes{24 * 60};
  CHECK_THAT(message_of(c), Catch::Contains("utc_offset"));
  c = {};
  c.utc_offset = minutes{-1439};
  CHECK(message_of(c) == "no exception");
  c = {};
  c.lookback = -seconds{1};
  CHECK_THAT(message_of(c), Catch::Contains("lookback"));
  c = {};
  c.trend_window = {};
  CHECK_THAT(message_of(c), Catch::Contains("trend_window"));
  c = {};
  c.engagement_weights.non_bounce = 0.5;  // sum 1.3: the score could exceed 100
  CHECK_THAT(message_of(c), Catch::Contains("engagement_weights"));
  c = {};
  c.engagement_weights = {0.5, 0.5, 0.0, 0.0};
  CHECK(message_of(c) == "no exception");
  c = {};
  c.engagement_half_saturation.session_minutes = 0;
  CHECK_THAT(message_of(c), Catch::Contains("engagement_half_saturation"));
  c = {};
  c.rfm.frequency = {1, 4, 2, 8};
  CHECK_THAT(message_of(c), Catch::Contains("rfm.frequency"));
  c = {};
  c.default_purchase_cycle = {};
  CHECK_THAT(message_of(c), Catch::Contains("default_purchase_cycle"));
  c = {};
  c.bg_nbd = cbf::BgNbdParameters{0.24, 4.4, 1.0, 2.4};
  CHECK_THAT(message_of(c), Catch::Contains("bg_nbd.a"));
  c = {};
  c.bg_nbd = cbf::BgNbdParameters{-0.24, 4.4, 0.8, 2.4};
  CHECK_THAT(message_of(c), Catch::Contains("bg_nbd"));
  c = {};
  c.gamma_gamma = cbf::GammaGammaParameters{6.25, 3.74, 0};
  CHECK_THAT(message_of(c), Catch::Contains("gamma_gamma"));
  c = {};
  c.monthly_discount_rate = -1;
  CHECK_THAT(message_of(c), Catch::Contains("monthly_discount_rate"));
}

TEST_CASE("model parameters are valid from 1e-100 to 1e100 and nowhere else", "[config]") {
  cbf::Config c;
  for (const double x : {1e-100, 0.5, 1e100}) {
    c.bg_nbd = cbf::BgNbdParameters{x, x, x == 1e100 ? 2.0 : x, x};
    c.gamma_gamma = cbf::GammaGammaParameters{x, x, x};
    CHECK_NOTHROW(cbf::validate(c));
  }
  // Just outside, a denormal, and the ends of the double range.
  for (const double x : {std::nextafter(1e-100, 0.0), std::nextafter(1e100, 2e100), 4.9e-324,
                         std::numeric_limits<double>::max()}) {
    INFO(x);
    c = {};
    c.bg_nbd = cbf::BgNbdParameters{0.24, 4.4, 0.8, x};
    CHECK_THAT(message_of(c), Catch::Contains("bg_nbd") && Catch::Contains("1e-100…1e100"));
    c = {};
    c.gamma_gamma = cbf::GammaGammaParameters{x, 3.74, 15.4};
    CHECK_THAT(message_of(c), Catch::Contains("gamma_gamma") && Catch::Contains("1e-100…1e100"));
  }
}

TEST_CASE("an as_of beyond the timestamp range is rejected by name", "[config]") {
  cbf::Config c;
  c.as_of = cbf::Timestamp{cbf::timestamp_limit + microseconds{1}};
  CHECK_THROWS_WITH(cbf::validate(c), Catch::Contains("as_of"));
}

TEST_CASE("the largest lookback keeps every record and does not overflow", "[config]") {
  const auto t = sys_days{year{2025} / 1 / 1};
  const std::vector<cbf::Attribution> orders{
      {.customer_id = "c", .order_id = "o1", .created_at = sys_days{year{1} / 1 / 1}},
      {.customer_id = "c", .order_id = "o2", .created_at = t}};
  cbf::Config c;
  c.as_of = t;
  c.lookback = cbf::Duration::max();
  const auto ctx =
      cbf::make_context(cbf::no_records<cbf::Customer>, cbf::no_records<cbf::Interaction>,
                        cbf::no_records<cbf::Session>, orders, c);
  CHECK(ctx.orders.size() == 2);
  CHECK(ctx.diagnostics.attribution.before_lookback == 0);
}

TEST_CASE("risk weights are bounded so the weighted mean cannot overflow", "[config]") {
  cbf::Config c;
  c.risk_weights = {1e308, 1e308, 1e308};
  CHECK_THROWS_WITH(cbf::validate(c), Catch::Contains("risk_weights"));
  c.risk_weights = {1e-320, 0.2, 0.2};
  CHECK_THROWS_WITH(cbf::validate(c), Catch::Contains("risk_weights"));
  c.risk_weights = {60, 20, 0};
  CHECK_NOTHROW(cbf::validate(c));
}
