// cbf-db end to end: the real executable on databases made by cbf-sample, against cbf-features'
// CSV output, rerun, sharded, with a broken schema, bad values and a missing database.
#include "examples/run_program.hpp"

#include "common/sqlite.hpp"
#include "common/tables.hpp"

#include <cbf/features.hpp>

#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

namespace fs = std::filesystem;
namespace sqlite = cbf::host::sqlite;

namespace {

using cbf_test::Run;

constexpr const char* as_of = "2025-06-30T23:59:59Z";

/// A scratch directory, removed with its content.
struct Scratch {
  fs::path path;
  explicit Scratch(const std::string& name)
      : path(fs::temp_directory_path() / fmt::format("cbf_db_{}_{}", name, ::getpid())) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~Scratch() { fs::remove_all(path); }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
};

/// Runs cbf-db on the database at `path` with `args`.
Run cbf_db(const fs::path& path, const std::string& args) {
  return cbf_test::run_program(CBF_DB_EXE, fmt::format("sqlite:{} {}", path.string(), args));
}

/// Runs cbf-db, requiring success; returns its standard error.
std::string cbf_db_ok(const fs::path& path, const std::string& args) {
  const Run r = cbf_db(path, args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r.err;
}

/// Writes cbf-sample's 300-customer shop (seed 7) as `to` (csv:DIR or sqlite:PATH).
void sample(const std::string& to) {
  const Run r = cbf_test::run_program(
      CBF_SAMPLE_EXE, fmt::format("--customers 300 --seed 7 --quiet --output {}", to));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

/// Runs `sql` on the database at `path`.
void exec(const fs::path& path, const std::string& sql) {
  sqlite::Database db(path.string(), SQLITE_OPEN_READWRITE);
  db.exec(sql.c_str());
}

/// Appends a cell as write_features_csv writes the value (NULL = empty).
void append_cell(std::string& line, const sqlite::Statement& s, int column) {
  switch (s.column_type(column)) {
    case SQLITE_NULL:
      break;
    case SQLITE_INTEGER:
      cbf::host::append_csv_number(line, s.column_int64(column));
      break;
    case SQLITE_FLOAT:
      cbf::host::append_csv_number(line, s.column_double(column));
      break;
    default:
      cbf::host::append_csv_text(line, s.column_text(column));
  }
}

/// The lines of `sql`'s result, each row's cells formatted as the CSV host formats them.
std::vector<std::string> query_lines(const fs::path& path, const std::string& sql) {
  sqlite::Database db(path.string(), SQLITE_OPEN_READONLY);
  sqlite::Statement s(db, sql);
  const int columns = s.column_count();
  std::vector<std::string> lines;
  while (s.step()) {
    std::string line;
    for (int c = 0; c < columns; ++c) {
      if (c > 0) line += ',';
      append_cell(line, s, c);
    }
    lines.push_back(line);
  }
  return lines;
}

/// "shop_id,customer_id,<30 features>,as_of": the CSV host's header, and the columns for SQL.
std::string feature_columns() {
  std::vector<std::string_view> names{"shop_id", "customer_id"};
  std::apply([&](const auto&... f) { (names.push_back(f.name), ...); }, cbf::feature_fields);
  names.push_back("as_of");
  return fmt::format("{}", fmt::join(names, ","));
}

/// customer_behavior_features as the CSV host writes its output: the header, then the rows by key.
std::vector<std::string> features_as_csv(const fs::path& path) {
  const std::string columns = feature_columns();
  std::vector<std::string> lines = query_lines(
      path, fmt::format("SELECT {} FROM customer_behavior_features ORDER BY shop_id, customer_id",
                        columns));
  lines.insert(lines.begin(), columns);
  return lines;
}

/// Every column of both output tables, by key (with the row ids and last_computed_at).
std::vector<std::string> whole_tables(const fs::path& path) {
  auto lines = query_lines(path, "SELECT * FROM customer_behavior_features ORDER BY id");
  const auto diagnostics = query_lines(
      path,
      "SELECT * FROM customer_behavior_diagnostics ORDER BY shop_id, customer_id, record_kind, "
      "counter");
  lines.insert(lines.end(), diagnostics.begin(), diagnostics.end());
  return lines;
}

/// Both output tables without row ids and last_computed_at, by key.
std::vector<std::string> computed_content(const fs::path& path) {
  auto lines = features_as_csv(path);
  const auto diagnostics = query_lines(
      path,
      "SELECT shop_id, customer_id, record_kind, counter, value FROM "
      "customer_behavior_diagnostics ORDER BY shop_id, customer_id, record_kind, counter");
  lines.insert(lines.end(), diagnostics.begin(), diagnostics.end());
  return lines;
}

/// The first column of the first row of `sql`.
std::int64_t query_int(const fs::path& path, const std::string& sql) {
  sqlite::Database db(path.string(), SQLITE_OPEN_READONLY);
  sqlite::Statement s(db, sql);
  REQUIRE(s.step());
  return s.column_int64(0);
}

}  // namespace

TEST_CASE("cbf-db writes the table cbf-features writes for the same shop cell by cell") {
  const Scratch scratch("csv");
  const fs::path db = scratch.path / "shop.db";
  sample(fmt::format("sqlite:{}", db.string()));
  sample(fmt::format("csv:{}", (scratch.path / "csv").string()));
  const Run csv = cbf_test::run_program(
      CBF_FEATURES_EXE, fmt::format("{} --as-of {}", (scratch.path / "csv").string(), as_of));
  REQUIRE(csv.exit_code == 0);
  const std::string err = cbf_db_ok(db, fmt::format("--as-of {}", as_of));
  CHECK_THAT(err, Catch::Contains("300 rows inserted, 0 updated, 0 unchanged"));
  CHECK_THAT(err, Catch::Contains("customer_segment: "));
  CHECK_THAT(err, Catch::Contains("cbf-db: time split: read "));

  cbf_test::check_same_csv(features_as_csv(db), csv.out, 300);
}

TEST_CASE("A rerun with the same as_of changes nothing and a later as_of updates in place") {
  const Scratch scratch("rerun");
  const fs::path db = scratch.path / "shop.db";
  sample(fmt::format("sqlite:{}", db.string()));
  cbf_db_ok(db, fmt::format("--as-of {} --quiet", as_of));
  const auto first = whole_tables(db);
  // A rewrite a second later would show in last_computed_at.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  const std::string err = cbf_db_ok(db, fmt::format("--as-of {} --batch-size 7", as_of));
  CHECK_THAT(err, Catch::Contains("0 rows inserted, 0 updated, 300 unchanged"));
  CHECK(whole_tables(db) == first);
  CHECK(query_int(db, "SELECT count(*) FROM customer_behavior_features") == 300);

  const std::string later = cbf_db_ok(db, "--as-of 2025-09-30T00:00:00Z");
  CHECK_THAT(later, Catch::Contains("0 rows inserted, 300 updated, 0 unchanged"));
  CHECK(query_int(db, "SELECT count(*) FROM customer_behavior_features") == 300);
  CHECK(query_int(db,
                  "SELECT count(DISTINCT shop_id || x'00' || customer_id) FROM "
                  "customer_behavior_features") == 300);
  CHECK(query_int(db,
                  "SELECT count(*) FROM customer_behavior_features WHERE as_of = "
                  "'2025-09-30T00:00:00Z'") == 300);
  CHECK(whole_tables(db) != first);
}

TEST_CASE("Shards 0 of 2 and 1 of 2 together write the full run's tables") {
  const Scratch scratch("shards");
  const fs::path full = scratch.path / "full.db";
  const fs::path sharded = scratch.path / "sharded.db";
  sample(fmt::format("sqlite:{}", full.string()));
  fs::copy_file(full, sharded);
  cbf_db_ok(full, fmt::format("--as-of {} --quiet", as_of));
  const std::string first = cbf_db_ok(sharded, fmt::format("--as-of {} --shard 0/2", as_of));
  const std::string second =
      cbf_db_ok(sharded, fmt::format("--as-of {} --shard 1/2 --threads 1", as_of));
  CHECK_THAT(first, !Catch::Contains(" 0 rows inserted"));
  CHECK_THAT(second, !Catch::Contains(" 0 rows inserted"));
  CHECK(computed_content(sharded) == computed_content(full));
  CHECK(query_int(sharded, "SELECT count(*) FROM customer_behavior_features") == 300);
}

TEST_CASE("A run that fails in its final write leaves both output tables as they were") {
  const Scratch scratch("interrupted");
  const fs::path db = scratch.path / "shop.db";
  sample(fmt::format("sqlite:{}", db.string()));
  cbf_db_ok(db, fmt::format("--as-of {} --quiet", as_of));
  // A stale counter the next run deletes; deleting it fails, after the final transaction has
  // already upserted every feature row with the new as_of.
  const std::string key = query_lines(db,
                                      "SELECT shop_id || '|' || customer_id FROM "
                                      "customer_behavior_features ORDER BY shop_id, customer_id "
                                      "LIMIT 1")
                              .at(0);
  const auto bar = key.find('|');
  exec(db, fmt::format("INSERT INTO customer_behavior_diagnostics VALUES ('{}', '{}', "
                       "'attribution', 'bad_money', 99, '2025-01-01T00:00:00Z');"
                       "CREATE TRIGGER interrupt BEFORE DELETE ON customer_behavior_diagnostics "
                       "BEGIN SELECT RAISE(ABORT, 'interrupted'); END;",
                       key.substr(0, bar), key.substr(bar + 1)));
  const auto before = whole_tables(db);
  const Run r = cbf_db(db, "--as-of 2025-09-30T00:00:00Z --batch-size 50");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("interrupted"));
  CHECK(whole_tables(db) == before);

  // Repeated once the cause is gone, the run completes and removes the stale counter.
  exec(db, "DROP TRIGGER interrupt");
  const std::string err = cbf_db_ok(db, "--as-of 2025-09-30T00:00:00Z");
  CHECK_THAT(err, Catch::Contains("0 rows inserted, 300 updated, 0 unchanged"));
  CHECK(query_int(db,
                  "SELECT count(*) FROM customer_behavior_diagnostics WHERE counter = 'bad_money' "
                  "AND value = 99") == 0);
}

TEST_CASE("A missing required column exits 1 naming it and leaves the output table as it was") {
  const Scratch scratch("schema");
  const fs::path db = scratch.path / "shop.db";
  sample(fmt::format("sqlite:{}", db.string()));
  cbf_db_ok(db, fmt::format("--as-of {} --quiet", as_of));
  const auto before = whole_tables(db);
  exec(db,
       "ALTER TABLE user_sessions RENAME TO old_sessions;"
       "CREATE TABLE user_sessions (id INTEGER PRIMARY KEY, shop_id TEXT, customer_id TEXT, "
       "session_id TEXT, end_time TEXT);"
       "INSERT INTO user_sessions SELECT id, shop_id, customer_id, session_id, end_time "
       "FROM old_sessions;"
       "DROP TABLE old_sessions;");
  const Run r = cbf_db(db, "--as-of 2025-09-30T00:00:00Z");
  CHECK(r.exit_code == 1);
  CHECK(r.err == "cbf-db: error: table user_sessions has no column start_time\n");
  CHECK(whole_tables(db) == before);

  exec(db, "DROP TABLE user_sessions");
  const Run missing = cbf_db(db, "--as-of 2025-09-30T00:00:00Z");
  CHECK(missing.exit_code == 1);
  CHECK(missing.err == "cbf-db: error: the database has no table user_sessions\n");
  CHECK(whole_tables(db) == before);
}

TEST_CASE("Bad text in a REAL column and a bad timestamp text are counted in the diagnostics") {
  const Scratch scratch("bad");
  const fs::path db = scratch.path / "shop.db";
  sample(fmt::format("sqlite:{}", db.string()));
  // c-bad: one interaction with an unreadable view_duration (used, flagged), one with an
  // unreadable stamp, one stamped with integer epoch seconds (2025-06-01T00:00:00Z, used); a
  // session with an unreadable start_time; an order whose value is not a number.
  exec(db,
       "INSERT INTO customer_data (shop_id, customer_id) VALUES ('shop-eu', 'c-bad');"
       "INSERT INTO user_interactions (shop_id, customer_id, event_type, view_duration, "
       "created_at) VALUES "
       "('shop-eu', 'c-bad', 'product_viewed', 'abc', '2025-06-01T10:00:00Z'),"
       "('shop-eu', 'c-bad', 'page_viewed', 3.5, 'yesterday'),"
       "('shop-eu', 'c-bad', 'page_viewed', NULL, 1748736000);"
       "INSERT INTO user_sessions (shop_id, customer_id, session_id, start_time) VALUES "
       "('shop-eu', 'c-bad', 's-bad', 'not a time');"
       "INSERT INTO purchase_attributions (shop_id, customer_id, order_id, attribution_value, "
       "created_at) VALUES ('shop-eu', 'c-bad', 'o-bad', 'ten', '2025-06-02T10:00:00Z');");
  cbf_db_ok(db, fmt::format("--as-of {} --quiet", as_of));
  std::map<std::string, std::int64_t> counters;
  for (const std::string& line :
       query_lines(db,
                   "SELECT record_kind || '.' || counter, value FROM customer_behavior_diagnostics "
                   "WHERE shop_id = 'shop-eu' AND customer_id = 'c-bad'")) {
    const auto comma = line.find(',');
    counters[line.substr(0, comma)] = std::stoll(line.substr(comma + 1));
  }
  const std::map<std::string, std::int64_t> expected{{"customer.used", 1},
                                                     {"interaction.used", 2},
                                                     {"interaction.bad_timestamp", 1},
                                                     {"interaction.bad_view_duration", 1},
                                                     {"session.bad_timestamp", 1},
                                                     {"attribution.bad_money", 1}};
  CHECK(counters == expected);  // zero counters are not stored
}

TEST_CASE("A missing database exits 1 and creates no file") {
  const Scratch scratch("missing");
  const fs::path db = scratch.path / "nothing.db";
  const Run r = cbf_db(db, "");
  CHECK(r.exit_code == 1);
  CHECK(r.err == fmt::format("cbf-db: error: {}: no such database\n", db.string()));
  CHECK(!fs::exists(db));
  const Run scheme = cbf_test::run_program(CBF_DB_EXE, "postgres:x");
  CHECK(scheme.exit_code == 1);
}

TEST_CASE("A column named like an input column but for its case is ignored with a warning") {
  const Scratch scratch("near_miss");
  const fs::path db = scratch.path / "shop.db";
  const fs::path unknown = scratch.path / "unknown.db";
  sample(fmt::format("sqlite:{}", db.string()));
  fs::copy_file(db, unknown);
  // SQLite compares column names without case, so a table cannot hold shop_id and Shop_ID; the
  // host looks the names up exactly and reads Shop_ID as the unknown column it is (§1).
  exec(db, "ALTER TABLE customer_data RENAME COLUMN shop_id TO Shop_ID");
  exec(unknown, "ALTER TABLE customer_data RENAME COLUMN shop_id TO note");
  const Run r = cbf_db(db, fmt::format("--as-of {}", as_of));
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.err, Catch::StartsWith("cbf-db: warning: table customer_data: column 'Shop_ID' is "
                                      "not read; did you mean 'shop_id'? (names are "
                                      "case-sensitive)\n"));
  CHECK(r.err.find("warning", r.err.find('\n')) == std::string::npos);  // one warning
  cbf_db_ok(unknown, fmt::format("--as-of {} --quiet", as_of));
  CHECK(computed_content(db) == computed_content(unknown));
  const Run quiet = cbf_db(db, fmt::format("--as-of {} --quiet", as_of));
  CHECK(quiet.exit_code == 0);
  CHECK(quiet.err.empty());
}

