// The incremental watermark of cbf-db: hand-checked folds, and a model of a database where runs
// of every kind (full, incremental, --changed-since, sharded) start, read and commit in random
// interleavings while records keep changing; after all of them, one incremental run must leave
// every row as a full run would.
#include "db/watermark.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace {

using cbf::host::db::CommittedRun;
using cbf::host::db::Coverage;
using cbf::host::db::coverage;
using cbf::host::db::incremental_watermark;

cbf::Timestamp at(std::int64_t seconds) { return cbf::Timestamp{std::chrono::seconds{seconds}}; }

CommittedRun full(std::int64_t started, std::string shard = "all") {
  return {at(started), std::nullopt, std::move(shard)};
}
CommittedRun incremental(std::int64_t started, std::int64_t since, std::string shard = "all") {
  return {at(started), at(since), std::move(shard)};
}

}  // namespace

TEST_CASE("Shards relate as all, some or none of another shard's customers") {
  CHECK(coverage("all", "all") == Coverage::all);
  CHECK(coverage("all", "1/4") == Coverage::all);
  CHECK(coverage("1/4", "1/4") == Coverage::all);
  CHECK(coverage("2/4", "1/4") == Coverage::none);
  CHECK(coverage("1/4", "all") == Coverage::some);
  CHECK(coverage("1/3", "1/4") == Coverage::some);
  CHECK(coverage("nonsense", "1/4") == Coverage::some);
}

TEST_CASE("No committed run gives no watermark, and a full run gives its start") {
  CHECK_FALSE(incremental_watermark({}, "all"));
  const std::vector<CommittedRun> runs{full(100)};
  CHECK(incremental_watermark(runs, "all") == at(100));
  CHECK(incremental_watermark(runs, "0/2") == at(100));
}

TEST_CASE("Incremental runs that caught up move the watermark to their start") {
  const std::vector<CommittedRun> runs{full(100), incremental(200, 100), incremental(300, 200)};
  CHECK(incremental_watermark(runs, "all") == at(300));
}

TEST_CASE("A slow full run committing after a later incremental run moves the watermark back") {
  // The reproducer: full run at 100, full run started at 200 and paused after its read,
  // an incremental run at 300 commits, then the paused run commits its older snapshot.
  const std::vector<CommittedRun> runs{full(100), incremental(300, 100), full(200)};
  CHECK(incremental_watermark(runs, "all") == at(200));
}

TEST_CASE("An incremental run that started from a watermark since moved back leaves it there") {
  // Full 100; incremental A (300, from 100) commits; slow full 200 commits; incremental B that
  // read the watermark 300 before that commits last: it did not look at [200, 300).
  const std::vector<CommittedRun> runs{full(100), incremental(300, 100), full(200),
                                       incremental(400, 300)};
  CHECK(incremental_watermark(runs, "all") == at(200));
}

TEST_CASE("Other shards of the same split leave a shard's watermark alone") {
  const std::vector<CommittedRun> runs{full(100), full(500, "1/2"), incremental(600, 100, "0/2")};
  CHECK(incremental_watermark(runs, "0/2") == at(600));
  CHECK(incremental_watermark(runs, "1/2") == at(500));
  // The whole table is only as fresh as its last full run.
  CHECK(incremental_watermark(runs, "all") == at(100));
}

TEST_CASE("A run of another split or a late --changed-since can only move a watermark back") {
  CHECK(incremental_watermark(std::vector{full(300), full(200, "0/3")}, "0/2") == at(200));
  CHECK(incremental_watermark(std::vector{full(300), full(400, "0/3")}, "0/2") == at(300));
  // --changed-since in the future recomputed only customers with future stamps.
  CHECK(incremental_watermark(std::vector{full(300), incremental(250, 9999)}, "all") == at(250));
  CHECK(incremental_watermark(std::vector{full(300), incremental(350, 9999)}, "all") == at(300));
  CHECK_FALSE(incremental_watermark(std::vector{incremental(350, 100)}, "all"));
}

namespace {

/// A database in the model: each customer's records are the instants they changed at; a row is
/// the latest change it has seen (or none). A run sees the changes made up to its read.
struct Model {
  static constexpr int customers = 12;
  std::vector<std::vector<std::int64_t>> changes =
      std::vector<std::vector<std::int64_t>>(customers);
  std::vector<std::optional<std::int64_t>> rows =
      std::vector<std::optional<std::int64_t>>(customers);
  std::vector<CommittedRun> committed;
  std::int64_t clock = 1;

  static bool in_shard(int customer, const std::string& shard) {
    if (shard == "all") return true;
    const int index = shard[0] - '0';
    const int count = shard[2] - '0';
    return customer % count == index;
  }

