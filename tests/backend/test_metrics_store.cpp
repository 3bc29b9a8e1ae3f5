// metrics.sqlite: append, read back, rewind on resume, persistence across reopen, and a
// reader (the studio reloading a run's history) opening the file while the trainer writes.
#include <atomic>
#include <cmath>
#include <string>
#include <thread>

#include "core/errors.h"
#include "io/metrics_store.h"
#include "support/test_support.h"

class MetricsStoreTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void appendAndReadBack() {
    vds::test::TempDir dir;
    vds::MetricsStore store(dir / "metrics.sqlite");
    store.append(10, 1.5, {{"loss/gen", 0.25}, {"loss/disc", 1.0}});
    store.append(20, 3.0, {{"loss/gen", 0.125}});
    const auto gen = store.series("loss/gen");
    QCOMPARE(gen.size(), size_t(2));
    QCOMPARE(gen[0].step, int64_t(10));
    QCOMPARE(gen[0].value, 0.25);
    QCOMPARE(gen[1].wallSeconds, 3.0);
    QCOMPARE(store.names(), (std::vector<std::string>{"loss/disc", "loss/gen"}));
  }

  void nanSurvivesAsNan() {
    vds::test::TempDir dir;
    vds::MetricsStore store(dir / "m.sqlite");
    store.append(1, 0, {{"x", std::nan("")}});
    QVERIFY(std::isnan(store.series("x").at(0).value));
  }

  void resumeRewindsAndRewrites() {
    vds::test::TempDir dir;
    {
      vds::MetricsStore store(dir / "m.sqlite");
      for (int s = 1; s <= 5; ++s) store.append(s, s, {{"loss", 1.0 / s}});
      store.note(3, "style_swap", "pastel");
      store.note(5, "style_swap", "outline");
    }
    vds::MetricsStore reopened(dir / "m.sqlite");  // persisted across close
    QCOMPARE(reopened.series("loss").size(), size_t(5));
    reopened.truncateAfter(3);
    QCOMPARE(reopened.series("loss").size(), size_t(3));
    QCOMPARE(reopened.notes("style_swap").size(), size_t(1));
    reopened.append(3, 9, {{"loss", 7.0}});  // the same step written again replaces it
    QCOMPARE(reopened.series("loss").back().value, 7.0);
    QCOMPARE(reopened.series("loss").size(), size_t(3));
  }

  // The studio opens metrics.sqlite to reload a run's plots at the moment a resumed trainer
  // opens, rewinds and appends to it. Neither side may fail with "database is locked".
  void readersAndAWriterShareTheFile() {
    vds::test::TempDir dir;
    const auto file = dir / "m.sqlite";
    { vds::MetricsStore(file).append(0, 0, {{"loss", 1.0}}); }
    std::atomic<bool> done{false};
    std::string writerError;
    std::thread writer([&] {
      try {
        for (int round = 0; round < 40; ++round) {
          vds::MetricsStore store(file);  // a fresh connection per round, as each resume makes
          store.truncateAfter(0);
          for (int s = 1; s <= 10; ++s) {
            store.append(s, s, {{"loss", 1.0 / s}, {"aux", s}});
            store.note(s, "log", "step");
          }
        }
      } catch (const std::exception& e) {
        writerError = e.what();
      }
      done = true;
    });
    std::string readerError;
    int reads = 0;
    try {
      while (!done || reads < 10) {
        vds::MetricsStore store(file);
        for (const auto& name : store.names()) (void)store.series(name);
        ++reads;
      }
    } catch (const std::exception& e) {
      readerError = e.what();
    }
    done = true;
    writer.join();
    QVERIFY2(writerError.empty(), writerError.c_str());
    QVERIFY2(readerError.empty(), readerError.c_str());
    QCOMPARE(vds::MetricsStore(file).series("loss").size(), size_t(11));  // step 0 and steps 1-10
  }

  void unopenablePathNamesTheFile() {
    VDS_EXPECT_THROW_MSG(vds::MetricsStore("/nonexistent-dir/x/metrics.sqlite"), vds::IoError,
                         "/nonexistent-dir/x/metrics.sqlite");
  }
};

QTEST_GUILESS_MAIN(MetricsStoreTest)
#include "test_metrics_store.moc"
