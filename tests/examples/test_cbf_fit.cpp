// cbf-fit end to end: the real executable on the CDNOW summaries (the published estimates), on
// lifetimes-style columns, on the input tables of a directory, and its errors on bad input.
#include "cdnow.hpp"
#include "examples/run_program.hpp"

#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace fs = std::filesystem;

namespace {

using cbf_test::Run;
using cbf_test::run_program;
using cbf_test::slurp;

Run run(const std::string& args) { return run_program(CBF_FIT_EXE, args); }

/// The `name = value` lines of an output, in order.
std::vector<std::pair<std::string, std::string>> lines_of(const std::string& out) {
  std::vector<std::pair<std::string, std::string>> lines;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    const auto eq = line.find(" = ");
    if (eq == std::string::npos) {
      lines.emplace_back(line, "");
    } else {
      lines.emplace_back(line.substr(0, eq), line.substr(eq + 3));
    }
  }
  return lines;
}

/// The values of an output by name.
std::map<std::string, double> values_of(const std::string& out) {
  std::map<std::string, double> values;
  for (const auto& [name, value] : lines_of(out))
    if (name != "bg_nbd_converged" && name != "gamma_gamma_converged")
      values[name] = std::stod(value);
  return values;
}

/// The names of an output's lines, in order.
std::vector<std::string> names_of(const std::string& out) {
  std::vector<std::string> names;
  for (const auto& line : lines_of(out)) names.push_back(line.first);
  return names;
}

/// A scratch file with the given text, removed at the end.
struct TempFile {
  fs::path path;
  TempFile(const std::string& name, const std::string& text) {
    path = fs::temp_directory_path() / fmt::format("cbf_fit_{}_{}.csv", name, ::getpid());
    std::ofstream(path, std::ios::binary) << text;
  }
  ~TempFile() { fs::remove(path); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
};

/// The CDNOW summary file, or empty (after a WARN, or a FAIL under CI) when it is missing.
std::optional<std::string> cdnow_file() {
  const fs::path file = fs::path(CBF_CDNOW_DIR) / "cdnow_customers_summary_with_transactions.csv";
  if (fs::exists(file)) return file.string();
  const char* ci = std::getenv("CI");
  if (ci && std::string(ci) == "true") FAIL("CDNOW data missing in CI: " << file);
  WARN("skipped: CDNOW data not found at " << file << " (set -DCBF_CDNOW_DIR)");
  return std::nullopt;
}

const std::string fit_fixtures = std::string(CBF_FIXTURES_DIR) + "/fit";
const std::string small = std::string(CBF_FIXTURES_DIR) + "/small";

const std::vector<std::string> all_names{
    "customers", "r", "alpha", "a", "b", "log_likelihood", "p", "q", "gamma", "gg_log_likelihood"};

double round_to(double x, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(x * scale) / scale;
}

}  // namespace

TEST_CASE("cbf-fit --summary gives the published CDNOW estimates", "[fit]") {
  const auto file = cdnow_file();
  if (!file) return;
  const Run r = run("--summary " + *file);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(names_of(r.out) == all_names);
  const auto v = values_of(r.out);
  CHECK(v.at("customers") == 2357);
  // Fader, Hardie & Lee (2005): r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = −9582.4.
  CHECK(round_to(v.at("r"), 3) == Approx(0.243));
  CHECK(round_to(v.at("alpha"), 3) == Approx(4.414));
  CHECK(round_to(v.at("a"), 3) == Approx(0.793));
  CHECK(round_to(v.at("b"), 3) == Approx(2.426));
  CHECK(v.at("log_likelihood") == Approx(-9582.43).margin(0.01));
  // Fader, Hardie & Lee (2005b): p = 6.25, q = 3.74, γ = 15.44 (the CSV's MLE is 15.4477).
  CHECK(round_to(v.at("p"), 2) == Approx(6.25));
  CHECK(round_to(v.at("q"), 2) == Approx(3.74));
  CHECK(v.at("gamma") >= 15.44 - 0.01);
  CHECK(v.at("gamma") <= 15.45 + 0.01);
  CHECK(std::isfinite(v.at("gg_log_likelihood")));
}

