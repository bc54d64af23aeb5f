// The features struct's reflection helpers: the order and values they visit.
#include <cbf/features.hpp>

#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <vector>

TEST_CASE(
    "for_each_count visits the 48 counters kind by kind in contract order with their values") {
  cbf::Diagnostics d;
  d.customer.used = 1;
  d.interaction.bad_timestamp = 7;
  d.session.duplicate_session = 3;
  d.attribution.bad_view_duration = 9;
  std::vector<std::string> visited;
  std::int64_t sum = 0;
  cbf::for_each_count(d, [&](std::string_view kind, std::string_view counter, std::int64_t value) {
    // fmt, not operator+: g++ 12 -O3 warns falsely (-Wrestrict) on string concatenation.
    visited.push_back(value != 0 ? fmt::format("{}.{}={}", kind, counter, value)
                                 : fmt::format("{}.{}", kind, counter));
    sum += value;
  });
  REQUIRE(visited.size() == 48);
  CHECK(visited[0] == "customer.used=1");
  CHECK(visited[1] == "customer.missing_field");
  CHECK(visited[11] == "customer.bad_view_duration");
  CHECK(visited[12 + 2] == "interaction.bad_timestamp=7");
  CHECK(visited[24 + 7] == "session.duplicate_session=3");
  CHECK(visited[47] == "attribution.bad_view_duration=9");
  CHECK(sum == 1 + 7 + 3 + 9);
}
