// cbf-sample into PostgreSQL (the throwaway server of the fixture "postgres"): the same rows as its
// CSV files, one transaction per run, refusing to add to tables with rows unless --replace, and
// errors on one line that name the server without its password.
#include "examples/postgres_test.hpp"
#include "examples/run_program.hpp"

#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <unistd.h>
#include <algorithm>
#include <array>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fs = std::filesystem;

namespace {

using cbf_test::PgRows;
using cbf_test::Run;
using cbf_test::ScratchDatabase;

/// The four tables: CSV file and PostgreSQL table.
constexpr std::array<std::pair<std::string_view, std::string_view>, 4> tables{{
    {"customers.csv", "customer_data"},
    {"user_interactions.csv", "user_interactions"},
    {"user_sessions.csv", "user_sessions"},
    {"purchase_attributions.csv", "purchase_attributions"},
}};

/// A row as text, NULL as the empty field the CSV files write for it.
using Row = std::vector<std::string>;

/// Runs cbf-sample with `args`.
Run sample(const std::string& args) { return cbf_test::run_program(CBF_SAMPLE_EXE, args); }

/// Runs cbf-sample with `args` into `db`, requiring success without output.
void sample_ok(const ScratchDatabase& db, const std::string& args) {
  const Run r = sample(fmt::format("{} --quiet --output {}", args, db.url()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(r.err.empty());
}

/// The fields of `line` (no generated field holds a comma or a quote).
Row split(const std::string& line) {
  Row fields;
  std::istringstream in(line);
  for (std::string field; std::getline(in, field, ',');) fields.push_back(field);
  if (!line.empty() && line.back() == ',') fields.emplace_back();  // getline drops a last empty
  return fields;
}

/// The SELECT expression giving `column` as the CSV files write it.
std::string as_csv_text(const std::string& column) {
  if (column.ends_with("_at") || column.ends_with("_time"))
    return fmt::format(R"(to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))", column);
  if (column == "view_duration") return "view_duration::numeric(20, 1)::text";
  if (column == "attribution_value") return "attribution_value::numeric(20, 2)::text";
  return column;
}

/// The rows of `table` in `db` with the columns of `header`, as the CSV files write them, sorted.
std::vector<Row> database_rows(ScratchDatabase& db, std::string_view table, const Row& header) {
  std::vector<std::string> select;
  for (const std::string& column : header) select.push_back(as_csv_text(column));
  std::vector<Row> rows;
  for (const auto& cells :
       db.exec(fmt::format("SELECT {} FROM {}", fmt::join(select, ", "), table))) {
    Row& row = rows.emplace_back();
    for (const auto& cell : cells) row.push_back(cell.value_or(""));
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

/// Row count and a digest of the content (ids included) of each of the four tables.
PgRows fingerprint(ScratchDatabase& db) {
  std::vector<std::string> parts;
  for (const auto& [file, table] : tables)
    parts.push_back(
        fmt::format("(SELECT count(*) || ' ' || coalesce(md5(string_agg(t::text, '|' "
                    "ORDER BY id)), '') FROM {} t)",
                    table));
  return db.exec(fmt::format("SELECT {}", fmt::join(parts, ", ")));
}

/// The fingerprint of four empty tables.
const PgRows empty_tables{{"0 ", "0 ", "0 ", "0 "}};

/// A temporary directory of this process, removed with its content.
struct TempDir {
  fs::path path = fs::temp_directory_path() / fmt::format("cbf_sample_postgres_{}", ::getpid());
  ~TempDir() { fs::remove_all(path); }
};

}  // namespace

TEST_CASE("The same arguments written as CSV files and into PostgreSQL give the same rows",
          "[host]") {
  CBF_SKIP_WITHOUT_POSTGRES();
  ScratchDatabase db("sample same rows");
  const TempDir dir;
  // Six shops bring whole-yen amounts; 1000 customers pass the 4 MiB at which a table's rows are
  // sent, so user_interactions goes in more than one COPY.
  const std::string args = "--customers 1000 --seed 5 --shops 6";
  const Run csv = sample(fmt::format("{} --quiet --output csv:{}", args, dir.path.string()));
  REQUIRE(csv.exit_code == 0);
  REQUIRE(fs::file_size(dir.path / "user_interactions.csv") > (std::size_t{4} << 20));
  sample_ok(db, args);

  for (const auto& [file, table] : tables) {
    INFO(table);
    std::istringstream lines(cbf_test::slurp(dir.path / file));
    std::string line;
    REQUIRE(std::getline(lines, line));
    const Row header = split(line);
    std::vector<Row> expected;
    while (std::getline(lines, line)) expected.push_back(split(line));
    std::sort(expected.begin(), expected.end());
    REQUIRE(!expected.empty());

    const std::vector<Row> rows = database_rows(db, table, header);
    REQUIRE(rows.size() == expected.size());
    const auto [got, want] = std::mismatch(rows.begin(), rows.end(), expected.begin());
    if (got != rows.end()) {
      INFO("columns:  " << fmt::format("{}", fmt::join(header, ",")));
      INFO("database: " << fmt::format("{}", fmt::join(*got, ",")));
      INFO("CSV file: " << fmt::format("{}", fmt::join(*want, ",")));
      FAIL("a row differs");
    }
  }
  // Missing values are NULL, as in SQLite: empty tags, no search query, no duration.
  CHECK(db.exec("SELECT count(*) FILTER (WHERE tags = ''), count(*) FILTER (WHERE tags IS NULL) > "
                "0 FROM customer_data") == PgRows{{"0", "t"}});
  CHECK(db.exec("SELECT count(*) FILTER (WHERE search_query = ''), count(*) FILTER (WHERE "
                "view_duration IS NULL) > 0 FROM user_interactions") == PgRows{{"0", "t"}});
}

TEST_CASE("A second run refuses tables with rows and replaces them with replace", "[host]") {
  CBF_SKIP_WITHOUT_POSTGRES();
  ScratchDatabase db("sample replace");
  sample_ok(db, "--customers 40");
  const PgRows first = fingerprint(db);
  CHECK(first[0][0]->starts_with("40 "));

  const auto refusal = [&](std::string_view table) {
    return fmt::format(
        "cbf-sample: error: {}: table {} already has rows; pass --replace to empty the four input "
        "tables first\n",
        db.url(), table);
  };
  const Run again = sample(fmt::format("--customers 40 --output {}", db.url()));
  CHECK(again.exit_code == 1);
  CHECK(again.out.empty());
  CHECK(again.err == refusal("customer_data"));
  CHECK(fingerprint(db) == first);

  // The same rows again, ids included: not doubled.
  sample_ok(db, "--customers 40 --replace");
  CHECK(fingerprint(db) == first);

  // Any of the four tables with rows is enough to refuse.
  db.exec("TRUNCATE customer_data, user_sessions, purchase_attributions");
  const Run one = sample(fmt::format("--customers 40 --output {}", db.url()));
  CHECK(one.exit_code == 1);
  CHECK(one.err == refusal("user_interactions"));
}

TEST_CASE("An unreachable server exits 1 with one line that hides the password", "[host]") {
  for (const std::string scheme : {"postgresql", "postgres"}) {
    const Run r = sample(fmt::format("--customers 5 --output {}://u:secret@127.0.0.1:1/x", scheme));
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(r.err.starts_with(
        fmt::format("cbf-sample: error: {}://u:***@127.0.0.1:1/x: cannot connect: ", scheme)));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(r.err.ends_with("\n"));
    CHECK(r.err.find("secret") == std::string::npos);
  }
  const Run other = sample("--customers 5 --output mysql://u:secret@127.0.0.1/x");
  CHECK(other.exit_code == 1);
  CHECK(other.err ==
        "cbf-sample: error: --output: 'mysql://u:***@127.0.0.1/x' is neither csv:DIR, "
        "sqlite:PATH nor a postgresql:// URL\n");
}

TEST_CASE("A failure in the middle of the load leaves the tables as they were", "[host]") {
  CBF_SKIP_WITHOUT_POSTGRES();
  ScratchDatabase db("sample rollback");
  sample_ok(db, "--customers 20");
  const PgRows before = fingerprint(db);
  // Sessions are sent after the customers and interactions, which the failure must take back.
  db.exec("ALTER TABLE user_sessions ADD CONSTRAINT rejects_every_row CHECK (false) NOT VALID");

  const auto check_fails = [&](const std::string& args) {
    const Run r = sample(fmt::format("--customers 300 {} --output {}", args, db.url()));
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("rejects_every_row"));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  };
  check_fails("--replace");  // the truncation is taken back too
  CHECK(fingerprint(db) == before);

  db.exec("TRUNCATE customer_data, user_interactions, user_sessions, purchase_attributions");
  check_fails("");
  CHECK(fingerprint(db) == empty_tables);
}
