// cbf-features on hostile input files: each is either read as contract §5 documents, or rejected
// with one line naming the file, the line and (where it applies) the column, writing nothing.
#include "common/csv_reader.hpp"
#include "common/tables.hpp"
#include "examples/run_program.hpp"

#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

namespace fs = std::filesystem;

namespace {

using cbf_test::InputDir;
using cbf_test::Run;
using cbf_test::slurp;

constexpr std::string_view as_of = "2025-02-01T00:00:00Z";
constexpr std::string_view interactions_header = "customer_id,event_type,created_at,search_query\n";

/// Runs cbf-features on `dir` at `as_of`, with any further `args`.
Run run_on(const InputDir& dir, const std::string& args = "") {
  return cbf_test::run_program(CBF_FEATURES_EXE,
                               fmt::format("{} --as-of {} {}", dir.path.string(), as_of, args));
}

/// Checks that cbf-features fails on `dir` with the one line "cbf-features: error: DIR/`where`".
// Nothing may be written: the existing --output file keeps its bytes, --diagnostics is not created.
void check_rejected(const InputDir& dir, const std::string& where) {
  const fs::path output = dir.path / "features.csv";
  const fs::path diagnostics = dir.path / "diagnostics.csv";
  const std::string before = "features of an earlier run\n";
  dir.write("features.csv", before);
  const Run r = run_on(
      dir, fmt::format("--output {} --diagnostics {}", output.string(), diagnostics.string()));
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err == fmt::format("cbf-features: error: {}\n", (dir.path / where).string()));
  CHECK(slurp(output) == before);
  CHECK_FALSE(fs::exists(diagnostics));
  CHECK_FALSE(fs::exists(output.string() + ".partial"));
}

/// What a successful run wrote: the features table and the diagnostics table.
struct Written {
  std::string features;
  std::string diagnostics;
};

/// Runs cbf-features on `dir`, requiring success, and returns both tables.
Written read_ok(const InputDir& dir) {
  const fs::path diagnostics = dir.path / "diagnostics.csv";
  const Run r = run_on(dir, "--diagnostics " + diagnostics.string());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  return {r.out, slurp(diagnostics)};
}

/// True when `table` holds `line` as one whole line.
bool has_line(const std::string& table, const std::string& line) {
  return table.starts_with(line + "\n") || table.find("\n" + line + "\n") != std::string::npos;
}

/// The number of lines of `table`.
std::size_t lines(const std::string& table) {
  return static_cast<std::size_t>(std::count(table.begin(), table.end(), '\n'));
}

constexpr std::array<std::string_view, 4> input_files{
    "customers.csv", "user_interactions.csv", "user_sessions.csv", "purchase_attributions.csv"};

}  // namespace

// ---- truncated files ------------------------------------------------------------------------

TEST_CASE("a file cut inside a quoted field is rejected at the line where the field starts",
          "[host][hostile]") {
  InputDir dir("cut_in_quotes");
  dir.write("user_interactions.csv",
            fmt::format("{}c1,search,2025-01-01T00:00:00Z,\"red sh", interactions_header));
  check_rejected(dir, "user_interactions.csv:2:4: unterminated quoted field");
}

TEST_CASE("a file cut inside an unquoted field is its last row and its damage is counted",
          "[host][hostile]") {
  // RFC 4180 lets the last row end without a line end, so a cut there cannot be told from a
  // complete row: the row is read as it is. A cut stamp is bad_timestamp; a row cut before its
  // created_at lacks a required field (missing_field). Either way the key gets its row.
  struct Cut {
    std::string_view row;
    std::string_view counted;
  };
  InputDir dir("cut_unquoted");
  for (const Cut& cut : {Cut{"c2,page_view,2025-01-0", "interaction,bad_timestamp,1"},
                         Cut{"c2,page_v", "interaction,missing_field,1"}}) {
    INFO(cut.row);
    dir.write("user_interactions.csv", fmt::format("{}c1,page_view,2025-01-01T00:00:00Z,\n{}",
                                                   interactions_header, cut.row));
    const Written t = read_ok(dir);
    CHECK(lines(t.features) == 3);  // the header, c1 and c2
    CHECK(t.features.find("\n,c2,") != std::string::npos);
    CHECK(has_line(t.diagnostics, "interaction,used,1"));
    CHECK(has_line(t.diagnostics, std::string(cut.counted)));
  }
}

// ---- encodings ------------------------------------------------------------------------------

TEST_CASE("a UTF-16 file is rejected at line 1 whichever input it is", "[host][hostile]") {
  // "customer_id\nc1\n" in UTF-16 LE and BE, each after its byte-order mark.
  using namespace std::string_literals;
  const std::string le =
      "\xFF\xFE"
      "c\0u\0s\0t\0o\0m\0e\0r\0_\0i\0d\0\n\0c\0"
      "1\0\n\0"s;
  const std::string be =
      "\xFE\xFF"
      "\0c\0u\0s\0t\0o\0m\0e\0r\0_\0i\0d\0\n\0c\0"
      "1\0\n"s;
  for (const std::string_view file : input_files) {
    for (const std::string& text : {le, be}) {
      InputDir dir("utf16");
      dir.write(std::string(file), text);
      check_rejected(
          dir,
          fmt::format("{}:1: starts with a UTF-16 byte-order mark; the file must be UTF-8", file));
    }
  }
}

