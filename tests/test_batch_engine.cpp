// The batch engine (compute_batch's workers, executors, key subsets, stable-hash shards and
// progress): results are bit-identical whatever the thread count, executor or input order, and a
// filtered run gives exactly the full run's rows for its keys.
#include <catch2/catch.hpp>
#include <cbf/cbf.hpp>
#include <cbf/format.hpp>

#include "bit_identical.hpp"
#include "support.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

using namespace cbf_test;

namespace {

// ---- random batches (the approach of test_properties.cpp) ----------------------------------

struct Records {
  Customers customers;
  Interactions interactions;
  Sessions sessions;
  Attributions attributions;
};

struct GeneratorOptions {
  bool distinct_times = true;      // no two stamps of a customer share an instant
  bool unique_session_ids = true;  // no duplicate Session records
  bool blank_ids = true;           // some records without customer_id
};

class Generator {
 public:
  explicit Generator(std::uint64_t seed) : rng_(seed) {}

  /// Random records of customer (shop, id), appended to `out`. Records of shop "" sometimes
  /// spell it "  " (the same key: blank ids read as empty).
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
    const auto shop_id = [&]() -> std::string {
      return shop.empty() && pick(4) == 0 ? "  " : shop;
    };

    if (pick(3) != 0) {
      cbf::Customer c;
      c.shop_id = shop_id();
      c.customer_id = id;
      const std::int64_t roll = pick(6);
      if (roll == 0) c.created_at = cbf::TimeField::invalid();
      if (roll == 1) c.created_at = as_of + days(3);
      if (roll >= 2) c.created_at = as_of - sec(pick(400LL * 86400));
      out.customers.push_back(c);
    }

    static constexpr std::array<const char*, 14> kinds{
        "page_viewed", "Product_Viewed",     "view_item",   " search ",  "search_submitted",
        "add_to_cart", "checkout_completed", "cart_viewed", "page_view", "checkout_started",
        "scroll",      "collection_viewed",  "detail",      ""};
    static constexpr std::array<const char*, 5> queries{"", "Shoes", " shoes ", "red  hat", "\t"};
    static constexpr std::array<const char*, 4> categories{"", "A", "B", " "};
    static constexpr std::array<const char*, 4> devices{"", "mobile", " Desktop ", "tablet"};
    const std::int64_t session_pool = 1 + pick(5);
    const auto session_id = [&]() -> std::string {
      if (pick(3) == 0) return "";
      return "s" + std::to_string(pick(session_pool));
    };

    const std::int64_t n_interactions = pick(30);
    for (std::int64_t i = 0; i < n_interactions; ++i) {
      cbf::Interaction r;
      r.shop_id = shop_id();
      r.customer_id = customer_id();
      r.session_id = session_id();
      r.event_type = kinds[static_cast<std::size_t>(pick(kinds.size()))];
      r.product_id = "p" + std::to_string(pick(6));
      r.category_id = categories[static_cast<std::size_t>(pick(categories.size()))];
      r.search_query = queries[static_cast<std::size_t>(pick(queries.size()))];
      r.device_type = devices[static_cast<std::size_t>(pick(devices.size()))];
      const std::int64_t roll = pick(12);
      if (roll < 6) r.view_duration = static_cast<double>(pick(600000)) / 1000.0;
      if (roll == 6) r.view_duration = -2.0;
      r.created_at = stamp();
      out.interactions.push_back(r);
    }

    const std::int64_t n_sessions = pick(4) == 0 ? 0 : pick(session_pool + 1);
    std::vector<std::int64_t> ids(static_cast<std::size_t>(session_pool));
    for (std::int64_t k = 0; k < session_pool; ++k) ids[static_cast<std::size_t>(k)] = k;
    std::shuffle(ids.begin(), ids.end(), rng_);
    for (std::int64_t k = 0; k < n_sessions; ++k) {
      cbf::Session s;
      s.shop_id = shop_id();
      s.customer_id = customer_id();
      const std::int64_t sid =
          options.unique_session_ids ? ids[static_cast<std::size_t>(k)] : pick(session_pool);
      s.session_id = "s" + std::to_string(sid);
      s.start_time = stamp();
      if (s.start_time.is_valid() && pick(2) == 0)
        s.end_time = s.start_time.value() + sec(pick(7200));
      s.device_type = devices[static_cast<std::size_t>(pick(devices.size()))];
      out.sessions.push_back(s);
    }

    static constexpr std::array<const char*, 5> types{"", "search", " Email ", "direct", "cart"};
    const std::int64_t n_attributions = pick(8);
    for (std::int64_t k = 0; k < n_attributions; ++k) {
      cbf::Attribution a;
      a.shop_id = shop_id();
      a.customer_id = customer_id();
      a.order_id = pick(10) == 0 ? "" : "o" + std::to_string(pick(6));
      a.session_id = session_id();
      a.attribution_type = types[static_cast<std::size_t>(pick(types.size()))];
      const std::int64_t roll = pick(10);
      if (roll < 7) a.attribution_value = static_cast<double>(pick(100000)) / 100.0;
      if (roll == 7) a.attribution_value = 0.1 * static_cast<double>(pick(7));
      if (roll == 8) a.attribution_value = -1.0;
      a.created_at = stamp();
      out.attributions.push_back(a);
    }
  }

  /// A uniform integer in [0, n).
  std::int64_t pick(std::int64_t n) {
    return std::uniform_int_distribution<std::int64_t>(0, n - 1)(rng_);
  }

 private:
  std::mt19937_64 rng_;
};

/// `n` random customers of four shops (the same ids recur across shops; one shop id is not ASCII),
/// their records interleaved, plus one record without customer_id of each kind.
Records random_batch(std::uint64_t seed, int n, const GeneratorOptions& options) {
  static const std::array<std::string, 4> shops{"", "north", "south", "\xC3\xA9st"};
  Generator g(seed);
  Records r;
  for (int k = 0; k < n; ++k) {
    // (k % 4, k % 101): distinct keys for k < 404.
    const std::string& shop = shops[static_cast<std::size_t>(k % 4)];
    g.customer(r, shop, (k % 5 == 0 ? "U" : "u") + std::to_string(k % 101), options);
  }
  r.customers.push_back(cust(" ").shop("north"));
  r.interactions.push_back(ev("page_view", t0).customer("").shop("south"));
  r.sessions.push_back(sess("blank", t0).customer("\t"));
  r.attributions.push_back(attr("blank", t0, 1.0).customer(""));
  r.customers = shuffled(std::move(r.customers), seed + 1);
  r.interactions = shuffled(std::move(r.interactions), seed + 2);
  r.sessions = shuffled(std::move(r.sessions), seed + 3);
  r.attributions = shuffled(std::move(r.attributions), seed + 4);
  return r;
}

cbf::BatchResult run(const Records& r, const cbf::Config& config,
                     const cbf::BatchOptions& options = {}) {
  return cbf::compute_batch(r.customers, r.interactions, r.sessions, r.attributions, config,
                            options);
}

// ---- bit-exact comparison of rows ------------------------------------------------------------

using cbf_test::check_identical;
using cbf_test::identical;

void check_identical(const cbf::BatchResult& got, const cbf::BatchResult& want) {
  CHECK(got.as_of == want.as_of);
  CHECK(got.diagnostics == want.diagnostics);
  check_identical(got.customers, want.customers);
}

