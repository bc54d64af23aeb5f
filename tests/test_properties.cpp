// Properties over random customers (seeded std::mt19937_64): input order does not matter, records
// after as_of change nothing but their diagnostics, every output is in range, and compute_batch
// agrees with compute_customer; the properties of features 15–30 run with both presets and the
// shop-local offsets 0, −300, +330 and −570 minutes.
#include <catch2/catch.hpp>
#include <cbf/cbf.hpp>

#include "support.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

using namespace cbf_test;

namespace {

struct Records {
  Customers customers;
  Interactions interactions;
  Sessions sessions;
  Attributions attributions;
};

struct GeneratorOptions {
  bool distinct_times = true;      // no two interactions (or session starts) share an instant
  bool unique_session_ids = true;  // no duplicate Session records
  bool blank_ids = false;          // some records without customer_id
};

class Generator {
 public:
  explicit Generator(std::uint64_t seed) : rng_(seed) {}

  /// Random records of customer (shop, id), appended to `out`.
  void customer(Records& out, const std::string& shop, const std::string& id,
                const GeneratorOptions& options) {
    std::set<std::int64_t> used_times;
    const auto stamp = [&] {
      // Mostly within 200 days before as_of, sometimes after it or unreadable or missing.
      const std::int64_t roll = pick(40);
      if (roll == 0) return cbf::TimeField::invalid();
      if (roll == 1) return cbf::TimeField{};
      if (roll == 2) return cbf::TimeField{as_of + sec(1 + pick(86400))};
      for (;;) {
        const std::int64_t offset = pick(200LL * 86400) * 1000000 + pick(1000000);
        if (!options.distinct_times || used_times.insert(offset).second)
          return cbf::TimeField{as_of - us(offset)};
      }
    };
    const auto customer_id = [&]() -> std::string {
      if (options.blank_ids && pick(25) == 0) return pick(2) ? "" : "  ";
      return id;
    };

    if (pick(3) != 0) {
      cbf::Customer c;
      c.shop_id = shop;
      c.customer_id = id;
      const std::int64_t roll = pick(6);
      if (roll == 0) c.created_at = cbf::TimeField::invalid();
      if (roll == 1) c.created_at = as_of + days(3);
      if (roll >= 2) c.created_at = as_of - sec(pick(400LL * 86400));
      out.customers.push_back(c);
    }

    static constexpr std::array<const char*, 16> kinds{
        "page_viewed",      "Product_Viewed",     "view_item",   " search ",
        "search_submitted", "add_to_cart",        "cart_viewed", "collection_viewed",
        "checkout_started", "checkout_completed", "scroll",      "mystery_event",
        "page_view",        "remove_from_cart",   "detail",      ""};
    static constexpr std::array<const char*, 6> queries{"",         "Shoes",   " shoes ",
                                                        "red  hat", "RED HAT", "\t"};
    static constexpr std::array<const char*, 5> categories{"", "A", "B", "C", " "};
    static constexpr std::array<const char*, 4> devices{"", "mobile", " Desktop ", "tablet"};
    const std::int64_t session_pool = 1 + pick(5);
    const auto session_id = [&]() -> std::string {
      if (pick(3) == 0) return "";
      return "s" + std::to_string(pick(session_pool));
    };

    const std::int64_t n_interactions = pick(40);
    for (std::int64_t i = 0; i < n_interactions; ++i) {
      cbf::Interaction r;
      r.shop_id = shop;
      r.customer_id = customer_id();
      r.session_id = session_id();
      r.event_type = kinds[static_cast<std::size_t>(pick(kinds.size()))];
      r.product_id = "p" + std::to_string(pick(6));
      r.category_id = categories[static_cast<std::size_t>(pick(categories.size()))];
      r.search_query = queries[static_cast<std::size_t>(pick(queries.size()))];
      r.device_type = devices[static_cast<std::size_t>(pick(devices.size()))];
      const std::int64_t roll = pick(12);
      if (roll < 6) r.view_duration = static_cast<double>(pick(600000)) / 1000.0;
      if (roll == 6) r.view_duration = std::numeric_limits<double>::quiet_NaN();
      if (roll == 7) r.view_duration = -2.0;
      r.created_at = stamp();
      out.interactions.push_back(r);
    }

    const std::int64_t n_sessions = pick(4) == 0 ? 0 : pick(session_pool + 1);
    std::vector<std::int64_t> ids(static_cast<std::size_t>(session_pool));
    for (std::int64_t k = 0; k < session_pool; ++k) ids[static_cast<std::size_t>(k)] = k;
    std::shuffle(ids.begin(), ids.end(), rng_);
    for (std::int64_t k = 0; k < n_sessions; ++k) {
      cbf::Session s;
      s.shop_id = shop;
      s.customer_id = customer_id();
      const std::int64_t sid =
          options.unique_session_ids ? ids[static_cast<std::size_t>(k)] : pick(session_pool);
      s.session_id = "s" + std::to_string(sid);
      s.start_time = stamp();
      const std::int64_t roll = pick(6);
      if (s.start_time.is_valid()) {
        if (roll == 0) s.end_time = s.start_time.value() + sec(pick(7200));
        if (roll == 1) s.end_time = s.start_time.value() - sec(1 + pick(60));
        if (roll == 2) s.end_time = cbf::TimeField::invalid();
        if (roll == 3) s.end_time = as_of + days(365);
      }
      s.device_type = devices[static_cast<std::size_t>(pick(devices.size()))];
      out.sessions.push_back(s);
    }

    static constexpr std::array<const char*, 7> types{"",       "search", " Email ", "direct",
                                                      "social", "BROWSE", "cart"};
    const std::int64_t n_attributions = pick(10);
    for (std::int64_t k = 0; k < n_attributions; ++k) {
      cbf::Attribution a;
      a.shop_id = shop;
      a.customer_id = customer_id();
      a.order_id = pick(10) == 0 ? "" : "o" + std::to_string(pick(6));
      a.session_id = session_id();
      a.attribution_type = types[static_cast<std::size_t>(pick(types.size()))];
      const std::int64_t roll = pick(10);
      if (roll < 6) a.attribution_value = static_cast<double>(pick(100000)) / 100.0;
      if (roll == 6) a.attribution_value = 0.1 * pick(7);
      if (roll == 7) a.attribution_value = std::numeric_limits<double>::quiet_NaN();
      if (roll == 8) a.attribution_value = -1.0;
      a.created_at = stamp();
      out.attributions.push_back(a);
    }
  }

