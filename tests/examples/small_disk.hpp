// A small file system for fault-injection tests: a tmpfs of a given size, mounted for the test
// and unmounted after it, so a host meets a full disk for real. Mounting needs root (CI runs as
// root); elsewhere the test skips with a message, and fails under CI=true.
#pragma once

#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace cbf_test {

/// A tmpfs of `bytes` bytes at a fresh directory, or the reason there is none.
class SmallDisk {
 public:
  SmallDisk(const std::string& name, std::size_t bytes)
      : path_(std::filesystem::temp_directory_path() /
              fmt::format("cbf_disk_{}_{}", name, ::getpid())) {
    std::filesystem::create_directories(path_);
    const std::string options = fmt::format("size={}", bytes);
    if (::mount("tmpfs", path_.c_str(), "tmpfs", 0, options.c_str()) == 0)
      mounted_ = true;
    else
      reason_ = fmt::format("cannot mount a tmpfs ({}); run as root", std::strerror(errno));
  }
  ~SmallDisk() {
    if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  SmallDisk(const SmallDisk&) = delete;
  SmallDisk& operator=(const SmallDisk&) = delete;

  /// True when mounted; otherwise WARNs (the test is then skipped) or, under CI=true, FAILs.
  [[nodiscard]] bool available() const {
    if (mounted_) return true;
    const char* ci = std::getenv("CI");
    if (ci != nullptr && std::string_view(ci) == "true") FAIL("no small disk: " << reason_);
    WARN("skipped: no small disk: " << reason_);
    return false;
  }

  /// Fills the disk but for about `spare` bytes.
  void fill(std::size_t spare = 0) const {
    std::ofstream out(path_ / "filler", std::ios::binary);
    const std::vector<char> block(4096, 'x');
    const auto space = std::filesystem::space(path_);
    for (std::size_t left = space.available > spare ? space.available - spare : 0; left >= 4096;
         left -= 4096)
      out.write(block.data(), static_cast<std::streamsize>(block.size()));
  }

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
  bool mounted_ = false;
  std::string reason_;
};

/// At the top of a TEST_CASE: skips the test (returns) when `disk` could not be mounted.
#define CBF_SKIP_WITHOUT(disk)       \
  do {                               \
    if (!(disk).available()) return; \
  } while (false)

/// The names in `dir` (files and directories, not recursing), sorted.
inline std::vector<std::string> names_in(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace cbf_test
