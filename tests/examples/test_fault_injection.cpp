// Fault injection on the hosts: full disks (a small tmpfs), failures between two outputs, and runs
// killed at many moments. After each, the exit code must tell the truth about what was written,
// every output must be wholly old or wholly new, and no temporary file may outlive the next run.
// (Overlapping cbf-db runs are in test_cbf_db.cpp and test_cbf_db_postgres.cpp.)
#include "examples/run_program.hpp"
#include "examples/small_disk.hpp"

#include "common/sqlite.hpp"

#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;
namespace sqlite = cbf::host::sqlite;
using cbf_test::InputDir;
using cbf_test::names_in;
using cbf_test::Run;
using cbf_test::slurp;
using cbf_test::SmallDisk;

namespace {

constexpr const char* as_of = "2025-06-30T23:59:59Z";

/// cbf-sample's 300-customer shop (seed 7) written to `to` (csv:DIR or sqlite:PATH).
void sample(const std::string& to) {
  const Run r = cbf_test::run_program(
      CBF_SAMPLE_EXE, fmt::format("--customers 300 --seed 7 --quiet --output {}", to));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

/// Runs cbf-features on `dir` writing `out` and `diagnostics`.
Run features(const fs::path& dir, const fs::path& out, const fs::path& diagnostics) {
  return cbf_test::run_program(
      CBF_FEATURES_EXE, fmt::format("{} --as-of {} -q -o {} --diagnostics {}", dir.string(), as_of,
                                    out.string(), diagnostics.string()));
}

/// The first column of the first row of `sql`.
std::int64_t query_int(const fs::path& db, const std::string& sql) {
  sqlite::Database connection(db.string(), SQLITE_OPEN_READWRITE);
  sqlite::Statement s(connection, sql);
  REQUIRE(s.step());
  return s.column_int64(0);
}

/// Both output tables of a cbf-db database as text, without last_computed_at.
std::string output_tables(const fs::path& db) {
  sqlite::Database connection(db.string(), SQLITE_OPEN_READWRITE);
  std::string text;
  for (const char* sql :
       {"SELECT shop_id, customer_id, total_purchases, engagement_score, customer_segment, as_of "
        "FROM customer_behavior_features ORDER BY shop_id, customer_id",
        "SELECT shop_id, customer_id, record_kind, counter, value FROM "
        "customer_behavior_diagnostics ORDER BY 1, 2, 3, 4"}) {
    sqlite::Statement s(connection, sql);
    while (s.step()) {
      for (int c = 0; c < s.column_count(); ++c)
        fmt::format_to(std::back_inserter(text), "{},", s.column_text(c));
      text += '\n';
    }
  }
  return text;
}

}  // namespace

TEST_CASE("cbf-features leaves both outputs as they were when the diagnostics hit a full disk") {
  SmallDisk disk("features_full", std::size_t{256} << 10);
  CBF_SKIP_WITHOUT(disk);
  const InputDir scratch("fault_features");
  const fs::path out = scratch.path / "features.csv";
  const fs::path diagnostics = disk.path() / "diagnostics.csv";
  scratch.write("features.csv", "old features\n");
  { std::ofstream(diagnostics) << "old diagnostics\n"; }
  disk.fill();
  const Run r = features(CBF_SAMPLE_DATA_DIR, out, diagnostics);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("diagnostics.csv: write failed"));
  CHECK(slurp(out) == "old features\n");
  CHECK(slurp(diagnostics) == "old diagnostics\n");
  CHECK(names_in(scratch.path) == std::vector<std::string>{"features.csv"});
  CHECK(names_in(disk.path()) == std::vector<std::string>{"diagnostics.csv", "filler"});
}