  /// A uniform integer in [0, n).
  std::int64_t pick(std::int64_t n) {
    return std::uniform_int_distribution<std::int64_t>(0, n - 1)(rng_);
  }
  std::mt19937_64& rng() { return rng_; }

 private:
  std::mt19937_64 rng_;
};

cbf::CustomerResult compute(const Records& r, const cbf::Config& config) {
  return cbf::compute_customer(r.customers, r.interactions, r.sessions, r.attributions, config);
}

}  // namespace

TEST_CASE("shuffling every input leaves features and diagnostics identical", "[properties]") {
  for (std::uint64_t seed = 1; seed <= 150; ++seed) {
    Generator g(seed);
    Records r;
    g.customer(r, "shop", "c" + std::to_string(seed), GeneratorOptions{});
    const cbf::Config config = seed % 2 ? at_as_of : shopify_as_of;
    const auto base = compute(r, config);
    for (std::uint64_t k = 0; k < 3; ++k) {
      Records s{r.customers, shuffled(r.interactions, seed * 7 + k),
                shuffled(r.sessions, seed * 11 + k), shuffled(r.attributions, seed * 13 + k)};
      const auto other = compute(s, config);
      INFO("seed " << seed << " shuffle " << k);
      CHECK(other.features == base.features);
      CHECK(other.diagnostics == base.diagnostics);
    }
  }
}