TEST_CASE(
    "Every numeric option rejects a value out of its range or beyond its type, naming the "
    "option, before anything is written") {
  const Scratch scratch("numeric_options");
  const fs::path db = scratch.path / "shop.db";
  sample(fmt::format("sqlite:{}", db.string()));
  const std::string before = cbf_test::slurp(db);
  const std::vector<std::pair<std::string, std::string>> cases{
      {"--batch-size", "0"},
      {"--batch-size", "-1"},
      {"--batch-size", "1000000001"},
      {"--batch-size", "9223372036854775807"},
      {"--batch-size", "99999999999999999999"},
      {"--batch-size", "0x10"},
      {"--threads", "-1"},
      {"--threads", "1025"},
      {"--threads", "99999999999999999999"},
      {"--utc-offset", "1440"},
      {"--utc-offset", "99999999999999999999"},
      {"--shard", "0/99999999999"},
      {"--bgnbd", "1,1,1,0"},
  };
  for (const auto& [option, value] : cases) {
    const Run r = cbf_db(db, fmt::format("--as-of {} {} {}", as_of, option, value));
    INFO(option << " " << value << ": " << r.err);
    CHECK(r.exit_code != 0);
    CHECK_THAT(r.err, Catch::Contains(option + ": "));
    CHECK(cbf_test::slurp(db) == before);
  }
  const Run batch = cbf_db(db, "--batch-size 99999999999999999999");
  CHECK_THAT(batch.err, Catch::StartsWith("--batch-size: 99999999999999999999 is not an integer "
                                          "in 1..1000000000\n"));
  cbf_db_ok(db, fmt::format("--as-of {} --quiet --batch-size 1000000000 --threads 1024", as_of));
}

