// stream_batch and for_each_customer_in_order over key-ordered inputs: compute_batch's rows in
// compute_batch's order, bit for bit, with the same filters and totals; UnorderedInput on an input
// out of key order; and memory that does not grow with the batch (the global operator new and
// delete of this executable are replaced to count the heap).
#include <catch2/catch.hpp>
#include <cbf/cbf.hpp>
#include <cbf/format.hpp>

#include "bit_identical.hpp"
#include "support.hpp"

#include <fmt/format.h>
#include <malloc.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <functional>
#include <iterator>
#include <memory>
#include <new>
#include <optional>
#include <random>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "counting_heap.hpp"

using namespace cbf_test;

namespace {

// ---- random batches (the approach of test_properties.cpp) ----------------------------------

struct Records {
  Customers customers;
  Interactions interactions;
  Sessions sessions;
  Attributions attributions;
};

/// Random records of customer (shop, id): ties of stamps and duplicate session ids included
/// (a stream keeps each key's records in input order, as compute_batch does). Records of shop ""
/// sometimes spell it "  ", and some records have no customer_id.
void random_customer(std::mt19937_64& rng, Records& out, const std::string& shop,
                     const std::string& id) {
  const auto pick = [&](std::int64_t n) {
    return std::uniform_int_distribution<std::int64_t>(0, n - 1)(rng);
  };
  const auto stamp = [&] {
    const std::int64_t roll = pick(40);
    if (roll == 0) return cbf::TimeField::invalid();
    if (roll == 1) return cbf::TimeField{};
    if (roll == 2) return cbf::TimeField{as_of + sec(1 + pick(86400))};
    if (roll < 6) return cbf::TimeField{as_of - days(3)};  // ties
    return cbf::TimeField{as_of - us(pick(200LL * 86400) * 1000000 + pick(1000000))};
  };
  const auto customer_id = [&]() -> std::string {
    if (pick(25) == 0) return pick(2) ? "" : "  ";
    return id;
  };
  const auto shop_id = [&]() -> std::string { return shop.empty() && pick(4) == 0 ? "  " : shop; };

  if (pick(3) != 0) {
    cbf::Customer c;
    c.shop_id = shop_id();
    c.customer_id = pick(20) == 0 ? "" : id;
    if (pick(2) == 0) c.created_at = as_of - sec(pick(400LL * 86400));
    out.customers.push_back(c);
    if (pick(8) == 0) out.customers.push_back(c);  // a duplicate customer row
  }
  static constexpr std::array<const char*, 12> kinds{
      "page_viewed",      "Product_Viewed",     "view_item", " search ",
      "add_to_cart",      "cart_viewed",        "page_view", "scroll",
      "checkout_started", "checkout_completed", "detail",    ""};
  static constexpr std::array<const char*, 4> queries{"", "Shoes", " shoes ", "red  hat"};
  static constexpr std::array<const char*, 3> devices{"", "mobile", " Desktop "};
  const std::int64_t pool = 1 + pick(4);
  const std::int64_t n_interactions = pick(25);
  for (std::int64_t i = 0; i < n_interactions; ++i) {
    cbf::Interaction r;
    r.shop_id = shop_id();
    r.customer_id = customer_id();
    r.session_id = pick(3) == 0 ? "" : "s" + std::to_string(pick(pool));
    r.event_type = kinds[static_cast<std::size_t>(pick(kinds.size()))];
    r.product_id = "p" + std::to_string(pick(6));
    r.category_id = pick(2) ? "A" : "B";
    r.search_query = queries[static_cast<std::size_t>(pick(queries.size()))];
    r.device_type = devices[static_cast<std::size_t>(pick(devices.size()))];
    if (pick(2) == 0) r.view_duration = static_cast<double>(pick(600000)) / 1000.0;
    r.created_at = stamp();
    out.interactions.push_back(r);
  }
  const std::int64_t n_sessions = pick(4) == 0 ? 0 : pick(pool + 1);
  for (std::int64_t k = 0; k < n_sessions; ++k) {
    cbf::Session s;
    s.shop_id = shop_id();
    s.customer_id = customer_id();
    s.session_id = "s" + std::to_string(pick(pool));  // duplicates possible
    s.start_time = stamp();
    if (s.start_time.is_valid() && pick(2) == 0)
      s.end_time = s.start_time.value() + sec(pick(7200));
    s.device_type = devices[static_cast<std::size_t>(pick(devices.size()))];
    out.sessions.push_back(s);
  }
  const std::int64_t n_attributions = pick(8);
  for (std::int64_t k = 0; k < n_attributions; ++k) {
    cbf::Attribution a;
    a.shop_id = shop_id();
    a.customer_id = customer_id();
    a.order_id = pick(10) == 0 ? "" : "o" + std::to_string(pick(5));
    a.attribution_type = pick(2) ? "search" : " Email ";
    const std::int64_t roll = pick(10);
    if (roll < 8) a.attribution_value = static_cast<double>(pick(100000)) / 100.0;
    if (roll == 8) a.attribution_value = -1.0;
    a.created_at = stamp();
    out.attributions.push_back(a);
  }
}

/// `n` random customers of four shops, their records interleaved (in no key order).
Records random_batch(std::uint64_t seed, int n) {
  static const std::array<std::string, 4> shops{"", "north", "South", "\xC3\xA9st"};
  std::mt19937_64 rng(seed);
  Records r;
  for (int k = 0; k < n; ++k)
    random_customer(rng, r, shops[static_cast<std::size_t>(k % 4)],
                    (k % 5 == 0 ? "U" : "u") + std::to_string(k % 101));
  r.customers = shuffled(std::move(r.customers), seed + 1);
  r.interactions = shuffled(std::move(r.interactions), seed + 2);
  r.sessions = shuffled(std::move(r.sessions), seed + 3);
  r.attributions = shuffled(std::move(r.attributions), seed + 4);
  return r;
}

bool blank_id(std::string_view id) { return cbf::detail::id_or_empty(id).empty(); }

/// The records in key order, (shop_id, customer_id) as the contract reads them, as byte strings;
/// each key's records keep their relative order (a stable sort), and the records without a
/// customer_id are put back at random places.
template <class T>
std::vector<T> key_ordered(const std::vector<T>& records, std::uint64_t seed) {
  std::vector<T> keyed;
  std::vector<T> blank;
  for (const T& r : records) (blank_id(r.customer_id) ? blank : keyed).push_back(r);
  std::stable_sort(keyed.begin(), keyed.end(), [](const T& a, const T& b) {
    return std::pair(cbf::detail::id_or_empty(a.shop_id), std::string_view(a.customer_id)) <
           std::pair(cbf::detail::id_or_empty(b.shop_id), std::string_view(b.customer_id));
  });
  std::mt19937_64 rng(seed);
  for (T& r : blank) {
    const auto at = std::uniform_int_distribution<std::size_t>(0, keyed.size())(rng);
    keyed.insert(keyed.begin() + static_cast<std::ptrdiff_t>(at), std::move(r));
  }
  return keyed;
}

Records key_ordered(const Records& r, std::uint64_t seed) {
  return Records{key_ordered(r.customers, seed), key_ordered(r.interactions, seed + 1),
                 key_ordered(r.sessions, seed + 2), key_ordered(r.attributions, seed + 3)};
}

struct Streamed {
  cbf::StreamSummary summary;
  std::vector<cbf::CustomerResult> rows;
};

Streamed stream(const Records& r, const cbf::Config& config, const cbf::KeyFilter& filter = {}) {
  Streamed out;
  out.summary = cbf::stream_batch(
      r.customers, r.interactions, r.sessions, r.attributions, config,
      [&](cbf::CustomerResult&& row) { out.rows.push_back(std::move(row)); }, filter);
  return out;
}

cbf::BatchResult batch(const Records& r, const cbf::Config& config,
                       const cbf::KeyFilter& filter = {}) {
  return cbf::compute_batch(r.customers, r.interactions, r.sessions, r.attributions, config,
                            cbf::BatchOptions{.threads = 2, .filter = filter});
}

// ---- bit-exact comparison of rows ------------------------------------------------------------

using cbf_test::check_identical;
using cbf_test::identical;

/// A stream's rows and totals are the batch's.
void check_same(const Streamed& s, const cbf::BatchResult& b) {
  CHECK(s.summary.as_of == b.as_of);
  CHECK(s.summary.diagnostics == b.diagnostics);
  CHECK(s.summary.customers == static_cast<std::int64_t>(b.customers.size()));
  check_identical(s.rows, b.customers);
}

std::int64_t total(const cbf::Diagnostics& d) {
  return d.customer.total() + d.interaction.total() + d.session.total() + d.attribution.total();
}

}  // namespace