TEST_CASE("a UTF-8 byte-order mark is skipped in every input", "[host][hostile]") {
  // Contract §5: "UTF-8, an optional byte-order mark".
  InputDir dir("utf8_bom");
  const std::string bom = "\xEF\xBB\xBF";
  dir.write("customers.csv", bom + "customer_id,created_at\nc1,2025-01-01\n");
  dir.write("user_interactions.csv", bom +
                                         "customer_id,event_type,created_at\nc1,page_view,"
                                         "2025-01-02T10:00:00Z\n");
  dir.write("user_sessions.csv",
            bom + "customer_id,session_id,start_time\nc1,s1,2025-01-02T10:00:00Z\n");
  dir.write("purchase_attributions.csv",
            bom + "customer_id,order_id,created_at\nc1,o1,2025-01-02T10:05:00Z\n");
  const Written t = read_ok(dir);
  CHECK(lines(t.features) == 2);
  for (const std::string_view kind : {"customer", "interaction", "session", "attribution"})
    CHECK(has_line(t.diagnostics, fmt::format("{},used,1", kind)));
}

TEST_CASE("bytes that are not UTF-8 are kept as they are and only A-Z are lower-cased",
          "[host][hostile]") {
  // Contract §0 Text: ids are used exactly as given, categorical values and queries lower-case
  // the ASCII letters only. So Latin-1 "c\xE9" (é) and UTF-8 "c\xC3\xA9" are two customers, and
  // the queries "caf\xE9", "CAF\xE9" and "CAF\xC9" normalise to "caf\xE9", "caf\xE9" and
  // "caf\xC9": 2 distinct of 3, in one derived session (3 searches per session).
  InputDir dir("latin1");
  dir.write("user_interactions.csv", fmt::format("{}"
                                                 "c\xE9,search,2025-01-01T10:00:00Z,caf\xE9\n"
                                                 "c\xE9,search,2025-01-01T10:01:00Z,CAF\xE9\n"
                                                 "c\xE9,search,2025-01-01T10:02:00Z,CAF\xC9\n"
                                                 "c\xC3\xA9,page_view,2025-01-01T10:00:00Z,\n",
                                                 interactions_header));
  const Written t = read_ok(dir);
  CHECK(lines(t.features) == 3);
  CHECK(t.features.find("\n,c\xC3\xA9,0,") != std::string::npos);
  const auto latin1 = t.features.find("\n,c\xE9,0,");
  REQUIRE(latin1 != std::string::npos);
  CHECK(t.features.find(",3,0.6666666666666666,", latin1) != std::string::npos);
}

// ---- headers --------------------------------------------------------------------------------

TEST_CASE("a header without a required column is rejected at its line naming the column",
          "[host][hostile]") {
  struct Case {
    std::string_view file;
    std::string_view header;
    std::string_view missing;
  };
  // Each required column of contract §1 left out of an otherwise complete header.
  const std::array<Case, 10> cases{{
      {"customers.csv", "shop_id,created_at", "customer_id"},
      {"user_interactions.csv", "event_type,created_at", "customer_id"},
      {"user_interactions.csv", "customer_id,created_at", "event_type"},
      {"user_interactions.csv", "customer_id,event_type", "created_at"},
      {"user_sessions.csv", "session_id,start_time", "customer_id"},
      {"user_sessions.csv", "customer_id,start_time", "session_id"},
      {"user_sessions.csv", "customer_id,session_id", "start_time"},
      {"purchase_attributions.csv", "order_id,created_at", "customer_id"},
      {"purchase_attributions.csv", "customer_id,created_at", "order_id"},
      {"purchase_attributions.csv", "customer_id,order_id", "created_at"},
  }};
  for (const Case& c : cases) {
    INFO(c.file << ": " << c.header);
    InputDir dir("no_column");
    // The header is the first non-empty line: here line 3.
    dir.write(std::string(c.file), fmt::format("\n\n{}\nx,y\n", c.header));
    check_rejected(dir,
                   fmt::format("{}:3: header lacks the required column '{}'", c.file, c.missing));
  }
}

TEST_CASE("a header of only unknown columns lacks the required ones even without rows",
          "[host][hostile]") {
  InputDir dir("unknown_header");
  dir.write("user_sessions.csv", "<html>\n");
  check_rejected(dir, "user_sessions.csv:1: header lacks the required column 'customer_id'");
}

TEST_CASE("a repeated column name takes the first column", "[host][hostile]") {
  // Contract §5: "a repeated name: the first column wins".
  InputDir dir("repeated_name");
  dir.write("customers.csv", "customer_id,created_at,customer_id\nc1,2025-01-01,c2\n");
  const Written t = read_ok(dir);
  CHECK(lines(t.features) == 2);
  CHECK(t.features.find("\n,c1,") != std::string::npos);
  CHECK(t.features.find("c2") == std::string::npos);
}

