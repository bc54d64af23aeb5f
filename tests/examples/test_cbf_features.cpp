// cbf-features end to end: the real executable on fixtures, its output compared cell by cell with
// hand-computed tables, and its errors on bad input.
#include "examples/run_program.hpp"

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace fs = std::filesystem;

namespace {

using cbf_test::InputDir;
using cbf_test::Run;
using cbf_test::slurp;

/// Runs cbf-features with `args`.
Run run(const std::string& args) { return cbf_test::run_program(CBF_FEATURES_EXE, args); }

const std::string fixture = std::string(CBF_FIXTURES_DIR) + "/small";
const std::string sample = std::string(CBF_SAMPLE_DATA_DIR);

}  // namespace

TEST_CASE("cbf-features writes the hand-computed features and diagnostics of the fixture",
          "[host]") {
  const fs::path diagnostics = fs::temp_directory_path() / "cbf_fixture_diagnostics.csv";
  const Run r =
      run(fixture + " --as-of 2025-03-31T00:00:00Z --diagnostics " + diagnostics.string());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == slurp(fixture + "/expected_features.csv"));
  CHECK(slurp(diagnostics) == slurp(fixture + "/expected_diagnostics.csv"));
  fs::remove(diagnostics);
}

TEST_CASE("cbf-features --output writes the same table as standard output", "[host]") {
  const fs::path output = fs::temp_directory_path() / "cbf_fixture_features.csv";
  const Run r = run(fixture + " --as-of 2025-03-31T00:00:00Z --output " + output.string());
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.empty());
  CHECK(slurp(output) == slurp(fixture + "/expected_features.csv"));
  fs::remove(output);
}

TEST_CASE("cbf-features writes the same bytes on 1 and on 3 threads", "[host]") {
  const Run one = run(sample + " --as-of 2025-06-30T23:59:59Z --threads 1");
  const Run three = run(sample + " --as-of 2025-06-30T23:59:59Z --threads 3");
  REQUIRE(one.exit_code == 0);
  REQUIRE(three.exit_code == 0);
  CHECK(one.out.size() > 1000);
  CHECK(one.out == three.out);
}

TEST_CASE("cbf-features --verbose reports each phase and the read/compute/write time split",
          "[host]") {
  const Run r = run(fixture + " --as-of 2025-03-31T00:00:00Z --verbose --threads 2");
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == slurp(fixture + "/expected_features.csv"));
  CHECK(r.err.find("computed 3 customers on 2 threads") != std::string::npos);
  CHECK(r.err.find("time split: read ") != std::string::npos);
  CHECK(r.err.find(", compute ") != std::string::npos);
  CHECK(r.err.find(", write ") != std::string::npos);
  // Not a terminal: no progress bar.
  CHECK(r.err.find('\r') == std::string::npos);
}

TEST_CASE("without --as-of the cutoff is the latest valid stamp of any input", "[host]") {
  // Latest stamps: bob's wishlist event 2025-04-05, carol's session 2025-04-02.
  const Run r = run(fixture);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find(",2025-04-05T00:00:00Z\n") != std::string::npos);
  CHECK(r.out.find("2025-03-31") == std::string::npos);
}

TEST_CASE("the shopify preset counts only page_viewed as a page view", "[host]") {
  // alice: a1 has one page_viewed, a2 none → 1 / 2 sessions = 0.5 page views per session.
  const Run r = run(fixture + " --as-of 2025-03-31T00:00:00Z --preset shopify");
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("s1,alice,2,30.25,0.6839747191011236,,1,2,10.104166666666666,0.5,0,") !=
        std::string::npos);
}