bool key_less(const cbf::CustomerResult& a, const cbf::CustomerResult& b) {
  return std::tie(a.shop_id, a.customer_id) < std::tie(b.shop_id, b.customer_id);
}

/// The sum of the rows' diagnostics.
cbf::Diagnostics sum_of_rows(const std::vector<cbf::CustomerResult>& rows) {
  cbf::Diagnostics sum;
  for (const auto& r : rows) sum += r.diagnostics;
  return sum;
}

cbf::Diagnostics plus(cbf::Diagnostics a, const cbf::Diagnostics& b) {
  a += b;
  return a;
}

/// Records of each kind without a customer_id, as missing_field counts.
cbf::Diagnostics unkeyed_of(const Records& r) {
  const auto blank = [](const auto& records) {
    std::int64_t n = 0;
    for (const auto& x : records) n += cbf::detail::id_or_empty(x.customer_id).empty() ? 1 : 0;
    return n;
  };
  cbf::Diagnostics d;
  d.customer.missing_field = blank(r.customers);
  d.interaction.missing_field = blank(r.interactions);
  d.session.missing_field = blank(r.sessions);
  d.attribution.missing_field = blank(r.attributions);
  return d;
}

/// An executor that runs the tasks one after another, last first.
void reverse_serial(std::size_t count, const std::function<void(std::size_t)>& task) {
  for (std::size_t i = count; i-- > 0;) task(i);
}

/// An executor with threads of its own, one per task.
void thread_per_task(std::size_t count, const std::function<void(std::size_t)>& task) {
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < count; ++i) threads.emplace_back(task, i);
  for (auto& t : threads) t.join();
}

/// 64-bit FNV-1a of shop_id, 0x00, customer_id: an independent reference for shard_of.
std::uint64_t fnv1a_reference(std::string_view shop, std::string_view customer) {
  std::string bytes(shop);
  bytes.push_back('\0');
  bytes.append(customer);
  std::uint64_t h = 14695981039346656037ULL;  // 0xcbf29ce484222325
  for (const char c : bytes) {
    h ^= static_cast<std::uint8_t>(c);
    h *= 1099511628211ULL;  // 0x100000001b3
  }
  return h;
}

}  // namespace

TEST_CASE("results are bit-identical for every thread count and executor", "[batch_engine]") {
  const Records r = random_batch(42, 300, GeneratorOptions{false, false, true});
  for (const cbf::Config& config : {cbf::Config{}, cbf::shopify_config(), at_as_of}) {
    const cbf::BatchResult one = run(r, config, cbf::BatchOptions{.threads = 1});
    // The data is not trivial: hundreds of rows, many with orders and sessions.
    REQUIRE(one.customers.size() >= 280);
    REQUIRE(std::is_sorted(one.customers.begin(), one.customers.end(), key_less));
    CHECK(std::adjacent_find(one.customers.begin(), one.customers.end(),
                             [](const auto& a, const auto& b) { return !key_less(a, b); }) ==
          one.customers.end());
    CHECK(std::count_if(one.customers.begin(), one.customers.end(), [](const auto& row) {
            return row.features.avg_purchase_value.has_value();
          }) > 100);
    CHECK(one.diagnostics == plus(sum_of_rows(one.customers), unkeyed_of(r)));

    for (const unsigned threads : {0U, 2U, 3U, 8U}) {
      INFO("threads " << threads);
      check_identical(run(r, config, cbf::BatchOptions{.threads = threads}), one);
    }
    {
      INFO("reverse serial executor");
      check_identical(run(r, config, cbf::BatchOptions{.threads = 4, .executor = reverse_serial}),
                      one);
    }
    {
      INFO("thread-per-task executor");
      check_identical(run(r, config, cbf::BatchOptions{.threads = 5, .executor = thread_per_task}),
                      one);
    }
  }
}

TEST_CASE("results are identical when every input is shuffled", "[batch_engine]") {
  // The contract breaks exact ties (equal stamps, duplicate session ids) by input order, so the
  // data has none: each customer's stamps are distinct and its session ids unique.
  const Records r = random_batch(7, 300, GeneratorOptions{true, true, true});
  const cbf::BatchResult base = run(r, cbf::Config{});
  REQUIRE(base.customers.size() >= 280);
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    INFO("seed " << seed);
    const Records s{shuffled(r.customers, seed), shuffled(r.interactions, seed + 10),
                    shuffled(r.sessions, seed + 20), shuffled(r.attributions, seed + 30)};
    check_identical(run(s, cbf::Config{}, cbf::BatchOptions{.threads = 3}), base);
  }
  // Reversed inputs too (the largest change of order).
  const Records rev{reversed(r.customers), reversed(r.interactions), reversed(r.sessions),
                    reversed(r.attributions)};
  check_identical(run(rev, cbf::Config{}), base);
}

TEST_CASE("a key subset gives exactly the full run's rows for its keys in key order",
          "[batch_engine]") {
  const Records r = random_batch(11, 300, GeneratorOptions{false, false, true});
  const cbf::BatchResult full = run(r, cbf::Config{});
  REQUIRE(full.customers.size() >= 280);

  // Every 7th key, given in reverse order, one of them twice, and a key no record has.
  std::vector<cbf::CustomerKey> keys;
  std::vector<cbf::CustomerResult> expected;
  for (std::size_t i = 0; i < full.customers.size(); i += 7) {
    keys.push_back({full.customers[i].shop_id, full.customers[i].customer_id});
    expected.push_back(full.customers[i]);
  }
  std::reverse(keys.begin(), keys.end());
  keys.push_back(keys.front());
  keys.push_back({"north", "nobody"});

  for (const unsigned threads : {1U, 3U}) {
    INFO("threads " << threads);
    const cbf::BatchResult subset =
        run(r, cbf::Config{}, cbf::BatchOptions{.threads = threads, .filter = {.keys = keys}});
    CHECK(subset.as_of == full.as_of);  // the default as_of is still the whole batch's
    check_identical(subset.customers, expected);
    // A key set counts only its rows: records without a customer_id belong to no key.
    CHECK(subset.diagnostics == sum_of_rows(expected));
    CHECK(std::none_of(subset.customers.begin(), subset.customers.end(),
                       [](const auto& row) { return row.customer_id == "nobody"; }));
  }

  // An empty key set computes nothing.
  const std::vector<cbf::CustomerKey> none;
  const cbf::BatchResult empty =
      run(r, cbf::Config{}, cbf::BatchOptions{.filter = {.keys = std::span(none)}});
  CHECK(empty.customers.empty());
  CHECK(empty.diagnostics == cbf::Diagnostics{});
  CHECK(empty.as_of == full.as_of);
}