TEST_CASE("An incremental run rewrites only the changed customers and equals a full run") {
  const Scratch scratch("incremental");
  const fs::path db = scratch.path / "shop.db";
  const fs::path reference = scratch.path / "reference.db";
  sample(fmt::format("sqlite:{}", db.string()));
  constexpr const char* later = "2025-09-30T00:00:00Z";
  cbf_db_ok(db, fmt::format("--as-of {} --quiet", later));
  // After the sample's period (it ends 2025-06-30): an existing customer's new order and a new
  // customer; both stamped after --changed-since, nothing else is.
  const std::string key = query_lines(db,
                                      "SELECT customer_id FROM customer_behavior_features "
                                      "WHERE shop_id = 'shop-eu' ORDER BY customer_id LIMIT 1")
                              .at(0);
  const std::string changes = fmt::format(
      "INSERT INTO purchase_attributions (shop_id, customer_id, order_id, attribution_value, "
      "created_at) VALUES ('shop-eu', '{0}', 'o-new', 25.5, '2025-07-05T10:00:00Z'), "
      "('shop-eu', 'c-new', 'o-first', 12, '2025-07-06T09:00:00Z');"
      "INSERT INTO customer_data (shop_id, customer_id, created_at) VALUES "
      "('shop-eu', 'c-new', '2025-07-06T08:00:00Z');",
      key);
  exec(db, changes);
  fs::copy_file(db, reference);
  const std::string err =
      cbf_db_ok(db, fmt::format("--as-of {} --changed-since 2025-07-01T00:00:00Z", later));
  CHECK_THAT(err, Catch::Contains("2 customers with records changed since 2025-07-01T00:00:00Z"));
  CHECK_THAT(err, Catch::Contains("1 rows inserted, 1 updated, 0 unchanged"));
  cbf_db_ok(reference, fmt::format("--as-of {} --quiet", later));
  CHECK(computed_content(db) == computed_content(reference));
  CHECK(query_lines(db,
                    "SELECT mode, changed_since, shard, customers FROM customer_behavior_runs "
                    "ORDER BY id") ==
        std::vector<std::string>{"full,,all,300", "incremental,2025-07-01T00:00:00Z,all,2"});
}