TEST_CASE("records stamped after as_of change no feature, only after_as_of", "[properties]") {
  for (std::uint64_t seed = 1; seed <= 150; ++seed) {
    Generator g(seed);
    Records r;
    g.customer(r, "", "c", GeneratorOptions{true, true, true});
    const cbf::Config config = at_as_of;
    const auto base = compute(r, config);

    Records later = r;
    const std::int64_t n = 1 + g.pick(10);
    for (std::int64_t i = 0; i < n; ++i) {
      const cbf::Timestamp t = as_of + us(1 + g.pick(1000000000));
      const std::string sid = "s" + std::to_string(g.pick(5));
      later.interactions.push_back(ev(i % 2 ? "product_view" : "checkout_completed", t)
                                       .customer("c")
                                       .session(i % 3 ? sid : "")
                                       .category("Z")
                                       .viewed(5.0));
      later.sessions.push_back(sess(sid, t).customer("c").end(t + mins(5)));
      later.attributions.push_back(
          attr("late" + std::to_string(i), t, 7.0).customer("c").session(sid).type("late"));
    }
    // Interleave them with the earlier records (times are distinct, session ids unique in the
    // window, so input order does not matter).
    later.interactions = shuffled(later.interactions, seed);
    later.sessions = shuffled(later.sessions, seed + 1);
    later.attributions = shuffled(later.attributions, seed + 2);

    const auto with = compute(later, config);
    INFO("seed " << seed);
    CHECK(with.features == base.features);
    cbf::Diagnostics expected = base.diagnostics;
    expected.interaction.after_as_of += n;
    expected.session.after_as_of += n;
    expected.attribution.after_as_of += n;
    CHECK(with.diagnostics == expected);
  }
}

TEST_CASE("every output is in range and finite", "[properties]") {
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    Generator g(seed);
    Records r;
    g.customer(r, "", "c", GeneratorOptions{seed % 2 == 0, seed % 3 == 0, true});
    cbf::Config config = seed % 4 ? at_as_of : shopify_as_of;
    if (seed % 5 == 0) config.lookback = days(60);
    if (seed % 7 == 0) config.utc_offset = std::chrono::minutes{-330};
    const auto res = compute(r, config);
    const auto& f = res.features;
    INFO("seed " << seed);
    check_ranges(f);
    // Null exactly when the denominator is empty.
    CHECK(f.avg_purchase_value.has_value() == (f.total_purchases > 0));
    CHECK(f.bounce_rate.has_value() == (f.total_sessions > 0));
    CHECK(f.purchase_consistency.has_value() <= (f.total_purchases >= 3));
    CHECK(f.seasonal_purchase_pattern.has_value() == (f.total_purchases >= 2));
    // The nine reasons add up to the records given, per kind.
    CHECK(res.diagnostics.customer.total() == static_cast<std::int64_t>(r.customers.size()));
    CHECK(res.diagnostics.interaction.total() == static_cast<std::int64_t>(r.interactions.size()));
    CHECK(res.diagnostics.session.total() == static_cast<std::int64_t>(r.sessions.size()));
    CHECK(res.diagnostics.attribution.total() == static_cast<std::int64_t>(r.attributions.size()));
  }
}