TEST_CASE("cbf-features runs on the bundled sample data with the documented diagnostics",
          "[host]") {
  const fs::path diagnostics = fs::temp_directory_path() / "cbf_sample_diagnostics.csv";
  const Run r = run(std::string(CBF_SAMPLE_DATA_DIR) +
                    " --as-of 2025-06-30T23:59:59Z --diagnostics " + diagnostics.string());
  REQUIRE(r.exit_code == 0);
  // 300 customers plus one whose only records are after the cutoff; plus the header.
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 302);
  const std::string d = slurp(diagnostics);
  for (const char* line :
       {"customer,used,287\n", "customer,duplicate_customer,1\n", "interaction,used,6181\n",
        "interaction,after_as_of,17\n", "interaction,bad_view_duration,2\n", "session,used,885\n",
        "session,duplicate_session,2\n", "session,end_before_start,1\n", "session,bad_end_time,1\n",
        "attribution,used,223\n", "attribution,bad_money,2\n", "attribution,empty_order_id,1\n"}) {
    INFO(line);
    CHECK(d.find(line) != std::string::npos);
  }
  fs::remove(diagnostics);
}

TEST_CASE("a malformed CSV file stops the run with its file, line and column", "[host]") {
  InputDir dir("malformed");
  dir.write("user_interactions.csv",
            "customer_id,event_type,created_at\n"
            "c1,page_viewed,2025-01-01T00:00:00Z\n"
            "c1,pa\"ge,2025-01-01T00:00:00Z\n");
  const Run r = run(dir.path.string());
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::StartsWith("cbf-features: error: "));
  CHECK_THAT(r.err, Catch::Contains("user_interactions.csv:3:2"));
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

TEST_CASE("an unterminated quote at the end of a file is an error, not a lost row", "[host]") {
  InputDir dir("unterminated");
  dir.write("purchase_attributions.csv",
            "customer_id,order_id,created_at\nc1,o1,2025-01-01T00:00:00Z\nc1,\"o2,2025-01-01\n");
  const Run r = run(dir.path.string());
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("purchase_attributions.csv:3"));
}

TEST_CASE("a header without a required column is an error naming the column", "[host]") {
  InputDir dir("no_column");
  dir.write("user_sessions.csv", "customer_id,start_time\nc1,2025-01-01T00:00:00Z\n");
  const Run r = run(dir.path.string());
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("user_sessions.csv"));
  CHECK_THAT(r.err, Catch::Contains("session_id"));
}

TEST_CASE("bad options and inputs without any stamp are clear errors", "[host]") {
  CHECK_THAT(run(fixture + " --as-of yesterday").err, Catch::Contains("--as-of"));
  CHECK(run(fixture + " --as-of yesterday").exit_code == 1);
  CHECK(run(fixture + " --utc-offset 1440").exit_code != 0);
  CHECK(run(fixture + " --preset magento").exit_code != 0);
  CHECK_THAT(run(fixture + " --bgnbd 1,2,3").err, Catch::Contains("--bgnbd"));
  CHECK_THAT(run(fixture + " --gg 1,x,3").err, Catch::Contains("--gg"));
  CHECK_THAT(run(fixture + " --bgnbd 0.24,4.4,1,2.4").err,
             Catch::Contains("--bgnbd: '0.24,4.4,1,2.4' has unusable a"));
  CHECK_THAT(run("/nonexistent/dir").err, Catch::Contains("not a directory"));

  InputDir empty("empty");
  empty.write("customers.csv", "customer_id,created_at\nc1,2025-01-01T00:00:00Z\n");
  const Run r = run(empty.path.string());
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("pass --as-of"));
  // With a cutoff, a customer without any activity still gets its row.
  const Run ok = run(empty.path.string() + " --as-of 2025-02-01");
  CHECK(ok.exit_code == 0);
  CHECK(ok.out.find("\n,c1,0,,0,,,0,,,,0,") != std::string::npos);
}

TEST_CASE("with --bgnbd and --gg churn and lifetime value come from the models", "[host]") {
  // Paper parameters (weeks). bob: x = 0 → P(alive) = 1, churn 0; risk = (0.6·0 + 0.2·1) / 1.
  // alice: x = 1, t_x = 2.58284 weeks, T = 4.08294 weeks: churn = 1 − P(alive) = 0.2938536…;
  // CLV = Σ_{k=1..12} ΔE[Y(k·4.348125 weeks)] · E[M] / 1.01^k, E[M] = 6.25(15.44 + 2·30.25) /
  // (6.25·2 + 3.74 − 1) = 85.8148… (both checked with an independent Python evaluation of the
  // paper's eq. 10 and the Gamma-Gamma posterior mean).
  const Run r =
      run(fixture +
          " --as-of 2025-03-31T00:00:00Z --bgnbd 0.243,4.414,0.793,2.426 --gg 6.25,3.74,15.44");
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out.find(",bob,1,0,1,") != std::string::npos);
  CHECK(r.out.find(",new_customer,0.2,10.448808978937") != std::string::npos);
  CHECK(r.out.find(",0,2025-03-31T00:00:00Z\n") != std::string::npos);  // bob's churn
  CHECK(r.out.find(",potential_loyalist,0.17631217282002") != std::string::npos);
  CHECK(r.out.find(",85.8148320995") != std::string::npos);
  CHECK(r.out.find(",0.2938536213667") != std::string::npos);
  CHECK_THAT(run(fixture + " --gg 6.25,3.74,15.44").err, Catch::Contains("--bgnbd"));
}