TEST_CASE(
    "Incremental runs start from the latest recorded run and recompute unknown change times") {
  const Scratch scratch("since_last");
  const fs::path db = scratch.path / "shop.db";
  sample(fmt::format("sqlite:{}", db.string()));
  const std::string first = cbf_db_ok(db, fmt::format("--as-of {} --incremental", as_of));
  CHECK_THAT(first, Catch::Contains("shard all up to a known instant: computing every customer"));
  CHECK_THAT(first, Catch::Contains("300 rows inserted"));
  // Nothing was stamped after the first run started.
  const std::string nothing = cbf_db_ok(db, fmt::format("--as-of {} --incremental", as_of));
  CHECK_THAT(nothing, Catch::Contains("0 customers with records changed since"));
  CHECK_THAT(nothing, Catch::Contains("0 rows inserted, 0 updated, 0 unchanged"));

  // A record stamped after the latest run's start (here: in 2030, after as_of too) and one whose
  // stamp cannot be read, so its change time is unknown.
  const auto keys = query_lines(db,
                                "SELECT customer_id FROM customer_behavior_features "
                                "WHERE shop_id = 'shop-eu' ORDER BY customer_id LIMIT 2");
  exec(db, fmt::format("INSERT INTO user_interactions (shop_id, customer_id, event_type, "
                       "created_at) VALUES ('shop-eu', '{}', 'page_viewed', "
                       "'2030-01-01T00:00:00Z'), ('shop-eu', '{}', 'page_viewed', 'soon');",
                       keys.at(0), keys.at(1)));
  const std::string both = cbf_db_ok(db, fmt::format("--as-of {} --incremental", as_of));
  CHECK_THAT(both, Catch::Contains("2 customers with records changed since"));
  CHECK_THAT(both, Catch::Contains("0 rows inserted, 0 updated, 2 unchanged"));
  CHECK(query_lines(db,
                    "SELECT customer_id, counter, value FROM customer_behavior_diagnostics "
                    "WHERE record_kind = 'interaction' AND counter <> 'used' ORDER BY 1") ==
        std::vector<std::string>{fmt::format("{},after_as_of,1", keys.at(0)),
                                 fmt::format("{},bad_timestamp,1", keys.at(1))});
  CHECK(query_int(db, "SELECT count(*) FROM customer_behavior_runs WHERE mode = 'incremental'") ==
        2);
}