TEST_CASE("On disks of every size cbf-features writes both outputs or neither, and says which") {
  const InputDir shop("fault_features_shop");
  sample(fmt::format("csv:{}", shop.path.string()));
  const InputDir reference("fault_features_reference");
  const Run full = features(shop.path, reference.path / "f.csv", reference.path / "d.csv");
  REQUIRE(full.exit_code == 0);
  const std::string new_features = slurp(reference.path / "f.csv");
  const std::string new_diagnostics = slurp(reference.path / "d.csv");
  int succeeded = 0;
  int failed = 0;
  // From no room for the new content to room for it beside the old.
  for (std::size_t kib = 12; kib <= 2 * (new_features.size() + new_diagnostics.size()) / 1024 + 64;
       kib += 8) {
    SmallDisk disk("features_sizes", kib << 10);
    CBF_SKIP_WITHOUT(disk);
    { std::ofstream(disk.path() / "f.csv") << "old\n"; }
    { std::ofstream(disk.path() / "d.csv") << "old\n"; }
    const Run r = features(shop.path, disk.path() / "f.csv", disk.path() / "d.csv");
    INFO(kib << " KiB: " << r.err);
    CHECK(names_in(disk.path()) == std::vector<std::string>{"d.csv", "f.csv"});
    if (r.exit_code == 0) {
      ++succeeded;
      CHECK(slurp(disk.path() / "f.csv") == new_features);
      CHECK(slurp(disk.path() / "d.csv") == new_diagnostics);
    } else {
      ++failed;
      CHECK(r.exit_code == 1);
      CHECK(slurp(disk.path() / "f.csv") == "old\n");
      CHECK(slurp(disk.path() / "d.csv") == "old\n");
    }
  }
  CHECK(succeeded > 0);
  CHECK(failed > 0);
}

TEST_CASE("cbf-sample on a full disk exits 1 and leaves no file") {
  SmallDisk disk("sample_full", std::size_t{64} << 10);
  CBF_SKIP_WITHOUT(disk);
  const fs::path db = disk.path() / "shop.db";
  const fs::path csv = disk.path() / "shop";
  fs::create_directories(csv);
  for (const std::string& to :
       {fmt::format("sqlite:{}", db.string()), fmt::format("csv:{}", csv.string())}) {
    const Run r = cbf_test::run_program(
        CBF_SAMPLE_EXE, fmt::format("--customers 300 --seed 7 --quiet --output {}", to));
    INFO(to << ": " << r.err);
    CHECK(r.exit_code == 1);
    CHECK(names_in(disk.path()) == std::vector<std::string>{"shop"});
    CHECK(names_in(csv).empty());
  }
}

TEST_CASE("cbf-db's exit code says whether it published, whatever the temporary space") {
  // SQLite's temporary files (staging tables, statement journals) on a small disk: some runs
  // fail while staging, some in the publish, some after its commit. Exit 0 exactly when the run
  // is recorded, and the tables are then the finished run's, else the previous ones.
  const InputDir scratch("fault_db");
  const fs::path base = scratch.path / "base.db";
  {
    // Large enough for SQLite's temporary data to leave its page cache for the disk (the
    // staging tables are WITHOUT ROWID, one b-tree each: 5000 customers now fit in the cache).
    const Run r = cbf_test::run_program(
        CBF_SAMPLE_EXE,
        fmt::format("--customers 6000 --seed 3 --quiet --output sqlite:{}", base.string()));
    REQUIRE(r.exit_code == 0);
  }
  REQUIRE(cbf_test::run_program(CBF_DB_EXE,
                                fmt::format("sqlite:{} --as-of {} -q", base.string(), as_of))
              .exit_code == 0);
  const std::string before = output_tables(base);
  constexpr const char* next = "2025-09-30T00:00:00Z";
  const fs::path finished = scratch.path / "finished.db";
  fs::copy_file(base, finished);
  REQUIRE(cbf_test::run_program(CBF_DB_EXE,
                                fmt::format("sqlite:{} --as-of {} -q", finished.string(), next))
              .exit_code == 0);
  const std::string after = output_tables(finished);
  int published = 0;
  int published_with_warning = 0;
  int refused = 0;
  for (std::size_t kib = 4; kib <= 4100; kib += 256) {
    SmallDisk disk("db_tmp", kib << 10);
    CBF_SKIP_WITHOUT(disk);
    const fs::path db = scratch.path / "shop.db";
    fs::remove(db);
    fs::copy_file(base, db);
    const Run r =
        cbf_test::run_program(fmt::format("SQLITE_TMPDIR={} {}", disk.path().string(), CBF_DB_EXE),
                              fmt::format("sqlite:{} --as-of {} -q", db.string(), next));
    INFO(kib << " KiB: " << r.err);
    const std::int64_t runs = query_int(db, "SELECT count(*) FROM customer_behavior_runs");
    if (r.exit_code == 0) {
      ++published;
      if (r.err.find("warning: the run is published") != std::string::npos)
        ++published_with_warning;
      CHECK(runs == 2);
      CHECK(output_tables(db) == after);
    } else {
      ++refused;
      CHECK(r.exit_code == 1);
      CHECK(runs == 1);
      CHECK(output_tables(db) == before);
    }
  }
  CHECK(published > published_with_warning);
  CHECK(published_with_warning > 0);
  CHECK(refused > 0);
}