TEST_CASE("key set ids are read as the contract reads ids with blank as empty and the rest exact",
          "[batch_engine]") {
  const Customers c{cust("a").shop("  "), cust("b").shop("s"), cust(" b").shop("s")};
  const Interactions e{ev("page_view", t0).customer("a"), ev("search", t0).customer("b").shop("s")};
  const Sessions s{sess("x", t0).customer("a").shop("\t")};
  const Attributions o{attr("o", t0, 2.5).customer(" b").shop("s")};
  const cbf::BatchResult full = cbf::compute_batch(c, e, s, o, at_as_of);
  REQUIRE(full.customers.size() == 3);  // ("", "a"), ("s", " b"), ("s", "b")
  CHECK(full.customers[0].customer_id == "a");
  CHECK(full.customers[1].customer_id == " b");
  CHECK(full.customers[2].customer_id == "b");

  // A blank shop in the filter is the empty shop; " b" is not "b" and "b " is no key at all; a
  // blank customer_id names no key (records without one give no row).
  const std::vector<cbf::CustomerKey> keys{
      {" \t ", "a"}, {"s", " b"}, {"s", "b "}, {"s", "   "}, {"", ""}};
  const cbf::BatchResult subset =
      cbf::compute_batch(c, e, s, o, at_as_of, cbf::BatchOptions{.filter = {.keys = keys}});
  check_identical(subset.customers, {full.customers[0], full.customers[1]});
  CHECK(subset.customers[0].features.total_sessions == 1);
  CHECK(subset.customers[1].features.total_purchases == 1);

  // ("s", "b") alone, with its shop padded: padding a non-blank id makes another id.
  const std::vector<cbf::CustomerKey> padded{{"s ", "b"}};
  CHECK(cbf::compute_batch(c, e, s, o, at_as_of, cbf::BatchOptions{.filter = {.keys = padded}})
            .customers.empty());
}

TEST_CASE("shards partition the full run and their diagnostics add up to it", "[batch_engine]") {
  Records r = random_batch(5, 300, GeneratorOptions{false, false, true});
  // The latest stamp of the batch is on a record without a customer_id: every shard's as_of is
  // still the whole batch's.
  r.interactions.insert(r.interactions.begin() + 17,
                        ev("page_view", as_of + days(2)).customer("  ").shop("north"));
  const cbf::BatchResult full = run(r, cbf::Config{});
  REQUIRE(full.as_of == as_of + days(2));
  REQUIRE(full.customers.size() >= 280);
  const cbf::Diagnostics unkeyed = unkeyed_of(r);
  REQUIRE(unkeyed.interaction.missing_field >= 2);
  CHECK(full.diagnostics == plus(sum_of_rows(full.customers), unkeyed));

  for (const std::uint32_t count : {1U, 3U, 5U}) {
    std::vector<cbf::CustomerResult> all;
    cbf::Diagnostics total;
    for (std::uint32_t index = 0; index < count; ++index) {
      INFO("shard " << index << " of " << count);
      const cbf::BatchResult part = run(
          r, cbf::Config{}, cbf::BatchOptions{.threads = 2, .filter = {.shard = {index, count}}});
      CHECK(part.as_of == full.as_of);
      CHECK(std::is_sorted(part.customers.begin(), part.customers.end(), key_less));
      for (const auto& row : part.customers) {
        INFO("key (" << row.shop_id << ", " << row.customer_id << ")");
        CHECK(cbf::shard_of(row.shop_id, row.customer_id, count) == index);
        CHECK(row.as_of == full.as_of);
      }
      // The records without a customer_id count in shard 0 only.
      CHECK(part.diagnostics ==
            plus(sum_of_rows(part.customers), index == 0 ? unkeyed : cbf::Diagnostics{}));
      if (count > 1) CHECK(part.customers.size() < full.customers.size());
      CHECK_FALSE(part.customers.empty());
      total += part.diagnostics;
      all.insert(all.end(), part.customers.begin(), part.customers.end());
    }
    INFO("shard count " << count);
    std::sort(all.begin(), all.end(), key_less);
    check_identical(all, full.customers);
    CHECK(total == full.diagnostics);
  }

  // A shard and a key set together: the keys of the set in that shard, and no unkeyed records.
  std::vector<cbf::CustomerKey> keys;
  for (std::size_t i = 0; i < full.customers.size(); i += 3)
    keys.push_back({full.customers[i].shop_id, full.customers[i].customer_id});
  std::vector<cbf::CustomerResult> expected;
  for (std::size_t i = 0; i < full.customers.size(); i += 3)
    if (cbf::shard_of(full.customers[i].shop_id, full.customers[i].customer_id, 3) == 0)
      expected.push_back(full.customers[i]);
  REQUIRE_FALSE(expected.empty());
  const cbf::BatchResult both =
      run(r, cbf::Config{}, cbf::BatchOptions{.filter = {.shard = {0, 3}, .keys = keys}});
  check_identical(both.customers, expected);
  CHECK(both.diagnostics == sum_of_rows(expected));
}

TEST_CASE("shard_of is FNV-1a 64 of shop_id then a zero byte then customer_id modulo the count",
          "[batch_engine]") {
  // By hand (python3): FNV-1a 64 of the bytes 00 61 is 0x08326707b4eb37da.
  constexpr std::uint64_t hash_a = 0x08326707b4eb37daULL;
  CHECK(fnv1a_reference("", "a") == hash_a);
  CHECK(cbf::detail::stable_key_hash("", "a") == hash_a);
  CHECK(cbf::shard_of("", "a", 1000) == 426);
  CHECK(cbf::shard_of("", "a", 3) == 1);
  CHECK(cbf::shard_of("", "a", 4294967295U) == 3172835041U);
  CHECK(cbf::shard_of("", "a", 4294967295U) == hash_a % 4294967295U);
  // And some more: the empty key, an ASCII key, bytes above 0x7F (read as unsigned).
  CHECK(cbf::detail::stable_key_hash("", "") == 0xaf63bd4c8601b7dfULL);
  CHECK(cbf::detail::stable_key_hash("shop", "c1") == 0xa358643b046ca18bULL);
  CHECK(cbf::detail::stable_key_hash("\xC3\xA9", "x") == 0xf78873c6f179d9f1ULL);
  static_assert(cbf::shard_of("", "a", 1000) == 426, "shard_of is constexpr");

  const std::vector<std::pair<std::string, std::string>> keys{
      {"", "a"},         {"shop", "c1"},
      {"\xC3\xA9", "x"}, {"ab", "c"},
      {"a", "bc"},       {"abc", ""},
      {"", "abc"},       {"north", "u7"},
      {"\xFF", "\x80"},  {std::string(1, '\0'), "x"}};
  for (const auto& [shop, customer] : keys) {
    INFO("key (" << shop << ", " << customer << ")");
    const std::uint64_t h = fnv1a_reference(shop, customer);
    CHECK(cbf::detail::stable_key_hash(shop, customer) == h);
    for (const std::uint32_t count : {2U, 3U, 5U, 7U, 1000U, 65537U}) {
      CHECK(cbf::shard_of(shop, customer, count) == h % count);
    }
    // One shard: every key is in it.
    CHECK(cbf::shard_of(shop, customer, 1) == 0);
  }
  // The zero byte keeps the shop and customer apart.
  CHECK(cbf::detail::stable_key_hash("ab", "c") != cbf::detail::stable_key_hash("a", "bc"));
  CHECK(cbf::detail::stable_key_hash("abc", "") != cbf::detail::stable_key_hash("", "abc"));
}