TEST_CASE("Incremental options are checked before anything is read") {
  const Scratch scratch("incremental_options");
  const fs::path db = scratch.path / "shop.db";
  sample(fmt::format("sqlite:{}", db.string()));
  const Run both = cbf_db(db, "--incremental --changed-since 2025-01-01");
  CHECK(both.exit_code == 1);
  CHECK(both.err == "cbf-db: error: --incremental and --changed-since exclude each other\n");
  const Run bad = cbf_db(db, "--changed-since yesterday");
  CHECK(bad.exit_code == 1);
  CHECK(bad.err ==
        "cbf-db: error: --changed-since: 'yesterday' is not a timestamp (contract §5)\n");
}

TEST_CASE("A run killed while writing leaves the previous tables or the finished ones") {
  const Scratch scratch("killed");
  const fs::path db = scratch.path / "shop.db";
  const fs::path finished = scratch.path / "finished.db";
  sample(fmt::format("sqlite:{}", db.string()));
  cbf_db_ok(db, fmt::format("--as-of {} --quiet", as_of));
  fs::copy_file(db, finished);
  constexpr const char* next = "2025-09-30T00:00:00Z";
  cbf_db_ok(finished, fmt::format("--as-of {} --quiet", next));
  const auto before = whole_tables(db);
  const auto after = computed_content(finished);

  // Kills the next run ever later after its write began (--verbose reports the compute phase
  // done just before), until one finishes on its own. A kill before the final commit must leave
  // the previous tables, one after it the finished ones. --batch-size 1 makes the staging (a
  // transaction per row) long enough to be hit.
  const fs::path log = scratch.path / "stderr.txt";
  const std::vector<std::string> args{
      fmt::format("sqlite:{}", db.string()), "--as-of", next, "--batch-size", "1", "--verbose"};
  const int left_previous = cbf_test::kill_repeatedly(CBF_DB_EXE, args, log, "computed", [&](bool) {
    // Opening for writing rolls back what a killed process left in the journal.
    exec(db, "SELECT count(*) FROM customer_behavior_features");
    if (whole_tables(db) == before) return true;
    CHECK(computed_content(db) == after);
    return false;
  });
  CHECK(left_previous >= 2);
}