TEST_CASE("stream_batch over key-ordered inputs gives compute_batch's rows bit for bit",
          "[stream]") {
  const Records r = random_batch(21, 300);
  const Records ordered = key_ordered(r, 99);
  for (const cbf::Config& config : {cbf::Config{}, cbf::shopify_config(), at_as_of}) {
    INFO("as_of given: " << config.as_of.has_value());
    const cbf::BatchResult b = batch(r, config);
    REQUIRE(b.customers.size() >= 280);
    REQUIRE(b.diagnostics.interaction.missing_field > 0);  // records without a customer_id
    const Streamed s = stream(ordered, config);
    check_same(s, b);
    // Every record is counted once: the keyed ones in rows, the others in the totals only.
    CHECK(total(s.summary.diagnostics) ==
          static_cast<std::int64_t>(r.customers.size() + r.interactions.size() + r.sessions.size() +
                                    r.attributions.size()));
    // compute_batch over the ordered inputs gives the same rows as over the shuffled ones.
    check_same(s, batch(ordered, config));
  }
  // Without config.as_of the stream's as_of is the batch's latest valid stamp (§4.1).
  const Streamed s = stream(ordered, cbf::Config{});
  CHECK(s.summary.as_of == *cbf::latest_stamp(r.interactions, r.sessions, r.attributions));
}