TEST_CASE("shard_of reads a blank id as empty, as the batch reads keys", "[batch_engine]") {
  CHECK(cbf::shard_of(" \t", "a", 1000) == cbf::shard_of("", "a", 1000));
  CHECK(cbf::shard_of("north", "\r\n", 65537) == cbf::shard_of("north", "", 65537));
  CHECK(cbf::shard_of(" north", "a", 65537) ==
        fnv1a_reference(" north", "a") % 65537);  // not blank
  // A record whose shop_id is blank lands in the shard shard_of gives its own text.
  Records r;
  r.interactions.push_back(ev("page_view", t0).customer("u1").shop("  "));
  for (std::uint32_t index = 0; index < 3; ++index) {
    const cbf::BatchResult part =
        run(r, at_as_of, cbf::BatchOptions{.threads = 1, .filter = {.shard = {index, 3}}});
    CHECK(part.customers.size() == (cbf::shard_of("  ", "u1", 3) == index ? 1U : 0U));
  }
}

TEST_CASE("a shard outside its count throws InvalidShard before any work", "[batch_engine]") {
  const Records r = random_batch(3, 20, GeneratorOptions{});
  int tasks = 0;
  const auto counting = [&](std::size_t count, const std::function<void(std::size_t)>& task) {
    for (std::size_t i = 0; i < count; ++i) {
      ++tasks;
      task(i);
    }
  };
  CHECK_THROWS_AS(
      run(r, cbf::Config{}, cbf::BatchOptions{.executor = counting, .filter = {.shard = {2, 2}}}),
      cbf::InvalidShard);
  CHECK_THROWS_AS(
      run(r, cbf::Config{}, cbf::BatchOptions{.executor = counting, .filter = {.shard = {0, 0}}}),
      cbf::InvalidShard);
  CHECK_THROWS_AS(run(r, cbf::Config{}, cbf::BatchOptions{.filter = {.shard = {7, 3}}}),
                  cbf::InvalidShard);
  CHECK(tasks == 0);
  // An InvalidShard is an invalid_argument.
  CHECK_THROWS_AS(run(r, cbf::Config{}, cbf::BatchOptions{.filter = {.shard = {1, 1}}}),
                  std::invalid_argument);
  CHECK_NOTHROW(run(r, cbf::Config{}, cbf::BatchOptions{.filter = {.shard = {1, 2}}}));
  CHECK_NOTHROW(run(r, cbf::Config{}, cbf::BatchOptions{.filter = {.shard = {0, 1}}}));
}

TEST_CASE("progress ends at the totals and never goes back", "[batch_engine]") {
  const Records r = random_batch(9, 300, GeneratorOptions{false, false, true});
  const cbf::Diagnostics unkeyed = unkeyed_of(r);
  const auto keyed_records = static_cast<std::int64_t>(
      r.customers.size() + r.interactions.size() + r.sessions.size() + r.attributions.size() -
      static_cast<std::size_t>(unkeyed.customer.missing_field + unkeyed.interaction.missing_field +
                               unkeyed.session.missing_field + unkeyed.attribution.missing_field));

  const auto check_progress = [](const std::vector<cbf::BatchProgress>& calls,
                                 std::int64_t customers, std::int64_t records) {
    REQUIRE_FALSE(calls.empty());
    for (std::size_t i = 0; i < calls.size(); ++i) {
      INFO("call " << i);
      CHECK(calls[i].customers_total == customers);
      CHECK(calls[i].records_total == records);
      CHECK(calls[i].customers_done > 0);
      CHECK(calls[i].customers_done <= customers);
      CHECK(calls[i].records_done <= records);
      if (i > 0) {
        CHECK(calls[i].customers_done > calls[i - 1].customers_done);
        CHECK(calls[i].records_done >= calls[i - 1].records_done);
      }
    }
    CHECK(calls.back().customers_done == customers);
    CHECK(calls.back().records_done == records);
  };

  for (const unsigned threads : {1U, 2U, 4U}) {
    INFO("threads " << threads);
    std::vector<cbf::BatchProgress> calls;
    std::mutex calls_mutex;  // calls come one at a time; the lock is the test's own safety
    const cbf::BatchResult b =
        run(r, cbf::Config{},
            cbf::BatchOptions{.threads = threads, .progress = [&](const cbf::BatchProgress& p) {
                                const std::lock_guard lock(calls_mutex);
                                calls.push_back(p);
                              }});
    check_progress(calls, static_cast<std::int64_t>(b.customers.size()), keyed_records);
    // Every keyed record is some row's: the rows' diagnostics count them.
    const cbf::Diagnostics rows = sum_of_rows(b.customers);
    CHECK(rows.customer.total() + rows.interaction.total() + rows.session.total() +
              rows.attribution.total() ==
          keyed_records);
  }

  // A shard's totals are its own keys' records.
  std::vector<cbf::BatchProgress> calls;
  const cbf::BatchResult part =
      run(r, cbf::Config{},
          cbf::BatchOptions{.threads = 2,
                            .filter = {.shard = {1, 3}},
                            .progress = [&](const cbf::BatchProgress& p) { calls.push_back(p); }});
  const cbf::Diagnostics rows = sum_of_rows(part.customers);
  check_progress(calls, static_cast<std::int64_t>(part.customers.size()),
                 rows.customer.total() + rows.interaction.total() + rows.session.total() +
                     rows.attribution.total());
}

TEST_CASE("the executor runs the workers and one thread makes one task", "[batch_engine]") {
  const Records r = random_batch(13, 120, GeneratorOptions{false, false, true});
  const cbf::BatchResult reference = run(r, at_as_of, cbf::BatchOptions{.threads = 1});

  for (const unsigned threads : {1U, 2U, 4U}) {
    INFO("threads " << threads);
    std::size_t calls = 0;
    std::size_t asked = 0;
    std::vector<std::size_t> ran;
    const auto counting = [&](std::size_t count, const std::function<void(std::size_t)>& task) {
      ++calls;
      asked = count;
      for (std::size_t i = 0; i < count; ++i) {
        ran.push_back(i);
        task(i);
      }
    };
    const cbf::BatchResult b =
        run(r, at_as_of, cbf::BatchOptions{.threads = threads, .executor = counting});
    CHECK(calls == 1);
    CHECK(asked == threads);  // 120 customers: more than enough for every worker
    CHECK(ran.size() == asked);
    check_identical(b, reference);
  }

  std::size_t asked = 0;
  const auto counting = [&](std::size_t count, const std::function<void(std::size_t)>& task) {
    asked = count;
    for (std::size_t i = 0; i < count; ++i) task(i);
  };
  // threads = 0 asks for the hardware's threads (docs/batch.md: count is threads, capped at the
  // number of customers).
  check_identical(run(r, at_as_of, cbf::BatchOptions{.threads = 0, .executor = counting}),
                  reference);
  CHECK(asked == std::min<std::size_t>(cbf::thread_count(0), reference.customers.size()));
  CHECK(asked >= 1);

  // More threads than customers: one task per customer, and still every row.
  const Records few = random_batch(14, 3, GeneratorOptions{});
  const cbf::BatchResult b =
      run(few, at_as_of, cbf::BatchOptions{.threads = 8, .executor = counting});
  CHECK(b.customers.size() == 3);
  CHECK(asked == 3);
  check_identical(b, run(few, at_as_of, cbf::BatchOptions{.threads = 1}));
}

