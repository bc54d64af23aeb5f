// cbf-sample end to end: the real executable's CSV and SQLite output, read back by cbf-features,
// by the host's CSV reader and through the sqlite3 C API, and its errors on bad options.
#include "examples/run_program.hpp"

#include "common/sqlite.hpp"
#include "common/tables.hpp"

#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <unistd.h>
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace fs = std::filesystem;

namespace {

using cbf_test::Run;
using cbf_test::slurp;

constexpr std::array<const char*, 4> files{"customers.csv", "user_interactions.csv",
                                           "user_sessions.csv", "purchase_attributions.csv"};

/// Runs cbf-sample with `args`.
Run sample(const std::string& args) { return cbf_test::run_program(CBF_SAMPLE_EXE, args); }

/// A scratch directory, removed with its content.
struct Scratch {
  fs::path path;
  explicit Scratch(const std::string& name)
      : path(fs::temp_directory_path() / fmt::format("cbf_sample_{}_{}", name, ::getpid())) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~Scratch() { fs::remove_all(path); }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
};

/// Writes the CSV tables of `args` into `dir` (which need not exist), requiring success.
void write_csv(const fs::path& dir, const std::string& args) {
  const Run r = sample(fmt::format("{} --quiet --output csv:{}", args, dir.string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(r.err.empty());
}

/// Row counts of the four tables (customers, interactions, sessions, attributions).
using Counts = std::array<std::int64_t, 4>;

/// The row counts of a CSV directory, as the reference host's reader sees them.
Counts csv_counts(const fs::path& dir) {
  const cbf::host::Tables t = cbf::host::read_tables(dir);
  return {static_cast<std::int64_t>(t.customers.size()),
          static_cast<std::int64_t>(t.interactions.size()),
          static_cast<std::int64_t>(t.sessions.size()),
          static_cast<std::int64_t>(t.attributions.size())};
}

/// The first column of the first row of `sql`.
std::int64_t query_int(cbf::host::sqlite::Database& db, const std::string& sql) {
  cbf::host::sqlite::Statement s(db, sql);
  REQUIRE(s.step());
  return s.column_int64(0);
}

/// The row counts of the four tables of a database.
Counts sqlite_counts(const fs::path& path) {
  cbf::host::sqlite::Database db(path.string(), SQLITE_OPEN_READONLY);
  return {query_int(db, "SELECT count(*) FROM customer_data"),
          query_int(db, "SELECT count(*) FROM user_interactions"),
          query_int(db, "SELECT count(*) FROM user_sessions"),
          query_int(db, "SELECT count(*) FROM purchase_attributions")};
}

}  // namespace

TEST_CASE("the same seed gives byte-identical CSV files and another seed different ones",
          "[host]") {
  Scratch scratch("seeds");
  write_csv(scratch.path / "a", "--customers 150 --seed 7");
  write_csv(scratch.path / "b", "--customers 150 --seed 7");
  write_csv(scratch.path / "c", "--customers 150 --seed 8");
  for (const char* file : files) {
    INFO(file);
    const std::string a = slurp(scratch.path / "a" / file);
    CHECK(a.size() > 100);
    CHECK(a == slurp(scratch.path / "b" / file));
    CHECK(a != slurp(scratch.path / "c" / file));
  }
  // No partial file is left behind.
  CHECK(std::distance(fs::directory_iterator(scratch.path / "a"), fs::directory_iterator()) == 4);
}

TEST_CASE("the first customers of a larger run are exactly a smaller run", "[host]") {
  Scratch scratch("prefix");
  write_csv(scratch.path / "small", "--customers 40 --seed 3");
  write_csv(scratch.path / "large", "--customers 90 --seed 3");
  for (const char* file : files) {
    INFO(file);
    const std::string small = slurp(scratch.path / "small" / file);
    const std::string large = slurp(scratch.path / "large" / file);
    CHECK(large.size() > small.size());
    CHECK(large.compare(0, small.size(), small) == 0);
  }
}

TEST_CASE("seed 1 gives a fixed table of customers and sessions", "[host]") {
  // The generator's bytes are fixed by its arguments alone (own distributions over the
  // std::mt19937_64 sequence), so this table changes only when the generator does.
  Scratch scratch("golden");
  write_csv(scratch.path, "--customers 3 --seed 1");
  CHECK(slurp(scratch.path / "customers.csv") ==
        R"(shop_id,customer_id,created_at,updated_at,tags,currency_code,locale
shop-us,c0000001,2024-08-07T15:02:50Z,2025-05-16T06:23:39Z,,USD,en-US
shop-us,c0000002,2025-04-01T09:16:17Z,2025-06-21T09:52:47Z,,USD,en-US
shop-eu,c0000003,2025-03-13T07:50:00Z,2025-04-11T00:19:48Z,,EUR,fr-FR
)");
  CHECK(
      slurp(scratch.path / "user_sessions.csv") ==
      R"(shop_id,customer_id,session_id,start_time,end_time,device_type,browser_type,referrer_type,created_at
shop-us,c0000001,s-ac37396da6df8165,2024-08-07T14:48:21Z,2024-08-07T14:48:28Z,tablet,chrome,search,2024-08-07T14:48:21Z
shop-us,c0000001,s-3ec46ef5cca3110b,2024-12-03T23:49:53Z,2024-12-03T23:53:43Z,tablet,safari,search,2024-12-03T23:49:53Z
shop-us,c0000001,s-697ced2d941dfb6f,2025-03-11T00:38:32Z,2025-03-11T00:39:11Z,tablet,safari,email,2025-03-11T00:38:32Z
shop-us,c0000001,s-556ed4c03bf60573,2025-04-08T17:11:12Z,2025-04-08T17:11:26Z,mobile,safari,search,2025-04-08T17:11:12Z
shop-us,c0000001,s-6dacef8ce19523e0,2025-05-02T17:18:08Z,2025-05-02T17:28:52Z,tablet,safari,paid,2025-05-02T17:18:08Z
shop-us,c0000001,s-c1a76210eab0378d,2025-05-15T01:28:30Z,2025-05-15T01:28:39Z,tablet,safari,search,2025-05-15T01:28:30Z
shop-us,c0000002,s-97c4e6627d2f0e4b,2025-06-20T10:35:46Z,2025-06-20T10:36:11Z,tablet,chrome,search,2025-06-20T10:35:46Z
shop-eu,c0000003,s-a900ebab6714d100,2025-03-13T07:37:03Z,2025-03-13T07:37:11Z,mobile,chrome,direct,2025-03-13T07:37:03Z
shop-eu,c0000003,s-84a9149ce0b64de3,2025-04-09T10:41:01Z,2025-04-09T10:48:27Z,desktop,edge,email,2025-04-09T10:41:01Z
)");
}

TEST_CASE("cbf-features reads the generated CSV files and uses every record", "[host]") {
  Scratch scratch("features");
  const fs::path dir = scratch.path / "data";
  const Run generated =
      sample(fmt::format("--customers 300 --seed 11 --output csv:{}", dir.string()));
  REQUIRE(generated.exit_code == 0);
  const Counts counts = csv_counts(dir);
  CHECK(counts[0] == 300);
  CHECK(counts[1] > 10 * counts[0]);  // browsing funnels
  CHECK(counts[2] > counts[0]);       // customers come back
  CHECK(counts[3] > 0);               // some buy
  CHECK(generated.err ==
        fmt::format("cbf-sample: wrote 300 customers, {} interactions, {} sessions, {} "
                    "attribution rows to csv:{}\n",
                    counts[1], counts[2], counts[3], dir.string()));

  const fs::path diagnostics = scratch.path / "diagnostics.csv";
  const Run r = cbf_test::run_program(
      CBF_FEATURES_EXE, fmt::format("{} --as-of 2025-06-30T23:59:59Z --diagnostics {}",
                                    dir.string(), diagnostics.string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  // One row per customer and the header.
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 301);

  // Every record is used: each kind's `used` equals its rows, every other counter is 0.
  const std::map<std::string, std::int64_t> used{{"customer", counts[0]},
                                                 {"interaction", counts[1]},
                                                 {"session", counts[2]},
                                                 {"attribution", counts[3]}};
  std::istringstream lines(slurp(diagnostics));
  std::string line;
  std::getline(lines, line);
  CHECK(line == "record_kind,counter,value");
  int checked = 0;
  while (std::getline(lines, line)) {
    INFO(line);
    const auto first = line.find(',');
    const auto second = line.find(',', first + 1);
    const std::string kind = line.substr(0, first);
    const std::string counter = line.substr(first + 1, second - first - 1);
    const std::int64_t value = std::stoll(line.substr(second + 1));
    REQUIRE(used.count(kind) == 1);
    CHECK(value == (counter == "used" ? used.at(kind) : 0));
    ++checked;
  }
  CHECK(checked == 4 * 12);
}

TEST_CASE("the SQLite database holds the same rows as the CSV files of the same seed", "[host]") {
  Scratch scratch("sqlite");
  write_csv(scratch.path / "csv", "--customers 200 --seed 5");
  const fs::path db = scratch.path / "sample.db";
  const Run r =
      sample(fmt::format("--customers 200 --seed 5 --quiet --output sqlite:{}", db.string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  const Counts counts = csv_counts(scratch.path / "csv");
  CHECK(counts[0] == 200);
  CHECK(sqlite_counts(db) == counts);
  CHECK(!fs::exists(db.string() + ".partial"));

  // The same values: money as REAL, missing fields as NULL, stamps as the CSV's text.
  const cbf::host::Tables t = cbf::host::read_tables(scratch.path / "csv");
  cbf::host::sqlite::Database database(db.string(), SQLITE_OPEN_READONLY);
  cbf::host::sqlite::Statement money(database,
                                     "SELECT sum(attribution_value), count(DISTINCT order_id), "
                                     "min(created_at), max(created_at) FROM purchase_attributions");
  REQUIRE(money.step());
  double csv_money = 0.0;
  std::set<std::string> orders;
  for (const auto& a : t.attributions) {
    csv_money += *a.attribution_value;
    orders.insert(std::string(a.order_id));
  }
  CHECK(std::abs(money.column_double(0) - csv_money) < 1e-6);
  CHECK(money.column_int64(1) == static_cast<std::int64_t>(orders.size()));
  CHECK(money.column_text(2).size() == 20);  // YYYY-MM-DDTHH:MM:SSZ
  CHECK(money.column_text(3) <= "2025-06-30T23:59:59Z");
  const auto durations = std::count_if(t.interactions.begin(), t.interactions.end(),
                                       [](const auto& i) { return i.view_duration.has_value(); });
  CHECK(query_int(database, "SELECT count(view_duration) FROM user_interactions") == durations);
  CHECK(query_int(database,
                  "SELECT count(*) FROM user_interactions WHERE search_query IS NOT NULL") ==
        std::count_if(t.interactions.begin(), t.interactions.end(),
                      [](const auto& i) { return !i.search_query.empty(); }));
}

TEST_CASE("cbf-sample replaces an existing database instead of adding to it", "[host]") {
  Scratch scratch("replace");
  const fs::path db = scratch.path / "sample.db";
  REQUIRE(sample(fmt::format("--customers 30 --quiet --output sqlite:{}", db.string())).exit_code ==
          0);
  const Counts first = sqlite_counts(db);
  REQUIRE(sample(fmt::format("--customers 30 --quiet --output sqlite:{}", db.string())).exit_code ==
          0);
  CHECK(sqlite_counts(db) == first);
  CHECK(first[0] == 30);
}

TEST_CASE("an output that is neither csv nor sqlite gives exit code 1 and a message", "[host]") {
  for (const char* output : {"parquet:x", "x.db", "csv:", "sqlite:"}) {
    INFO(output);
    const Run r = sample(fmt::format("--customers 5 --output {}", output));
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(r.err == fmt::format("cbf-sample: error: --output: '{}' is neither csv:DIR, "
                               "sqlite:PATH nor a postgresql:// URL\n",
                               output));
  }
}

TEST_CASE("fewer than one customer and a bad period give exit code 1 and a message", "[host]") {
  Scratch scratch("options");
  const std::string out = fmt::format(" --output csv:{}", (scratch.path / "x").string());
  const Run none = sample("--customers 0" + out);
  CHECK(none.exit_code != 0);
  CHECK_THAT(none.err, Catch::StartsWith("--customers: 0 is not an integer in 1..100000000\n"));
  CHECK_THAT(sample("--start 2024-02-30" + out).err,
             Catch::Equals("cbf-sample: error: --start: '2024-02-30' is not a date YYYY-MM-DD\n"));
  CHECK(sample("--months 0" + out).exit_code != 0);
  CHECK(sample("--shops 7" + out).exit_code != 0);
  CHECK(!fs::exists(scratch.path / "x"));  // nothing is written before the options are checked
}

TEST_CASE("an unwritable output path gives exit code 1 and leaves no file", "[host]") {
  Scratch scratch("unwritable");
  const fs::path file = scratch.path / "a-file";
  std::ofstream(file) << "not a directory\n";
  const Run db = sample(fmt::format("--customers 5 --output sqlite:{}/x.db", file.string()));
  CHECK(db.exit_code == 1);
  CHECK_THAT(db.err, Catch::StartsWith(fmt::format("cbf-sample: error: {}/x.db: ", file.string())));
  const Run csv = sample(fmt::format("--customers 5 --output csv:{}/dir", file.string()));
  CHECK(csv.exit_code == 1);
  CHECK_THAT(csv.err, Catch::StartsWith(fmt::format("cbf-sample: error: {}/dir: ", file.string())));
  CHECK(std::distance(fs::directory_iterator(scratch.path), fs::directory_iterator()) == 1);
}

TEST_CASE("the period and the shops follow the options", "[host]") {
  Scratch scratch("period");
  write_csv(scratch.path, "--customers 200 --seed 2 --shops 3 --start 2023-03-15 --months 2");
  const cbf::host::Tables t = cbf::host::read_tables(scratch.path);
  std::set<std::string> shops;
  for (const auto& c : t.customers) shops.insert(std::string(c.shop_id));
  CHECK(shops == std::set<std::string>{"shop-eu", "shop-uk", "shop-us"});
  // 2023-03-15T00:00:00Z = 1678838400 s; two months later, 2023-05-15, is 61 days after.
  const auto first = std::chrono::sys_seconds{std::chrono::seconds{1678838400}};
  const auto end = first + std::chrono::days{61};
  REQUIRE(!t.interactions.empty());
  auto earliest = t.interactions.front().created_at.value();
  auto latest = earliest;
  for (const auto& i : t.interactions) {
    REQUIRE(i.created_at.is_valid());
    earliest = std::min(earliest, i.created_at.value());
    latest = std::max(latest, i.created_at.value());
  }
  CHECK(earliest >= first);
  CHECK(latest < end);
}

TEST_CASE(
    "every numeric option rejects a value out of its range or beyond its type, naming the "
    "option and its range, and writes nothing",
    "[host]") {
  Scratch scratch("numeric_options");
  const fs::path dir = scratch.path / "x";
  const std::vector<std::tuple<std::string, std::string, std::string>> cases{
      {"--customers", "0", "1..100000000"},
      {"--customers", "-1", "1..100000000"},
      {"--customers", "100000001", "1..100000000"},
      {"--customers", "9223372036854775807", "1..100000000"},
      {"--customers", "99999999999999999999", "1..100000000"},
      {"--customers", "0x10", "1..100000000"},
      {"--customers", "1e3", "1..100000000"},
      {"--seed", "-1", "0..18446744073709551615"},
      {"--seed", "18446744073709551616", "0..18446744073709551615"},
      {"--seed", "99999999999999999999999", "0..18446744073709551615"},
      {"--seed", "0x10", "0..18446744073709551615"},
      {"--shops", "0", "1..6"},
      {"--shops", "7", "1..6"},
      {"--shops", "4294967297", "1..6"},
      {"--months", "0", "1..96359"},
      {"--months", "96360", "1..96359"},
      {"--months", "4294967297", "1..96359"},
      {"--months", "99999999999999999999", "1..96359"},
  };
  for (const auto& [option, value, range] : cases) {
    // timeout: a value read as billions of customers would otherwise run for days.
    const Run r = cbf_test::run_program(
        "timeout 20 " + std::string(CBF_SAMPLE_EXE),
        fmt::format("--customers 5 {} {} --output csv:{}", option, value, dir.string()));
    INFO(option << " " << value << ": " << r.err);
    CHECK(r.exit_code != 0);
    CHECK_THAT(r.err, Catch::StartsWith(
                          fmt::format("{}: {} is not an integer in {}\n", option, value, range)));
    CHECK(!fs::exists(dir));
  }
  // "010" is ten, not octal eight; the ends of the ranges are accepted.
  write_csv(dir, "--customers 010 --seed 18446744073709551615 --shops 6 --months 1");
  const std::string customers = slurp(dir / "customers.csv");
  CHECK(std::count(customers.begin(), customers.end(), '\n') == 11);
  // A period that reaches beyond 9999 is still refused by the date check.
  const Run late = sample(fmt::format("--start 1970-02-01 --months 96359 --output csv:{}",
                                      (scratch.path / "y").string()));
  CHECK(late.exit_code == 1);
  CHECK_THAT(late.err, Catch::Contains("1970 to 9999"));
  CHECK(!fs::exists(scratch.path / "y"));
}