namespace {

/// A key's ids as a stream reads them: a blank id is empty.
std::string_view unblank(std::string_view id) {
  return id.find_first_not_of(" \t\n\v\f\r") == std::string_view::npos ? std::string_view{} : id;
}

/// A single-pass input of records that arrive one at a time, as records parsed from a file do:
/// each begin() reads `source` again from its start, into records of its own. A record is
/// released (overwritten with a record of another customer, then its memory reused) as soon as
/// streamed_record_range allows: once a record of the second key after its own has been read. A
/// stream that used a released record would compute different rows.
template <class Record>
class ReleasingInput {
 public:
  explicit ReleasingInput(const std::vector<Record>& source) : source_(&source) {}

  struct State {
    const std::vector<Record>* source;
    std::size_t next = 0;  // the source record read next
    struct Group {
      std::string shop_id, customer_id;  // the key ("" for records before any keyed one)
      std::vector<std::unique_ptr<Record>> records;
    };
    std::deque<Group> groups;  // the latest ones; the last holds the current record
    std::vector<std::unique_ptr<Record>> spare;
    Record* current = nullptr;
    int* released;

    void read() {
      if (next == source->size()) {
        current = nullptr;
        return;
      }
      const Record& r = (*source)[next++];
      const std::string_view customer_id = unblank(r.customer_id);
      if (groups.empty() ||
          (!customer_id.empty() && (customer_id != groups.back().customer_id ||
                                    unblank(r.shop_id) != groups.back().shop_id))) {
        groups.push_back(Group{std::string(unblank(r.shop_id)), std::string(customer_id), {}});
        while (groups.size() > 2) {  // keep the current key's group and the one before it
          release(groups.front());
          groups.pop_front();
        }
      }
      std::unique_ptr<Record> slot;
      if (spare.empty()) {
        slot = std::make_unique<Record>();
      } else {
        slot = std::move(spare.back());
        spare.pop_back();
      }
      *slot = r;
      current = slot.get();
      groups.back().records.push_back(std::move(slot));
    }
    void release(Group& g) {
      for (auto& record : g.records) {
        record->customer_id = "released";  // a key no stream has
        record->shop_id = "released";
        ++*released;
        spare.push_back(std::move(record));
      }
    }
  };