namespace {

/// A copy of the small fixture whose customers.csv header names shop_id as `shop_id`.
struct RenamedShopId {
  InputDir dir;
  explicit RenamedShopId(const std::string& name, const std::string& shop_id) : dir(name) {
    for (const char* file :
         {"user_interactions.csv", "user_sessions.csv", "purchase_attributions.csv"})
      dir.write(file, slurp(fixture + "/" + file));
    std::string customers = slurp(fixture + "/customers.csv");
    REQUIRE(customers.starts_with("shop_id,"));
    dir.write("customers.csv", shop_id + customers.substr(std::string("shop_id").size()));
  }
};

}  // namespace

TEST_CASE(
    "a column named like a contract column but for case, spaces or a BOM is ignored "
    "with a warning naming the file, the column and the field",
    "[host]") {
  const std::string as_of = " --as-of 2025-03-31T00:00:00Z";
  // The contract ignores unknown columns: the table is the one of a header without shop_id.
  const RenamedShopId unknown("near_miss_unknown", "note");
  const Run expected = run(unknown.dir.path.string() + as_of);
  REQUIRE(expected.exit_code == 0);
  CHECK(expected.err.empty());

  const RenamedShopId upper("near_miss_upper", "Shop_ID");
  const std::string file = (upper.dir.path / "customers.csv").string();
  const Run r = run(upper.dir.path.string() + as_of);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == expected.out);
  CHECK(r.err == "cbf-features: warning: " + file +
                     ": column 'Shop_ID' is not read; did you mean 'shop_id'? (names are "
                     "case-sensitive)\n");
  const Run quiet = run(upper.dir.path.string() + as_of + " --quiet");
  CHECK(quiet.exit_code == 0);
  CHECK(quiet.out == expected.out);
  CHECK(quiet.err.empty());

  // The file's first byte-order mark is no part of the header; a second one is.
  const RenamedShopId bom("near_miss_bom", "\xEF\xBB\xBF\xEF\xBB\xBFshop_id");
  const Run b = run(bom.dir.path.string() + as_of);
  CHECK(b.exit_code == 0);
  CHECK(b.out == expected.out);
  CHECK_THAT(b.err, Catch::Contains("customers.csv: column '\\xEF\\xBB\\xBFshop_id' is not "
                                    "read; did you mean 'shop_id'? (it holds a UTF-8 "
                                    "byte-order mark)"));

  // Spaces around a CSV name are trimmed: " shop_id " is shop_id, read without a warning.
  const RenamedShopId spaced("near_miss_spaced", " shop_id ");
  const Run s = run(spaced.dir.path.string() + as_of);
  CHECK(s.exit_code == 0);
  CHECK(s.err.empty());
  CHECK(s.out == slurp(fixture + "/expected_features.csv"));

  // Beside the exact name, a look-alike is just another unknown column.
  const RenamedShopId both("near_miss_both", "shop_id,SHOP_ID");
  std::string customers = slurp(both.dir.path / "customers.csv");
  for (std::size_t at = customers.find('\n'); at != std::string::npos && at + 1 < customers.size();
       at = customers.find('\n', at + 1))
    customers.insert(customers.find(',', at + 1) + 1, "x,");
  both.dir.write("customers.csv", customers);
  const Run d = run(both.dir.path.string() + as_of);
  INFO(customers);
  CHECK(d.exit_code == 0);
  CHECK(d.err.empty());
  CHECK(d.out == slurp(fixture + "/expected_features.csv"));
}

