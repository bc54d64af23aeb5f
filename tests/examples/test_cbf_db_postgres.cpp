// cbf-db on a real PostgreSQL server (the CTest fixture "postgres"): the same table as
// cbf-features, reruns, shards, incremental runs, a killed run, a bad schema and an unreachable
// server.
#include "examples/postgres_test.hpp"
#include "examples/run_program.hpp"

#include "common/tables.hpp"

#include <cbf/features.hpp>

#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <type_traits>
#include <vector>

namespace fs = std::filesystem;

namespace {

using cbf_test::Run;
using cbf_test::ScratchDatabase;

constexpr const char* as_of = "2025-06-30T23:59:59Z";
constexpr const char* later = "2025-09-30T00:00:00Z";

/// Writes cbf-sample's 300-customer shop (seed 7) to `to` (a URL or csv:DIR).
void sample(const std::string& to) {
  const Run r = cbf_test::run_program(
      CBF_SAMPLE_EXE, fmt::format("--customers 300 --seed 7 --quiet --output {}", to));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

/// Runs cbf-db on the scratch database with `args`.
Run cbf_db(const ScratchDatabase& db, const std::string& args) {
  return cbf_test::run_program(CBF_DB_EXE, fmt::format("{} {}", db.url(), args));
}

/// Runs cbf-db, requiring success; returns its standard error.
std::string cbf_db_ok(const ScratchDatabase& db, const std::string& args) {
  const Run r = cbf_db(db, args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r.err;
}

/// The SELECT list of the CSV host's columns: key, the 30 features, as_of as §5 text.
std::string csv_select_list() {
  std::string list = "shop_id, customer_id";
  std::apply([&](const auto&... f) { ((list += ", ", list += f.name), ...); }, cbf::feature_fields);
  return list + ", to_char(as_of, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";
}

/// Whether feature column `index` (0-based among the 30) is a floating-point one.
bool is_real_feature(std::size_t index) {
  std::size_t i = 0;
  bool real = false;
  cbf::for_each_feature(cbf::CustomerBehaviorFeatures{}, [&](std::string_view, const auto& v) {
    using T = std::remove_cvref_t<decltype(v)>;
    if (i++ == index) real = std::is_same_v<T, double> || std::is_same_v<T, std::optional<double>>;
  });
  return real;
}

/// customer_behavior_features as the CSV host writes its output: the header, then the rows by key
/// (reals re-formatted from PostgreSQL's shortest text, which reads back to the same double).
std::vector<std::string> features_as_csv(ScratchDatabase& db) {
  std::vector<std::string> lines{"shop_id,customer_id"};
  std::apply([&](const auto&... f) { ((lines[0] += ',', lines[0] += f.name), ...); },
             cbf::feature_fields);
  lines[0] += ",as_of";
  db.exec("SET TimeZone = 'UTC'");
  const cbf_test::PgRows rows =
      db.exec(fmt::format("SELECT {} FROM customer_behavior_features ORDER BY shop_id, customer_id",
                          csv_select_list()));
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (c > 0) line += ',';
      if (!row[c]) continue;
      if (c >= 2 && c < row.size() - 1 && is_real_feature(c - 2))
        cbf::host::append_csv_number(line, std::strtod(row[c]->c_str(), nullptr));
      else
        cbf::host::append_csv_text(line, *row[c]);
    }
    lines.push_back(line);
  }
  return lines;
}

/// Every column of both output tables, by id or key (with last_computed_at).
cbf_test::PgRows whole_tables(ScratchDatabase& db) {
  auto rows = db.exec("SELECT * FROM customer_behavior_features ORDER BY id");
  const auto diagnostics = db.exec(
      "SELECT * FROM customer_behavior_diagnostics ORDER BY shop_id, customer_id, record_kind, "
      "counter");
  rows.insert(rows.end(), diagnostics.begin(), diagnostics.end());
  return rows;
}

/// Both output tables without ids and last_computed_at, by key.
cbf_test::PgRows computed_content(ScratchDatabase& db) {
  auto rows =
      db.exec(fmt::format("SELECT {} FROM customer_behavior_features ORDER BY shop_id, customer_id",
                          csv_select_list()));
  const auto diagnostics = db.exec(
      "SELECT shop_id, customer_id, record_kind, counter, value FROM "
      "customer_behavior_diagnostics ORDER BY shop_id, customer_id, record_kind, counter");
  rows.insert(rows.end(), diagnostics.begin(), diagnostics.end());
  return rows;
}

/// The single value of `sql`.
std::string value_of(ScratchDatabase& db, const std::string& sql) {
  const auto rows = db.exec(sql);
  REQUIRE(rows.size() == 1);
  REQUIRE(rows[0].size() == 1);
  return rows[0][0].value_or("NULL");
}

}  // namespace