  class iterator {
   public:
    using value_type = Record;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    explicit iterator(std::shared_ptr<State> s) : s_(std::move(s)) { s_->read(); }
    Record& operator*() const { return *s_->current; }
    iterator& operator++() {
      s_->read();
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& it, std::default_sentinel_t) {
      return it.s_->current == nullptr;
    }

   private:
    std::shared_ptr<State> s_;
  };

  iterator begin() {
    ++passes;
    auto state = std::make_shared<State>();
    state->source = source_;
    state->released = &released;
    return iterator(std::move(state));
  }
  std::default_sentinel_t end() const { return {}; }

  int passes = 0;    ///< begin() calls
  int released = 0;  ///< records released behind the reader

 private:
  const std::vector<Record>* source_;
};

}  // namespace

TEST_CASE("stream_batch reads input ranges that release records behind the reader", "[stream]") {
  static_assert(cbf::streamed_record_range<ReleasingInput<cbf::Interaction>&>);
  static_assert(!cbf::record_range<ReleasingInput<cbf::Interaction>&>);  // not a forward range
  const Records ordered = key_ordered(random_batch(23, 200), 5);
  for (const cbf::Config& config : {at_as_of, cbf::Config{}}) {
    INFO("as_of given: " << config.as_of.has_value());
    ReleasingInput<cbf::Customer> customers(ordered.customers);
    ReleasingInput<cbf::Interaction> interactions(ordered.interactions);
    ReleasingInput<cbf::Session> sessions(ordered.sessions);
    ReleasingInput<cbf::Attribution> attributions(ordered.attributions);
    std::vector<cbf::CustomerResult> rows;
    const cbf::StreamSummary summary =
        cbf::stream_batch(customers, interactions, sessions, attributions, config,
                          [&](cbf::CustomerResult&& row) { rows.push_back(std::move(row)); });
    check_same(Streamed{summary, std::move(rows)}, batch(ordered, config));
    // Read once with as_of, twice without; and most records were released on the way.
    CHECK(interactions.passes == (config.as_of ? 1 : 2));
    CHECK(interactions.released > static_cast<int>(ordered.interactions.size()) / 2);
  }
}

TEST_CASE("stream_batch reads pointers to key-ordered records as the records", "[stream]") {
  const Records ordered = key_ordered(random_batch(22, 120), 7);
  std::vector<const cbf::Interaction*> interactions;
  for (const auto& e : ordered.interactions) interactions.push_back(&e);
  std::vector<const cbf::Attribution*> attributions;
  for (const auto& a : ordered.attributions) attributions.push_back(&a);
  std::vector<cbf::CustomerResult> rows;
  const cbf::StreamSummary summary = cbf::stream_batch(
      ordered.customers, interactions, ordered.sessions, attributions, cbf::Config{},
      [&](cbf::CustomerResult&& row) { rows.push_back(std::move(row)); });
  check_same(Streamed{summary, std::move(rows)}, batch(ordered, cbf::Config{}));
}

