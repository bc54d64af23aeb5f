#include "common/output_files.hpp"

#include "common/errors.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <streambuf>
#include <string>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

namespace cbf::host {
namespace fs = std::filesystem;

namespace {

/// The prefix of every temporary sibling of `target`: ".NAME.cbf-".
std::string sibling_prefix(const fs::path& target) {
  return fmt::format(".{}.cbf-", target.filename().string());
}

fs::path directory_of(const fs::path& target) {
  return target.has_parent_path() ? target.parent_path() : fs::path(".");
}

/// A buffered stream buffer over a file descriptor that remembers the first write error.
class DescriptorBuffer final : public std::streambuf {
 public:
  explicit DescriptorBuffer(int fd) : fd_(fd), buffer_(std::size_t{1} << 20) {
    setp(buffer_.data(), buffer_.data() + buffer_.size());
  }
  /// errno of the first failed write, 0 when none failed.
  [[nodiscard]] int error() const noexcept { return error_; }

 protected:
  int_type overflow(int_type ch) override {
    if (!drain()) return traits_type::eof();
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(ch);
      pbump(1);
    }
    return traits_type::not_eof(ch);
  }
  int sync() override { return drain() ? 0 : -1; }

 private:
  bool drain() {
    const char* data = pbase();
    std::size_t left = static_cast<std::size_t>(pptr() - pbase());
    while (left > 0 && error_ == 0) {
      const ssize_t n = ::write(fd_, data, left);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        error_ = n < 0 ? errno : EIO;
        break;
      }
      data += n;
      left -= static_cast<std::size_t>(n);
    }
    setp(buffer_.data(), buffer_.data() + buffer_.size());
    return error_ == 0;
  }

  int fd_;
  std::vector<char> buffer_;
  int error_ = 0;
};

[[noreturn]] void fail(const fs::path& file, std::string_view what, int error) {
  throw HostError(fmt::format("{}: {}: {}", file.string(), what, std::strerror(error)));
}

}  // namespace

fs::path temporary_sibling(const fs::path& target, std::string_view role) {
  return directory_of(target) / fmt::format("{}{}.{}", sibling_prefix(target), ::getpid(), role);
}

void remove_leftovers(const fs::path& target) {
  const std::string prefix = sibling_prefix(target);
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(directory_of(target), error)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(prefix)) continue;
    const std::string_view rest = std::string_view(name).substr(prefix.size());
    pid_t pid = 0;
    const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), pid);
    if (ec != std::errc{} || end == rest.data() || *end != '.') continue;
    // A process that still runs may be publishing it right now.
    if (pid != ::getpid() && ::kill(pid, 0) != 0 && errno == ESRCH) {
      std::error_code ignored;
      fs::remove(entry.path(), ignored);
    }
  }
}

/// One output: its target, the temporary file holding its new content, and the names the
/// temporary and the old content get while publishing.
struct OutputFiles::Output {
  fs::path target;
  int fd = -1;
  bool named = false;  ///< the temporary has a name (`staged`) already
  fs::path staged;     ///< the new content's name just before the rename
  fs::path backup;     ///< a second name of the old content, to undo the rename
  bool replaced = false;
  DescriptorBuffer buffer;
  std::ostream stream;

  Output(fs::path path, int descriptor, bool has_name, fs::path staged_name)
      : target(std::move(path)),
        fd(descriptor),
        named(has_name),
        staged(std::move(staged_name)),
        buffer(descriptor),
        stream(&buffer) {}
  ~Output() {
    if (fd >= 0) ::close(fd);
  }
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;
};

OutputFiles::OutputFiles() = default;

OutputFiles::~OutputFiles() {
  for (const auto& output : outputs_) {
    std::error_code ignored;
    if (output->named && !output->replaced) fs::remove(output->staged, ignored);
    if (!output->backup.empty()) fs::remove(output->backup, ignored);
  }
}

std::ostream& OutputFiles::add(const fs::path& target) {
  std::error_code error;
  if (fs::is_directory(target, error))
    throw HostError(fmt::format("{}: is a directory", target.string()));
  const fs::path directory = directory_of(target);
  remove_leftovers(target);
  const fs::path staged = temporary_sibling(target, "new");
  bool named = false;
  int fd = ::open(directory.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
  if (fd < 0 && (errno == EOPNOTSUPP || errno == EINVAL || errno == EISDIR)) {
    // No unnamed files on this file system: a named one, which the next run removes if a kill
    // leaves it behind.
    fd = ::open(staged.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0666);
    named = fd >= 0;
  }
  if (fd < 0) fail(target, fmt::format("cannot write in {}", directory.string()), errno);
  outputs_.push_back(std::make_unique<Output>(target, fd, named, staged));
  return outputs_.back()->stream;
}

void OutputFiles::publish() {
  // 1. Complete every output: a full disk shows up here, before any target changes.
  for (const auto& output : outputs_) {
    output->stream.flush();
    if (!output->stream || output->buffer.error() != 0)
      fail(output->target, "write failed",
           output->buffer.error() != 0 ? output->buffer.error() : EIO);
    if (::fsync(output->fd) != 0) fail(output->target, "write failed", errno);
  }
  // 2. Name each new content beside its target, and give each old content a second name.
  for (const auto& output : outputs_) {
    if (!output->named) {
      const std::string self = fmt::format("/proc/self/fd/{}", output->fd);
      ::unlink(output->staged.c_str());  // a leftover of a process that had this pid
      if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, output->staged.c_str(), AT_SYMLINK_FOLLOW) !=
          0)
        fail(output->target, "cannot name the new file", errno);
      output->named = true;
    }
    if (::access(output->target.c_str(), F_OK) == 0) {
      const fs::path backup = temporary_sibling(output->target, "old");
      ::unlink(backup.c_str());
      if (::link(output->target.c_str(), backup.c_str()) != 0)
        fail(output->target, "cannot keep the old file while replacing it", errno);
      output->backup = backup;
    }
  }
  // 3. Replace the targets; when one fails, put back those replaced so far.
  for (const auto& output : outputs_) {
    if (::rename(output->staged.c_str(), output->target.c_str()) == 0) {
      output->replaced = true;
      continue;
    }
    const int error = errno;
    for (const auto& done : outputs_) {
      if (!done->replaced) continue;
      if (!done->backup.empty())
        ::rename(done->backup.c_str(), done->target.c_str());
      else
        ::unlink(done->target.c_str());
      done->replaced = false;
    }
    fail(output->target, "cannot replace the file", error);
  }
  // 4. Drop the old contents' second names (the destructor does, for every output).
}

}  // namespace cbf::host
