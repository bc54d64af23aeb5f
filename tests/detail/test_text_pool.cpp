#include <cbf/detail/hash.hpp>
#include <cbf/detail/text_pool.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

using cbf::detail::no_text;
using cbf::detail::TextId;
using cbf::detail::TextPool;

TEST_CASE("a pool gives equal texts one id and different texts different ids", "[detail][pool]") {
  TextPool pool;
  CHECK(pool.intern("") == no_text);
  const TextId a = pool.intern("alpha");
  const TextId b = pool.intern("beta");
  CHECK(a == 1);  // dense, in first-seen order
  CHECK(b == 2);
  CHECK(pool.intern("alpha") == a);
  CHECK(pool.intern("Alpha") != a);  // exact bytes: case matters here
  CHECK(pool.intern("alpha ") != a);
  CHECK(pool.size() == 4);
  CHECK(pool.text(a) == "alpha");
  CHECK(pool.text(no_text).empty());
}

TEST_CASE("a pool keeps its own copy of each text", "[detail][pool]") {
  TextPool pool;
  TextId id = no_text;
  {
    auto source = std::make_unique<std::string>("a session id longer than a short string");
    id = pool.intern(*source);
  }
  CHECK(pool.text(id) == "a session id longer than a short string");
}

TEST_CASE("a pool of many texts never merges two of them and finds each again", "[detail][pool]") {
  TextPool pool;
  std::vector<std::string> texts;
  for (int i = 0; i < 20000; ++i) {
    std::string t = std::to_string(i * 7919);
    t.insert(t.begin(), 's');  // not "s" + …: g++ 12 warns falsely (-Wrestrict) on that
    texts.push_back(t);
  }
  std::vector<TextId> ids;
  for (const auto& t : texts) ids.push_back(pool.intern(t));
  REQUIRE(pool.size() == texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    CHECK(ids[i] == i + 1);
    CHECK(pool.intern(texts[i]) == ids[i]);  // after every growth of the table
    CHECK(pool.text(ids[i]) == texts[i]);
  }
}

TEST_CASE("a pool finds its texts alike while it scans a few and once it hashes many",
          "[detail][pool]") {
  // Up to eight texts are found by a scan, more through the hash table: the ids must not notice.
  // Texts differ in their last byte or their length only, and an integer's digits sit among them.
  TextPool pool;
  std::vector<std::string> texts;
  for (int i = 0; i < 20; ++i) {
    std::string text = "k";
    text.append(static_cast<std::size_t>(i % 3), 'x');
    text += std::to_string(i);
    texts.push_back(text);
  }
  for (std::size_t i = 0; i < texts.size(); ++i) {
    CHECK(pool.intern(texts[i]) == static_cast<TextId>(i + 1));
    // Every text seen so far, in reverse, while the pool grows past the scanned size.
    for (std::size_t j = i + 1; j-- > 0;)
      CHECK(pool.intern(texts[j]) == static_cast<TextId>(j + 1));
  }
  CHECK(pool.intern("k") == 21);
  CHECK(pool.intern("k0x") == 22);
  CHECK(pool.intern_number(7) == 23);
  CHECK(pool.intern("7") == 23);
  CHECK(pool.size() == 23);
}

TEST_CASE("an integer has the id of its decimal text", "[detail][pool]") {
  TextPool pool;
  CHECK(pool.intern_number(42) == pool.intern("42"));
  CHECK(pool.intern("-7") == pool.intern_number(std::int16_t{-7}));
  CHECK(pool.intern_number(std::numeric_limits<std::int64_t>::min()) ==
        pool.intern("-9223372036854775808"));
  CHECK(pool.intern_number(std::numeric_limits<std::uint64_t>::max()) ==
        pool.intern("18446744073709551615"));
  CHECK(pool.intern_number(0) == pool.intern("0"));
  CHECK(pool.intern("042") != pool.intern_number(42));  // a text is never read as a number
  // -1 and 2^64 - 1 share their 64 bits but not their text.
  CHECK(pool.intern_number(-1) != pool.intern_number(std::numeric_limits<std::uint64_t>::max()));
  cbf::detail::NumberText room;
  CHECK(pool.text(pool.intern_number(-1), room) == "-1");
}

