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
using cbf_test::lines_of;
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

// ---- --sorted: files sorted by key, read while computing ------------------------------------

namespace {

/// The records of a CSV text (a record ends at a line feed outside quotes), header first.
std::vector<std::string> csv_records(const std::string& text) {
  std::vector<std::string> records;
  std::string record;
  bool quoted = false;
  for (const char c : text) {
    record += c;
    if (c == '"') quoted = !quoted;
    if (c == '\n' && !quoted) records.push_back(std::exchange(record, {}));
  }
  if (!record.empty()) records.push_back(record + "\n");
  return records;
}

/// An id as the stream compares it: blank (only ASCII whitespace) is empty.
std::string unblank(std::string id) {
  return id.find_first_not_of(" \t\r\n\v\f") == std::string::npos ? std::string{} : id;
}

/// Copies the four files of `from` into `to`, each sorted by (shop_id, customer_id) as bytes,
/// stably (a customer's records keep their order). The ids are the first two fields, unquoted.
void copy_sorted(const fs::path& from, const fs::path& to) {
  for (const char* name : {"customers.csv", "user_interactions.csv", "user_sessions.csv",
                           "purchase_attributions.csv"}) {
    std::vector<std::string> records = csv_records(slurp((from / name).string()));
    REQUIRE(!records.empty());
    const auto key = [](const std::string& record) {
      const std::size_t a = record.find(',');
      const std::size_t b = record.find(',', a + 1);
      return std::pair{unblank(record.substr(0, a)), unblank(record.substr(a + 1, b - a - 1))};
    };
    std::stable_sort(records.begin() + 1, records.end(),
                     [&](const std::string& x, const std::string& y) { return key(x) < key(y); });
    std::ofstream out(to / name, std::ios::binary);
    for (const std::string& r : records) out << r;
  }
}

}  // namespace

TEST_CASE("cbf-features --sorted writes the rows and diagnostics of a whole read of the same files",
          "[host]") {
  // The bundled sample, sorted: quoted fields with commas and line breaks, records without a
  // customer_id, blank shop ids.
  const InputDir dir("sorted_sample");
  copy_sorted(sample, dir.path);
  for (const std::string& as_of : {std::string(" --as-of 2025-06-30T23:59:59Z"), std::string()}) {
    INFO("options:" << as_of);
    const fs::path whole_diagnostics = dir.path / "whole_diagnostics.csv";
    const fs::path sorted_diagnostics = dir.path / "sorted_diagnostics.csv";
    const Run whole =
        run(dir.path.string() + as_of + " --diagnostics " + whole_diagnostics.string());
    const Run sorted =
        run(dir.path.string() + as_of + " --sorted --diagnostics " + sorted_diagnostics.string());
    INFO(sorted.err);
    REQUIRE(whole.exit_code == 0);
    REQUIRE(sorted.exit_code == 0);
    CHECK(lines_of(sorted.out).size() > 200);
    CHECK(sorted.out == whole.out);
    CHECK(slurp(sorted_diagnostics.string()) == slurp(whole_diagnostics.string()));
  }
}

TEST_CASE("cbf-features --sorted stops at the first row out of key order, naming its file and line",
          "[host]") {
  const fs::path output = fs::temp_directory_path() / "cbf_unsorted_features.csv";
  fs::remove(output);
  // The bundled sample is grouped by customer, but its shops interleave.
  const Run r = run(sample + " --sorted --as-of 2025-06-30T23:59:59Z -o " + output.string());
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("customers.csv:3: not sorted by (shop_id, customer_id): (shop-eu, c000002) "
                   "comes after (shop-us, c000001)") != std::string::npos);
  CHECK_FALSE(fs::exists(output));  // nothing half-written
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define CBF_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define CBF_TEST_SANITIZED 1
#endif
#endif

TEST_CASE("cbf-features --sorted computes a shop larger than the memory it may use", "[host]") {
#ifdef CBF_TEST_SANITIZED
  WARN("skipped: a sanitizer's shadow memory needs more address space than the ceiling");
  return;
#endif
  // 80 MB of sorted CSV: 12 000 customers of 60 interactions, 6 sessions and 2 order rows each.
  const InputDir dir("sorted_large");
  {
    std::ofstream c(dir.path / "customers.csv"), e(dir.path / "user_interactions.csv"),
        s(dir.path / "user_sessions.csv"), a(dir.path / "purchase_attributions.csv");
    c << "shop_id,customer_id,created_at\n";
    e << "shop_id,customer_id,session_id,event_type,product_id,category_id,search_query,"
         "view_duration,device_type,created_at,page_type\n";
    s << "shop_id,customer_id,session_id,start_time,end_time,device_type,referrer_type\n";
    a << "shop_id,customer_id,order_id,session_id,attribution_type,attribution_value,"
         "created_at\n";
    static const char* const kinds[] = {"page_viewed", "product_viewed", "search_submitted",
                                        "product_added_to_cart", "checkout_started"};
    for (int k = 0; k < 12000; ++k) {
      const std::string id = fmt::format("customer-{:08}", k);
      c << "shop," << id << ",2024-01-0" << 1 + k % 9 << "T10:00:00Z\n";
      for (int j = 0; j < 6; ++j) {
        const std::string session = fmt::format("{}-session-{}", id, j);
        const std::string day = fmt::format("2025-0{}-1{}", 1 + j, k % 10);
        s << "shop," << id << ',' << session << ',' << day << "T08:00:00Z," << day
          << "T08:30:00Z,mobile,organic\n";
        for (int i = 0; i < 10; ++i)
          e << "shop," << id << ',' << session << ',' << kinds[i % 5] << ",product-" << (k + i) % 97
            << ",category-" << i % 7 << ",a longer search query " << i << ',' << 10 + i
            << ",mobile," << day << fmt::format("T08:{:02}:00Z", 2 * i) << ",product\n";
      }
      for (int j = 0; j < 2; ++j)
        a << "shop," << id << ",order-" << id << '-' << j << ',' << id << "-session-" << j
          << ",organic," << 20 + j << ".5,2025-0" << 1 + j << "-1" << k % 10 << "T08:20:00Z\n";
    }
  }
  std::uintmax_t bytes = 0;
  for (const auto& f : fs::directory_iterator(dir.path)) bytes += fs::file_size(f.path());
  REQUIRE(bytes > 80'000'000);
  // 48 MiB of address space for the whole process, code and stacks included: less than the
  // files, so they cannot all be held.
  const std::string ceiling = std::string("ulimit -v 49152; exec ") + CBF_FEATURES_EXE;
  const std::string args = dir.path.string() + " --as-of 2025-07-01T00:00:00Z -j 1 -q";
  const Run streamed = cbf_test::run_program(ceiling, args + " --sorted");
  INFO(streamed.err);
  REQUIRE(streamed.exit_code == 0);
  const std::vector<std::string> lines = lines_of(streamed.out);
  REQUIRE(lines.size() == 12001);
  CHECK(lines[1].starts_with("shop,customer-00000000,"));
  CHECK(lines.back().starts_with("shop,customer-00011999,"));
  // The ceiling binds: the whole read of the same files fails under it.
  CHECK(cbf_test::run_program(ceiling, args).exit_code != 0);
}