TEST_CASE("for_each_customer_in_order builds the contexts of compute_batch's rows in key order",
          "[stream]") {
  const Records r = random_batch(23, 150);
  const Records ordered = key_ordered(r, 5);
  const cbf::BatchResult b = batch(r, shopify_as_of);
  std::size_t i = 0;
  std::size_t mismatches = 0;
  const cbf::StreamSummary summary = cbf::for_each_customer_in_order(
      ordered.customers, ordered.interactions, ordered.sessions, ordered.attributions,
      shopify_as_of, [&](const cbf::CustomerContext& ctx) {
        if (i >= b.customers.size()) {
          ++mismatches;
          return;
        }
        const cbf::CustomerResult& row = b.customers[i++];
        const bool same = ctx.shop_id == row.shop_id && ctx.customer_id == row.customer_id &&
                          ctx.as_of == as_of && ctx.diagnostics == row.diagnostics &&
                          identical_features(cbf::compute_features(ctx), row.features);
        if (!same) ++mismatches;
      });
  CHECK(i == b.customers.size());
  CHECK(mismatches == 0);
  CHECK(summary.customers == static_cast<std::int64_t>(b.customers.size()));
  CHECK(summary.diagnostics == b.diagnostics);
  CHECK(summary.as_of == as_of);
}

TEST_CASE("stream_batch with a shard or a key set gives compute_batch's rows for that filter",
          "[stream]") {
  const Records r = random_batch(24, 300);
  const Records ordered = key_ordered(r, 3);
  const cbf::BatchResult full = batch(r, cbf::Config{});

  for (const std::uint32_t count : {1U, 3U, 5U}) {
    std::int64_t rows = 0;
    cbf::Diagnostics sum;
    for (std::uint32_t index = 0; index < count; ++index) {
      INFO("shard " << index << " of " << count);
      const cbf::KeyFilter filter{.shard = {index, count}};
      const Streamed s = stream(ordered, cbf::Config{}, filter);
      check_same(s, batch(r, cbf::Config{}, filter));
      CHECK(s.summary.as_of == full.as_of);
      for (const auto& row : s.rows)
        CHECK(cbf::shard_of(row.shop_id, row.customer_id, count) == index);
      rows += s.summary.customers;
      sum += s.summary.diagnostics;
    }
    CHECK(rows == static_cast<std::int64_t>(full.customers.size()));
    CHECK(sum == full.diagnostics);
  }

  // A key set: every 5th key, one with its blank shop padded, one absent, in no order.
  std::vector<cbf::CustomerKey> keys;
  for (std::size_t i = full.customers.size(); i-- > 0;)
    if (i % 5 == 0) keys.push_back({full.customers[i].shop_id, full.customers[i].customer_id});
  keys.push_back({"north", "nobody"});
  for (auto& k : keys)
    if (k.shop_id.empty()) k.shop_id = " \t";
  const std::span<const cbf::CustomerKey> key_span(keys);
  const Streamed subset = stream(ordered, cbf::Config{}, cbf::KeyFilter{.keys = key_span});
  check_same(subset, batch(r, cbf::Config{}, cbf::KeyFilter{.keys = key_span}));
  CHECK(subset.summary.customers == static_cast<std::int64_t>((full.customers.size() + 4) / 5));
  CHECK(subset.summary.as_of == full.as_of);
  // And a key set within a shard.
  const cbf::KeyFilter both{.shard = {2, 3}, .keys = key_span};
  check_same(stream(ordered, cbf::Config{}, both), batch(r, cbf::Config{}, both));
}

TEST_CASE("stream filters outside their count throw InvalidShard", "[stream]") {
  const Interactions e{ev("page_view", t0)};
  const auto run = [&](cbf::Shard shard) {
    return cbf::stream_batch(
        cbf::no_records<cbf::Customer>, e, cbf::no_records<cbf::Session>,
        cbf::no_records<cbf::Attribution>, at_as_of, [](cbf::CustomerResult&&) {},
        cbf::KeyFilter{.shard = shard});
  };
  CHECK_THROWS_AS(run({2, 2}), cbf::InvalidShard);
  CHECK_THROWS_AS(run({0, 0}), cbf::InvalidShard);
  CHECK(run({0, 2}).customers + run({1, 2}).customers == 1);
}