TEST_CASE("a batch large enough to split its grouping across workers gives the same rows",
          "[batch_engine]") {
  // Every record again in the second half with other labels: a session's duplicate keeps the
  // device of the first in input order, and an interaction tied in time with its copy comes
  // before it, so each customer's records must reach it in input order however the passes split.
  Records r = random_batch(21, 400, GeneratorOptions{false, false, true});
  Records copy = r;
  const auto relabel = [](std::string& device) {
    if (!cbf::detail::trim(device).empty()) device.insert(0, "copy-");
  };
  for (auto& e : copy.interactions) relabel(e.device_type);
  for (auto& s : copy.sessions) relabel(s.device_type);
  r.interactions.insert(r.interactions.end(), copy.interactions.begin(), copy.interactions.end());
  r.sessions.insert(r.sessions.end(), copy.sessions.begin(), copy.sessions.end());
  r.attributions.insert(r.attributions.end(), copy.attributions.begin(), copy.attributions.end());
  REQUIRE(r.interactions.size() >= 4 * cbf::detail::min_part_records);
  // The interactions are split when they are the first kind read (no customer rows: their parts
  // merge into an empty table) or when few keys are known before them (a few customer rows); with
  // every customer's row read first they are a few records per known key, read in one pass.
  Records no_customers = r;
  no_customers.customers.clear();
  Records few_customers = r;
  few_customers.customers.resize(std::min<std::size_t>(5, r.customers.size()));
  for (const Records* input : {&r, &no_customers, &few_customers}) {
    INFO("customer rows " << input->customers.size());
    const cbf::BatchResult one = run(*input, cbf::Config{}, cbf::BatchOptions{.threads = 1});
    CHECK(one.diagnostics == plus(sum_of_rows(one.customers), unkeyed_of(*input)));
    CHECK(std::none_of(one.customers.begin(), one.customers.end(), [](const auto& row) {
      return row.features.preferred_device.value_or("").starts_with("copy-");
    }));
    for (const unsigned threads : {2U, 3U, 4U}) {
      INFO("threads " << threads);
      check_identical(run(*input, cbf::Config{}, cbf::BatchOptions{.threads = threads}), one);
    }
    INFO("reverse serial executor: the parts run last first");
    check_identical(
        run(*input, cbf::Config{}, cbf::BatchOptions{.threads = 4, .executor = reverse_serial}),
        one);
  }
  const cbf::BatchResult one = run(r, cbf::Config{}, cbf::BatchOptions{.threads = 1});

  // A key set: the parts look their keys up instead of adding them.
  std::vector<cbf::CustomerKey> keys;
  for (std::size_t c = 0; c < one.customers.size(); c += 3)
    keys.push_back({one.customers[c].shop_id, one.customers[c].customer_id});
  const cbf::KeyFilter subset{.keys = keys};
  const cbf::BatchResult some =
      run(r, cbf::Config{}, cbf::BatchOptions{.threads = 1, .filter = subset});
  REQUIRE(some.customers.size() == keys.size());
  check_identical(run(r, cbf::Config{}, cbf::BatchOptions{.threads = 3, .filter = subset}), some);
  for (std::size_t k = 0; k < some.customers.size(); ++k)
    CHECK(cbf_test::identical_rows(some.customers[k], one.customers[3 * k]));
}

TEST_CASE("an input given as no_records gives the rows an empty container of its type gives",
          "[batch_engine]") {
  // no_records is empty by its type, so the batch reads it with functions shared by every type
  // (EmptyInputOps) instead of its type's own: the rows must not tell the two apart.
  static_assert(cbf::detail::statically_empty<decltype(cbf::no_records<cbf::Session>)>);
  static_assert(!cbf::detail::statically_empty<std::span<const cbf::Session>>);
  static_assert(!cbf::detail::statically_empty<Sessions>);
  const Records r = random_batch(7, 120, GeneratorOptions{});
  const Customers no_customers;
  const Sessions no_sessions;
  const Attributions no_attributions;
  for (const unsigned threads : {1U, 2U}) {
    INFO("threads " << threads);
    const cbf::BatchOptions options{.threads = threads};
    const cbf::BatchResult with_containers = cbf::compute_batch(
        no_customers, r.interactions, no_sessions, no_attributions, at_as_of, options);
    REQUIRE(with_containers.customers.size() >= 100);
    check_identical(cbf::compute_batch(cbf::no_records<cbf::Customer>, r.interactions,
                                       cbf::no_records<cbf::Session>,
                                       cbf::no_records<cbf::Attribution>, at_as_of, options),
                    with_containers);
    // And with the interactions empty by type, the other inputs still make the rows.
    const Interactions no_interactions;
    check_identical(cbf::compute_batch(r.customers, cbf::no_records<cbf::Interaction>, r.sessions,
                                       r.attributions, at_as_of, options),
                    cbf::compute_batch(r.customers, no_interactions, r.sessions, r.attributions,
                                       at_as_of, options));
  }
}

TEST_CASE("keys are ordered as byte strings also when their first eight bytes tie",
          "[batch_engine]") {
  // sort_keys compares the first eight bytes of each id as a number and the texts only on a tie:
  // ids that share those bytes, end inside them, or hold zero and 0xff bytes must still come out
  // in byte-string order, shop_id first.
  using namespace std::string_literals;
  const std::vector<std::pair<std::string, std::string>> hand{{"", "123456789"},
                                                              {"", "12345678"},
                                                              {"", "12345678\0"s},
                                                              {"", "1234567"},
                                                              {"", "12345678\xff"},
                                                              {"", "2"},
                                                              {"shop-0001b", "1"},
                                                              {"shop-0001a", "9"},
                                                              {"shop-0001", "5"},
                                                              {"\0"s, "1"},
                                                              {"", ""s},
                                                              {"", "\0"s},
                                                              {"", "\0\0\0\0\0\0\0\0\0"s},
                                                              {"", "\0\0\0\0\0\0\0\0"s}};
  std::mt19937_64 rng(7);
  std::vector<std::pair<std::string, std::string>> keys = hand;
  const std::string alphabet("\0a\xff", 3);
  const auto random_text = [&] {
    std::string text(rng() % 12, 'a');
    for (char& c : text) c = alphabet[rng() % alphabet.size()];
    return text;
  };
  for (int i = 0; i < 3000; ++i) keys.emplace_back(random_text(), random_text());

  cbf::detail::KeyTable table;
  std::vector<std::uint32_t> ids;
  for (const auto& [shop, customer] : keys) ids.push_back(table.insert(shop, customer));
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::shuffle(ids.begin(), ids.end(), rng);
  std::vector<std::uint32_t> expected = ids;
  std::sort(expected.begin(), expected.end(), [&](std::uint32_t a, std::uint32_t b) {
    return std::pair(table.shop_id(a), table.customer_id(a)) <
           std::pair(table.shop_id(b), table.customer_id(b));
  });
  cbf::detail::sort_keys(table, ids);
  CHECK(ids == expected);

  // The hand-made keys alone, in the order worked out by hand.
  cbf::detail::KeyTable small;
  std::vector<std::uint32_t> small_ids;
  for (const auto& [shop, customer] : hand) small_ids.push_back(small.insert(shop, customer));
  cbf::detail::sort_keys(small, small_ids);
  std::vector<std::string> order;
  for (const std::uint32_t id : small_ids)
    order.push_back(std::string(small.shop_id(id)) + "|" + std::string(small.customer_id(id)));
  const std::vector<std::string> by_hand{
      "|"s,        "|\0"s,         "|\0\0\0\0\0\0\0\0"s, "|\0\0\0\0\0\0\0\0\0"s, "|1234567",
      "|12345678", "|12345678\0"s, "|123456789",         "|12345678\xff",        "|2",
      "\0|1"s,     "shop-0001|5",  "shop-0001a|9",       "shop-0001b|1"};
  CHECK(order == by_hand);
}

