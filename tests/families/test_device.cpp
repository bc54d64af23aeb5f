// Contract features 19–22 (device & channel), with hand-computed expected values.
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

cbf::DeviceFeatures device_of(const Interactions& events, const Sessions& sessions,
                              const cbf::Config& config = at_as_of) {
  return cbf::device_features(events, sessions, config);
}

// Six record sessions, one day apart:
//   s1 "Mobile" / "Email", s2 " mobile " / " email ", s3 "desktop" / "Social",
//   s4 "tablet" / none, s5 none (no member has one) / blank,
//   s6 none, its members in time order: no device, "PC", "phone" → pc.
Sessions typical_sessions() {
  return {sess("s1", t0).device("Mobile").referrer("Email"),
          sess("s2", t0 + days(1)).device(" mobile ").referrer(" email "),
          sess("s3", t0 + days(2)).device("desktop").referrer("Social"),
          sess("s4", t0 + days(3)).device("tablet"),
          sess("s5", t0 + days(4)).referrer("   "),
          sess("s6", t0 + days(5))};
}
Interactions typical_events() {
  return {ev("page_view", t0 + days(5) + mins(3)).session("s6").device("phone"),
          ev("page_view", t0 + days(5) + mins(1)).session("s6"),
          ev("product_view", t0 + days(5) + mins(2)).session("s6").device("PC"),
          ev("page_view", t0 + days(4) + mins(1)).session("s5"),
          // In no session: gives no device to anything.
          ev("page_view", t0 + days(6)).session("zz").device("desktop"),
          ev("page_view", t0 + days(6)).device("desktop")};
}

// A host's hit, adapted through cbf::record_traits.
struct Hit {
  std::string who;
  std::string visit;
  std::string what;
  std::string agent;
  std::int64_t epoch_s = 0;
};

// A host's visit with the contract's member names but other types.
struct Visit {
  std::string_view customer_id;
  const char* session_id;
  std::optional<std::chrono::sys_seconds> start_time;
  const char* device_type;
  std::optional<std::string> referrer_type;
};

std::chrono::sys_seconds secs(cbf::Timestamp t) {
  return std::chrono::time_point_cast<std::chrono::seconds>(t);
}

}  // namespace

template <>
struct cbf::record_traits<Hit> {
  static constexpr auto fields = cbf::fields(
      cbf::field::customer_id = &Hit::who, cbf::field::session_id = &Hit::visit,
      cbf::field::event_type = &Hit::what, cbf::field::device_type = &Hit::agent,
      cbf::field::created_at = [](const Hit& h) {
        return std::chrono::sys_seconds{std::chrono::seconds{h.epoch_s}};
      });
};

TEST_CASE("device features of a typical customer follow the contract's formulas", "[device]") {
  const auto f = device_of(typical_events(), typical_sessions());
  // Devices: mobile, mobile, desktop, tablet, pc (s5 has none) → 5 sessions with a device.
  CHECK(f.preferred_device == "mobile");  // 2 votes, normalised in output
  REQUIRE(f.mobile_usage_pattern);
  CHECK(*f.mobile_usage_pattern == 2.0 / 5.0);  // s1, s2
  REQUIRE(f.desktop_usage_pattern);
  CHECK(*f.desktop_usage_pattern == 2.0 / 5.0);  // s3 desktop, s6 pc
  // Referrers: email, email, social (s4 none, s5 blank) → email.
  CHECK(f.channel_preference == "email");

  // The same through compute_customer, with either preset.
  const Interactions events = typical_events();
  const Sessions sessions = typical_sessions();
  for (const cbf::Config* config : {&at_as_of, &shopify_as_of}) {
    const auto r = cbf::compute_customer(cbf::no_records<cbf::Customer>, events, sessions,
                                         cbf::no_records<cbf::Attribution>, *config);
    CHECK(r.features.preferred_device == "mobile");
    CHECK(r.features.channel_preference == "email");
    CHECK(r.features.mobile_usage_pattern == 2.0 / 5.0);
    CHECK(r.features.desktop_usage_pattern == 2.0 / 5.0);
  }
}

TEST_CASE("device features are null without sessions that have a device or referrer", "[device]") {
  const auto none = device_of({}, {});
  CHECK_FALSE(none.preferred_device);
  CHECK_FALSE(none.channel_preference);
  CHECK_FALSE(none.mobile_usage_pattern);
  CHECK_FALSE(none.desktop_usage_pattern);

  // Sessions, but no device or referrer anywhere (blank counts as missing).
  const Sessions s{sess("s1", t0).device(" \t ").referrer(""), sess("s2", t0 + days(1))};
  const Interactions e{ev("page_view", t0 + mins(1)).session("s1").device("  ")};
  const auto f = device_of(e, s);
  CHECK_FALSE(f.preferred_device);
  CHECK_FALSE(f.channel_preference);
  CHECK_FALSE(f.mobile_usage_pattern);
  CHECK_FALSE(f.desktop_usage_pattern);

  // A referrer without any device: channel only.
  const auto g = device_of({}, Sessions{sess("s1", t0).referrer("Ads")});
  CHECK(g.channel_preference == "ads");
  CHECK_FALSE(g.preferred_device);
  CHECK_FALSE(g.mobile_usage_pattern);

  // Sessions after as_of do not exist yet.
  const auto late =
      device_of({}, Sessions{sess("s1", as_of + us(1)).device("mobile").referrer("x")});
  CHECK_FALSE(late.preferred_device);
  CHECK_FALSE(late.channel_preference);
  CHECK_FALSE(late.mobile_usage_pattern);
}

