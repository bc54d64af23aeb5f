// Progress of a host on stderr: phase messages and a live bar when a person is watching (a
// terminal), and the time split of the phases with --verbose.
#pragma once

#include <cbf/batch.hpp>

#include <fmt/format.h>

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cbf::host {

class Progress {
 public:
  /// Messages and the bar go to stderr when it is a terminal and not `quiet`; `verbose` adds the
  /// time split at the end wherever stderr goes.
  Progress(std::string_view program, bool quiet, bool verbose = false)
      : program_(program), live_(!quiet && ::isatty(STDERR_FILENO) != 0), verbose_(verbose) {}

  /// Reports the end of a phase: `phase` names it in the time split, `what` says what it did.
  void done(std::string_view phase, const std::string& what) {
    const auto now = std::chrono::steady_clock::now();
    const double seconds = std::chrono::duration<double>(now - last_).count();
    phases_.emplace_back(std::string(phase), seconds);
    const double cpu = cpu_seconds();
    cpu_phases_.emplace_back(std::string(phase), cpu - last_cpu_);
    last_cpu_ = cpu;
    clear_bar();
    if (live_ || verbose_) fmt::print(stderr, "{}: {} ({:.2f} s)\n", program_, what, seconds);
    last_ = now;
  }

  /// Redraws the bar (at most ten times a second): percent, records/s and customers/s.
  void update(const BatchProgress& p) {
    if (!live_) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - drawn_ < std::chrono::milliseconds(100) && p.customers_done < p.customers_total)
      return;
    drawn_ = now;
    const double seconds = std::max(1e-9, std::chrono::duration<double>(now - last_).count());
    const double share = p.records_total > 0 ? static_cast<double>(p.records_done) /
                                                   static_cast<double>(p.records_total)
                                             : 1.0;
    constexpr int width = 30;
    const int filled = static_cast<int>(share * width);
    fmt::print(stderr, "\r{}: [{:=<{}}{:<{}}] {:3.0f}%  {:.1f} M records/s  {:.0f} customers/s ",
               program_, "", filled, "", width - filled, share * 100.0,
               static_cast<double>(p.records_done) / seconds / 1e6,
               static_cast<double>(p.customers_done) / seconds);
    bar_shown_ = true;
  }

  /// Redraws the reading bar (at most ten times a second): percent of the bytes, MB/s and
  /// records/s, so a user sees where a long read stands.
  void update_read(std::uint64_t bytes_done, std::uint64_t bytes_total,
                   std::uint64_t records_done) {
    if (!live_) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - drawn_ < std::chrono::milliseconds(100)) return;
    drawn_ = now;
    const double seconds = std::max(1e-9, std::chrono::duration<double>(now - last_).count());
    const double share =
        bytes_total > 0
            ? std::min(1.0, static_cast<double>(bytes_done) / static_cast<double>(bytes_total))
            : 1.0;
    constexpr int width = 30;
    const int filled = static_cast<int>(share * width);
    fmt::print(stderr, "\r{}: reading [{:=<{}}{:<{}}] {:3.0f}%  {:.0f} MB/s  {:.1f} M records/s ",
               program_, "", filled, "", width - filled, share * 100.0,
               static_cast<double>(bytes_done) / seconds / 1e6,
               static_cast<double>(records_done) / seconds / 1e6);
    bar_shown_ = true;
  }

  /// The phases so far: "read 1.20 s, compute 0.31 s, write 0.40 s".
  [[nodiscard]] std::string time_split() const {
    std::string split;
    for (const auto& [phase, seconds] : phases_)
      split += fmt::format("{}{} {:.2f} s", split.empty() ? "" : ", ", phase, seconds);
    return split;
  }

  /// The processor time of the phases so far, all threads: "read 0.90 s, compute 0.52 s, …"
  /// (on a shared machine, the wall-clock split also counts the time other processes ran).
  [[nodiscard]] std::string cpu_split() const {
    std::string split;
    for (const auto& [phase, seconds] : cpu_phases_)
      split += fmt::format("{}{} {:.2f} s", split.empty() ? "" : ", ", phase, seconds);
    return split;
  }

  /// With --verbose, prints "time split: " and time_split().
  void print_time_split() const {
    if (verbose_) fmt::print(stderr, "{}: time split: {}\n", program_, time_split());
  }

 private:
  static double cpu_seconds() noexcept {
    timespec t{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
  }

  void clear_bar() {
    if (bar_shown_) fmt::print(stderr, "\r\033[K");
    bar_shown_ = false;
  }

  std::string_view program_;
  bool live_;
  bool verbose_;
  bool bar_shown_ = false;
  std::vector<std::pair<std::string, double>> phases_;
  std::vector<std::pair<std::string, double>> cpu_phases_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
  double last_cpu_ = cpu_seconds();
  std::chrono::steady_clock::time_point drawn_{};
};

}  // namespace cbf::host