TEST_CASE("an input out of key order throws UnorderedInput", "[stream]") {
  const auto throws = [](const Customers& c, const Interactions& e, const Sessions& s,
                         const Attributions& o) {
    std::int64_t emitted = 0;
    try {
      (void)cbf::stream_batch(c, e, s, o, at_as_of, [&](cbf::CustomerResult&&) { ++emitted; });
    } catch (const cbf::UnorderedInput&) {
      return true;
    }
    return false;
  };
  const Customers no_c;
  const Interactions no_e;
  const Sessions no_s;
  const Attributions no_o;

  SECTION("interactions") {
    const Interactions e{ev("page_view", t0).customer("b"), ev("page_view", t0).customer("a")};
    CHECK(throws(no_c, e, no_s, no_o));
    CHECK_FALSE(throws(no_c, reversed(e), no_s, no_o));
    // A key that comes back after another.
    const Interactions back{ev("page_view", t0).customer("a"), ev("page_view", t0).customer("b"),
                            ev("page_view", t0 + sec(1)).customer("a")};
    CHECK(throws(no_c, back, no_s, no_o));
    // Shops order first: ("s2", "a") before ("s1", "z") is out of order.
    const Interactions shops{ev("page_view", t0).customer("a").shop("s2"),
                             ev("page_view", t0).customer("z").shop("s1")};
    CHECK(throws(no_c, shops, no_s, no_o));
    CHECK_THROWS_AS(cbf::stream_batch(no_c, e, no_s, no_o, at_as_of, [](cbf::CustomerResult&&) {}),
                    std::invalid_argument);
    CHECK_THROWS_WITH(
        cbf::stream_batch(no_c, e, no_s, no_o, at_as_of, [](cbf::CustomerResult&&) {}),
        Catch::Contains("interactions"));
  }
  SECTION("sessions") {
    const Sessions s{sess("x", t0).customer("b"), sess("y", t0).customer("B")};
    CHECK(throws(no_c, no_e, s, no_o));
    CHECK_FALSE(throws(no_c, no_e, reversed(s), no_o));  // "B" (0x42) sorts before "b" (0x62)
    CHECK_THROWS_WITH(
        cbf::stream_batch(no_c, no_e, s, no_o, at_as_of, [](cbf::CustomerResult&&) {}),
        Catch::Contains("sessions"));
    // The message names both keys.
    const Sessions named{sess("x", t0).customer("zeta").shop("s9"),
                         sess("y", t0).customer("alpha").shop("s9")};
    CHECK_THROWS_WITH(
        cbf::stream_batch(no_c, no_e, named, no_o, at_as_of, [](cbf::CustomerResult&&) {}),
        Catch::Contains("zeta") && Catch::Contains("alpha") && Catch::Contains("s9"));
  }
  SECTION("customers and attributions") {
    const Customers c{cust("b"), cust("a")};
    CHECK(throws(c, no_e, no_s, no_o));
    CHECK_FALSE(throws(reversed(c), no_e, no_s, no_o));
    const Attributions o{attr("o", t0, 1.0).customer("\xC3\xA9"), attr("p", t0, 1.0).customer("z")};
    CHECK(throws(no_c, no_e, no_s, o));  // 0xC3 sorts after every ASCII byte
    CHECK_FALSE(throws(no_c, no_e, no_s, reversed(o)));
  }
  SECTION("each input on its own") {
    // Each input is ordered, though their keys interleave: no throw, and one row per key.
    const Interactions e{ev("page_view", t0).customer("a"), ev("page_view", t0).customer("c")};
    const Sessions s{sess("x", t0).customer("b"), sess("y", t0).customer("d")};
    std::vector<std::string> ids;
    const auto summary =
        cbf::stream_batch(no_c, e, s, no_o, at_as_of,
                          [&](cbf::CustomerResult&& row) { ids.push_back(row.customer_id); });
    CHECK(ids == std::vector<std::string>{"a", "b", "c", "d"});
    CHECK(summary.customers == 4);
  }
}

