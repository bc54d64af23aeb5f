#include <cbf/access.hpp>
#include <cbf/detail/event_kind_cache.hpp>

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

namespace {
struct Typed {
  std::string event_type;
};

std::optional<cbf::EventKind> uncached(const std::string& text) {
  return cbf::detail::event_kind_of(Typed{text});
}
}  // namespace

TEST_CASE("the event kind cache classifies exactly as the contract's lookup does",
          "[detail][events]") {
  std::vector<std::string> texts{"",
                                 "   ",
                                 "page_viewed",
                                 " Page_Viewed ",
                                 "product_viewed",
                                 "PRODUCT_VIEWED",
                                 "search_submitted",
                                 "product_removed_from_cart",
                                 "product_added_to_cart",
                                 "checkout_completed",
                                 "checkout_completed\t",
                                 "view",
                                 "cart",
                                 "x",
                                 "unknown_event",
                                 std::string(40, 'a'),
                                 "  purchase   ",
                                 "purchase" + std::string(30, ' ')};
  for (char c = 'a'; c <= 'z'; ++c) texts.push_back(std::string(1, c) + "_event");
  cbf::detail::EventKindCache cache;
  // Three rounds in varying order: hits, misses and evictions all give the same answer.
  for (int round = 0; round < 3; ++round) {
    for (std::size_t k = 0; k < texts.size(); ++k) {
      const std::string& t = texts[(k * (round + 1) * 7) % texts.size()];
      INFO("text: '" << t << "'");
      CHECK(cache.kind_of(t) == uncached(t));
    }
  }
  CHECK_FALSE(cache.kind_of("  ").has_value());  // blank: a missing field
  CHECK(cache.kind_of("Search") == cbf::EventKind::search);
}

TEST_CASE("two event names that share a set of the cache are both classified once",
          "[detail][events]") {
  // search_submitted and checkout_started have the same size, and their first and middle bytes
  // put them in one set: alternating them must not classify either again.
  cbf::detail::EventKindCache cache;
  for (int i = 0; i < 50; ++i) {
    CHECK(cache.kind_of("search_submitted") == cbf::EventKind::search);
    CHECK(cache.kind_of("checkout_started") == cbf::EventKind::checkout_started);
  }
  CHECK(cache.misses() == 2);
  // A third name of the same set (an unknown kind) evicts the one used least recently.
  CHECK(cache.kind_of("a_event_a_xxxxx") == cbf::EventKind::other);
  CHECK(cache.misses() == 3);
  CHECK(cache.kind_of("checkout_started") == cbf::EventKind::checkout_started);
  CHECK(cache.misses() == 3);
  CHECK(cache.kind_of("search_submitted") == cbf::EventKind::search);
  CHECK(cache.misses() == 4);
}
