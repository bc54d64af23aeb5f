#include <cbf/events.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <utility>

using cbf::EventKind;

TEST_CASE("every accepted event name of the contract maps to its kind", "[events]") {
  const std::pair<const char*, EventKind> table[] = {
      {"page_viewed", EventKind::page_view},
      {"page_view", EventKind::page_view},
      {"pageview", EventKind::page_view},
      {"product_viewed", EventKind::product_view},
      {"product_view", EventKind::product_view},
      {"view_item", EventKind::product_view},
      {"view", EventKind::product_view},
      {"detail", EventKind::product_view},
      {"collection_viewed", EventKind::collection_view},
      {"collection_view", EventKind::collection_view},
      {"view_item_list", EventKind::collection_view},
      {"category_view", EventKind::collection_view},
      {"search_submitted", EventKind::search},
      {"search", EventKind::search},
      {"view_search_results", EventKind::search},
      {"product_added_to_cart", EventKind::add_to_cart},
      {"add_to_cart", EventKind::add_to_cart},
      {"addtocart", EventKind::add_to_cart},
      {"cart", EventKind::add_to_cart},
      {"product_removed_from_cart", EventKind::remove_from_cart},
      {"remove_from_cart", EventKind::remove_from_cart},
      {"cart_viewed", EventKind::cart_view},
      {"view_cart", EventKind::cart_view},
      {"checkout_started", EventKind::checkout_started},
      {"begin_checkout", EventKind::checkout_started},
      {"checkout_completed", EventKind::checkout_completed},
      {"purchase", EventKind::checkout_completed},
      {"transaction", EventKind::checkout_completed},
  };
  for (const auto& [name, kind] : table) {
    INFO(name);
    CHECK(cbf::classify_event(name) == kind);
  }
}

TEST_CASE("classification ignores ASCII case and surrounding whitespace", "[events]") {
  CHECK(cbf::classify_event("  Product_Viewed ") == EventKind::product_view);
  CHECK(cbf::classify_event("\tADD_TO_CART\r\n") == EventKind::add_to_cart);
  CHECK(cbf::classify_event("\v\fPageView") == EventKind::page_view);
}

TEST_CASE("unknown, empty and near-miss names are other", "[events]") {
  CHECK(cbf::classify_event("") == EventKind::other);
  CHECK(cbf::classify_event("   ") == EventKind::other);
  CHECK(cbf::classify_event("wishlist_added") == EventKind::other);
  CHECK(cbf::classify_event("page viewed") == EventKind::other);  // inner space is kept
  CHECK(cbf::classify_event("views") == EventKind::other);
  CHECK(cbf::classify_event("add_to_cart_") == EventKind::other);
}

TEST_CASE("only ASCII letters are folded: other bytes must match exactly", "[events]") {
  // "\xC3\x89" is É in UTF-8: not folded to é, so no accepted name can match it.
  CHECK(cbf::classify_event("vi\xC3\x89w") == EventKind::other);
  CHECK(cbf::classify_event(std::string("view\0", 5)) == EventKind::other);
}

TEST_CASE("classification is usable at compile time", "[events]") {
  static_assert(cbf::classify_event(" Purchase ") == EventKind::checkout_completed);
  static_assert(cbf::name(EventKind::cart_view) == "cart_view");
  SUCCEED("checked by static_assert");
}

TEST_CASE("an EventKindSet holds exactly the kinds inserted", "[events]") {
  cbf::EventKindSet set{EventKind::search, EventKind::page_view};
  CHECK(set.contains(EventKind::search));
  CHECK(set.contains(EventKind::page_view));
  CHECK_FALSE(set.contains(EventKind::other));
  CHECK_FALSE(set.contains(EventKind::checkout_completed));
  set.erase(EventKind::search);
  CHECK_FALSE(set.contains(EventKind::search));
  set.erase(EventKind::page_view);
  CHECK(set.empty());
}
