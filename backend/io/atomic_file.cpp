#include "io/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>

#include "core/errors.h"
#include "core/log.h"

namespace vds {
namespace {

namespace fs = std::filesystem;

// Name collisions with a concurrent writer are resolved by retrying with a new suffix.
constexpr int kMaxNameAttempts = 100;
constexpr mode_t kNewFileMode = 0644;
constexpr mode_t kNewDirMode = 0755;

std::string errnoText(int err) { return std::strerror(err); }

fs::path parentOf(const fs::path& p) {
  const fs::path parent = p.parent_path();
  return parent.empty() ? fs::path(".") : parent;
}

// `<dir>/<name>.<tag>-<16 hex digits>`: a sibling of `target`, so on the same file system.
fs::path randomSibling(const fs::path& target, const char* tag) {
  std::random_device rd;
  const uint64_t r = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  char suffix[17];
  std::snprintf(suffix, sizeof(suffix), "%016llx", static_cast<unsigned long long>(r));
  return parentOf(target) / (target.filename().string() + "." + tag + "-" + suffix);
}

// Makes a completed rename durable; best effort, since some file systems refuse fsync on directories.
void syncDirectory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// Writes all bytes to `fd`, retrying short writes and EINTR. Returns 0 or an errno value.
int writeAll(int fd, const std::string& bytes) {
  const char* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  return 0;
}

}  // namespace

void writeFileAtomic(const fs::path& target, const std::string& bytes) {
  if (target.filename().empty()) throw IoError("cannot write '" + target.string() + "': not a file name");

  fs::path temp;
  int fd = -1;
  for (int attempt = 0; attempt < kMaxNameAttempts && fd < 0; ++attempt) {
    temp = randomSibling(target, "tmp");
    fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, kNewFileMode);
    if (fd < 0 && errno != EEXIST) {
      throw IoError("cannot write '" + target.string() + "': creating '" + temp.string() +
                    "' failed: " + errnoText(errno));
    }
  }
  if (fd < 0) throw IoError("cannot write '" + target.string() + "': no free temporary name");

  int err = writeAll(fd, bytes);
  const char* step = "writing";
  if (err == 0 && ::fsync(fd) != 0) {
    err = errno;
    step = "syncing";
  }
  if (::close(fd) != 0 && err == 0) {
    err = errno;
    step = "closing";
  }
  if (err == 0 && std::rename(temp.c_str(), target.c_str()) != 0) {
    err = errno;
    step = "renaming over";
  }
  if (err != 0) {
    ::unlink(temp.c_str());
    throw IoError("cannot write '" + target.string() + "': " + step + " failed: " + errnoText(err));
  }
  syncDirectory(parentOf(target));
}

PendingFile::PendingFile(const fs::path& target) : target_(target) {
  if (target.filename().empty()) throw IoError("cannot write '" + target.string() + "': not a file name");
  for (int attempt = 0; attempt < kMaxNameAttempts; ++attempt) {
    const fs::path candidate = randomSibling(target, "tmp");
    const int fd = ::open(candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, kNewFileMode);
    if (fd >= 0) {
      ::close(fd);
      temp_ = candidate;
      return;
    }
    if (errno != EEXIST)
      throw IoError("cannot write '" + target.string() + "': creating '" + candidate.string() +
                    "' failed: " + errnoText(errno));
  }
  throw IoError("cannot write '" + target.string() + "': no free temporary name");
}

PendingFile::~PendingFile() {
  if (!committed_) ::unlink(temp_.c_str());
}

void PendingFile::commit() {
  if (committed_) return;
  int err = 0;
  const char* step = "syncing";
  const int fd = ::open(temp_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    err = errno;
    step = "reopening";
  } else {
    if (::fsync(fd) != 0) err = errno;
    ::close(fd);
  }
  if (err == 0 && std::rename(temp_.c_str(), target_.c_str()) != 0) {
    err = errno;
    step = "renaming over";
  }
  if (err != 0) {
    ::unlink(temp_.c_str());
    committed_ = true;  // nothing left to clean up
    throw IoError("cannot write '" + target_.string() + "': " + step + " failed: " + errnoText(err));
  }
  committed_ = true;
  syncDirectory(parentOf(target_));
}

fs::path createStagingDirectory(const fs::path& target) {
  for (int attempt = 0; attempt < kMaxNameAttempts; ++attempt) {
    const fs::path staged = randomSibling(target, "staging");
    if (::mkdir(staged.c_str(), kNewDirMode) == 0) return staged;
    if (errno != EEXIST) {
      throw IoError("cannot create staging directory '" + staged.string() + "': " + errnoText(errno));
    }
  }
  throw IoError("cannot create a staging directory next to '" + target.string() + "'");
}

void replaceDirectoryAtomic(const fs::path& staged, const fs::path& target) {
  std::error_code ec;
  if (!fs::is_directory(staged, ec)) {
    throw IoError("cannot replace '" + target.string() + "': staged directory '" + staged.string() +
                  "' does not exist");
  }

  if (!fs::exists(fs::symlink_status(target, ec))) {
    if (std::rename(staged.c_str(), target.c_str()) != 0) {
      throw IoError("cannot move '" + staged.string() + "' to '" + target.string() + "': " + errnoText(errno));
    }
    syncDirectory(parentOf(target));
    return;
  }

  // `old` ends up holding the previous content, whichever way the swap is done.
  fs::path old;
#ifdef RENAME_EXCHANGE
  if (::renameat2(AT_FDCWD, staged.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) == 0) {
    old = staged;
  } else if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP) {
    throw IoError("cannot swap '" + staged.string() + "' into '" + target.string() + "': " + errnoText(errno));
  }
#endif
  if (old.empty()) {
    // No atomic exchange here: rename the old copy aside first, so that the window in
    // which `target` is absent still has a complete copy (old or staged) on disk.
    old = randomSibling(target, "old");
    if (std::rename(target.c_str(), old.c_str()) != 0) {
      throw IoError("cannot move '" + target.string() + "' aside: " + errnoText(errno));
    }
    if (std::rename(staged.c_str(), target.c_str()) != 0) {
      const int err = errno;
      std::rename(old.c_str(), target.c_str());  // put the old copy back; best effort
      throw IoError("cannot move '" + staged.string() + "' to '" + target.string() + "': " + errnoText(err));
    }
  }
  syncDirectory(parentOf(target));

  fs::remove_all(old, ec);
  if (ec) logger()->warn("could not delete the previous copy '{}': {}", old.string(), ec.message());
}

}  // namespace vds
