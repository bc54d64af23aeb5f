// The output files of one run of a host, published together or not at all. Each is written to an
// unnamed temporary file in its target's directory (O_TMPFILE), which no failure or kill can
// leave behind; publish() gives them names only once every one is complete, then renames them
// over their targets, undoing the renames done so far when one fails.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <ostream>
#include <string_view>
#include <vector>

namespace cbf::host {

/// `target`'s temporary sibling for this process: ".NAME.cbf-PID.ROLE" in its directory.
[[nodiscard]] std::filesystem::path temporary_sibling(const std::filesystem::path& target,
                                                      std::string_view role);

/// Removes the temporary siblings of `target` left by processes that no longer run (a run killed
/// while publishing, or a host without O_TMPFILE), so none outlives the next run.
void remove_leftovers(const std::filesystem::path& target);

/// The new content of a run's output files, published together.
class OutputFiles {
 public:
  OutputFiles();
  /// Drops every output not published: the targets stay as they were.
  ~OutputFiles();
  OutputFiles(const OutputFiles&) = delete;
  OutputFiles& operator=(const OutputFiles&) = delete;

  /// Starts the new content of `target` and returns the stream that writes it (valid until this
  /// object ends). Throws HostError naming `target` when it is a directory or its directory
  /// cannot hold a temporary file.
  std::ostream& add(const std::filesystem::path& target);

  /// Completes every output (flushed and synced), then replaces each target with it. Throws
  /// HostError naming the file when anything fails; every target is then as it was.
  void publish();

 private:
  struct Output;
  std::vector<std::unique_ptr<Output>> outputs_;
};

}  // namespace cbf::host
