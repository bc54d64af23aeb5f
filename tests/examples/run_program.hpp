// Running an example host from a test: its exit code, standard output and standard error, or
// killed again and again at ever later moments; and scratch directories of input files.
#pragma once

#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace cbf_test {

/// A file's whole content (empty when it cannot be read).
inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Splits text into lines (without their line breaks).
inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

/// Checks `actual` line by line against the CSV output `expected` of `expected_rows` data rows.
inline void check_same_csv(const std::vector<std::string>& actual, const std::string& expected,
                           std::size_t expected_rows) {
  const std::vector<std::string> lines = lines_of(expected);
  REQUIRE(lines.size() == expected_rows + 1);
  REQUIRE(actual.size() == lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    INFO("line " << i);
    CHECK(actual[i] == lines[i]);
  }
}

/// A scratch directory of input files, removed with its content when the test ends.
struct InputDir {
  std::filesystem::path path;
  explicit InputDir(const std::string& name)
      : path(std::filesystem::temp_directory_path() /
             fmt::format("cbf_input_{}_{}", name, ::getpid())) {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~InputDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  InputDir(const InputDir&) = delete;
  InputDir& operator=(const InputDir&) = delete;

  /// Writes `text`, byte for byte, to the file named `file` in the directory.
  void write(const std::string& file, std::string_view text) const {
    std::ofstream(path / file, std::ios::binary)
        .write(text.data(), static_cast<std::streamsize>(text.size()));
  }
};

/// What a program run produced.
struct Run {
  int exit_code;
  std::string out;
  std::string err;
};

/// Runs `exe args` through the shell with no standard input, capturing both outputs.
inline Run run_program(const std::string& exe, const std::string& args) {
  static int counter = 0;
  const auto dir =
      std::filesystem::temp_directory_path() / fmt::format("cbf_host_test_{}", ::getpid());
  std::filesystem::create_directories(dir);
  const auto out = dir / fmt::format("out{}.txt", counter);
  const auto err = dir / fmt::format("err{}.txt", counter++);
  const std::string command =
      fmt::format("{} {} >{} 2>{} </dev/null", exe, args, out.string(), err.string());
  const int status = std::system(command.c_str());
  Run r{WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
  std::filesystem::remove(out);
  std::filesystem::remove(err);
  std::error_code ignored;  // a run of the same process may still use it: removed once empty
  std::filesystem::remove(dir, ignored);
  return r;
}

/// Starts `exe` with `args`, its standard error written to `log`; returns its process id.
inline pid_t spawn(const std::string& exe, const std::vector<std::string>& args,
                   const std::filesystem::path& log) {
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    std::vector<char*> argv{const_cast<char*>(exe.c_str())};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    if (std::freopen(log.c_str(), "w", stderr) == nullptr) ::_exit(126);
    if (std::freopen("/dev/null", "r", stdin) == nullptr) ::_exit(126);
    ::execv(exe.c_str(), argv.data());
    ::_exit(127);
  }
  return pid;
}

/// A program running in the background, its standard error in a log file, that a test can pause
/// at a moment its log shows and resume later; killed (SIGKILL) if still running at destruction.
class Background {
 public:
  Background(const std::string& exe, const std::vector<std::string>& args,
             std::filesystem::path log)
      : log_(std::move(log)), pid_(spawn(exe, args, log_)) {}
  ~Background() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

  /// Waits until the log shows `marker` (true) or the program has ended (false), then pauses
  /// it (SIGSTOP) in the first case.
  bool pause_at(std::string_view marker) {
    while (slurp(log_).find(marker) == std::string::npos) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        status_ = status;
        pid_ = 0;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    ::kill(pid_, SIGSTOP);
    return true;
  }

  /// Resumes a paused program and waits for it to end: its exit code, -1 when a signal ended it.
  int finish() {
    if (pid_ > 0) {
      ::kill(pid_, SIGCONT);
      REQUIRE(::waitpid(pid_, &status_, 0) == pid_);
      pid_ = 0;
    }
    return WIFEXITED(status_) ? WEXITSTATUS(status_) : -1;
  }

  /// What the program wrote to its standard error so far.
  [[nodiscard]] std::string err() const { return slurp(log_); }

 private:
  std::filesystem::path log_;
  pid_t pid_;
  int status_ = 0;
};

/// Runs `exe` with `args` again and again, each time killing it (SIGKILL) `delay` after its
/// standard error (written to `log`) first shows `marker`, the delay growing from 0 ms, until a
/// run finishes on its own. After each run, `inspect(finished)` looks at what it left and returns
/// whether that was the state from before the run (then the next run starts later), or false for
/// the finished state (a run that has nothing left to do ends the loop). Returns how many killed
/// runs left the previous state.
inline int kill_repeatedly(const std::string& exe, const std::vector<std::string>& args,
                           const std::filesystem::path& log, std::string_view marker,
                           const std::function<bool(bool finished)>& inspect) {
  int left_previous = 0;
  for (int delay_ms = 0; delay_ms < 60000; delay_ms += 1 + delay_ms / 4) {
    const pid_t pid = spawn(exe, args, log);
    int status = 0;
    pid_t exited = 0;
    while ((exited = ::waitpid(pid, &status, WNOHANG)) == 0 &&
           slurp(log).find(marker) == std::string::npos)
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    if (exited == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      ::kill(pid, SIGKILL);
      REQUIRE(::waitpid(pid, &status, 0) == pid);
    }
    const bool finished = WIFEXITED(status);
    if (finished) CHECK(WEXITSTATUS(status) == 0);
    INFO("killed " << delay_ms << " ms after '" << marker << "'");
    if (!inspect(finished)) return left_previous;
    CHECK(!finished);
    ++left_previous;
  }
  FAIL("no run finished within a minute");
  return left_previous;
}

}  // namespace cbf_test