TEST_CASE("cbf-fit --summary without the spend column fits BG/NBD alone", "[fit]") {
  const auto file = cdnow_file();
  if (!file) return;
  // Drop zbar: the same BG/NBD estimates, no Gamma-Gamma lines.
  std::ifstream in(*file);
  std::string text, line;
  while (std::getline(in, line)) text += line.substr(0, line.rfind(',')) + "\n";
  const TempFile no_spend("no_spend", text);
  const Run r = run("--summary " + no_spend.path.string());
  REQUIRE(r.exit_code == 0);
  CHECK(names_of(r.out) ==
        std::vector<std::string>{"customers", "r", "alpha", "a", "b", "log_likelihood"});
  CHECK(round_to(values_of(r.out).at("r"), 3) == Approx(0.243));
}

TEST_CASE("lifetimes' column names (frequency, recency, T, monetary_value) give the same fit",
          "[fit]") {
  const Run lifetimes = run("--summary " + fit_fixtures + "/lifetimes_columns.csv");
  const Run paper = run("--summary " + fit_fixtures + "/paper_columns.csv");
  INFO(lifetimes.out << lifetimes.err);
  REQUIRE(lifetimes.exit_code == 0);
  REQUIRE(paper.exit_code == 0);
  CHECK(lifetimes.out == paper.out);
  CHECK(names_of(lifetimes.out) == all_names);
  const auto v = values_of(lifetimes.out);
  CHECK(v.at("customers") == 30);
  for (const auto& [name, value] : v) {
    INFO(name);
    CHECK(std::isfinite(value));
  }
}

TEST_CASE("an ID or other columns anywhere are ignored and the header decides", "[fit]") {
  const TempFile shuffled("shuffled",
                          "T,note,recency,customer_id,monetary_value,frequency\n"
                          "38.86,a,30.43,1,22.35,2\n"
                          "38.86,\"b, c\",1.71,2,11.77,1\n"
                          "38.86,,0,3,0,0\n"
                          "38.86,,0,4,,0\n");
  const TempFile ordered("ordered",
                         "x,t_x,T,zbar\n2,30.43,38.86,22.35\n1,1.71,38.86,11.77\n"
                         "0,0,38.86,0\n0,0,38.86,0\n");
  const Run a = run("--summary " + shuffled.path.string());
  const Run b = run("--summary " + ordered.path.string());
  INFO(a.err);
  CHECK(a.exit_code == b.exit_code);
  CHECK(a.out == b.out);
  CHECK(values_of(a.out).at("customers") == 4);
}

TEST_CASE("cbf-fit --format cli prints options that cbf-features accepts", "[fit]") {
  const Run r = run("--summary " + fit_fixtures + "/lifetimes_columns.csv --format cli");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 2);
  CHECK_THAT(r.out, Catch::StartsWith("--bgnbd "));
  CHECK_THAT(r.out, Catch::Contains("\n--gg "));
  std::string options = r.out;
  std::replace(options.begin(), options.end(), '\n', ' ');
  const Run features =
      run_program(CBF_FEATURES_EXE, small + " --as-of 2025-03-31T00:00:00Z " + options);
  INFO(options << features.err);
  CHECK(features.exit_code == 0);
  CHECK(features.err.empty());

  const auto file = cdnow_file();
  if (!file) return;
  const Run cdnow = run("--summary " + *file + " --format cli");
  REQUIRE(cdnow.exit_code == 0);
  CHECK_THAT(cdnow.out, Catch::StartsWith("--bgnbd 0.2425"));
  CHECK_THAT(cdnow.out, Catch::Contains("\n--gg 6.24"));
}

TEST_CASE("cbf-fit --penalizer shrinks the parameters", "[fit]") {
  const std::string file = " --summary " + fit_fixtures + "/paper_columns.csv";
  const Run plain = run(file);
  const Run penalized = run(file + " --penalizer 0.1");
  REQUIRE(plain.exit_code == 0);
  REQUIRE(penalized.exit_code == 0);
  const auto v0 = values_of(plain.out), v1 = values_of(penalized.out);
  CHECK(v1.at("alpha") < v0.at("alpha"));
  CHECK(v1.at("log_likelihood") < v0.at("log_likelihood"));
  CHECK(run(file + " --penalizer -1").exit_code != 0);
}