TEST_CASE("mobile and desktop are the contract's names, compared after normalising", "[device]") {
  const Sessions s{
      sess("a", t0).device(" SmartPhone\t"),          sess("b", t0 + days(1)).device("PHONE"),
      sess("c", t0 + days(2)).device("Laptop"),       sess("d", t0 + days(3)).device("computer"),
      sess("e", t0 + days(4)).device("Desktop "),     sess("f", t0 + days(5)).device("tablet"),
      sess("g", t0 + days(6)).device("mobile phone"), sess("h", t0 + days(7)).device("pc"),
      sess("i", t0 + days(8)).device("Mobile")};
  const auto f = device_of({}, s);
  // 9 with a device; mobile: smartphone, phone, mobile (3); desktop: laptop, computer, desktop,
  // pc (4); tablet and "mobile phone" are neither.
  CHECK(f.mobile_usage_pattern == 3.0 / 9.0);
  CHECK(f.desktop_usage_pattern == 4.0 / 9.0);
  // Every label once: the smallest normalised label wins.
  CHECK(f.preferred_device == "computer");

  // Only tablets: both shares 0, not null.
  const auto t = device_of({}, Sessions{sess("a", t0).device("Tablet")});
  CHECK(t.mobile_usage_pattern == 0.0);
  CHECK(t.desktop_usage_pattern == 0.0);
  CHECK(t.preferred_device == "tablet");
}

TEST_CASE("modal device and referrer ties go to the smallest normalised label", "[device]") {
  SECTION("one each") {
    const Sessions s{sess("a", t0).device("tablet").referrer("social"),
                     sess("b", t0 + days(1)).device("Mobile").referrer("Direct")};
    const auto f = device_of({}, s);
    CHECK(f.preferred_device == "mobile");
    CHECK(f.channel_preference == "direct");
  }
  SECTION("byte order of the normalised label, not of the raw one") {
    // Raw "Zeta" < "alpha" ('Z' = 0x5A < 'a' = 0x61), normalised "alpha" < "zeta".
    const Sessions s{sess("a", t0).device("Zeta").referrer("ZZ"),
                     sess("b", t0 + days(1)).device("alpha").referrer("aa")};
    const auto f = device_of({}, s);
    CHECK(f.preferred_device == "alpha");
    CHECK(f.channel_preference == "aa");
  }
  SECTION("case variants count together before the tie is broken") {
    // desktop ×2 (Desktop, desktop), mobile ×2 (Mobile, MOBILE), tv ×1 → tie desktop / mobile.
    const Sessions s{sess("a", t0).device("Mobile").referrer("Email"),
                     sess("b", t0 + days(1)).device("desktop").referrer("SEO"),
                     sess("c", t0 + days(2)).device("MOBILE").referrer(" seo"),
                     sess("d", t0 + days(3)).device("Desktop").referrer("email "),
                     sess("e", t0 + days(4)).device("tv").referrer("affiliate")};
    const auto f = device_of({}, s);
    CHECK(f.preferred_device == "desktop");
    CHECK(f.channel_preference == "email");
    CHECK(f.mobile_usage_pattern == 2.0 / 5.0);
    CHECK(f.desktop_usage_pattern == 2.0 / 5.0);
  }
  SECTION("a clear majority beats a smaller label") {
    const Sessions s{sess("a", t0).device("a-device"), sess("b", t0 + days(1)).device("web"),
                     sess("c", t0 + days(2)).device(" WEB ")};
    CHECK(device_of({}, s).preferred_device == "web");
  }
  SECTION("other bytes are kept, compared as unsigned bytes") {
    // "\xc3\xa9cran" (écran) sorts after every ASCII label.
    const Sessions s{sess("a", t0).device("\xc3\x89"
                                          "CRAN"),
                     sess("b", t0 + days(1)).device("zz")};
    CHECK(device_of({}, s).preferred_device == "zz");
    const Sessions t{sess("a", t0).device("\xc3\x89"
                                          "CRAN"),
                     sess("b", t0 + days(1))
                         .device("\xc3\x89"
                                 "cran")};
    CHECK(device_of({}, t).preferred_device ==
          "\xc3\x89"
          "cran");  // one label, ×2
  }
}

