// Where an incremental cbf-db run starts: the watermark derived from the runs that actually
// committed, in the order they committed. A run's rows hold its snapshot, and a slow run that
// commits after a faster, later one puts older rows back; taking "the latest run's start" then
// skips the records changed in between forever. Folding the committed runs in commit order
// knows when that happened and moves the watermark back.
#pragma once

#include <cbf/time.hpp>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace cbf::host::db {

/// One committed run, as customer_behavior_runs records it.
struct CommittedRun {
  cbf::Timestamp started_at;  ///< its clock, taken before its read
  /// The instant it recomputed changed customers from; nullopt when it computed every customer
  /// of its shard (a full run, or an incremental run without a watermark).
  std::optional<cbf::Timestamp> changed_since;
  std::string shard;  ///< "all" or "K/N"
};

/// How a run's customers relate to a shard's.
enum class Coverage { all, some, none };

/// Which of `shard`'s customers a run over `run_shard` computes: all of them ("all", or the same
/// shard), none (another part of the same split) or some (another split, or "all" after a shard).
[[nodiscard]] inline Coverage coverage(std::string_view run_shard, std::string_view shard) {
  if (run_shard == "all" || run_shard == shard) return Coverage::all;
  const auto parse = [](std::string_view text, std::uint32_t& index, std::uint32_t& count) {
    const auto slash = text.find('/');
    if (slash == std::string_view::npos) return false;
    const auto read = [](std::string_view part, std::uint32_t& value) {
      const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
      return ec == std::errc{} && end == part.data() + part.size() && !part.empty();
    };
    return read(text.substr(0, slash), index) && read(text.substr(slash + 1), count);
  };
  std::uint32_t run_index = 0, run_count = 0, index = 0, count = 0;
  if (parse(run_shard, run_index, run_count) && parse(shard, index, count) && run_count == count &&
      run_index != index)
    return Coverage::none;
  return Coverage::some;
}

/// The instant from which the next incremental run of `shard` must recompute, so that afterwards
/// every row of the shard equals a full run's: every row then holds all its customer's records
/// stamped before it. nullopt when no such instant is known (recompute every customer).
///
/// The fold over `runs` (in commit order) keeps that invariant. A run covering the whole shard
/// that recomputed everything changed since the watermark or earlier makes its own start the
/// watermark, later or earlier (a slow run committing last moves it back to its older snapshot).
/// Any other run that wrote some of the shard's rows can only move it back, to its start.
[[nodiscard]] inline std::optional<cbf::Timestamp> incremental_watermark(
    std::span<const CommittedRun> runs, std::string_view shard) {
  std::optional<cbf::Timestamp> watermark;
  for (const CommittedRun& run : runs) {
    const Coverage covered = coverage(run.shard, shard);
    if (covered == Coverage::none) continue;
    const bool caught_up = !run.changed_since || (watermark && *run.changed_since <= *watermark);
    if (covered == Coverage::all && caught_up)
      watermark = run.started_at;
    else if (watermark)
      watermark = std::min(*watermark, run.started_at);
  }
  return watermark;
}

}  // namespace cbf::host::db