TEST_CASE("DIR mode on a tiny population reports the fit as not converged, exit 3", "[fit]") {
  const Run r = run(small + " --as-of 2025-03-31T00:00:00Z");
  INFO(r.out << r.err);
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.out, Catch::StartsWith("customers = 2\n"));
  CHECK_THAT(r.out, Catch::Contains("\nbg_nbd_converged = false\n"));
  const auto v = values_of(r.out);
  for (const char* name : {"r", "alpha", "a", "b", "log_likelihood", "p", "q", "gamma"}) {
    INFO(name);
    REQUIRE(v.count(name) == 1);
    CHECK(std::isfinite(v.at(name)));
  }
}

TEST_CASE("DIR mode on the sample data prints every parameter", "[fit]") {
  const Run r = run(std::string(CBF_SAMPLE_DATA_DIR) + " --as-of 2025-06-30T23:59:59Z");
  INFO(r.out << r.err);
  CHECK((r.exit_code == 0 || r.exit_code == 3));
  const auto v = values_of(r.out);
  for (const auto& name : all_names) {
    INFO(name);
    REQUIRE(v.count(name) == 1);
    CHECK(std::isfinite(v.at(name)));
  }
  CHECK(v.at("customers") > 0);
  // The time unit scales α (a rate per unit) and leaves r, a, b alone.
  const Run days =
      run(std::string(CBF_SAMPLE_DATA_DIR) + " --as-of 2025-06-30T23:59:59Z --unit-days 1");
  const auto d = values_of(days.out);
  CHECK(d.at("customers") == v.at("customers"));
  CHECK(d.at("alpha") == Approx(7 * v.at("alpha")).epsilon(1e-4));
  CHECK(d.at("r") == Approx(v.at("r")).epsilon(1e-4));
}

TEST_CASE("cbf-fit reports bad input in one line naming the file, line and column", "[fit]") {
  const auto check_error = [](const Run& r, const std::string& expected) {
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Catch::StartsWith("cbf-fit: error: "));
    CHECK_THAT(r.err, Catch::Contains(expected));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  };
  check_error(run("--summary /nonexistent/summary.csv"), "/nonexistent/summary.csv");

  const TempFile bad_number("bad_number", "ID,x,t_x,T,zbar\n1,2,30.43,38.86,22.35\n2,1,abc,38,1\n");
  check_error(run("--summary " + bad_number.path.string()), bad_number.path.string() + ":3:3:");
  CHECK_THAT(run("--summary " + bad_number.path.string()).err, Catch::Contains("'abc'"));

  const TempFile negative("negative", "frequency,recency,T\n1,2,3\n-1,0,3\n");
  check_error(run("--summary " + negative.path.string()), negative.path.string() + ":3:1:");

  const TempFile infinite("infinite", "x,t_x,T\n1,2,1e999\n");
  check_error(run("--summary " + infinite.path.string()), infinite.path.string() + ":2:3:");

  const TempFile after("after", "ID,x,t_x,T\n1,2,30,38\n2,1,39.5,38\n");
  check_error(run("--summary " + after.path.string()), after.path.string() + ":3:3:");
  CHECK_THAT(run("--summary " + after.path.string()).err, Catch::Contains("t_x = 39.5"));

  const TempFile missing("missing", "ID,x,t_x,zbar\n1,2,30,4\n");
  check_error(run("--summary " + missing.path.string()), "x,t_x,T[,zbar]");
  CHECK_THAT(run("--summary " + missing.path.string()).err,
             Catch::Contains("frequency,recency,T[,monetary_value]"));

  const TempFile empty_spend("empty_spend", "x,t_x,T,zbar\n2,1,3,\n");
  check_error(run("--summary " + empty_spend.path.string()), empty_spend.path.string() + ":2:4:");

  const TempFile no_rows("no_rows", "x,t_x,T\n");
  check_error(run("--summary " + no_rows.path.string()), "no customer rows");

  check_error(run("/nonexistent/dir"), "not a directory");
  check_error(run(small + " --as-of yesterday"), "--as-of");
  check_error(run("--summary " + fit_fixtures + "/paper_columns.csv --as-of 2025-01-01"),
              "apply to DIR");
  check_error(run(""), "pass DIR or --summary");
  CHECK(run(small + " --format json").exit_code != 0);
}

