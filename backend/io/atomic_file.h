// Crash-safe file and directory replacement. A reader (or a resumed run) sees
// either the old content or the new content, never a half-written file.
#pragma once
#include <filesystem>
#include <string>

namespace vds {

// Writes `bytes` to `<name>.tmp-<random>` next to `target`, flushes and fsyncs
// it, then renames it over `target`. On any failure the temporary file is
// removed, `target` is untouched, and an IoError naming the path is thrown.
void writeFileAtomic(const std::filesystem::path& target, const std::string& bytes);

// A temporary sibling of `target` (`<name>.tmp-<random>`, created empty and exclusively)
// for writers that need a path of their own, such as FFmpeg's muxers or stb's PNG
// writer: write to path(), then commit() fsyncs it and renames it over `target`.
// Destroyed without a commit (an error, a cancellation), the temporary file is removed
// and `target` is untouched.
class PendingFile {
 public:
  explicit PendingFile(const std::filesystem::path& target);
  ~PendingFile();
  PendingFile(const PendingFile&) = delete;
  PendingFile& operator=(const PendingFile&) = delete;
  const std::filesystem::path& path() const { return temp_; }
  const std::filesystem::path& target() const { return target_; }
  // IoError naming `target` when syncing or renaming fails (the temporary is removed).
  void commit();

 private:
  std::filesystem::path target_, temp_;
  bool committed_ = false;
};

// Creates a fresh, empty directory next to `target` (`<name>.staging-<random>`)
// in which a replacement for `target` can be assembled. Being on the same file
// system as `target` is what makes the final rename atomic.
std::filesystem::path createStagingDirectory(const std::filesystem::path& target);

// Moves the directory `staged` to `target`. An existing `target` is swapped out
// atomically where the file system allows it (renameat2 RENAME_EXCHANGE), and
// otherwise first renamed aside to `<name>.old-<random>`, so a crash at any point
// leaves at least one complete copy on disk. The old copy is deleted afterwards.
void replaceDirectoryAtomic(const std::filesystem::path& staged, const std::filesystem::path& target);

}  // namespace vds
