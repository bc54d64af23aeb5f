// The libpq wrapper of the hosts (examples/common/postgres.hpp, postgres_tables.hpp): the COPY
// text format both ways, redacted URLs, and reading the input tables whatever their column types.
#include "examples/postgres_test.hpp"

#include "common/postgres.hpp"
#include "common/postgres_tables.hpp"
#include "common/timestamp.hpp"

#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <optional>
#include <string>
#include <vector>

namespace pg = cbf::host::pg;

namespace {

/// The fields of one COPY row, copied out of the views.
std::vector<std::optional<std::string>> split(std::string_view line) {
  std::vector<std::optional<std::string_view>> fields;
  std::string scratch;
  pg::split_copy_row(line, fields, scratch);
  std::vector<std::optional<std::string>> copies;
  for (const auto& f : fields) copies.push_back(f ? std::optional<std::string>(*f) : std::nullopt);
  return copies;
}

}  // namespace

TEST_CASE("split_copy_row reads tabs as separators and backslash N as NULL") {
  using Fields = std::vector<std::optional<std::string>>;
  CHECK(split("a\tb") == Fields{"a", "b"});
  CHECK(split("") == Fields{""});
  CHECK(split("\\N\t\t\\N") == Fields{std::nullopt, "", std::nullopt});
  CHECK(split("x\\N") == Fields{"xN"});  // only a whole field \N is NULL
}

TEST_CASE("split_copy_row undoes every escape of the text format") {
  using Fields = std::vector<std::optional<std::string>>;
  CHECK(split("a\\tb\\nc\\rd\\\\e") == Fields{"a\tb\nc\rd\\e"});
  CHECK(split("\\b\\f\\v") == Fields{"\b\f\v"});
  CHECK(split("\\101\\7\\x41\\x4a") == Fields{"A\aAJ"});
  CHECK(split("\\q\\x") == Fields{"qx"});  // any other character stands for itself
  CHECK(split("end\\") == Fields{"end\\"});
}

TEST_CASE("append_copy_text escapes what split_copy_row unescapes") {
  const std::vector<std::string> values{"plain", "tab\there", "line\nbreak\r\n", "back\\slash",
                                        "\\N",   "",          "ünïcödé €"};
  std::string line;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) line += '\t';
    pg::append_copy_text(line, values[i]);
  }
  std::vector<std::optional<std::string>> expected(values.begin(), values.end());
  CHECK(split(line) == expected);
}

TEST_CASE("redact_url hides a password and nothing else") {
  CHECK(pg::redact_url("postgresql://u:secret@host:5432/db") == "postgresql://u:***@host:5432/db");
  CHECK(pg::redact_url("postgresql://u@host/db") == "postgresql://u@host/db");
  CHECK(pg::redact_url("postgresql://host:5432/db") == "postgresql://host:5432/db");
  CHECK(pg::redact_url("postgresql://host/db?user=a@b") == "postgresql://host/db?user=a@b");
  CHECK(pg::redact_url("sqlite:x") == "sqlite:x");
}

TEST_CASE("COPY out and in keep any text exactly and NULL apart from empty") {
  CBF_SKIP_WITHOUT_POSTGRES();
  cbf_test::ScratchDatabase scratch("copy_round_trip");
  pg::Connection db(scratch.url());
  db.exec("CREATE TABLE t (id INT, v TEXT)");
  const std::vector<std::string> values{"tab\there", "line\nbreak", "back\\slash",           "\\N",
                                        "",          "ünïcödé €",   std::string(100000, 'x')};
  std::string data;
  for (std::size_t i = 0; i < values.size(); ++i) {
    data += fmt::format("{}\t", i);
    pg::append_copy_text(data, values[i]);
    data += '\n';
  }
  data += "99\t\\N\n";
  db.copy_in("COPY t FROM STDIN", data);
  std::vector<std::optional<std::string>> read;
  db.copy_out("COPY (SELECT v FROM t ORDER BY id) TO STDOUT",
              [&](std::string_view line) { read.push_back(split(line).at(0)); });
  std::vector<std::optional<std::string>> expected(values.begin(), values.end());
  expected.push_back(std::nullopt);
  CHECK(read == expected);
}