// ---- packed interactions ---------------------------------------------------------------------

namespace {

/// An interaction type that packs (no view_duration, no device_type): its text ids are packed
/// when they are an integer's decimal digits that fit 32 bits.
struct LeanInteraction {
  std::string shop_id, customer_id, session_id, event_type, product_id, category_id, search_query;
  cbf::TimeField created_at;
};

/// The same with integer ids and the event kind as cbf::EventKind (missing when empty).
struct NumericLeanInteraction {
  std::int64_t customer_id;
  std::optional<std::int64_t> session_id, product_id, category_id;
  std::optional<cbf::EventKind> event_type;
  std::string_view search_query;
  cbf::TimeField created_at;
};

/// `text` with a mix of ids the packed rows keep ("s3" → "3", "p5" → "5", "A" → "1") and ids they
/// cannot keep ("s3" → "03", a number past 32 bits, text), chosen by `roll` in [0, 8).
std::string lean_id(const std::string& text, std::int64_t roll) {
  std::string digits;
  for (const char c : text)
    if (c >= '0' && c <= '9') digits.push_back(c);
  if (cbf::detail::trim(text).empty()) return text;  // blank: no id
  if (digits.empty()) digits = std::to_string(static_cast<unsigned char>(text[0]) - 'A' + 1);
  if (roll == 0) return "0" + digits;  // not an integer's digits
  if (roll == 1) return std::to_string(4294967296LL + std::stoll(digits));  // past 32 bits
  if (roll == 2) return "-" + digits;  // fits, negative ("-0" does not)
  if (roll == 3) return text;          // text
  return digits;
}

/// The interactions of `r` as LeanInteraction and its sessions with the same ids: each id text is
/// kept or not by a roll of its text and `seed` (so an interaction and its Session record agree),
/// and two stamps in three rounded to whole seconds (a stamp finer than a second is not packed).
struct LeanRecords {
  std::vector<LeanInteraction> interactions;
  Sessions sessions;
};
LeanRecords lean_records(const Records& r, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const auto id = [&](const std::string& text) {
    return lean_id(text, static_cast<std::int64_t>((std::hash<std::string>{}(text) ^ seed) % 8));
  };
  const auto stamp = [&](cbf::TimeField t) {
    if (t.is_valid() && rng() % 3 != 0)
      t = cbf::TimeField{std::chrono::floor<std::chrono::seconds>(t.value())};
    return t;
  };
  LeanRecords out;
  for (const cbf::Interaction& e : r.interactions)
    out.interactions.push_back(LeanInteraction{e.shop_id, e.customer_id, id(e.session_id),
                                               e.event_type, id(e.product_id), id(e.category_id),
                                               e.search_query, stamp(e.created_at)});
  for (cbf::Session s : r.sessions) {
    s.session_id = id(s.session_id);
    s.start_time = stamp(s.start_time);
    s.end_time = stamp(s.end_time);
    out.sessions.push_back(std::move(s));
  }
  return out;
}

/// A Session type whose device_type is made on each read: a view of it would not outlive the read.
struct SessionWithOwnedLabel {
  std::string customer_id, session_id, platform;
  cbf::TimeField start_time;
};

}  // namespace

template <>
struct cbf::record_traits<SessionWithOwnedLabel> {
  static constexpr auto fields =
      cbf::fields(cbf::field::device_type = [](const SessionWithOwnedLabel& s) {
        return std::string(s.platform);
      });
};

TEST_CASE("a batch packs lean interactions and sessions held in a contiguous range",
          "[batch_engine]") {
  using cbf::detail::InputKind;
  using cbf::detail::InputOps;
  static_assert(cbf::detail::packs_interactions<LeanInteraction>);
  static_assert(cbf::detail::packs_interactions<NumericLeanInteraction>);
  static_assert(!cbf::detail::packs_interactions<cbf::Interaction>);  // view_duration, device_type
  static_assert(InputOps<InputKind::interactions, const std::vector<LeanInteraction>>::packs);
  static_assert(InputOps<InputKind::interactions, std::span<const LeanInteraction>>::packs);
  static_assert(!InputOps<InputKind::interactions, const std::deque<LeanInteraction>>::packs);
  static_assert(
      !InputOps<InputKind::interactions, const std::vector<const LeanInteraction*>>::packs);
  static_assert(InputOps<InputKind::sessions, const Sessions>::packs);  // labels held as strings
  static_assert(!InputOps<InputKind::sessions, const std::deque<cbf::Session>>::packs);
  static_assert(!InputOps<InputKind::attributions, const Attributions>::packs);
  static_assert(!cbf::detail::packs_sessions<SessionWithOwnedLabel>);
  static_assert(cbf::detail::packs_sessions<cbf::Session>);

  std::vector<LeanInteraction> lean{{"", "c", "12", "search", "", "", "Shoes", {}}};
  const cbf::detail::BatchInput input =
      cbf::detail::batch_input<InputKind::interactions>(std::as_const(lean));
  CHECK(input.packs);

  // A range the engine declines to pack at run time (one of more than 2³² records, whose index
  // a packed row cannot hold) is grouped through pointers by the same functions, with the same
  // rows.
  const Records r = random_batch(41, 200, GeneratorOptions{});
  const LeanRecords l = lean_records(r, 41);
  cbf::detail::BatchInputs inputs =
      cbf::detail::batch_inputs(r.customers, l.interactions, l.sessions, r.attributions);
  REQUIRE(inputs[1].packs);
  REQUIRE(inputs[2].packs);
  const cbf::BatchResult packed = cbf::detail::run_batch(inputs, at_as_of, {});
  inputs[1].packs = false;
  inputs[2].packs = false;
  const cbf::BatchResult pointed = cbf::detail::run_batch(inputs, at_as_of, {});
  REQUIRE(pointed.customers.size() >= 150);
  check_identical(pointed, packed);
}