TEST_CASE("An incremental run repairs the row a slow full run put back after an incremental one") {
  // The overlap of issue 15: a full run paused after its read, a record added, an incremental
  // run that computes it, then the paused run commits its older snapshot last.
  const Scratch scratch("overlap");
  constexpr const char* as_of = "2099-01-01T00:00:00Z";  // after the new record's stamp (now)
  const fs::path db = scratch.path / "shop.db";
  const fs::path reference = scratch.path / "reference.db";
  sample(fmt::format("sqlite:{}", db.string()));
  cbf_db_ok(db, fmt::format("--as-of {} --quiet", as_of));
  const std::string key = query_lines(db,
                                      "SELECT customer_id FROM customer_behavior_features "
                                      "WHERE shop_id = 'shop-eu' ORDER BY customer_id LIMIT 1")
                              .at(0);
  const std::string purchases = fmt::format(
      "SELECT total_purchases FROM customer_behavior_features WHERE shop_id = 'shop-eu' AND "
      "customer_id = '{}'",
      key);
  const std::int64_t before = query_int(db, purchases);

  cbf_test::Background slow(CBF_DB_EXE,
                            {fmt::format("sqlite:{}", db.string()), "--as-of", as_of, "--verbose"},
                            scratch.path / "slow.txt");
  REQUIRE(slow.pause_at("read"));
  exec(db, fmt::format("INSERT INTO purchase_attributions (shop_id, customer_id, order_id, "
                       "attribution_value, created_at) VALUES ('shop-eu', '{}', 'o-late', 99, "
                       "strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
                       key));
  // The next run's clock reads a later second than the new record's stamp.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  cbf_db_ok(db, fmt::format("--as-of {} --incremental --quiet", as_of));
  CHECK(query_int(db, purchases) == before + 1);
  CHECK(slow.finish() == 0);
  CHECK(query_int(db, purchases) == before);  // the slow run's older snapshot

  const std::string repair = cbf_db_ok(db, fmt::format("--as-of {} --incremental", as_of));
  CHECK_THAT(repair, Catch::Contains("0 rows inserted, 1 updated"));
  CHECK(query_int(db, purchases) == before + 1);
  fs::copy_file(db, reference);
  cbf_db_ok(reference, fmt::format("--as-of {} --quiet", as_of));
  CHECK(computed_content(db) == computed_content(reference));
}