TEST_CASE("A failing statement throws with PostgreSQL's message and the redacted server") {
  CBF_SKIP_WITHOUT_POSTGRES();
  cbf_test::ScratchDatabase scratch("failing");
  pg::Connection db(scratch.url());
  CHECK_THROWS_WITH(db.exec("SELECT * FROM no_such_table"),
                    Catch::Contains("relation \"no_such_table\" does not exist") &&
                        Catch::StartsWith("postgresql://postgres@127.0.0.1:"));
  CHECK_THROWS_WITH(pg::Connection("postgresql://u:secret@127.0.0.1:1/x"),
                    Catch::StartsWith("postgresql://u:***@127.0.0.1:1/x: cannot connect: ") &&
                        !Catch::Contains("secret") && !Catch::Contains("\n"));
}

TEST_CASE("Input tables read TIMESTAMPTZ TIMESTAMP TEXT and epoch columns as timestamps") {
  CBF_SKIP_WITHOUT_POSTGRES();
  cbf_test::ScratchDatabase scratch("column_types");
  // Hosts' own schemas vary: each timestamp column here has another type, money is NUMERIC, and
  // optional columns are absent.
  scratch.exec(
      "CREATE TABLE customer_data (customer_id TEXT, created_at TIMESTAMP);"
      "CREATE TABLE user_interactions (customer_id TEXT, event_type TEXT, view_duration NUMERIC, "
      "created_at TEXT);"
      "CREATE TABLE user_sessions (customer_id TEXT, session_id TEXT, start_time BIGINT, "
      "end_time TIMESTAMPTZ);"
      "CREATE TABLE purchase_attributions (customer_id TEXT, order_id TEXT, "
      "attribution_value NUMERIC(12, 2), created_at TIMESTAMPTZ);"
      "INSERT INTO customer_data VALUES ('c1', '2025-01-02 03:04:05.25'), ('c2', NULL);"
      "INSERT INTO user_interactions VALUES ('c1', 'page_viewed', 12.5, "
      "'2025-01-26T16:03:00+02:00'),"
      "('c1', 'page_viewed', NULL, 'yesterday');"
      "INSERT INTO user_sessions VALUES ('c1', 's1', 1737900180, '2025-01-26 15:03:00+01');"
      "INSERT INTO purchase_attributions VALUES ('c1', 'o1', 19.90, "
      "'2025-01-27 10:00:00.123456-05');");
  pg::Connection db(scratch.url());
  const cbf::host::Tables t = pg::read_tables(db);
  REQUIRE(t.customers.size() == 2);
  REQUIRE(t.interactions.size() == 2);
  REQUIRE(t.sessions.size() == 1);
  REQUIRE(t.attributions.size() == 1);
  const auto stamp = [](std::string_view text) { return cbf::host::parse_timestamp(text); };
  CHECK(t.customers[0].created_at == stamp("2025-01-02T03:04:05.250Z"));
  CHECK(t.customers[1].created_at.is_missing());
  CHECK(t.customers[0].shop_id.empty());
  CHECK(t.interactions[0].created_at == stamp("2025-01-26T14:03:00Z"));
  CHECK(t.interactions[0].view_duration == 12.5);
  CHECK(!t.interactions[1].view_duration.has_value());
  CHECK(!t.interactions[1].created_at.is_valid());
  CHECK(!t.interactions[1].created_at.is_missing());
  CHECK(t.sessions[0].start_time == stamp("2025-01-26T14:03:00Z"));
  CHECK(t.sessions[0].end_time == stamp("2025-01-26T14:03:00Z"));
  CHECK(t.attributions[0].attribution_value == 19.9);
  CHECK(t.attributions[0].created_at == stamp("2025-01-27T15:00:00.123456Z"));
}

TEST_CASE("Reading names a missing table or required column") {
  CBF_SKIP_WITHOUT_POSTGRES();
  cbf_test::ScratchDatabase scratch("missing_column");
  pg::Connection db(scratch.url());
  CHECK_THROWS_WITH(pg::read_tables(db), "the database has no table customer_data");
  scratch.exec(
      "CREATE TABLE customer_data (customer_id TEXT);"
      "CREATE TABLE user_interactions (customer_id TEXT, created_at TIMESTAMPTZ);");
  CHECK_THROWS_WITH(pg::read_tables(db), "table user_interactions has no column event_type");
}