TEST_CASE("a packed interaction keeps integer ids of 32 bits, whole seconds and its query",
          "[batch_engine]") {
  using cbf::detail::PackedInteraction;
  cbf::detail::EventKindCache kinds;
  const cbf::Timestamp base = as_of;
  const auto pack = [&](const auto& r) { return cbf::detail::pack_interaction(r, 7, base, kinds); };
  const auto escaped = [](const PackedInteraction& p) {
    return (p.flags & PackedInteraction::escaped) != 0;
  };

  // A product view 5 seconds before the base: every field kept by value.
  LeanInteraction view{"", "c", "42", "product_viewed", "2147483647", "-2147483648", "", {}};
  view.created_at = cbf::TimeField{base - sec(5)};
  PackedInteraction p = pack(view);
  CHECK_FALSE(escaped(p));
  CHECK(p.record == 7);
  CHECK(p.seconds == -5);
  CHECK(p.kind == cbf::EventKind::product_view);
  CHECK(p.session_id == 42);
  CHECK(p.product_id() == 2147483647);
  CHECK(p.category_id() == -2147483648);
  CHECK((p.flags & PackedInteraction::time_state) ==
        static_cast<std::uint8_t>(cbf::TimeField::State::valid));
  CHECK((p.flags & PackedInteraction::has_session));
  CHECK((p.flags & PackedInteraction::has_product));
  CHECK((p.flags & PackedInteraction::has_category));

  // Escaped: a stamp finer than a second, an id past 32 bits, digits that are not an integer's.
  LeanInteraction fine = view;
  fine.created_at = cbf::TimeField{base + us(1)};
  CHECK(escaped(pack(fine)));
  LeanInteraction wide = view;
  wide.product_id = "2147483648";
  CHECK(escaped(pack(wide)));
  LeanInteraction zero_led = view;
  zero_led.session_id = "042";
  CHECK(escaped(pack(zero_led)));
  LeanInteraction minus_zero = view;
  minus_zero.category_id = "-0";
  CHECK(escaped(pack(minus_zero)));
  // Digits parsed inline (up to nine) and past them agree with the pool's reading of ids.
  for (const auto& [text, value] :
       std::vector<std::pair<std::string, std::int32_t>>{{"0", 0},
                                                         {"-5", -5},
                                                         {"999999999", 999999999},
                                                         {"-999999999", -999999999},
                                                         {"1000000000", 1000000000},
                                                         {"-2147483647", -2147483647},
                                                         {"2147483647", 2147483647},
                                                         {"-2147483648", -2147483647 - 1}}) {
    LeanInteraction v = view;
    v.session_id = text;
    INFO(text);
    p = pack(v);
    CHECK_FALSE(escaped(p));
    CHECK(p.session_id == value);
  }
  for (const char* text : {"-", "+5", "5 ", "00", "-05", "0x1", "12345678901", "2147483648",
                           "-2147483649", "9999999999", "-9999999999"}) {
    LeanInteraction v = view;
    v.session_id = text;
    INFO(text);
    CHECK(escaped(pack(v)));
  }
  // Up to ten digits that fit 32 bits are parsed inline; the rest are left to the pool's reading.
  std::int32_t parsed = 0;
  CHECK(cbf::detail::parse_short_decimal("1000381886", parsed));
  CHECK(parsed == 1000381886);
  CHECK(cbf::detail::parse_short_decimal("-2147483648", parsed));
  CHECK(parsed == -2147483647 - 1);
  CHECK(cbf::detail::parse_short_decimal("2147483647", parsed));
  CHECK(parsed == 2147483647);
  for (const char* text : {"2147483648", "-2147483649", "9999999999", "12345678901", "0123", "-0"})
    CHECK_FALSE(cbf::detail::parse_short_decimal(text, parsed));
  // A product id's value stands for it in the rows (packed_product_id): never 0, so INT32_MIN,
  // which it would make 0, escapes.
  LeanInteraction min_product = view;
  min_product.product_id = "-2147483648";
  CHECK(escaped(pack(min_product)));
  for (const std::int32_t value : {0, 1, -1, 2147483647, -2147483647}) {
    INFO(value);
    CHECK(cbf::detail::packed_product_id(value) != cbf::detail::no_text);
    CHECK(cbf::detail::packed_product_id(value) != cbf::detail::packed_product_id(value ^ 1));
  }
  LeanInteraction far = view;
  far.created_at = cbf::TimeField{base - sec(std::int64_t{1} << 31) - sec(1)};
  CHECK(escaped(pack(far)));

  // A page view's product and category are not read, so they need not fit.
  LeanInteraction page = wide;
  page.event_type = "page_viewed";
  page.category_id = "A";
  p = pack(page);
  CHECK_FALSE(escaped(p));
  CHECK_FALSE((p.flags & PackedInteraction::has_product));
  CHECK_FALSE((p.flags & PackedInteraction::has_category));

  // A search keeps a view of its query; a blank session id is absent, not escaped.
  LeanInteraction search{"", "c", "  ", "search_submitted", "", "", " Red  Hat ", {}};
  search.created_at = cbf::TimeField{base};
  p = pack(search);
  CHECK_FALSE(escaped(p));
  CHECK_FALSE((p.flags & PackedInteraction::has_session));
  CHECK(p.query() == " Red  Hat ");
  CHECK(p.query().data() == search.search_query.data());
  LeanInteraction huge = search;
  huge.search_query.assign(70000, 'x');
  CHECK(escaped(pack(huge)));

  // Missing and unreadable stamps and kinds are kept as such, for the diagnostics.
  LeanInteraction odd = view;
  odd.created_at = cbf::TimeField::invalid();
  odd.event_type = "";
  p = pack(odd);
  CHECK_FALSE(escaped(p));
  CHECK((p.flags & PackedInteraction::time_state) ==
        static_cast<std::uint8_t>(cbf::TimeField::State::invalid));
  CHECK_FALSE((p.flags & PackedInteraction::has_kind));

  // Integer ids: the same limits, by value; an unsigned id past INT64_MAX never fits.
  NumericLeanInteraction n{1,  3000000000LL,        5, std::nullopt, cbf::EventKind::product_view,
                           "", cbf::TimeField{base}};
  CHECK(escaped(pack(n)));
  n.session_id = -3;
  p = pack(n);
  CHECK_FALSE(escaped(p));
  CHECK(p.session_id == -3);
  CHECK(p.product_id() == 5);
  CHECK_FALSE((p.flags & PackedInteraction::has_category));
  n.event_type = std::nullopt;
  CHECK_FALSE((pack(n).flags & PackedInteraction::has_kind));
  struct UnsignedIds {
    std::uint64_t customer_id = 1;
    std::uint64_t session_id = std::numeric_limits<std::uint64_t>::max();
    cbf::EventKind event_type = cbf::EventKind::page_view;
    cbf::TimeField created_at;
  };
  CHECK(escaped(pack(UnsignedIds{.created_at = cbf::TimeField{base}})));
}

TEST_CASE("a packed session keeps its id, both stamps and views of labels met before",
          "[batch_engine]") {
  using cbf::detail::PackedSession;
  cbf::detail::LabelViews labels;
  const cbf::Timestamp base = as_of;
  const auto pack = [&](const cbf::Session& s) {
    return cbf::detail::pack_session(s, 3, base, labels);
  };
  const auto state = [](cbf::TimeField::State st) { return static_cast<unsigned>(st); };

  cbf::Session first;
  first.session_id = "12";
  first.start_time = cbf::TimeField{base - sec(60)};
  first.end_time = cbf::TimeField{base - sec(30)};
  first.device_type = " Mobile";
  first.referrer_type = "organic";
  PackedSession p = pack(first);
  CHECK((p.flags & PackedSession::escaped) == 0);
  CHECK(p.record == 3);
  CHECK(p.session_id == 12);
  CHECK((p.flags & PackedSession::has_session));
  CHECK(p.start_seconds == -60);
  CHECK(p.end_seconds == -30);
  CHECK((p.flags & PackedSession::start_state) == state(cbf::TimeField::State::valid));
  CHECK((p.flags >> PackedSession::end_shift & 3) == state(cbf::TimeField::State::valid));
  CHECK(p.device_type() == " Mobile");
  CHECK(p.device_type().data() == first.device_type.data());

  // Equal labels of another record are given the first one's view; others keep their own.
  cbf::Session second = first;
  second.end_time = cbf::TimeField::invalid();
  second.referrer_type = "email";
  p = pack(second);
  CHECK(p.device_type().data() == first.device_type.data());
  CHECK(p.referrer_type().data() == second.referrer_type.data());
  CHECK((p.flags >> PackedSession::end_shift & 3) == state(cbf::TimeField::State::invalid));

  // A missing end and a blank session id are kept as such; an id that is not an integer's
  // digits or a stamp finer than a second is escaped.
  cbf::Session third = first;
  third.end_time = cbf::TimeField{};
  third.session_id = " ";
  p = pack(third);
  CHECK((p.flags & PackedSession::escaped) == 0);
  CHECK_FALSE((p.flags & PackedSession::has_session));
  CHECK((p.flags >> PackedSession::end_shift & 3) == state(cbf::TimeField::State::missing));
  cbf::Session text_id = first;
  text_id.session_id = "s12";
  CHECK((pack(text_id).flags & PackedSession::escaped));
  cbf::Session fine = first;
  fine.end_time = cbf::TimeField{base - us(1)};
  CHECK((pack(fine).flags & PackedSession::escaped));
}