TEST_CASE("A run that waits for another writer says so and then publishes") {
  const Scratch scratch("waits");
  const fs::path db = scratch.path / "shop.db";
  sample(fmt::format("sqlite:{}", db.string()));
  cbf_db_ok(db, fmt::format("--as-of {} --quiet", as_of));
  std::optional<sqlite::Database> writer(std::in_place, db.string(), SQLITE_OPEN_READWRITE);
  writer->exec("BEGIN IMMEDIATE");  // as another run's publish, or the shop's application
  cbf_test::Background run(
      CBF_DB_EXE,
      {fmt::format("sqlite:{}", db.string()), "--as-of", "2025-09-30T00:00:00Z", "--quiet"},
      scratch.path / "run.txt");
  REQUIRE(run.pause_at("waiting for another writer of the database"));
  writer->exec("COMMIT");
  writer.reset();
  CHECK(run.finish() == 0);
  CHECK(query_int(db, "SELECT count(*) FROM customer_behavior_runs") == 2);
}

TEST_CASE("cbf-db writes the same tables reading on one thread and on several") {
  const Scratch scratch("threads");
  const fs::path one = scratch.path / "one.db";
  sample(fmt::format("sqlite:{}", one.string()));
  const fs::path two = scratch.path / "two.db";
  fs::copy_file(one, two);
  const fs::path four = scratch.path / "four.db";
  fs::copy_file(one, four);
  cbf_db_ok(one, fmt::format("--as-of {} -j 1 --quiet", as_of));
  cbf_db_ok(two, fmt::format("--as-of {} -j 2 --quiet", as_of));
  cbf_db_ok(four, fmt::format("--as-of {} -j 4 --quiet", as_of));
  CHECK(computed_content(two) == computed_content(one));
  CHECK(computed_content(four) == computed_content(one));
}