TEST_CASE("compute_batch over many customers gives compute_customer's row for each",
          "[properties]") {
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    Generator g(seed);
    Records all;
    for (int k = 0; k < 25; ++k) {
      // Same customer ids in two shops are different keys.
      const std::string shop = k % 3 == 0 ? "" : (k % 3 == 1 ? "north" : "south");
      const std::string id = "u" + std::to_string(k % 9);
      g.customer(all, shop, id, GeneratorOptions{false, false, true});
    }
    // Interleave the customers' records (each key keeps its relative order only by chance).
    all.interactions = shuffled(all.interactions, seed);
    all.sessions = shuffled(all.sessions, seed + 1);
    all.attributions = shuffled(all.attributions, seed + 2);
    all.customers = shuffled(all.customers, seed + 3);

    const cbf::Config config = seed % 2 ? cbf::Config{} : cbf::shopify_config();
    const auto batch =
        cbf::compute_batch(all.customers, all.interactions, all.sessions, all.attributions, config);
    cbf::Config at_batch = config;
    at_batch.as_of = batch.as_of;

    const auto of_key = [](const auto& records, std::string_view shop, std::string_view id) {
      std::remove_cvref_t<decltype(records)> out;
      for (const auto& r : records) {
        const std::string_view s = cbf::detail::id_or_empty(r.shop_id);
        if (s == shop && r.customer_id == id) out.push_back(r);
      }
      return out;
    };
    cbf::Diagnostics sum;
    for (std::size_t i = 0; i < batch.customers.size(); ++i) {
      const auto& row = batch.customers[i];
      INFO("seed " << seed << " key (" << row.shop_id << ", " << row.customer_id << ")");
      if (i > 0) {
        const auto& prev = batch.customers[i - 1];
        CHECK(std::pair(prev.shop_id, prev.customer_id) < std::pair(row.shop_id, row.customer_id));
      }
      const auto single =
          cbf::compute_customer(of_key(all.customers, row.shop_id, row.customer_id),
                                of_key(all.interactions, row.shop_id, row.customer_id),
                                of_key(all.sessions, row.shop_id, row.customer_id),
                                of_key(all.attributions, row.shop_id, row.customer_id), at_batch);
      CHECK(row.features == single.features);
      CHECK(row.diagnostics == single.diagnostics);
      CHECK(row.as_of == batch.as_of);
      sum += row.diagnostics;
    }
    // Every row's key is non-empty, and the blank-id records make up the difference.
    std::int64_t blank_interactions = 0;
    for (const auto& r : all.interactions)
      if (cbf::detail::id_or_empty(r.customer_id).empty()) ++blank_interactions;
    CHECK(batch.diagnostics.interaction.missing_field ==
          sum.interaction.missing_field + blank_interactions);
    CHECK(batch.diagnostics.interaction.total() ==
          static_cast<std::int64_t>(all.interactions.size()));
    CHECK(batch.diagnostics.session.total() == static_cast<std::int64_t>(all.sessions.size()));
    CHECK(batch.diagnostics.attribution.total() ==
          static_cast<std::int64_t>(all.attributions.size()));
    CHECK(batch.diagnostics.customer.total() == static_cast<std::int64_t>(all.customers.size()));
  }
}

// ---- features 15–30 over both presets and several shop-local offsets ------------------------

namespace {

/// The shop-local offsets the properties below run with (minutes; −570 is not a whole hour).
constexpr std::array<int, 4> utc_offsets{0, -300, 330, -570};

/// A config of the preset (0 = default, 1 = shopify) at as_of with the offset.
cbf::Config config_for(int preset, int offset) {
  cbf::Config c = preset == 0 ? at_as_of : shopify_as_of;
  c.utc_offset = std::chrono::minutes{offset};
  return c;
}

/// Adds what the generator leaves out: referrers, more device names, products without an id.
void decorate(Records& r, Generator& g) {
  static constexpr std::array<const char*, 6> referrers{"",       "Email", " email ",
                                                        "social", "ADS",   "  "};
  static constexpr std::array<const char*, 8> devices{"",       "PC",     " Phone ", "laptop",
                                                      "Mobile", "tablet", "desktop", " \t"};
  for (auto& s : r.sessions) {
    s.referrer_type = referrers[static_cast<std::size_t>(g.pick(referrers.size()))];
    if (g.pick(2) == 0) s.device_type = devices[static_cast<std::size_t>(g.pick(devices.size()))];
  }
  for (auto& i : r.interactions) {
    const std::int64_t roll = g.pick(8);
    if (roll == 0) i.product_id = "";
    if (roll == 1) i.product_id = "  ";
    if (roll == 2) i.device_type = devices[static_cast<std::size_t>(g.pick(devices.size()))];
  }
}

bool is_normalised(const std::optional<std::string>& label) {
  return !label || (!label->empty() && *label == cbf::detail::normalized_label(*label));
}

}  // namespace