TEST_CASE("rows before an out-of-order key are emitted before UnorderedInput", "[stream]") {
  const Interactions e{ev("page_view", t0).customer("a"), ev("page_view", t0).customer("b"),
                       ev("page_view", t0).customer("c"), ev("page_view", t0).customer("a")};
  std::vector<std::string> ids;
  CHECK_THROWS_AS(
      cbf::stream_batch(cbf::no_records<cbf::Customer>, e, cbf::no_records<cbf::Session>,
                        cbf::no_records<cbf::Attribution>, at_as_of,
                        [&](cbf::CustomerResult&& row) { ids.push_back(row.customer_id); }),
      cbf::UnorderedInput);
  CHECK(ids == std::vector<std::string>{"a", "b"});
}

TEST_CASE("records without a customer_id may be anywhere in a stream and count as missing_field",
          "[stream]") {
  // Blank customer_ids (with shops that would be out of order were they keys) at the start, in
  // the middle of a key's records and at the end; a blank shop reads as the empty shop.
  const Customers c{cust("").shop("zz"), cust("a").shop("  "), cust(" ").shop("aa"), cust("b")};
  const Interactions e{ev("page_view", t0).customer("\t").shop("zz"),
                       ev("page_view", t0).customer("a"),
                       ev("search", t0 + sec(1)).customer("").shop("zz"),
                       ev("page_view", t0 + sec(2)).customer("a").shop(" "),
                       ev("page_view", t0).customer("b"),
                       ev("page_view", t0 + days(1)).customer("  ").shop("0")};
  const Sessions s{sess("x", t0).customer("a"), sess("y", t0).customer(""),
                   sess("z", t0).customer("b").shop("\n")};
  const Attributions o{attr("o", t0, 1.0).customer("").shop("zz"), attr("p", t0, 2.0).customer("b"),
                       attr("q", t0, 1.0).customer(" ")};
  std::vector<cbf::CustomerResult> rows;
  const cbf::Config no_as_of;
  const cbf::StreamSummary summary = cbf::stream_batch(
      c, e, s, o, no_as_of, [&](cbf::CustomerResult&& row) { rows.push_back(std::move(row)); });
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].shop_id == "");
  CHECK(rows[0].customer_id == "a");
  CHECK(rows[1].customer_id == "b");
  CHECK(rows[0].diagnostics.interaction.used == 2);
  CHECK(rows[0].features.total_sessions == 1);
  CHECK(rows[1].features.total_purchases == 1);
  // The latest stamp is a blank-id record's: it is still the default as_of (§4.1).
  CHECK(summary.as_of == t0 + days(1));
  CHECK(summary.diagnostics.customer.missing_field == 2);
  CHECK(summary.diagnostics.interaction.missing_field == 3);
  CHECK(summary.diagnostics.session.missing_field == 1);
  CHECK(summary.diagnostics.attribution.missing_field == 2);
  CHECK(summary.diagnostics.customer.used == 2);
  CHECK(summary.diagnostics.interaction.used == 3);
  // The same totals and rows as compute_batch.
  const cbf::BatchResult b = cbf::compute_batch(c, e, s, o, no_as_of);
  CHECK(summary.diagnostics == b.diagnostics);
  check_identical(rows, b.customers);
  // A shard other than 0 counts no unkeyed records; shard 0 counts them all.
  cbf::Diagnostics shards;
  for (std::uint32_t index = 0; index < 2; ++index) {
    const auto part = cbf::stream_batch(
        c, e, s, o, no_as_of, [](cbf::CustomerResult&&) {}, cbf::KeyFilter{.shard = {index, 2}});
    shards += part.diagnostics;
  }
  CHECK(shards == summary.diagnostics);
}

