// The example of docs/worked-example.md, compiled and run: its code is the block between the
// markers below, and its printed output must be the doc's, character for character.
#include <cbf/cbf.hpp>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace {

/// What the example prints, without the final newline: the doc's output block.
constexpr const char* expected_output =
    "{total_purchases: 2, avg_purchase_value: 57.2, purchase_frequency: 0.35391715116279066, "
    "purchase_consistency: null, seasonal_purchase_pattern: 1, total_sessions: 3, "
    "avg_session_duration: 12, page_views_per_session: 2, bounce_rate: 0, "
    "engagement_score: 44.294274548698134, search_frequency: 0.6666666666666666, "
    "search_query_diversity: 1, product_discovery_method: \"search\", "
    "category_exploration: 0.375, cart_abandonment_rate: 0.5, "
    "checkout_completion_rate: 0.6666666666666666, "
    "product_comparison_behavior: 0.3333333333333333, impulse_purchase_tendency: 0.5, "
    "preferred_device: \"mobile\", channel_preference: \"email\", "
    "mobile_usage_pattern: 0.6666666666666666, desktop_usage_pattern: 0.3333333333333333, "
    "preferred_shopping_time: 19, shopping_day_preference: 1, "
    "seasonal_behavior: 0.42061983571430506, loyalty_trend: 0.6, "
    "customer_segment: \"potential_loyalist\", risk_score: 0.24478656459099496, "
    "lifetime_value_prediction: 293.1778027433446, churn_probability: 0.24131094098499162}";

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// The fenced blocks of a markdown text that open with exactly "```" + language.
std::vector<std::string> fenced_blocks(const std::string& text, const std::string& language) {
  std::vector<std::string> blocks;
  std::istringstream in(text);
  std::string line;
  std::string block;
  bool inside = false;
  while (std::getline(in, line)) {
    if (!inside && line == "```" + language) {
      inside = true;
      block.clear();
    } else if (inside && line == "```") {
      inside = false;
      blocks.push_back(block);
    } else if (inside) {
      block += line + "\n";
    }
  }
  return blocks;
}

/// The lines of a source text between two marker lines (compared without their indentation),
/// without the test body's two-space indent.
std::string example_code(const std::string& source, const std::string& begin,
                         const std::string& end) {
  std::istringstream in(source);
  std::string line;
  std::string code;
  bool inside = false;
  while (std::getline(in, line)) {
    const std::size_t indent = line.find_first_not_of(' ');
    const std::string trimmed = indent == std::string::npos ? "" : line.substr(indent);
    if (trimmed == begin) {
      inside = true;
    } else if (trimmed == end) {
      inside = false;
    } else if (inside) {
      code += (line.rfind("  ", 0) == 0 ? line.substr(2) : line) + "\n";
    }
  }
  return code;
}

}  // namespace

TEST_CASE("the worked example prints exactly the features docs/worked-example.md shows",
          "[worked-example]") {
  // The example keeps the compact layout the doc shows, two lines per record.
  // clang-format off
  // --- as in docs/worked-example.md ---
  using namespace std::chrono;
  const sys_days mar19 = 2025y / March / 19, may14 = 2025y / May / 14, jun1 = 2025y / June / 1;

  const cbf::Customer customer{.customer_id = "c7", .created_at = sys_days{2025y / January / 10}};
  const std::vector<cbf::Session> sessions{
      {.customer_id = "c7", .session_id = "s1", .start_time = mar19 + 30min,
       .end_time = mar19 + 39min, .device_type = "mobile", .referrer_type = "organic"},
      {.customer_id = "c7", .session_id = "s2", .start_time = may14 + 10min,
       .referrer_type = "Email"},
      {.customer_id = "c7", .session_id = "s3", .start_time = jun1 + 3h,
       .end_time = jun1 + 3h + 25min, .device_type = "desktop", .referrer_type = "email"},
  };
  const std::vector<cbf::Interaction> events{
      {.customer_id = "c7", .session_id = "s1", .event_type = "search_submitted",
       .search_query = "Running Shoes", .created_at = mar19 + 30min},
      {.customer_id = "c7", .session_id = "s1", .event_type = "product_viewed",
       .product_id = "p1", .category_id = "shoes", .created_at = mar19 + 30min + 40s},
      {.customer_id = "c7", .session_id = "s1", .event_type = "product_viewed",
       .product_id = "p2", .category_id = "shoes", .created_at = mar19 + 33min},
      {.customer_id = "c7", .session_id = "s1", .event_type = "product_added_to_cart",
       .product_id = "p2", .created_at = mar19 + 36min},
      {.customer_id = "c7", .session_id = "s1", .event_type = "checkout_started",
       .created_at = mar19 + 38min},
      {.customer_id = "c7", .session_id = "s2", .event_type = "product_viewed", .product_id = "p2",
       .category_id = "shoes", .view_duration = 90.0, .device_type = "Mobile",
       .created_at = may14 + 10min},
      {.customer_id = "c7", .session_id = "s2", .event_type = "product_added_to_cart",
       .product_id = "p2", .device_type = "Mobile", .created_at = may14 + 12min},
      {.customer_id = "c7", .session_id = "s3", .event_type = "search_submitted",
       .search_query = "trail socks", .created_at = jun1 + 3h},
      {.customer_id = "c7", .session_id = "s3", .event_type = "product_viewed",
       .product_id = "p3", .category_id = "socks", .created_at = jun1 + 3h + 1min},
  };
  const std::vector<cbf::Attribution> orders{
      {.customer_id = "c7", .order_id = "o1", .product_id = "p2", .session_id = "s2",
       .attribution_type = "email", .attribution_value = 89.90, .created_at = may14 + 15min},
      {.customer_id = "c7", .order_id = "o2", .product_id = "p3", .session_id = "s3",
       .attribution_type = "email", .attribution_value = 24.50, .created_at = jun1 + 3h + 20min},
  };

  cbf::Config config;
  config.as_of = sys_days{2025y / July / 1};
  config.utc_offset = -300min;  // the shop's local time is UTC-5 all year

  const cbf::CustomerResult result =
      cbf::compute_customer(customer, events, sessions, orders, config);
  fmt::print("{}\n", result.features);
  // --- end of the example ---
  // clang-format on

  CHECK(fmt::format("{}", result.features) == expected_output);

  // The doc shows this same code and this same output.
  const std::filesystem::path source(__FILE__);
  const std::string doc = read_text(source.parent_path().parent_path() / "docs/worked-example.md");
  REQUIRE(!doc.empty());
  const std::vector<std::string> code = fenced_blocks(doc, "cpp");
  REQUIRE(code.size() == 1);
  const std::string this_file = read_text(source);
  const std::string example = example_code(this_file, "// --- as in docs/worked-example.md ---",
                                           "// --- end of the example ---");
  REQUIRE(!example.empty());
  CHECK(code[0] == example);
  const std::vector<std::string> output = fenced_blocks(doc, "text");
  REQUIRE(output.size() == 1);
  CHECK(output[0] == std::string(expected_output) + "\n");
}