TEST_CASE("an integer and its text are one value in whichever order they come", "[detail][pool]") {
  TextPool numbers_first;
  const TextId n = numbers_first.intern_number(1234);
  CHECK(numbers_first.intern("1234") == n);
  CHECK(numbers_first.intern_number(1234) == n);
  CHECK(numbers_first.size() == 1);

  TextPool texts_first;
  const TextId t = texts_first.intern("-98");
  CHECK(texts_first.intern_number(-98) == t);
  CHECK(texts_first.intern("-98") == t);
  CHECK(texts_first.size() == 1);
}

TEST_CASE("texts that are not an integer's canonical digits stay texts", "[detail][pool]") {
  TextPool pool;
  const TextId zero = pool.intern_number(0);
  const TextId five = pool.intern_number(5);
  const TextId max = pool.intern_number(std::numeric_limits<std::uint64_t>::max());
  for (const char* text : {"-0", "00", "05", "+5", " 5", "5 ", "5.0", "18446744073709551616",
                           "-9223372036854775809", "184467440737095516150"}) {
    INFO(text);
    const TextId id = pool.intern(text);
    CHECK(id != zero);
    CHECK(id != five);
    CHECK(id != max);
  }
  CHECK(pool.intern("0") == zero);
  CHECK(pool.intern("18446744073709551615") == max);
}

TEST_CASE("an id's text that is an integer's canonical digits is that integer, found by value",
          "[detail][pool]") {
  TextPool pool;
  const TextId n = pool.intern_id("35134");
  CHECK(pool.intern_number(35134) == n);
  CHECK(pool.intern("35134") == n);
  CHECK(pool.intern_id("35134") == n);
  CHECK(pool.intern_id("-9223372036854775808") ==
        pool.intern_number(std::numeric_limits<std::int64_t>::min()));
  CHECK(pool.intern_id("18446744073709551615") ==
        pool.intern_number(std::numeric_limits<std::uint64_t>::max()));
  cbf::detail::NumberText room;
  CHECK(pool.text(n, room) == "35134");
  for (const char* text : {"035134", "-0", "+5", "35134 ", "18446744073709551616", "s1"}) {
    INFO(text);
    const TextId id = pool.intern_id(text);
    CHECK(pool.intern(text) == id);  // a text, kept as its bytes
    CHECK(pool.text(id) == text);
  }
  CHECK(pool.intern_id("0") == pool.intern_number(0));
  CHECK(pool.intern_id("-0") != pool.intern_number(0));
}

TEST_CASE("an id's text is compared with the last one given, whichever kind each was",
          "[detail][pool]") {
  TextPool pool;
  const std::string a = "12", b = "13", c = "x12";
  const TextId ia = pool.intern_id(a);
  const TextId ib = pool.intern_id(b);
  CHECK(ia != ib);
  CHECK(pool.intern_id(a) == ia);  // after another id
  CHECK(pool.intern_id(a) == ia);  // the same one again
  const TextId ic = pool.intern_id(c);
  CHECK(ic != ia);
  CHECK(pool.intern_id(b) == ib);
  pool.clear();  // the last text is forgotten with the ids
  CHECK(pool.intern_id(b) == 1);
  CHECK(pool.intern_id(a) == 2);
}

TEST_CASE("an integer kept without text gives its digits on request, ordered as text",
          "[detail][pool]") {
  TextPool pool;
  const TextId nine = pool.intern_number(9);
  const TextId ten = pool.intern_number(std::uint8_t{10});
  const TextId minus = pool.intern_number(std::numeric_limits<std::int64_t>::min());
  cbf::detail::NumberText room;
  CHECK(pool.text(nine, room) == "9");
  CHECK(pool.text(minus, room) == "-9223372036854775808");
  CHECK(pool.text(nine).empty());    // text(id) views kept texts only
  CHECK(pool.text_less(ten, nine));  // "10" < "9" as byte strings
  CHECK_FALSE(pool.text_less(nine, ten));
  CHECK(pool.text_less(minus, ten));  // '-' sorts before digits
  const TextId b = pool.intern("b");
  CHECK(pool.text_less(nine, b));
  CHECK(pool.text(b) == "b");
}