TEST_CASE("cbf-db on PostgreSQL writes the table cbf-features writes for the same shop") {
  CBF_SKIP_WITHOUT_POSTGRES();
  ScratchDatabase db("db_equals_csv");
  sample(db.url());
  const fs::path csv = fs::temp_directory_path() / fmt::format("cbf_db_pg_csv_{}", ::getpid());
  sample(fmt::format("csv:{}", csv.string()));
  const Run features =
      cbf_test::run_program(CBF_FEATURES_EXE, fmt::format("{} --as-of {}", csv.string(), as_of));
  fs::remove_all(csv);
  REQUIRE(features.exit_code == 0);
  const std::string err = cbf_db_ok(db, fmt::format("--as-of {}", as_of));
  CHECK_THAT(err, Catch::Contains("300 rows inserted, 0 updated, 0 unchanged"));
  CHECK_THAT(err, !Catch::Contains("NOTICE"));

  cbf_test::check_same_csv(features_as_csv(db), features.out, 300);
}

TEST_CASE("On PostgreSQL a rerun changes nothing and a later as_of updates in place") {
  CBF_SKIP_WITHOUT_POSTGRES();
  ScratchDatabase db("db_rerun");
  sample(db.url());
  cbf_db_ok(db, fmt::format("--as-of {} --quiet", as_of));
  const auto first = whole_tables(db);
  // A rewrite a second later would show in last_computed_at.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  const std::string again = cbf_db_ok(db, fmt::format("--as-of {} --batch-size 7", as_of));
  CHECK_THAT(again, Catch::Contains("0 rows inserted, 0 updated, 300 unchanged"));
  CHECK(whole_tables(db) == first);

  const std::string moved = cbf_db_ok(db, fmt::format("--as-of {}", later));
  CHECK_THAT(moved, Catch::Contains("0 rows inserted, 300 updated, 0 unchanged"));
  CHECK(value_of(db, "SELECT count(*) FROM customer_behavior_features") == "300");
  CHECK(value_of(db, "SELECT count(*) FROM customer_behavior_features WHERE as_of = '" +
                         std::string(later) + "'") == "300");
  CHECK(value_of(db,
                 "SELECT string_agg(mode || ' ' || customers || ' ' || inserted || ' ' || "
                 "updated || ' ' || unchanged, '; ' ORDER BY id) FROM customer_behavior_runs") ==
        "full 300 300 0 0; full 300 0 0 300; full 300 0 300 0");
}

TEST_CASE("On PostgreSQL shards 0 of 2 and 1 of 2 together write the full run's tables") {
  CBF_SKIP_WITHOUT_POSTGRES();
  ScratchDatabase full("db_full");
  ScratchDatabase sharded("db_sharded");
  sample(full.url());
  sample(sharded.url());
  cbf_db_ok(full, fmt::format("--as-of {} --quiet", as_of));
  cbf_db_ok(sharded, fmt::format("--as-of {} --shard 0/2 --quiet", as_of));
  CHECK(value_of(sharded, "SELECT count(*) < 300 FROM customer_behavior_features") == "t");
  cbf_db_ok(sharded, fmt::format("--as-of {} --shard 1/2 --threads 1 --quiet", as_of));
  CHECK(computed_content(sharded) == computed_content(full));
}

