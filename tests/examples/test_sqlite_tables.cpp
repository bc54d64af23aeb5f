// The four input tables read from SQLite: serially on one connection, and in parallel on
// connections of their own in one snapshot (the same records in the same order, writers kept out
// of the snapshot, a failed part reported with its table).
#include "examples/run_program.hpp"

#include "common/errors.hpp"
#include "common/sqlite.hpp"
#include "common/sqlite_tables.hpp"

#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <unistd.h>
#include <filesystem>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace fs = std::filesystem;
namespace sqlite = cbf::host::sqlite;
using cbf::host::Tables;

namespace {

/// A scratch directory, removed with its content.
struct Scratch {
  fs::path path;
  explicit Scratch(const std::string& name)
      : path(fs::temp_directory_path() / fmt::format("cbf_sqlite_tables_{}_{}", name, ::getpid())) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~Scratch() { fs::remove_all(path); }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
};

/// cbf-sample's shop of `customers` customers (seed 7) as the SQLite database `path`.
void sample(const fs::path& path, int customers = 300) {
  const cbf_test::Run r = cbf_test::run_program(
      CBF_SAMPLE_EXE,
      fmt::format("--customers {} --seed 7 --quiet --output sqlite:{}", customers, path.string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

/// A timestamp field as text: its state and instant.
std::string text(const cbf::TimeField& t) {
  if (!t.is_valid()) return t.is_missing() ? "missing" : "invalid";
  return std::to_string(t.value().time_since_epoch().count());
}

/// A number field as text (NaN and missing told apart).
std::string text(const std::optional<double>& x) { return x ? fmt::format("{}", *x) : "missing"; }

/// Every record of the four tables, one line each, in order.
std::vector<std::string> lines(const Tables& t) {
  std::vector<std::string> out;
  for (const auto& c : t.customers)
    out.push_back(fmt::format("c|{}|{}|{}|{}", c.shop_id, c.customer_id, text(c.created_at),
                              text(c.updated_at)));
  for (const auto& i : t.interactions)
    out.push_back(fmt::format("i|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}", i.shop_id, i.customer_id,
                              i.session_id, i.event_type, i.product_id, i.category_id,
                              i.search_query, text(i.view_duration), i.device_type,
                              text(i.created_at)));
  for (const auto& s : t.sessions)
    out.push_back(fmt::format("s|{}|{}|{}|{}|{}|{}|{}|{}", s.shop_id, s.customer_id, s.session_id,
                              text(s.start_time), text(s.end_time), s.device_type, s.referrer_type,
                              text(s.created_at)));
  for (const auto& a : t.attributions)
    out.push_back(fmt::format("a|{}|{}|{}|{}|{}|{}|{}|{}", a.shop_id, a.customer_id, a.order_id,
                              a.product_id, a.session_id, a.attribution_type,
                              text(a.attribution_value), text(a.created_at)));
  return out;
}

/// The four tables read serially, in one transaction, as cbf-db reads them on one thread.
Tables read_serially(const fs::path& path) {
  sqlite::Database db(path.string(), SQLITE_OPEN_READONLY);
  db.exec("BEGIN");
  Tables t = sqlite::read_tables(db);
  db.exec("COMMIT");
  return t;
}

/// The four tables read in parallel on `threads` connections; fails the test when the parallel
/// read steps aside.
Tables read_in_parallel(const fs::path& path, unsigned threads,
                        const sqlite::ParallelReadHooks& hooks = {}) {
  std::optional<Tables> t = sqlite::read_tables_in_parallel(path.string(), threads, hooks);
  REQUIRE(t.has_value());
  return std::move(*t);
}

/// Runs `sql` on the database at `path`.
void exec(const fs::path& path, const std::string& sql) {
  sqlite::Database db(path.string(), SQLITE_OPEN_READWRITE);
  db.exec(sql.c_str());
}

}  // namespace

TEST_CASE("The parallel read gives the serial read's records in its order at any thread count") {
  const Scratch scratch("same");
  const fs::path db = scratch.path / "shop.db";
  sample(db);
  // Gaps in the rowids, rows moved to the end, a view (no rowids: read in one part), text in a
  // REAL column and an integer timestamp.
  exec(db,
       "DELETE FROM user_interactions WHERE id % 3 = 0; "
       "UPDATE user_interactions SET id = id + 1000000 WHERE id % 7 = 0; "
       "UPDATE user_sessions SET start_time = 1700000000 WHERE id % 5 = 0; "
       "UPDATE user_interactions SET view_duration = 'n/a' WHERE id % 11 = 0; "
       "ALTER TABLE purchase_attributions RENAME TO attributions_base; "
       "CREATE VIEW purchase_attributions AS SELECT * FROM attributions_base;");
  const std::vector<std::string> serial = lines(read_serially(db));
  REQUIRE(serial.size() > 10000);
  for (const unsigned threads : {2U, 3U, 4U, 7U, 1024U}) {
    INFO(threads << " threads");
    CHECK(lines(read_in_parallel(db, threads)) == serial);
  }
}

TEST_CASE("The parallel read of empty tables and a one-row table gives the serial read's") {
  const Scratch scratch("small");
  const fs::path db = scratch.path / "shop.db";
  sample(db, 1);
  exec(db, "DELETE FROM user_sessions; DELETE FROM purchase_attributions;");
  const std::vector<std::string> serial = lines(read_serially(db));
  CHECK(lines(read_in_parallel(db, 2)) == serial);
  CHECK(lines(read_in_parallel(db, 5)) == serial);
}

TEST_CASE("A commit after the parallel read took its snapshot is in none of the tables") {
  const Scratch scratch("snapshot");
  const fs::path db = scratch.path / "shop.db";
  sample(db);
  const std::string journal = GENERATE(std::string("delete"), std::string("wal"));
  INFO("journal_mode " << journal);
  exec(db, fmt::format("PRAGMA journal_mode = {}", journal));
  const std::vector<std::string> before = lines(read_serially(db));
  // Another connection writes to the first and the last table between the readers' starts and
  // their first rows: a new customer with an order.
  const auto write = [&] {
    sqlite::Database writer(db.string(), SQLITE_OPEN_READWRITE);
    writer.exec("BEGIN IMMEDIATE");
    writer.exec(
        "INSERT INTO customer_data (shop_id, customer_id) VALUES ('shop-eu', 'late'); "
        "INSERT INTO purchase_attributions (shop_id, customer_id, order_id, created_at) "
        "VALUES ('shop-eu', 'late', 'o-late', '2025-01-01T00:00:00Z');");
    // WAL: readers do not block the commit, and keep their snapshot. Rollback journal: the
    // readers' shared locks refuse it.
    const int rc = sqlite3_exec(writer.handle(), "COMMIT", nullptr, nullptr, nullptr);
    if (journal == "wal") {
      CHECK(rc == SQLITE_OK);
    } else {
      CHECK(rc == SQLITE_BUSY);
      writer.exec("ROLLBACK");
    }
  };
  const Tables t = read_in_parallel(db, 3, {write});
  CHECK(lines(t) == before);
  if (journal == "wal") CHECK(lines(read_serially(db)).size() == before.size() + 2);
}

TEST_CASE("The parallel read steps aside while another connection holds the write lock") {
  const Scratch scratch("busy");
  const fs::path db = scratch.path / "shop.db";
  sample(db, 20);
  sqlite::Database writer(db.string(), SQLITE_OPEN_READWRITE);
  writer.exec("BEGIN IMMEDIATE");
  CHECK_FALSE(sqlite::read_tables_in_parallel(db.string(), 2).has_value());
  writer.exec("COMMIT");
  CHECK(sqlite::read_tables_in_parallel(db.string(), 2).has_value());
}

TEST_CASE("A table whose read fails on another thread is named in the error") {
  const Scratch scratch("fails");
  const fs::path db = scratch.path / "shop.db";
  sample(db);
  // abs() of the smallest integer overflows: an error in the middle of the table's rows.
  exec(db,
       "ALTER TABLE user_sessions RENAME TO sessions_base; "
       "CREATE VIEW user_sessions AS SELECT shop_id, customer_id, session_id, "
       "CASE WHEN id = 100 THEN abs(-9223372036854775807 - 1) ELSE start_time END AS start_time, "
       "end_time, device_type, browser_type, referrer_type, created_at FROM sessions_base;");
  for (const unsigned threads : {2U, 3U}) {
    INFO(threads << " threads");
    CHECK_THROWS_WITH(read_in_parallel(db, threads),
                      Catch::Contains("cannot read table user_sessions: integer overflow"));
  }
  CHECK_THROWS_WITH(read_serially(db),
                    Catch::Contains("cannot read table user_sessions: integer overflow"));
}

TEST_CASE("A missing table or column is reported by the parallel read as by the serial one") {
  const Scratch scratch("schema");
  const fs::path db = scratch.path / "shop.db";
  sample(db, 20);
  exec(db, "ALTER TABLE user_interactions DROP COLUMN event_type");
  CHECK_THROWS_WITH(read_in_parallel(db, 2), "table user_interactions has no column event_type");
  CHECK_THROWS_WITH(read_serially(db), "table user_interactions has no column event_type");
  const fs::path other = scratch.path / "other.db";
  sample(other, 20);
  exec(other, "DROP TABLE user_sessions");
  CHECK_THROWS_WITH(read_in_parallel(other, 2), "the database has no table user_sessions");
  CHECK_THROWS_WITH(read_serially(other), "the database has no table user_sessions");
}
