// Running an example host from a test: its exit code, standard output and standard error.
#pragma once

#include <fmt/format.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace cbf_test {

/// A file's whole content (empty when it cannot be read).
inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

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
  return r;
}

}  // namespace cbf_test