TEST_CASE("features 15–30 are in range for both presets and every utc offset", "[properties]") {
  // How often each nullable feature 15–30 was present: the generator must reach both branches.
  std::map<std::string, std::pair<int, int>> seen;  // name → (present, absent)
  for (std::uint64_t seed = 1; seed <= 100; ++seed) {
    Generator g(seed + 1000);
    Records r;
    g.customer(r, "", "c", GeneratorOptions{seed % 2 == 0, seed % 3 == 0, true});
    decorate(r, g);
    for (int preset = 0; preset < 2; ++preset) {
      for (int offset : utc_offsets) {
        cbf::Config config = config_for(preset, offset);
        if (seed % 5 == 0) config.lookback = days(60);
        const auto res = compute(r, config);
        const auto& f = res.features;
        INFO("seed " << seed << " preset " << preset << " offset " << offset);
        check_ranges(f);
        CHECK(is_normalised(f.preferred_device));
        CHECK(is_normalised(f.channel_preference));
        CHECK(is_normalised(f.product_discovery_method));

        // Null exactly when the denominator is empty.
        const bool has_sessions = f.total_sessions > 0;
        const bool has_orders = f.total_purchases > 0;
        CHECK(f.preferred_shopping_time.has_value() == has_sessions);
        CHECK(f.shopping_day_preference.has_value() == has_sessions);
        CHECK(f.seasonal_behavior.has_value() == (f.total_sessions >= 2));
        CHECK(f.loyalty_trend.has_value() == (has_sessions || has_orders));
        CHECK(f.churn_probability.has_value() == has_orders);
        CHECK(f.lifetime_value_prediction.has_value() == has_orders);
        CHECK(f.mobile_usage_pattern.has_value() == f.preferred_device.has_value());
        CHECK(f.desktop_usage_pattern.has_value() == f.preferred_device.has_value());
        CHECK(f.cart_abandonment_rate.has_value() <= has_sessions);
        CHECK(f.checkout_completion_rate.has_value() <= has_sessions);
        CHECK(f.product_comparison_behavior.has_value() <= has_sessions);
        CHECK(f.impulse_purchase_tendency.has_value() <= has_sessions);
        CHECK((f.customer_segment == "prospect" || f.customer_segment == "inactive") ==
              !has_orders);
        if (f.customer_segment == "inactive") CHECK(!has_sessions);
        // risk_score: null exactly when no part is available; else between its parts.
        std::vector<double> parts;
        if (f.churn_probability) parts.push_back(*f.churn_probability);
        if (f.cart_abandonment_rate) parts.push_back(*f.cart_abandonment_rate);
        if (f.loyalty_trend) parts.push_back(std::max(0.0, -*f.loyalty_trend));
        CHECK(f.risk_score.has_value() == !parts.empty());
        if (f.risk_score && !parts.empty()) {
          const auto [lo, hi] = std::minmax_element(parts.begin(), parts.end());
          CHECK(*f.risk_score >= *lo - 1e-15);
          CHECK(*f.risk_score <= *hi + 1e-15);
        }
        bool in_family = false;
        cbf::for_each_feature(f, [&](std::string_view name, const auto& value) {
          if (name == "cart_abandonment_rate") in_family = true;
          using T = std::remove_cvref_t<decltype(value)>;
          if constexpr (requires { value.has_value(); }) {
            if (in_family && !std::is_same_v<T, std::string>) {
              auto& counts = seen[std::string(name)];
              (value.has_value() ? counts.first : counts.second) += 1;
            }
          }
        });
      }
    }
  }
  REQUIRE(seen.size() == 15);  // the nullable features among 15–30 (all but customer_segment)
  for (const auto& [name, counts] : seen) {
    INFO(name << ": present " << counts.first << ", absent " << counts.second);
    CHECK(counts.first >= 40);
    CHECK(counts.second >= 1);
  }
}

