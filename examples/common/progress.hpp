// Phase-by-phase progress of a host on stderr, only when a person is watching it.
#pragma once

#include <fmt/format.h>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>

namespace cbf::host {

/// Prints "PROGRAM: what (seconds)" at the end of each phase when stderr is a terminal.
class Progress {
 public:
  Progress(std::string_view program, bool quiet)
      : program_(program), enabled_(!quiet && ::isatty(STDERR_FILENO) != 0) {}

  /// Reports the end of a phase with its duration.
  void done(const std::string& what) {
    const auto now = std::chrono::steady_clock::now();
    if (enabled_)
      fmt::print(stderr, "{}: {} ({:.2f} s)\n", program_, what,
                 std::chrono::duration<double>(now - last_).count());
    last_ = now;
  }

 private:
  std::string_view program_;
  bool enabled_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

}  // namespace cbf::host