TEST_CASE("empty files and files with only a header hold no records", "[host][hostile]") {
  // Contract §5: the header is the first non-empty line, so a file without one has no records,
  // like a missing file. Without records there is no stamp: --as-of is then required.
  for (const std::string_view content : {"", "\n\r\n", "customer_id,created_at\n"}) {
    InputDir dir("no_records");
    for (const std::string_view file : input_files) {
      const bool header = !content.empty() && content.front() == 'c';
      dir.write(std::string(file),
                header && file != "customers.csv"
                    ? "customer_id,event_type,session_id,start_time,order_id,created_at\n"
                    : std::string(content));
    }
    const Written t = read_ok(dir);
    CHECK(lines(t.features) == 1);
    CHECK(t.features.starts_with("shop_id,customer_id,total_purchases,"));
    std::ostringstream no_counts;
    cbf::host::write_diagnostics_csv(no_counts, cbf::Diagnostics{});
    CHECK(t.diagnostics == no_counts.str());
    const Run without_as_of = cbf_test::run_program(CBF_FEATURES_EXE, dir.path.string());
    CHECK(without_as_of.exit_code == 1);
    CHECK_THAT(without_as_of.err, Catch::Contains("pass --as-of"));
  }
}

// ---- quotes, sizes, bytes and line ends -----------------------------------------------------

TEST_CASE("a quote never closed is rejected at the line where its field starts",
          "[host][hostile]") {
  // The open quote swallows the rest of the file, line ends included.
  InputDir dir("never_closed");
  dir.write("purchase_attributions.csv",
            "customer_id,order_id,created_at\nc1,o1,2025-01-01\nc1,\"o2,2025-01-01\n"
            "c1,o3,2025-01-02\nc1,o4,2025-01-03\n");
  check_rejected(dir, "purchase_attributions.csv:3:2: unterminated quoted field");
}

TEST_CASE("a row longer than 64 MiB is rejected at the line where it starts", "[host][hostile]") {
  // A row that starts as any other and goes on for 64 MiB without a line end.
  InputDir dir("long_row");
  const std::string start = fmt::format("{}c1,search,{},", interactions_header, as_of);
  {
    std::ofstream out(dir.path / "user_interactions.csv", std::ios::binary);
    out << start;
    const std::string mebibyte(std::size_t{1} << 20, 'x');
    for (int i = 0; i < 64; ++i) out << mebibyte;
    REQUIRE(out.good());
  }
  check_rejected(dir, fmt::format("user_interactions.csv:2: row longer than {} bytes",
                                  cbf::host::default_max_row_bytes));
}

TEST_CASE("a NUL byte is an ordinary byte of a field", "[host][hostile]") {
  // Contract §5 reads UTF-8, where U+0000 is a character like any other: "c\0001" is an id of its
  // own, written back as it is; in a stamp or a money value it is not part of the grammar.
  InputDir dir("nul");
  using namespace std::string_literals;
  dir.write("purchase_attributions.csv",
            "customer_id,order_id,created_at,attribution_value\n"
            "c1,o1,2025-01-01,1\n"
            "c\0"
            "1,o2,2025-01-01,2\n"
            "c1,o3,2025-01-01\0,3\n"
            "c1,o4,2025-01-01,4\0\n"s);
  const Written t = read_ok(dir);
  CHECK(lines(t.features) == 3);
  CHECK(t.features.find("\n,c1,1,1,") != std::string::npos);
  CHECK(t.features.find("\n,c\0"
                        "1,1,2,"s) != std::string::npos);
  CHECK(has_line(t.diagnostics, "attribution,used,2"));
  CHECK(has_line(t.diagnostics, "attribution,bad_timestamp,1"));
  CHECK(has_line(t.diagnostics, "attribution,bad_money,1"));
}

TEST_CASE("CR-only line ends are read like LF and errors name the right line", "[host][hostile]") {
  // RFC 4180 ends lines with CRLF; like Python's csv module, a lone CR also ends one. Lines
  // here: 1 header, 2 c1, 3 empty, 4 c2.
  InputDir dir("cr_only");
  dir.write("user_sessions.csv",
            "customer_id,session_id,start_time\rc1,s1,2025-01-01T10:00:00Z\r\r"
            "c2,s2,2025-01-01T11:00:00Z\r");
  const Written t = read_ok(dir);
  CHECK(lines(t.features) == 3);
  CHECK(has_line(t.diagnostics, "session,used,2"));

  InputDir bad("cr_only_bad");
  bad.write("user_sessions.csv",
            "customer_id,session_id,start_time\rc1,s1,2025-01-01T10:00:00Z\r\r"
            "c2,s\"2,2025-01-01T11:00:00Z\r");
  check_rejected(bad, "user_sessions.csv:4:2: quote inside an unquoted field");
}