TEST_CASE(
    "a summary header opening a quote never closed is an unterminated quoted field, found "
    "in one pass",
    "[fit]") {
  // 300 000 lines: a reader that rescans the header for each line takes most of a minute.
  std::string text = "x,\"t_x,T\n";
  text.reserve(text.size() + 300'000 * 2);
  for (int i = 0; i < 300'000; ++i) text += "1\n";
  const TempFile file("unterminated_header", text);
  const Run r = run("--summary " + file.path.string());
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err == "cbf-fit: error: " + file.path.string() + ":1:2: unterminated quoted field\n");
}

TEST_CASE("a summary header longer than 64 MiB is rejected by the row limit", "[fit]") {
  // 65 MiB of one unquoted line: the header alone may not exceed the limit either.
  const TempFile file("long_header", std::string(std::size_t{65} << 20, 'x') + "\n");
  const Run r = run("--summary " + file.path.string());
  INFO(r.err.substr(0, 200));
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err == "cbf-fit: error: " + file.path.string() + ":1: row longer than 67108864 bytes\n");
}

TEST_CASE("cbf-fit --format cli prints no options that cbf-features would reject, and says why",
          "[fit]") {
  // T = 0 for everyone: the fit does not converge and every BG/NBD parameter underflows to 0.
  const TempFile zero("zero_span", "x,t_x,T\n0,0,0\n");
  const Run r = run("--summary " + zero.path.string() + " --format cli");
  INFO(r.out << r.err);
  CHECK(r.exit_code == 3);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::StartsWith("cbf-fit: error: the fit did not converge and gave "
                                      "parameters that cbf-features rejects: BG/NBD r = 0, "
                                      "alpha = 0, a = 0, b = 0 (each parameter must be within "
                                      "1e-100..1e100"));
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  // Spans near the double range: alpha far beyond 1e100, the only parameter named.
  const TempFile huge("huge_span", "x,t_x,T\n0,0,1e300\n1,1e299,1e300\n");
  const Run h = run("--summary " + huge.path.string() + " --format cli");
  INFO(h.out << h.err);
  CHECK(h.exit_code == 3);
  CHECK(h.out.empty());
  CHECK_THAT(h.err, Catch::Contains("rejects: BG/NBD alpha = "));
  // The lines format still shows the values, with the fit's status.
  const Run lines = run("--summary " + zero.path.string());
  CHECK(lines.exit_code == 3);
  CHECK_THAT(lines.out, Catch::Contains("\nbg_nbd_converged = false\n"));
}

TEST_CASE("cbf-fit's numeric options reject a value out of range or unreadable, naming the option",
          "[fit]") {
  const std::string file = " --summary " + fit_fixtures + "/paper_columns.csv";
  const std::vector<std::pair<std::string, std::string>> summary_cases{
      {"--penalizer", "-1"},  {"--penalizer", "1000001"}, {"--penalizer", "1e999"},
      {"--penalizer", "nan"}, {"--penalizer", "inf"},     {"--penalizer", "0x10"},
      {"--penalizer", "1e-"}, {"--penalizer", "''"},
  };
  const std::string dir = small + " --as-of 2025-03-31T00:00:00Z";
  const std::vector<std::pair<std::string, std::string>> dir_cases{
      {"--unit-days", "0"},       {"--unit-days", "-7"},    {"--unit-days", "1e-7"},
      {"--unit-days", "1000001"}, {"--unit-days", "1e999"}, {"--unit-days", "0x7"},
      {"--unit-days", "nan"},
  };
  const auto check = [](const std::string& args, const std::string& option,
                        const std::string& value) {
    const Run r = run(args + " " + option + " " + value);
    INFO(option << " " << value << ": " << r.out << r.err);
    CHECK(r.exit_code != 0);
    CHECK(r.exit_code != 3);
    CHECK_THAT(r.err, Catch::Contains(option + ": "));
    CHECK(r.out.empty());
  };
  for (const auto& [option, value] : summary_cases) check(file, option, value);
  for (const auto& [option, value] : dir_cases) check(dir, option, value);
  // The ends of the ranges are accepted (the fit may or may not converge there).
  for (const std::string& args :
       {file + " --penalizer 1000000", dir + " --unit-days 1e-6", dir + " --unit-days 1e6"}) {
    const int code = run(args).exit_code;
    INFO(args);
    CHECK((code == 0 || code == 3));
  }
}