TEST_CASE("cbf-features killed at any moment leaves whole outputs and no temporary file") {
  const InputDir shop("fault_kill_shop");
  {
    const Run r = cbf_test::run_program(
        CBF_SAMPLE_EXE,
        fmt::format("--customers 3000 --seed 7 --quiet --output csv:{}", shop.path.string()));
    REQUIRE(r.exit_code == 0);
  }
  const InputDir out("fault_kill_out");
  const fs::path features_file = out.path / "f.csv";
  const fs::path diagnostics_file = out.path / "d.csv";
  REQUIRE(features(shop.path, features_file, diagnostics_file).exit_code == 0);
  const std::string new_features = slurp(features_file);
  const std::string new_diagnostics = slurp(diagnostics_file);
  const std::vector<std::string> args{shop.path.string(),
                                      "--as-of",
                                      as_of,
                                      "-v",
                                      "-o",
                                      features_file.string(),
                                      "--diagnostics",
                                      diagnostics_file.string()};
  const int killed = cbf_test::kill_repeatedly(
      CBF_FEATURES_EXE, args, out.path / "log.txt", "records from", [&](bool finished) {
        const std::string f = slurp(features_file);
        const std::string d = slurp(diagnostics_file);
        CHECK((f == "old\n" || f == new_features));
        CHECK((d == "old\n" || d == new_diagnostics));
        std::vector<std::string> names = names_in(out.path);
        std::erase_if(names, [](const std::string& n) {
          return n.starts_with(".") && n.find(".cbf-") != std::string::npos;
        });
        CHECK(names == std::vector<std::string>{"d.csv", "f.csv", "log.txt"});
        if (finished) {
          CHECK(names_in(out.path) == std::vector<std::string>{"d.csv", "f.csv", "log.txt"});
          return false;
        }
        out.write("f.csv", "old\n");
        out.write("d.csv", "old\n");
        return true;
      });
  CHECK(killed >= 3);
}

TEST_CASE("cbf-sample killed at any moment leaves no file that outlives the next run") {
  const InputDir out("fault_sample_kill");
  for (const std::string kind : {"sqlite", "csv"}) {
    const fs::path dir = out.path / kind;
    fs::create_directories(dir);
    const fs::path target = dir / (kind == "sqlite" ? "shop.db" : "shop");
    const std::vector<std::string> args{"--customers",
                                        "3000",
                                        "--seed",
                                        "7",
                                        "--quiet",
                                        "--output",
                                        fmt::format("{}:{}", kind, target.string())};
    int killed = 0;
    for (int delay_ms = 0; delay_ms < 60000; delay_ms += 1 + delay_ms / 2) {
      const pid_t pid = cbf_test::spawn(CBF_SAMPLE_EXE, args, out.path / "log.txt");  // beside
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      ::kill(pid, SIGKILL);  // it may have finished already
      int status = 0;
      REQUIRE(::waitpid(pid, &status, 0) == pid);
      if (WIFEXITED(status)) {
        CHECK(WEXITSTATUS(status) == 0);
        break;
      }
      ++killed;
      // Only a leftover of the killed process's name may be visible, or the finished output of
      // a run killed after its publish (a rename: never half a database or a half CSV file).
      for (const std::string& name : names_in(dir)) {
        INFO(kind << " killed after " << delay_ms << " ms: " << name);
        CHECK((name == "shop" || name == "shop.db" || name.starts_with(".shop.db.cbf-")));
      }
    }
    CHECK(killed >= 2);
    // The run that finished removed every leftover of the killed ones.
    std::vector<std::string> names = names_in(dir);
    CHECK(std::none_of(names.begin(), names.end(),
                       [](const std::string& n) { return n.find(".cbf-") != std::string::npos; }));
    if (kind == "csv") CHECK(names_in(target).size() == 4);
    if (kind == "sqlite") CHECK(fs::file_size(target) > 0);
  }
}