TEST_CASE(
    "every numeric option rejects a value out of its range or beyond its type, naming "
    "the option, and writes nothing",
    "[host]") {
  const fs::path output = fs::temp_directory_path() / "cbf_features_bad_option.csv";
  fs::remove(output);
  const std::vector<std::pair<std::string, std::string>> cases{
      {"--threads", "-1"},
      {"--threads", "1025"},
      {"--threads", "4294967296"},
      {"--threads", "99999999999999999999"},
      {"--threads", "0x4"},
      {"--threads", "1.5"},
      {"--utc-offset", "1440"},
      {"--utc-offset", "-1440"},
      {"--utc-offset", "0x10"},
      {"--utc-offset", "4294967356"},
      {"--utc-offset", "99999999999999999999"},
      {"--utc-offset", "-99999999999999999999"},
      {"--bgnbd", "0,1,1,1"},
      {"--bgnbd", "1,1e101,1,1"},
      {"--bgnbd", "1,1,1,1e999"},
  };
  for (const auto& [option, value] : cases) {
    const Run r = run(fixture + " --as-of 2025-03-31T00:00:00Z -o " + output.string() + " " +
                      option + " " + value);
    INFO(option << " " << value << ": " << r.err);
    CHECK(r.exit_code != 0);
    CHECK_THAT(r.err, Catch::Contains(option + ": "));
    CHECK(r.out.empty());
    CHECK(!fs::exists(output));
  }
  const Run gg = run(fixture + " --bgnbd 1,1,0.5,1 --gg 1,0,1 -o " + output.string());
  CHECK(gg.exit_code == 1);
  CHECK_THAT(gg.err, Catch::Contains("--gg: '1,0,1' has unusable q"));
  CHECK(!fs::exists(output));
  // Within the ranges, the same options are accepted.
  const Run ok = run(fixture + " --as-of 2025-03-31T00:00:00Z --threads 1024 --utc-offset -1439");
  CHECK(ok.exit_code == 0);
  CHECK(ok.err.empty());
}

namespace {

/// The names in `dir`, sorted.
std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir))
    names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST_CASE("an unwritable diagnostics file leaves the features file as it was", "[host]") {
  const InputDir out("unwritable_diagnostics");
  out.write("features.csv", "old\n");
  const Run r =
      run(fixture + " --as-of 2025-03-31T00:00:00Z -o " + (out.path / "features.csv").string() +
          " --diagnostics " + (out.path / "missing-dir" / "diagnostics.csv").string());
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("diagnostics.csv: cannot write in"));
  CHECK(slurp(out.path / "features.csv") == "old\n");
  CHECK(names_in(out.path) == std::vector<std::string>{"features.csv"});
}

TEST_CASE("an output naming a directory fails before any work and leaves no file", "[host]") {
  const InputDir out("output_directory");
  fs::create_directories(out.path / "features.csv");
  out.write("diagnostics.csv", "old\n");
  const Run r =
      run(fixture + " --as-of 2025-03-31T00:00:00Z -o " + (out.path / "features.csv").string() +
          " --diagnostics " + (out.path / "diagnostics.csv").string());
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("features.csv: is a directory"));
  CHECK(slurp(out.path / "diagnostics.csv") == "old\n");
  CHECK(names_in(out.path) == std::vector<std::string>{"diagnostics.csv", "features.csv"});
}

TEST_CASE("a temporary file a killed run left beside an output is removed by the next run",
          "[host]") {
  const InputDir out("leftovers");
  // A process id that is not running: the kernel's limit is below 2^22.
  out.write(".features.csv.cbf-4194304.new", "half a table");
  out.write(".features.csv.cbf-4194304.old", "an old table");
  out.write(".other.csv.cbf-4194304.new", "not ours");
  const Run r =
      run(fixture + " --as-of 2025-03-31T00:00:00Z -o " + (out.path / "features.csv").string());
  CHECK(r.exit_code == 0);
  CHECK(names_in(out.path) ==
        std::vector<std::string>{".other.csv.cbf-4194304.new", "features.csv"});
}
