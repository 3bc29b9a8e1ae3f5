// Core utilities: seeding, ETA estimation, device parsing, model references.
#include "core/content_hash.h"
#include "core/device.h"
#include "core/errors.h"
#include "core/paths.h"
#include "core/progress.h"
#include "core/rng.h"
#include "support/test_support.h"

class CoreTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void splitmixMatchesReferenceSequence() {
    // Reference outputs of SplitMix64 seeded with 0 (Vigna's splitmix64.c).
    vds::Rng rng(0);
    QCOMPARE(rng.next(), 0xE220A8397B1DCDAFULL);
    QCOMPARE(rng.next(), 0x6E789E6AA1B965F4ULL);
    QCOMPARE(rng.next(), 0x06C45D188009454FULL);
  }

  void derivedSeedsDifferPerTagAndRepeat() {
    QCOMPARE(vds::deriveSeed(7, {1, 2}), vds::deriveSeed(7, {1, 2}));
    QVERIFY(vds::deriveSeed(7, {1, 2}) != vds::deriveSeed(7, {2, 1}));
    QVERIFY(vds::deriveSeed(7, {1}) != vds::deriveSeed(8, {1}));
    QVERIFY(vds::tagOf("data") != vds::tagOf("noise"));
  }

  void uniformAndNormalMoments() {
    vds::Rng rng(42);
    const int n = 200000;
    double sum = 0, sumSq = 0, usum = 0;
    for (int i = 0; i < n; ++i) {
      const double z = rng.normal();
      sum += z;
      sumSq += z * z;
      usum += rng.uniform();
    }
    QVERIFY(std::abs(sum / n) < 0.01);
    QVERIFY(std::abs(sumSq / n - 1.0) < 0.02);
    QVERIFY(std::abs(usum / n - 0.5) < 0.005);
  }

  void etaFromConstantRate() {
    vds::EtaEstimator eta(100);
    for (int i = 1; i <= 10; ++i) eta.update(i, 0.5 * i);  // 0.5 s a unit
    QVERIFY(std::abs(eta.etaSeconds() - 45.0) < 1e-9);
    QVERIFY(std::abs(eta.rate() - 2.0) < 1e-9);
    QCOMPARE(vds::formatDuration(3725), std::string("1h02m"));
    QCOMPARE(vds::formatDuration(187), std::string("3m07s"));
    QCOMPARE(vds::formatDuration(-1), std::string("--"));
  }

  void contentHashIgnoresChunkingAndTellsContentApart() {
    const std::string text = "the quick brown fox jumps over the lazy dog";
    vds::ContentHasher whole, pieces;
    whole.update(text);
    for (size_t i = 0; i < text.size(); i += 5) pieces.update(text.substr(i, 5));
    QCOMPARE(pieces.hex(), whole.hex());
    QCOMPARE(whole.hex().size(), size_t{32});
    QCOMPARE(vds::hashText(text), whole.hex());
    QVERIFY(vds::hashText(text) != vds::hashText(text + "."));
    QVERIFY(vds::hashText("ab") != vds::hashText("ba"));
    vds::test::TempDir dir;
    vds::test::writeBytes(dir / "f", text);
    QCOMPARE(vds::hashFile(dir / "f"), whole.hex());
    VDS_EXPECT_THROW_MSG(vds::hashFile(dir / "missing"), vds::IoError, "missing");
  }

  void deviceParsing() {
    QVERIFY(vds::parseDevice("cpu").is_cpu());
    VDS_EXPECT_THROW_MSG(vds::parseDevice("tpu"), vds::ConfigError, "tpu");
    QCOMPARE(vds::parseDtype("bf16"), torch::kBFloat16);
    VDS_EXPECT_THROW_MSG(vds::parseDtype("int3"), vds::ConfigError, "int3");
  }

  // modelReference inverts resolveModelPath for shipped packages, and leaves others alone.
  void modelReferencesRoundTrip() {
    QCOMPARE(vds::modelReference(vds::resolveModelPath("builtin:t2v-teacher")), std::string("builtin:t2v-teacher"));
    QCOMPARE(vds::modelReference(vds::resolveModelPath("builtin:students/avdm2-4step")),
             std::string("builtin:students/avdm2-4step"));
    QCOMPARE(vds::modelReference(vds::resourcesDir() / "models" / "." / "style-pixel"), std::string("builtin:style-pixel"));
    QCOMPARE(vds::modelReference("/tmp/elsewhere/pkg"), std::string("/tmp/elsewhere/pkg"));
    QCOMPARE(vds::modelReference(vds::resourcesDir() / "presets"), (vds::resourcesDir() / "presets").string());
    QCOMPARE(vds::modelReference(vds::resourcesDir() / "models"), (vds::resourcesDir() / "models").string());
  }
};

QTEST_GUILESS_MAIN(CoreTest)
#include "test_core.moc"
