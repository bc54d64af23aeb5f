// The hosts' packed records: texts as one pointer into an arena, timestamps and numbers in 8
// bytes, each read back as it was stored; and the memo that keeps a column's repeated texts once.
#include "common/host_records.hpp"

#include <catch2/catch.hpp>

#include <bit>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

using cbf::host::KeptText;
using cbf::host::PackedNumber;
using cbf::host::PackedTime;
using cbf::host::TextArena;
using cbf::host::TextMemo;

TEST_CASE("a kept text reads back byte for byte, the empty text as empty", "[host]") {
  TextArena arena(64);  // small blocks: texts on several of them
  const std::string long_text(300, 'x');
  const std::vector<std::string> texts{"a", "shop-eu", std::string("nul\0inside", 10), long_text,
                                       " "};
  std::vector<KeptText> kept;
  for (const std::string& t : texts) kept.push_back(arena.keep(t));
  for (std::size_t i = 0; i < texts.size(); ++i) {
    CHECK(kept[i].view() == texts[i]);
    CHECK(kept[i].size() == texts[i].size());
  }
  const KeptText empty = arena.keep("");
  CHECK(empty.empty());
  CHECK(empty.view().empty());
  CHECK(KeptText{}.view().empty());
  // Moving the arena leaves its texts where they are.
  const TextArena moved = std::move(arena);
  CHECK(kept[3].view() == long_text);
  CHECK(moved.bytes() >= long_text.size());
}

TEST_CASE("a packed timestamp reads back missing, unreadable or the instant", "[host]") {
  using namespace std::chrono;
  const cbf::TimeField missing;
  const cbf::TimeField invalid = cbf::TimeField::invalid();
  const cbf::TimeField epoch = sys_seconds{seconds{0}};
  const cbf::TimeField early = sys_days{year{1} / 1 / 1} + microseconds{1};
  const cbf::TimeField late = sys_days{year{9999} / 12 / 31} + hours{23} + microseconds{999999};
  for (const cbf::TimeField& t : {missing, invalid, epoch, early, late}) {
    const PackedTime p = t;
    CHECK(p.get() == t);
    CHECK(p.is_missing() == t.is_missing());
    CHECK(p.is_valid() == t.is_valid());
  }
  CHECK(PackedTime{}.is_missing());
  CHECK(sizeof(PackedTime) == 8);
}

TEST_CASE("a packed number reads back missing, unreadable (NaN) or its value", "[host]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK_FALSE(PackedNumber(std::nullopt).get().has_value());
  CHECK_FALSE(PackedNumber{}.has_value());
  const PackedNumber unreadable(nan);
  REQUIRE(unreadable.get().has_value());
  CHECK(std::isnan(*unreadable.get()));
  // A NaN with any payload, the missing value's own bits included, reads as unreadable.
  const double odd_nan = std::bit_cast<double>(std::uint64_t{0x7ff4'0000'0000'cbf0ULL});
  REQUIRE(std::isnan(odd_nan));
  REQUIRE(PackedNumber(odd_nan).get().has_value());
  CHECK(std::isnan(*PackedNumber(odd_nan).get()));
  for (const double v : {0.0, -0.0, 12.5, 1e12, -3.25, std::numeric_limits<double>::infinity(),
                         std::numeric_limits<double>::denorm_min()}) {
    const std::optional<double> back = PackedNumber(v).get();
    REQUIRE(back.has_value());
    CHECK(std::bit_cast<std::uint64_t>(*back) == std::bit_cast<std::uint64_t>(v));
  }
  CHECK(sizeof(PackedNumber) == 8);
}

TEST_CASE("a column's repeated texts are kept once, in runs or drawn from a few hundred",
          "[host]") {
  TextArena arena;
  TextMemo memo;
  // 300 distinct texts drawn over and over, not in runs: the table catches them.
  std::set<const char*> kept;
  for (int round = 0; round < 20; ++round)
    for (int i = 0; i < 300; ++i) {
      const std::string text = "category-" + std::to_string((i * 7 + round) % 300);
      const KeptText k = memo.keep(text, arena);
      CHECK(k.view() == text);
      kept.insert(k.view().data());
    }
  CHECK(kept.size() == 300);  // each text kept once
  CHECK(memo.keep("", arena).empty());
}

TEST_CASE("a column of unique texts stops being looked up and keeps every text", "[host]") {
  TextArena arena;
  TextMemo memo;
  std::set<const char*> kept;
  for (int i = 0; i < 20000; ++i) {
    const std::string text = "session-" + std::to_string(i);
    const KeptText k = memo.keep(text, arena);
    CHECK(k.view() == text);
    kept.insert(k.view().data());
  }
  CHECK(kept.size() == 20000);
  // Once off, a repeated text is kept again, still exactly.
  CHECK(memo.keep("session-7", arena).view() == "session-7");
}