  struct Run {
    CommittedRun record;
    std::int64_t read_at = -1;  // -1 until it has read
    std::vector<std::pair<int, std::int64_t>> computed;
  };

  /// Starts a run: its clock, and the since it takes (from the committed runs, for --incremental).
  Run start(const std::string& shard, int kind) {
    Run run;
    run.record.started_at = at(clock);
    run.record.shard = shard;
    if (kind == 1) run.record.changed_since = incremental_watermark(committed, shard);
    if (kind == 2) run.record.changed_since = at(clock - 3);  // --changed-since, a guess
    ++clock;
    return run;
  }

  /// The run reads its snapshot and computes the customers it would.
  void read(Run& run) {
    run.read_at = clock++;
    for (int c = 0; c < customers; ++c) {
      if (!in_shard(c, run.record.shard)) continue;
      std::optional<std::int64_t> latest;
      bool changed = !run.record.changed_since;
      for (const std::int64_t t : changes[c]) {
        if (t > run.read_at) continue;
        latest = std::max(latest.value_or(t), t);
        if (run.record.changed_since && at(t) >= *run.record.changed_since) changed = true;
      }
      if (changed && latest) run.computed.emplace_back(c, *latest);
    }
  }

  void commit(const Run& run) {
    for (const auto& [c, value] : run.computed) rows[c] = value;
    committed.push_back(run.record);
    ++clock;
  }

  void change(int customer) { changes[customer].push_back(clock++); }

  /// Whether every customer of `shard` has the row a full run would write now.
  [[nodiscard]] bool exact(const std::string& shard) const {
    for (int c = 0; c < customers; ++c) {
      if (!in_shard(c, shard) || changes[c].empty()) continue;
      if (rows[c] != *std::max_element(changes[c].begin(), changes[c].end())) return false;
    }
    return true;
  }
};

}  // namespace

TEST_CASE("After any interleaving of runs the next incremental run leaves every row exact") {
  const std::vector<std::string> splits[] = {{"all"}, {"0/2", "1/2"}, {"all", "0/2", "1/2", "0/3"}};
  for (const auto& shards : splits) {
    for (std::uint32_t seed = 1; seed <= 3000; ++seed) {
      std::mt19937 random(seed);
      const auto pick = [&](int n) {
        return static_cast<int>(random() % static_cast<unsigned>(n));
      };
      Model db;
      for (int c = 0; c < Model::customers; ++c) db.change(c);
      std::vector<Model::Run> running;
      for (int step = 0; step < 40; ++step) {
        switch (pick(4)) {
          case 0:
            db.change(pick(Model::customers));
            break;
          case 1:
            if (running.size() < 3)
              running.push_back(
                  db.start(shards[static_cast<std::size_t>(pick(static_cast<int>(shards.size())))],
                           pick(3)));
            break;
          default:
            if (!running.empty()) {
              const auto i = static_cast<std::size_t>(pick(static_cast<int>(running.size())));
              if (running[i].read_at < 0) {
                db.read(running[i]);
              } else {
                db.commit(running[i]);
                running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
              }
            }
        }
      }
      // Runs still under way finish (in the order they happen to) or are killed (never commit).
      for (auto& run : running) {
        if (pick(2) == 0) continue;
        if (run.read_at < 0) db.read(run);
        db.commit(run);
      }
      for (const std::string& shard : shards) {
        INFO("seed " << seed << ", shard " << shard);
        Model after = db;
        Model::Run next = after.start(shard, 1);
        after.read(next);
        after.commit(next);
        CHECK(after.exact(shard));
      }
    }
  }
}

TEST_CASE("The model catches the watermark of the latest run's start") {
  // The same model with the old rule (the latest committed start of the shard or of "all") is
  // wrong for the interleaving, so the property above can fail.
  Model db;
  for (int c = 0; c < Model::customers; ++c) db.change(c);
  Model::Run first = db.start("all", 0);
  db.read(first);
  db.commit(first);
  Model::Run slow = db.start("all", 0);
  db.read(slow);
  db.change(3);
  Model::Run quick = db.start("all", 1);
  db.read(quick);
  db.commit(quick);
  db.commit(slow);
  Model::Run next = db.start("all", 1);
  const auto latest = std::max_element(
      db.committed.begin(), db.committed.end(),
      [](const CommittedRun& x, const CommittedRun& y) { return x.started_at < y.started_at; });
  Model old_rule = db;
  Model::Run old_next = next;
  old_next.record.changed_since = latest->started_at;
  old_rule.read(old_next);
  old_rule.commit(old_next);
  CHECK_FALSE(old_rule.exact("all"));
  db.read(next);
  db.commit(next);
  CHECK(db.exact("all"));
}