TEST_CASE("On PostgreSQL an incremental run rewrites only the changed customers") {
  CBF_SKIP_WITHOUT_POSTGRES();
  ScratchDatabase db("db_incremental");
  ScratchDatabase reference("db_reference");
  sample(db.url());
  sample(reference.url());
  cbf_db_ok(db, fmt::format("--as-of {} --quiet", later));
  const std::string changes =
      "INSERT INTO purchase_attributions (shop_id, customer_id, order_id, attribution_value, "
      "created_at) VALUES ('shop-eu', 'c0000002', 'o-new', 25.5, '2025-07-05T10:00:00Z'), "
      "('shop-eu', 'c-new', 'o-first', 12, '2025-07-06T09:00:00Z');"
      "INSERT INTO customer_data (shop_id, customer_id, created_at) VALUES "
      "('shop-eu', 'c-new', '2025-07-06T08:00:00Z');";
  db.exec(changes);
  reference.exec(changes);
  const std::string err =
      cbf_db_ok(db, fmt::format("--as-of {} --changed-since 2025-07-01T00:00:00Z", later));
  CHECK_THAT(err, Catch::Contains("2 customers with records changed since 2025-07-01T00:00:00Z"));
  CHECK_THAT(err, Catch::Contains("1 rows inserted, 1 updated, 0 unchanged"));
  cbf_db_ok(reference, fmt::format("--as-of {} --quiet", later));
  CHECK(computed_content(db) == computed_content(reference));

  // --incremental: nothing is stamped after the latest run started.
  const std::string nothing = cbf_db_ok(db, fmt::format("--as-of {} --incremental", later));
  CHECK_THAT(nothing, Catch::Contains("0 customers with records changed since"));
  CHECK(value_of(db, "SELECT count(*) FROM customer_behavior_runs WHERE mode = 'incremental'") ==
        "2");
}

TEST_CASE("On PostgreSQL a run killed while writing leaves the previous tables or the finished") {
  CBF_SKIP_WITHOUT_POSTGRES();
  ScratchDatabase db("db_killed");
  ScratchDatabase finished("db_finished");
  sample(db.url());
  sample(finished.url());
  cbf_db_ok(db, fmt::format("--as-of {} --quiet", as_of));
  cbf_db_ok(finished, fmt::format("--as-of {} --quiet", as_of));
  cbf_db_ok(finished, fmt::format("--as-of {} --quiet", later));
  const auto before = whole_tables(db);
  const auto after = computed_content(finished);

  // Kills the next run ever later after its write began (--verbose reports the compute phase
  // done just before), until one finishes on its own. A kill before the final commit must leave
  // the previous tables, one after it the finished ones. --batch-size 1 makes the staging (a
  // transaction per row) long enough to be hit.
  const fs::path log = fs::temp_directory_path() / fmt::format("cbf_db_pg_kill_{}", ::getpid());
  const std::vector<std::string> args{db.url(), "--as-of", later, "--batch-size", "1", "--verbose"};
  const int left_previous = cbf_test::kill_repeatedly(CBF_DB_EXE, args, log, "computed", [&](bool) {
    if (whole_tables(db) == before) return true;
    CHECK(computed_content(db) == after);
    return false;
  });
  fs::remove(log);
  CHECK(left_previous >= 2);
}

TEST_CASE("On PostgreSQL a missing required column exits 1 naming it and writes nothing") {
  CBF_SKIP_WITHOUT_POSTGRES();
  ScratchDatabase db("db_schema");
  sample(db.url());
  cbf_db_ok(db, fmt::format("--as-of {} --quiet", as_of));
  const auto before = whole_tables(db);
  db.exec("ALTER TABLE user_sessions DROP COLUMN start_time");
  const Run r = cbf_db(db, fmt::format("--as-of {}", later));
  CHECK(r.exit_code == 1);
  CHECK(r.err == "cbf-db: error: table user_sessions has no column start_time\n");
  CHECK(whole_tables(db) == before);
}

