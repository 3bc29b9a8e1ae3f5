// Atomic file and directory replacement: the target holds the old or the new
// content, never a mix, and a failure leaves no temporary files behind.
#include <sys/resource.h>

#include <csignal>

#include "core/errors.h"
#include "io/atomic_file.h"
#include "support/test_support.h"

namespace fs = std::filesystem;

namespace {

std::vector<std::string> entries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

using Names = std::vector<std::string>;

}  // namespace

class AtomicFileTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void writeCreatesAndReplaces() {
    vds::test::TempDir dir;
    vds::writeFileAtomic(dir / "a.txt", "old");
    QCOMPARE(vds::test::readBytes(dir / "a.txt"), std::string("old"));
    vds::writeFileAtomic(dir / "a.txt", std::string("new\0bytes", 9));
    QCOMPARE(vds::test::readBytes(dir / "a.txt"), std::string("new\0bytes", 9));
    vds::writeFileAtomic(dir / "empty", "");
    QCOMPARE(fs::file_size(dir / "empty"), uintmax_t(0));
    QVERIFY(entries(dir.path()) == Names({"a.txt", "empty"}));
  }

  void missingParentIsAnIoErrorNamingThePath() {
    vds::test::TempDir dir;
    const fs::path target = dir / "no-such-dir" / "a.txt";
    VDS_EXPECT_THROW_MSG(vds::writeFileAtomic(target, "x"), vds::IoError, target.string().c_str());
    QVERIFY(entries(dir.path()).empty());
  }

  void failedRenameLeavesTargetAndNoTemp() {
    // A non-empty directory cannot be replaced by a file: the final rename fails.
    vds::test::TempDir dir;
    fs::create_directory(dir / "target");
    vds::test::writeBytes(dir / "target" / "keep", "kept");
    VDS_EXPECT_THROW_MSG(vds::writeFileAtomic(dir / "target", "x"), vds::IoError, "target");
    QVERIFY(entries(dir.path()) == Names({"target"}));
    QCOMPARE(vds::test::readBytes(dir / "target" / "keep"), std::string("kept"));
  }

  void failedWriteKeepsOldFileIntact() {
    // A file-size limit makes write() fail part way, even for root (chmod would not).
    vds::test::TempDir dir;
    vds::writeFileAtomic(dir / "a.bin", "old contents");
    constexpr rlim_t kLimitBytes = 64;
    rlimit saved{};
    QVERIFY(getrlimit(RLIMIT_FSIZE, &saved) == 0);
    rlimit limited = saved;
    limited.rlim_cur = kLimitBytes;
    auto* previousHandler = std::signal(SIGXFSZ, SIG_IGN);  // get EFBIG instead of being killed
    QVERIFY(setrlimit(RLIMIT_FSIZE, &limited) == 0);
    bool threwIoError = false;
    try {
      vds::writeFileAtomic(dir / "a.bin", std::string(4096, 'n'));
    } catch (const vds::IoError& e) {
      threwIoError = std::string(e.what()).find("a.bin") != std::string::npos;
    }
    setrlimit(RLIMIT_FSIZE, &saved);
    std::signal(SIGXFSZ, previousHandler);
    QVERIFY(threwIoError);
    QCOMPARE(vds::test::readBytes(dir / "a.bin"), std::string("old contents"));
    QVERIFY(entries(dir.path()) == Names({"a.bin"}));
  }

  void stagingDirectoriesAreFreshSiblings() {
    vds::test::TempDir dir;
    const fs::path a = vds::createStagingDirectory(dir / "pkg");
    const fs::path b = vds::createStagingDirectory(dir / "pkg");
    QVERIFY(a != b);
    QCOMPARE(a.parent_path(), dir.path());
    QVERIFY(a.filename().string().rfind("pkg.staging-", 0) == 0);
    QVERIFY(fs::is_directory(a) && fs::is_empty(a));
  }

  void replaceDirectoryWhenTargetIsAbsent() {
    vds::test::TempDir dir;
    const fs::path staged = vds::createStagingDirectory(dir / "ckpt");
    vds::test::writeBytes(staged / "w", "1");
    vds::replaceDirectoryAtomic(staged, dir / "ckpt");
    QVERIFY(entries(dir.path()) == Names({"ckpt"}));
    QCOMPARE(vds::test::readBytes(dir / "ckpt" / "w"), std::string("1"));
  }

  void replaceDirectorySwapsOutTheOldCopy() {
    vds::test::TempDir dir;
    fs::create_directory(dir / "ckpt");
    vds::test::writeBytes(dir / "ckpt" / "old-only", "old");
    vds::test::writeBytes(dir / "ckpt" / "w", "old");
    const fs::path staged = vds::createStagingDirectory(dir / "ckpt");
    vds::test::writeBytes(staged / "w", "new");
    vds::replaceDirectoryAtomic(staged, dir / "ckpt");
    QVERIFY(entries(dir.path()) == Names({"ckpt"}));  // old copy deleted, staging gone
    QVERIFY(entries(dir / "ckpt") == Names({"w"}));
    QCOMPARE(vds::test::readBytes(dir / "ckpt" / "w"), std::string("new"));
  }

  void pendingFileCommitsOrLeavesNothing() {
    vds::test::TempDir dir;
    const auto target = dir / "out.bin";
    vds::test::writeBytes(target, "old");
    {
      vds::PendingFile pending(target);
      QVERIFY(std::filesystem::exists(pending.path()));
      QCOMPARE(pending.path().parent_path(), dir.path());
      vds::test::writeBytes(pending.path(), "abandoned");
    }  // no commit: the temporary goes, the target stays
    QCOMPARE(vds::test::readBytes(target), std::string("old"));
    QCOMPARE(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
    {
      vds::PendingFile pending(target);
      vds::test::writeBytes(pending.path(), "new");
      pending.commit();
      QVERIFY(!std::filesystem::exists(pending.path()));
    }
    QCOMPARE(vds::test::readBytes(target), std::string("new"));
    QCOMPARE(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
    VDS_EXPECT_THROW_MSG(vds::PendingFile(dir / "missing" / "x.bin"), vds::IoError, "x.bin");
  }

  void replaceDirectoryWithoutStagedKeepsTarget() {
    vds::test::TempDir dir;
    fs::create_directory(dir / "ckpt");
    vds::test::writeBytes(dir / "ckpt" / "w", "old");
    VDS_EXPECT_THROW_MSG(vds::replaceDirectoryAtomic(dir / "missing", dir / "ckpt"), vds::IoError, "missing");
    QCOMPARE(vds::test::readBytes(dir / "ckpt" / "w"), std::string("old"));
  }
};

QTEST_GUILESS_MAIN(AtomicFileTest)
#include "test_io_atomic_file.moc"