TEST_CASE("packed interactions and sessions give the rows of the same records read one by one",
          "[batch_engine]") {
  // A deque is not contiguous, so its records are read through pointers, not packed: the two runs
  // must agree cell for cell, diagnostics included, with ids and stamps that pack and that do not.
  for (const std::uint64_t seed : {31U, 32U, 33U}) {
    INFO("seed " << seed);
    const Records r = random_batch(seed, 400, GeneratorOptions{seed != 31, seed != 32, true});
    const LeanRecords lean = lean_records(r, seed);
    const std::vector<LeanInteraction>& packed = lean.interactions;
    const std::deque<LeanInteraction> pointed(packed.begin(), packed.end());
    const std::deque<cbf::Session> pointed_sessions(lean.sessions.begin(), lean.sessions.end());
    REQUIRE(packed.size() >= 2 * cbf::detail::min_part_records);
    const cbf::BatchResult want = cbf::compute_batch(r.customers, pointed, pointed_sessions,
                                                     r.attributions, at_as_of, {.threads = 1});
    REQUIRE(want.customers.size() >= 300);
    REQUIRE(want.diagnostics.interaction.used > 1000);
    REQUIRE(want.diagnostics.session.used > 100);
    for (const unsigned threads : {1U, 2U}) {
      INFO("threads " << threads);
      check_identical(cbf::compute_batch(r.customers, packed, lean.sessions, r.attributions,
                                         at_as_of, {.threads = threads}),
                      want);
    }
    // The default as_of (the latest stamp) is the packed stamps' base.
    check_identical(
        cbf::compute_batch(r.customers, packed, lean.sessions, r.attributions, cbf::Config{}),
        cbf::compute_batch(r.customers, pointed, pointed_sessions, r.attributions, cbf::Config{}));
  }
}

TEST_CASE("packed interactions with integer ids give the rows of their records read one by one",
          "[batch_engine]") {
  std::mt19937_64 rng(5);
  const auto pick = [&](std::int64_t n) { return static_cast<std::int64_t>(rng() % n); };
  static constexpr std::array<const char*, 4> queries{"", "Shoes", " shoes ", "red  hat"};
  std::vector<NumericLeanInteraction> packed;
  for (int i = 0; i < 6000; ++i) {
    NumericLeanInteraction e{};
    e.customer_id = pick(300) - 20;
    // 32-bit edges, numbers past them, and missing ids.
    static constexpr std::array<std::int64_t, 6> sessions{
        0, 7, -7, 2147483647, -2147483648LL, 2147483648LL};
    if (pick(8) != 0) e.session_id = sessions[static_cast<std::size_t>(pick(6))] + pick(3);
    if (pick(6) != 0) e.product_id = pick(5) == 0 ? (std::int64_t{1} << 40) + pick(3) : pick(9);
    if (pick(6) != 0) e.category_id = pick(4);
    if (pick(30) != 0) e.event_type = static_cast<cbf::EventKind>(pick(cbf::event_kind_count));
    e.search_query = queries[static_cast<std::size_t>(pick(4))];
    const std::int64_t roll = pick(30);
    e.created_at = roll == 0   ? cbf::TimeField::invalid()
                   : roll == 1 ? cbf::TimeField{}
                   : roll == 2 ? cbf::TimeField{as_of - us(1 + pick(999999))}
                               : cbf::TimeField{as_of - sec(pick(300LL * 86400) - 86400)};
    packed.push_back(e);
  }
  const std::deque<NumericLeanInteraction> pointed(packed.begin(), packed.end());
  const cbf::BatchResult want =
      cbf::compute_batch(cbf::no_records<cbf::Customer>, pointed, cbf::no_records<cbf::Session>,
                         cbf::no_records<cbf::Attribution>, at_as_of);
  REQUIRE(want.customers.size() == 300);
  REQUIRE(want.diagnostics.interaction.after_as_of > 0);
  REQUIRE(want.diagnostics.interaction.bad_timestamp > 0);
  for (const unsigned threads : {1U, 2U}) {
    INFO("threads " << threads);
    check_identical(
        cbf::compute_batch(cbf::no_records<cbf::Customer>, packed, cbf::no_records<cbf::Session>,
                           cbf::no_records<cbf::Attribution>, at_as_of, {.threads = threads}),
        want);
  }
}

TEST_CASE("a customer's packed searches, views and sessions give the hand-computed features",
          "[batch_engine]") {
  // One session "1" of five events and one session "2" of one, both in the window:
  // three searches ("Shoes", " shoes ", "hat": two distinct queries once normalised), views of
  // products 10 and 11 after searches (a comparison in session 1, two "search" votes).
  const auto at = [](std::int64_t minutes) { return cbf::TimeField{t0 + sec(60 * minutes)}; };
  const std::vector<NumericLeanInteraction> lean{
      {9, 1, std::nullopt, std::nullopt, cbf::EventKind::search, "Shoes", at(0)},
      {9, 1, 10, 4, cbf::EventKind::product_view, "", at(1)},
      {9, 1, std::nullopt, std::nullopt, cbf::EventKind::search, " shoes ", at(2)},
      {9, 1, 11, 4, cbf::EventKind::product_view, "", at(3)},
      {9, 1, std::nullopt, std::nullopt, cbf::EventKind::page_view, "", at(4)},
      {9, 2, std::nullopt, std::nullopt, cbf::EventKind::search, "hat", at(600)},
  };
  const cbf::BatchResult result =
      cbf::compute_batch(cbf::no_records<cbf::Customer>, lean, cbf::no_records<cbf::Session>,
                         cbf::no_records<cbf::Attribution>, at_as_of);
  REQUIRE(result.customers.size() == 1);
  const cbf::CustomerBehaviorFeatures& f = result.customers[0].features;
  CHECK(result.customers[0].customer_id == "9");
  CHECK(result.diagnostics.interaction.used == 6);
  CHECK(f.search_frequency == Approx(1.5));              // 3 searches / 2 sessions
  CHECK(f.search_query_diversity == Approx(2.0 / 3.0));  // {shoes, hat} / 3
  CHECK(f.product_comparison_behavior == Approx(1.0));   // the one session with views compared
  CHECK(f.product_discovery_method == std::optional<std::string>("search"));
  CHECK(f.avg_session_duration == Approx(2.0));  // (4 + 0) / 2 minutes
}
