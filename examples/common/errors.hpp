// How the hosts fail: one line on stderr, exit code 1, never a crash.
#pragma once

#include <cbf/context.hpp>

#include <fmt/format.h>

#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cbf::host {

/// A usage or input error of a host, reported as one line.
struct HostError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Prints each of `warnings` as "PROGRAM: warning: …" on stderr, unless quiet.
inline void print_warnings(std::string_view program, const std::vector<std::string>& warnings,
                           bool quiet) {
  if (quiet) return;
  for (const std::string& w : warnings) fmt::print(stderr, "{}: warning: {}\n", program, w);
}

/// Runs `run()` and returns its exit code; any exception becomes "PROGRAM: error: …" and exit 1.
template <class Run>
[[nodiscard]] int report_errors(std::string_view program, Run&& run) {
  try {
    return run();
  } catch (const cbf::MissingAsOf&) {
    fmt::print(stderr, "{}: error: no record has a valid timestamp; pass --as-of\n", program);
  } catch (const std::exception& e) {
    fmt::print(stderr, "{}: error: {}\n", program, e.what());
  }
  return 1;
}

}  // namespace cbf::host