TEST_CASE("a cleared pool forgets every text and number, and starts its ids again",
          "[detail][pool]") {
  TextPool pool;
  CHECK(pool.intern_number(5) == 1);
  CHECK(pool.intern("x") == 2);
  pool.clear();
  CHECK(pool.size() == 0);
  CHECK(pool.intern("x") == 1);       // not the id "x" had before
  CHECK(pool.intern_number(5) == 2);  // the remembered last number was forgotten too
  cbf::detail::NumberText room;
  CHECK(pool.text(2, room) == "5");
  for (int round = 0; round < 3; ++round) {  // reuse after growth
    pool.clear();
    for (int i = 0; i < 1000; ++i) CHECK(pool.intern_number(i * 3) == TextId(i + 1));
    CHECK(pool.intern("0") == 1);
  }
}

TEST_CASE("equal_bytes compares every byte of every length", "[detail][pool]") {
  for (std::size_t n = 0; n <= 40; ++n) {
    // Exact-size allocations, so a read past either end shows under AddressSanitizer.
    auto a = std::make_unique<char[]>(n == 0 ? 1 : n);
    auto b = std::make_unique<char[]>(n == 0 ? 1 : n);
    for (std::size_t i = 0; i < n; ++i) a[i] = b[i] = static_cast<char>('a' + i % 26);
    CHECK(cbf::detail::equal_bytes(a.get(), b.get(), n));
    CHECK(cbf::detail::hash_bytes({a.get(), n}, 1) == cbf::detail::hash_bytes({b.get(), n}, 1));
    for (std::size_t i = 0; i < n; ++i) {
      b[i] = 'Z';
      CHECK_FALSE(cbf::detail::equal_bytes(a.get(), b.get(), n));
      CHECK(cbf::detail::hash_bytes({a.get(), n}, 1) != cbf::detail::hash_bytes({b.get(), n}, 1));
      b[i] = a[i];
    }
  }
}

TEST_CASE("ids are counted once per distinct non-zero id, in order of first appearance",
          "[detail][pool]") {
  cbf::detail::IdCounter counter;
  using Ids = std::vector<TextId>;
  const auto id_of = [](TextId id) { return id; };
  using Counts = std::vector<std::pair<TextId, std::size_t>>;
  Counts counts;
  counter.for_each(Ids{3, 1, 0, 3, 2, 3, 0, 1}, id_of,
                   [&](TextId id, std::size_t n) { counts.emplace_back(id, n); });
  CHECK(counts == Counts{{3, 3}, {1, 2}, {2, 1}});

  SECTION("a reused counter starts from zero") {
    counts.clear();
    counter.for_each(Ids{2, 7, 2}, id_of,
                     [&](TextId id, std::size_t n) { counts.emplace_back(id, n); });
    CHECK(counts == Counts{{2, 2}, {7, 1}});
  }
  SECTION("a call that threw leaves no count behind") {
    CHECK_THROWS(counter.for_each(Ids{5, 5, 6}, id_of, [](TextId, std::size_t) { throw 1; }));
    counts.clear();
    counter.for_each(Ids{6, 5}, id_of,
                     [&](TextId id, std::size_t n) { counts.emplace_back(id, n); });
    CHECK(counts == Counts{{6, 1}, {5, 1}});
  }
  SECTION("no ids, or only empty ones, call nothing") {
    counter.for_each(Ids{0, 0}, id_of, [](TextId, std::size_t) { FAIL("called"); });
    counter.for_each(Ids{}, id_of, [](TextId, std::size_t) { FAIL("called"); });
  }
}