TEST_CASE("A table whose read fails exits 1 naming it and writes nothing, on any thread count") {
  const Scratch scratch("read_fails");
  const fs::path db = scratch.path / "shop.db";
  sample(fmt::format("sqlite:{}", db.string()));
  // abs() of the smallest integer overflows: an error in the middle of the table's rows.
  exec(db,
       "ALTER TABLE user_sessions RENAME TO sessions_base; "
       "CREATE VIEW user_sessions AS SELECT shop_id, customer_id, session_id, "
       "CASE WHEN id = 100 THEN abs(-9223372036854775807 - 1) ELSE start_time END AS start_time, "
       "end_time, device_type, browser_type, referrer_type, created_at FROM sessions_base;");
  for (const char* threads : {"1", "2", "3"}) {
    INFO(threads << " threads");
    const Run r = cbf_db(db, fmt::format("--as-of {} -j {}", as_of, threads));
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("cannot read table user_sessions: integer overflow"));
    CHECK(query_int(
              db, "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'customer_behavior%'") == 0);
  }
}

TEST_CASE("A counter that falls to zero is deleted, for the computed customers only") {
  const Scratch scratch("zero");
  const fs::path db = scratch.path / "shop.db";
  sample(fmt::format("sqlite:{}", db.string()));
  exec(db,
       "INSERT INTO customer_data (shop_id, customer_id, created_at) VALUES "
       "('shop-eu', 'c-x', '2024-01-01T00:00:00Z'), ('shop-eu', 'c-y', '2024-01-01T00:00:00Z');"
       "INSERT INTO user_interactions (shop_id, customer_id, event_type, created_at) VALUES "
       "('shop-eu', 'c-x', 'page_viewed', 'yesterday'), "
       "('shop-eu', 'c-y', 'page_viewed', 'yesterday');");
  cbf_db_ok(db, fmt::format("--as-of {} --quiet", as_of));
  const auto counter = [&](std::string_view customer, std::string_view name) {
    return query_int(db, fmt::format("SELECT count(*) FROM customer_behavior_diagnostics WHERE "
                                     "record_kind = 'interaction' AND counter = '{}' AND "
                                     "customer_id = '{}'",
                                     name, customer));
  };
  REQUIRE(counter("c-x", "bad_timestamp") == 1);
  REQUIRE(counter("c-y", "bad_timestamp") == 1);
  // Both stamps repaired, c-y's with an old instant: a run of the records changed since
  // 2025-05-31 computes c-x, not c-y, whose counter stays until a full run.
  exec(db,
       "UPDATE user_interactions SET created_at = '2025-06-01T00:00:00Z' WHERE customer_id = "
       "'c-x'; UPDATE user_interactions SET created_at = '2024-01-01T00:00:00Z' WHERE "
       "customer_id = 'c-y'");
  cbf_db_ok(db, fmt::format("--as-of {} --quiet --changed-since 2025-05-31T00:00:00Z", as_of));
  CHECK(counter("c-x", "bad_timestamp") == 0);
  CHECK(counter("c-x", "used") == 1);
  CHECK(counter("c-y", "bad_timestamp") == 1);
  CHECK(counter("c-y", "used") == 0);
  cbf_db_ok(db, fmt::format("--as-of {} --quiet", as_of));
  CHECK(counter("c-y", "bad_timestamp") == 0);
  CHECK(counter("c-y", "used") == 1);
}
