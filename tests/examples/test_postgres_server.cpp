// The throwaway PostgreSQL server of the CTest fixture "postgres" and the test support on it
// (examples/postgres_test.hpp): the server answers, scratch databases are separate and dropped, and
// rows come back exactly.
#include "examples/postgres_test.hpp"

#include <catch2/catch.hpp>

#include <optional>
#include <string>

namespace {

using cbf_test::PgRows;
using cbf_test::ScratchDatabase;

/// How many databases named `name` the server has (0 or 1).
std::string databases_named(const std::string& name) {
  const PgRows rows = cbf_test::pg_exec(
      *cbf_test::postgres_url(), "SELECT count(*) FROM pg_database WHERE datname = '" + name + "'");
  REQUIRE(rows.size() == 1);
  REQUIRE(rows[0].size() == 1);
  return rows[0][0].value_or("NULL");
}

}  // namespace

TEST_CASE("The throwaway server answers select version on loopback") {
  CBF_SKIP_WITHOUT_POSTGRES();
  const std::string url = *cbf_test::postgres_url();
  CHECK(url.starts_with("postgresql://postgres@127.0.0.1:"));
  CHECK(url.ends_with("/postgres"));

  const PgRows rows = cbf_test::pg_exec(url, "SELECT version()");
  REQUIRE(rows.size() == 1);
  REQUIRE(rows[0].size() == 1);
  REQUIRE(rows[0][0].has_value());
  CHECK(rows[0][0]->starts_with("PostgreSQL "));

  // The connection really goes over TCP to the loopback address the URL names.
  const PgRows addr = cbf_test::pg_exec(url, "SELECT host(inet_server_addr())");
  REQUIRE(addr.size() == 1);
  CHECK(addr[0][0] == std::optional<std::string>("127.0.0.1"));
}

TEST_CASE("Two scratch databases are distinct and each is dropped when it goes out of scope") {
  CBF_SKIP_WITHOUT_POSTGRES();
  std::string first_name, second_name;
  {
    ScratchDatabase first("two dbs");
    first_name = first.name();
    {
      ScratchDatabase second("two dbs");
      second_name = second.name();
      CHECK(first.name() != second.name());
      CHECK(first.url() != second.url());
      CHECK(databases_named(first.name()) == "1");
      CHECK(databases_named(second.name()) == "1");

      // Each URL leads to its own database, and a table made in one is absent from the other.
      CHECK(first.exec("SELECT current_database()") == PgRows{{first.name()}});
      CHECK(second.exec("SELECT current_database()") == PgRows{{second.name()}});
      first.exec("CREATE TABLE only_in_first (x int)");
      CHECK(first.exec("SELECT to_regclass('only_in_first') IS NOT NULL") == PgRows{{"t"}});
      CHECK(second.exec("SELECT to_regclass('only_in_first') IS NOT NULL") == PgRows{{"f"}});
    }
    CHECK(databases_named(second_name) == "0");
    CHECK(databases_named(first_name) == "1");
  }
  CHECK(databases_named(first_name) == "0");
}

TEST_CASE("A scratch database is dropped even while another connection holds it") {
  CBF_SKIP_WITHOUT_POSTGRES();
  std::string name;
  cbf_test::PgConnection other;
  {
    ScratchDatabase db("held");
    name = db.name();
    other = cbf_test::pg_connect(db.url());  // as a host under test might leave one open
  }
  CHECK(databases_named(name) == "0");
}

TEST_CASE("Exec returns NULL as nullopt and text values exactly") {
  CBF_SKIP_WITHOUT_POSTGRES();
  ScratchDatabase db("exec");
  db.exec(
      "CREATE TABLE t (id int PRIMARY KEY, s text, ts timestamptz);"
      "SET TIME ZONE 'UTC';"
      "INSERT INTO t VALUES (1, NULL, NULL), (2, '', '2025-06-30 23:59:59.5+02'),"
      " (3, ' tab\there, newline\n and é ', '2025-01-01T00:00:00Z')");

  const PgRows rows = db.exec("SELECT id, s, ts FROM t ORDER BY id");
  const PgRows expected = {
      {"1", std::nullopt, std::nullopt},
      {"2", "", "2025-06-30 21:59:59.5+00"},
      {"3", " tab\there, newline\n and é ", "2025-01-01 00:00:00+00"},
  };
  CHECK(rows == expected);

  // An empty text is not NULL, and a statement without rows gives no rows.
  CHECK(db.exec("SELECT '' IS NULL, NULL::text IS NULL") == PgRows{{"f", "t"}});
  CHECK(db.exec("SELECT 1 WHERE false").empty());
  CHECK(db.exec("UPDATE t SET s = 'x' WHERE id = 99").empty());
}