TEST_CASE("streaming 20000 customers keeps the heap within a small ceiling", "[stream]") {
  if (!CBF_TEST_COUNTS_HEAP) {
    WARN("skipped: ThreadSanitizer owns operator new, so the heap is not counted");
    return;
  }
  // Inputs built before measuring: 20 000 customers of 10 records each, in key order; every id is
  // short enough to stay in its std::string (no heap of its own).
  constexpr int n = 20000;
  Customers c;
  Interactions e;
  Sessions s;
  Attributions o;
  c.reserve(n);
  e.reserve(6 * n);
  s.reserve(n);
  o.reserve(2 * n);
  static constexpr std::array<const char*, 6> kinds{
      "page_view", "product_view", "search", "add_to_cart", "checkout_started", "product_view"};
  for (int k = 0; k < n; ++k) {
    const std::string id = fmt::format("c{:05}", k);
    const cbf::Timestamp base = as_of - days(1 + k % 170) - mins(k % 1440);
    c.push_back(cust(id, base - days(30 + k % 400)).shop("shop"));
    for (int i = 0; i < 6; ++i)
      e.push_back(ev(kinds[static_cast<std::size_t>(i)], base + sec(37 * i))
                      .customer(id)
                      .shop("shop")
                      .session("s1")
                      .category(i % 2 ? "A" : "B")
                      .query(i == 2 ? "hat" : "")
                      .device(k % 3 ? "mobile" : "desktop"));
    s.push_back(sess("s1", base).customer(id).shop("shop").end(base + mins(5 + k % 50)));
    o.push_back(attr("o1", base + mins(1), 10.0 + k % 90).customer(id).shop("shop"));
    if (k % 4 == 0)
      o.push_back(attr("o2", base - days(20), 5.5).customer(id).shop("shop"));
    else
      o.push_back(attr("o1", base + mins(1), 1.25).customer(id).shop("shop"));
  }
  constexpr std::int64_t ceiling = 256 * 1024;

  // The callback keeps nothing: it counts and folds a checksum in key order.
  struct Fold {
    std::int64_t rows = 0;
    std::int64_t purchases = 0;
    double engagement = 0;
  };
  const auto fold = [](Fold& f, const cbf::CustomerResult& row) {
    ++f.rows;
    f.purchases += row.features.total_purchases;
    f.engagement += row.features.engagement_score;
  };

  Fold streamed;
  std::int64_t start = heap::reset_peak();
  const cbf::StreamSummary summary = cbf::stream_batch(
      c, e, s, o, at_as_of, [&](cbf::CustomerResult&& row) { fold(streamed, row); });
  const std::int64_t stream_peak = heap::peak.load() - start;

  // Without config.as_of the inputs are read twice; the heap stays as small.
  Fold twice;
  const cbf::Config no_as_of;
  start = heap::reset_peak();
  const cbf::StreamSummary summary_twice =
      cbf::stream_batch(c, e, s, o, no_as_of, [&](cbf::CustomerResult&& row) { fold(twice, row); });
  const std::int64_t twice_peak = heap::peak.load() - start;

  start = heap::reset_peak();
  const cbf::BatchResult b =
      cbf::compute_batch(c, e, s, o, at_as_of, cbf::BatchOptions{.threads = 1});
  const std::int64_t batch_peak = heap::peak.load() - start;

  INFO("stream peak " << stream_peak << " B, without as_of " << twice_peak << " B, batch peak "
                      << batch_peak << " B");
  CHECK(stream_peak < ceiling);
  CHECK(twice_peak < ceiling);
  CHECK(batch_peak > static_cast<std::int64_t>(n * sizeof(cbf::CustomerResult)));

  // The streams computed every customer, the batch's rows in the batch's order.
  Fold batched;
  for (const auto& row : b.customers) fold(batched, row);
  CHECK(streamed.rows == n);
  CHECK(summary.customers == n);
  CHECK(summary.diagnostics == b.diagnostics);
  CHECK(summary.diagnostics.interaction.used == 6 * n);
  CHECK(streamed.purchases == batched.purchases);
  CHECK(streamed.purchases == n + n / 4);
  CHECK(std::bit_cast<std::uint64_t>(streamed.engagement) ==
        std::bit_cast<std::uint64_t>(batched.engagement));
  CHECK(twice.rows == n);
  CHECK(summary_twice.customers == n);
  CHECK(summary_twice.as_of == as_of - days(1) + sec(37 * 5));  // the latest stamp, of c00000
}