TEST_CASE("shuffling inputs changes none of the 30 features for both presets and every offset",
          "[properties]") {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    Generator g(seed + 2000);
    Records r;
    g.customer(r, "shop", "c", GeneratorOptions{});
    decorate(r, g);
    for (int preset = 0; preset < 2; ++preset) {
      for (int offset : utc_offsets) {
        const cbf::Config config = config_for(preset, offset);
        const auto base = compute(r, config);
        for (std::uint64_t k = 0; k < 2; ++k) {
          const Records s{shuffled(r.customers, seed + k), shuffled(r.interactions, seed * 7 + k),
                          shuffled(r.sessions, seed * 11 + k),
                          shuffled(r.attributions, seed * 13 + k)};
          const auto other = compute(s, config);
          INFO("seed " << seed << " preset " << preset << " offset " << offset << " shuffle " << k);
          // operator== of CustomerBehaviorFeatures compares all 30 features.
          CHECK(other.features == base.features);
          CHECK(other.diagnostics == base.diagnostics);
        }
      }
    }
  }
}

TEST_CASE("records after as_of change none of the 30 features for both presets and every offset",
          "[properties]") {
  static constexpr std::array<const char*, 8> kinds{
      "add_to_cart", "checkout_started", "checkout_completed", "product_view",
      "page_viewed", "search",           "collection_view",    "purchase"};
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    Generator g(seed + 3000);
    Records r;
    g.customer(r, "", "c", GeneratorOptions{true, true, true});
    decorate(r, g);

    Records later = r;
    const std::int64_t n = 1 + g.pick(12);
    for (std::int64_t i = 0; i < n; ++i) {
      // Just after as_of (inside a session timeout of the last records) or much later.
      const cbf::Timestamp t = as_of + us(i % 3 == 0 ? 1 + i : 1 + g.pick(400LL * 86400 * 1000000));
      const std::string sid = "s" + std::to_string(g.pick(5));
      later.interactions.push_back(ev(kinds[static_cast<std::size_t>(i) % kinds.size()], t)
                                       .customer("c")
                                       .session(i % 2 ? sid : "")
                                       .product("late" + std::to_string(i % 3))
                                       .category("Z")
                                       .device(i % 2 ? "mobile" : "desktop")
                                       .query("late query")
                                       .viewed(30.0));
      later.sessions.push_back(
          sess(sid, t).customer("c").end(t + mins(5)).device("PC").referrer("late"));
      later.attributions.push_back(
          attr("late" + std::to_string(i), t, 7.0).customer("c").session(sid).type("late"));
      if (i % 4 == 0)  // a late row of an existing order id
        later.attributions.push_back(
            attr("o" + std::to_string(g.pick(6)), t, 3.0).customer("c").session(sid));
    }
    later.interactions = shuffled(later.interactions, seed);
    later.sessions = shuffled(later.sessions, seed + 1);
    later.attributions = shuffled(later.attributions, seed + 2);
    const auto late_attributions =
        static_cast<std::int64_t>(later.attributions.size() - r.attributions.size());

    for (int preset = 0; preset < 2; ++preset) {
      for (int offset : utc_offsets) {
        const cbf::Config config = config_for(preset, offset);
        const auto base = compute(r, config);
        const auto with = compute(later, config);
        INFO("seed " << seed << " preset " << preset << " offset " << offset);
        CHECK(with.features == base.features);
        cbf::Diagnostics expected = base.diagnostics;
        expected.interaction.after_as_of += n;
        expected.session.after_as_of += n;
        expected.attribution.after_as_of += late_attributions;
        CHECK(with.diagnostics == expected);
      }
    }
  }
}