TEST_CASE("An unreachable PostgreSQL server exits 1 without showing the password") {
  const Run r = cbf_test::run_program(CBF_DB_EXE, "postgresql://u:secret@127.0.0.1:1/shop");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::StartsWith("cbf-db: error: postgresql://u:***@127.0.0.1:1/shop: "
                                      "cannot connect: "));
  CHECK_THAT(r.err, !Catch::Contains("secret"));
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);  // libpq's hint joined onto the line
}

TEST_CASE("On PostgreSQL an incremental run repairs the row a slow full run put back") {
  // The overlap of issue 15: a full run paused after its read, a record added, an incremental
  // run that computes it, then the paused run commits its older snapshot last.
  CBF_SKIP_WITHOUT_POSTGRES();
  ScratchDatabase db("db_overlap");
  sample(db.url());
  constexpr const char* future = "2099-01-01T00:00:00Z";  // after the new record's stamp (now)
  cbf_db_ok(db, fmt::format("--as-of {} --quiet", future));
  const std::string purchases =
      "SELECT total_purchases FROM customer_behavior_features WHERE shop_id = 'shop-eu' AND "
      "customer_id = 'c0000002'";
  const std::string before = value_of(db, purchases);

  const fs::path log = fs::temp_directory_path() / fmt::format("cbf_db_pg_slow_{}", ::getpid());
  {
    cbf_test::Background slow(CBF_DB_EXE, {db.url(), "--as-of", future, "--verbose"}, log);
    REQUIRE(slow.pause_at("read"));
    db.exec(
        "INSERT INTO purchase_attributions (shop_id, customer_id, order_id, attribution_value, "
        "created_at) VALUES ('shop-eu', 'c0000002', 'o-late', 99, now())");
    // The next run's clock reads a later second than the new record's stamp.
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    cbf_db_ok(db, fmt::format("--as-of {} --incremental --quiet", future));
    CHECK(value_of(db, purchases) == std::to_string(std::stoi(before) + 1));
    CHECK(slow.finish() == 0);
    CHECK(value_of(db, purchases) == before);  // the slow run's older snapshot
  }
  fs::remove(log);

  const std::string repair = cbf_db_ok(db, fmt::format("--as-of {} --incremental", future));
  CHECK_THAT(repair, Catch::Contains("0 rows inserted, 1 updated"));
  CHECK(value_of(db, purchases) == std::to_string(std::stoi(before) + 1));
  // A fresh full run now changes nothing.
  const auto repaired = computed_content(db);
  CHECK_THAT(cbf_db_ok(db, fmt::format("--as-of {}", future)),
             Catch::Contains("0 rows inserted, 0 updated"));
  CHECK(computed_content(db) == repaired);
}

TEST_CASE("On PostgreSQL a run that waits for another's publish says so and then publishes") {
  CBF_SKIP_WITHOUT_POSTGRES();
  ScratchDatabase db("db_waits");
  sample(db.url());
  db.exec("SELECT pg_advisory_lock(7161677939250295916)");  // as another run's publish holds it
  const fs::path log = fs::temp_directory_path() / fmt::format("cbf_db_pg_wait_{}", ::getpid());
  {
    cbf_test::Background run(CBF_DB_EXE, {db.url(), "--as-of", as_of, "--quiet"}, log);
    REQUIRE(run.pause_at("waiting for another cbf-db run to finish publishing"));
    db.exec("SELECT pg_advisory_unlock(7161677939250295916)");
    CHECK(run.finish() == 0);
  }
  fs::remove(log);
  CHECK(value_of(db, "SELECT count(*) FROM customer_behavior_runs") == "1");
}