TEST_CASE("a session's device is its own, else its first member's in time order", "[device]") {
  SECTION("the session's own device wins") {
    const Sessions s{sess("s1", t0).device("desktop")};
    const Interactions e{ev("page_view", t0 + mins(1)).session("s1").device("mobile")};
    const auto f = device_of(e, s);
    CHECK(f.preferred_device == "desktop");
    CHECK(f.desktop_usage_pattern == 1.0);
    CHECK(f.mobile_usage_pattern == 0.0);
  }
  SECTION("first member by time, not by input order") {
    const Sessions s{sess("s1", t0)};
    const Interactions e{ev("page_view", t0 + mins(3)).session("s1").device("mobile"),
                         ev("page_view", t0 + mins(1)).session("s1"),
                         ev("page_view", t0 + mins(2)).session("s1").device("Laptop")};
    const auto f = device_of(e, s);
    CHECK(f.preferred_device == "laptop");
    CHECK(f.desktop_usage_pattern == 1.0);
  }
  SECTION("at equal times a page_view comes first") {
    const Sessions s{sess("s1", t0)};
    const Interactions e{ev("product_view", t0 + mins(1)).session("s1").device("mobile"),
                         ev("page_view", t0 + mins(1)).session("s1").device("desktop")};
    CHECK(device_of(e, s).preferred_device == "desktop");
    // Two non-page_view kinds at one instant: input order.
    const Interactions f{ev("product_view", t0 + mins(1)).session("s1").device("mobile"),
                         ev("search", t0 + mins(1)).session("s1").device("desktop")};
    CHECK(device_of(f, s).preferred_device == "mobile");
  }
  SECTION("members after as_of are not used") {
    const Sessions s{sess("s1", as_of - mins(1))};
    const Interactions e{ev("page_view", as_of + us(1)).session("s1").device("mobile")};
    const auto f = device_of(e, s);
    CHECK_FALSE(f.preferred_device);
    CHECK_FALSE(f.mobile_usage_pattern);
  }
  SECTION("derived sessions take their first member's device and have no referrer") {
    // Three derived sessions (no ids, gaps > 30 min): [no device, Mobile], [desktop], [none].
    const Interactions e{ev("page_view", t0), ev("product_view", t0 + mins(1)).device("Mobile"),
                         ev("page_view", t0 + mins(120)).device("desktop"),
                         ev("page_view", t0 + mins(300))};
    const auto f = device_of(e, {});
    CHECK(f.mobile_usage_pattern == 1.0 / 2.0);
    CHECK(f.desktop_usage_pattern == 1.0 / 2.0);
    CHECK(f.preferred_device == "desktop");  // tie mobile / desktop → desktop
    CHECK_FALSE(f.channel_preference);
  }
  SECTION("a duplicate Session record keeps the first in input order") {
    const Sessions s{sess("s1", t0 + mins(5)).device("tablet").referrer("email"),
                     sess("s1", t0).device("mobile").referrer("ads")};
    const auto f = device_of({}, s);
    CHECK(f.preferred_device == "tablet");
    CHECK(f.channel_preference == "email");
    CHECK(f.mobile_usage_pattern == 0.0);
  }
}

TEST_CASE("device features do not depend on input order", "[device]") {
  const Interactions events = typical_events();
  const Sessions sessions = typical_sessions();
  const auto base = device_of(events, sessions);
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    INFO("seed " << seed);
    CHECK(same(device_of(shuffled(events, seed), shuffled(sessions, seed + 50)), base));
  }
  CHECK(same(device_of(reversed(events), reversed(sessions)), base));
  // Ties do not depend on which label came first.
  const Sessions tie{sess("a", t0).device("b"), sess("b", t0 + days(1)).device("A"),
                     sess("c", t0 + days(2)).device("B"), sess("d", t0 + days(3)).device("a ")};
  for (std::uint64_t seed = 1; seed <= 8; ++seed)
    CHECK(device_of({}, shuffled(tie, seed)).preferred_device == "a");
}

TEST_CASE("device features read host records adapted by traits or by member names", "[device]") {
  const std::vector<Visit> visits{
      {"c1", "v1", secs(t0), "Smartphone", std::string("Email")},
      {"c1", "v2", secs(t0 + days(1)), nullptr, std::nullopt},
      {"c1", "v3", secs(t0 + days(2)), "Desktop", std::string("social")},
      {"c1", "v4", secs(t0 + days(3)), "PHONE", std::string(" email")},
  };
  const std::vector<Hit> hits{
      {"c1", "v2", "page_viewed", "",
       (t0 + days(1) + mins(1)).time_since_epoch().count() / 1000000},
      {"c1", "v2", "page_viewed", "laptop",
       (t0 + days(1) + mins(2)).time_since_epoch().count() / 1000000},
  };
  const auto f = cbf::device_features(hits, visits, at_as_of);
  // Devices: smartphone, laptop (v2 from its member), desktop, phone → mobile 2/4, desktop 2/4;
  // each label once → "desktop"; referrers email ×2, social → email.
  CHECK(f.mobile_usage_pattern == 2.0 / 4.0);
  CHECK(f.desktop_usage_pattern == 2.0 / 4.0);
  CHECK(f.preferred_device == "desktop");
  CHECK(f.channel_preference == "email");
}
