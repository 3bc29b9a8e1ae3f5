// Evaluation runs on tiny random packages and a tiny random eval net: every field and
// setting of the report, determinism, independence of the generation batch size, the FVD-S
// floor, the image-to-video metrics, the eval net's own gates, and a known answer (real
// clips evaluated as if generated give FVD-S ~ 0 and the eval net's own accuracy).
#include <cmath>

#include "core/errors.h"
#include "eval/evaluate.h"
#include "pipeline_fixtures.h"
#include "support/test_support.h"

namespace fs = std::filesystem;

namespace {

constexpr int64_t kClips = 8;
constexpr int kSteps = 2;

// A tiny randomly initialised eval net package in `dir` (8x8 clips suffice for its strides).
void writeTinyEvalNet(const fs::path& dir) {
  torch::manual_seed(77);
  vds::EvalNet net(vds::test::tinyEvalOptions());
  vds::test::jitter(*net, 6);
  vds::saveEvalNet(dir, {"tiny-eval-net", "random test eval net", {}}, net);
}

vds::WorldOptions tinyWorld() {
  vds::WorldOptions w;
  w.width = w.height = 8;
  w.frames = static_cast<int>(vds::test::kTinyFrames);
  return w;
}

bool near(double a, double b, double tolerance) { return std::abs(a - b) <= tolerance; }


}  // namespace

class EvalEvaluateTest : public QObject {
  Q_OBJECT
 private:
  vds::test::TempDir dir_;
  vds::test::TinyPackages packages_;
  fs::path evalNet_;

  vds::EvalOptions options(const fs::path& model, int64_t batch = 4, uint64_t seed = 3) const {
    vds::EvalOptions o;
    o.model = model;
    o.evalNet = evalNet_;
    o.n = kClips;
    o.seed = seed;
    o.steps = kSteps;
    o.batchSize = batch;
    return o;
  }

 private Q_SLOTS:
  void initTestCase() {
    torch::set_num_threads(1);
    packages_ = vds::test::TinyPackages::write(dir_.path());
    evalNet_ = dir_.path() / "evalnet";
    writeTinyEvalNet(evalNet_);
  }

  void reportHasEveryFieldAndSetting() {
    auto o = options(packages_.video());
    o.cfg = 1.5;
    o.targetStyle = vds::Style::pastel;
    int64_t lastDone = 0, total = 0;
    const auto r = vds::evaluateModel(o, [&](const vds::ProgressUpdate& u) {
      lastDone = u.done;
      total = u.total;
    });
    QCOMPARE(lastDone, kClips);
    QCOMPARE(total, kClips);
    for (const auto& metric : {r.fvd, r.fvdRealFloor, r.promptAccuracy, r.styleAccuracy, r.flicker, r.flickerReal,
                               r.identityConsistency, r.identityConsistencyReal, r.millisecondsPerClip})
      QVERIFY(metric.has_value());
    QVERIFY(r.flickerRatio().has_value());
    QVERIFY(!r.firstFramePsnr);  // text-to-video
    for (const auto& part : {r.shapeAccuracy, r.colourAccuracy, r.directionAccuracy, r.objectCountAccuracy})
      QVERIFY(part.has_value() && *part >= 0 && *part <= 1);
    QCOMPARE(r.nfe.value_or(-1), int64_t{kSteps});
    QVERIFY(*r.millisecondsPerClip > 0);
    for (double v : {*r.promptAccuracy, *r.styleAccuracy, *r.identityConsistency}) QVERIFY(v >= 0 && v <= 1);

    const auto& s = r.settings;
    QCOMPARE(s.sampleCount, kClips);
    QVERIFY(s.seeds == std::vector<uint64_t>{3});
    QCOMPARE(s.sampler, std::string("ddim"));
    QCOMPARE(s.steps, kSteps);
    QCOMPARE(s.guidance, 1.5);
    QCOMPARE(s.spacing, std::string("trailing"));
    QCOMPARE(s.batchSize, int64_t{4});
    QCOMPARE(s.realSplit, std::string("heldout"));
    QVERIFY(s.targetStyle == vds::Style::pastel);
    QCOMPARE(s.worldSeed, vds::kEvalWorldSeed);
    QCOMPARE(s.frameWidth, int64_t{8});
    QCOMPARE(s.frameHeight, int64_t{8});
    QCOMPARE(s.frames, vds::test::kTinyFrames);
    QVERIFY(s.realStyles == std::vector<vds::Style>{vds::Style::plain});
    for (const char* role : {"model", "eval_net", "autoencoder", "text_encoder"})
      QVERIFY2(s.modelPackages.count(role) == 1, role);

    const auto j = r.toJson();
    for (const char* key : {"fvd_s", "fvd_s_real_floor", "prompt_accuracy", "style_accuracy", "flicker_ratio",
                            "identity_consistency", "ms_per_clip", "nfe", "shape_accuracy", "colour_accuracy",
                            "direction_accuracy", "object_count_accuracy"})
      QVERIFY2(!j.at("metrics").at(key).is_null(), key);
    QCOMPARE(j.at("settings").at("world").at("frames").get<int64_t>(), vds::test::kTinyFrames);
    QCOMPARE(j.at("settings").at("batch_size").get<int64_t>(), int64_t{4});
    const std::string table = r.formatTable();
    for (const char* needle : {"NFE per clip", "ms per clip", "batch 4", "spacing trailing", "world: seed 0, 8x8",
                               "shape accuracy", "object count accuracy"})
      QVERIFY2(table.find(needle) != std::string::npos, needle);
  }

  void deterministicForAFixedSeed() {
    const auto a = vds::evaluateModel(options(packages_.video()));
    const auto b = vds::evaluateModel(options(packages_.video()));
    const auto c = vds::evaluateModel(options(packages_.video(), 4, 4));
    QCOMPARE(*a.fvd, *b.fvd);
    QCOMPARE(*a.promptAccuracy, *b.promptAccuracy);
    QCOMPARE(*a.flicker, *b.flicker);
    QCOMPARE(*a.identityConsistency, *b.identityConsistency);
    QVERIFY(*a.fvd != *c.fvd);                   // another seed, other clips
    QCOMPARE(*a.fvdRealFloor, *c.fvdRealFloor);  // the real clips do not depend on the seed
  }

  void etaIsAppliedAndRecorded() {
    const auto plain = vds::evaluateModel(options(packages_.video()));
    auto o = options(packages_.video());
    o.eta = 1.0;
    const auto a = vds::evaluateModel(o);
    const auto b = vds::evaluateModel(o);
    QCOMPARE(plain.settings.eta, 0.0);
    QCOMPARE(a.settings.eta, 1.0);
    QCOMPARE(a.toJson().at("settings").at("eta").get<double>(), 1.0);
    QVERIFY(a.formatTable().find("eta 1") != std::string::npos);
    QVERIFY(plain.formatTable().find("eta") == std::string::npos);
    QCOMPARE(*a.fvd, *b.fvd);       // the fresh noise is seeded
    QVERIFY(*a.fvd != *plain.fvd);  // and it changes the clips
    o.sampler = vds::diffusion::SamplerKind::euler;  // eta belongs to ddim alone
    QCOMPARE(vds::evaluateModel(o).settings.eta, 0.0);
  }

  void independentOfTheBatchSize() {
    const auto two = vds::evaluateModel(options(packages_.video(), 2));
    const auto eight = vds::evaluateModel(options(packages_.video(), 8));
    // A clip's latents agree to round-off across batches; after 8-bit quantisation a pixel
    // may still move by one level, so the metrics agree closely rather than bit for bit.
    const double fvdTolerance = 1e-3 * std::max(1.0, *two.fvd);
    QVERIFY2(near(*two.fvd, *eight.fvd, fvdTolerance), qPrintable(QString("%1 vs %2").arg(*two.fvd).arg(*eight.fvd)));
    QVERIFY(near(*two.promptAccuracy, *eight.promptAccuracy, 1e-12));
    QVERIFY(near(*two.styleAccuracy, *eight.styleAccuracy, 1e-12));
    QVERIFY(near(*two.flicker, *eight.flicker, 1e-4));
    QVERIFY(near(*two.identityConsistency, *eight.identityConsistency, 1e-3));
    QCOMPARE(*two.fvdRealFloor, *eight.fvdRealFloor);
  }

  void floorIsNonNegativeAndFvdFinite() {
    const auto r = vds::evaluateModel(options(packages_.video()));
    QVERIFY(*r.fvdRealFloor >= 0);
    QVERIFY(std::isfinite(*r.fvd) && *r.fvd >= 0);
    qInfo("tiny random model: FVD-S %.4f, floor %.4f", *r.fvd, *r.fvdRealFloor);
  }

  void imageToVideoReportsPsnrAndDirection() {
    auto o = options(packages_.i2v());
    o.sampler = vds::diffusion::SamplerKind::euler;
    const auto r = vds::evaluateModel(o);
    QVERIFY(r.firstFramePsnr && r.directionAccuracy);
    QVERIFY(*r.firstFramePsnr > 0 && *r.firstFramePsnr <= vds::kPsnrCapDb);
    QVERIFY(*r.directionAccuracy >= 0 && *r.directionAccuracy <= 1);
    QVERIFY(r.fvd && r.promptAccuracy);
    QCOMPARE(r.settings.sampler, std::string("euler"));
    QVERIFY(r.settings.spacing.empty());  // EDM: Karras sigmas, no spacing
    const auto j = r.toJson().at("metrics");
    QVERIFY(!j.at("first_frame_psnr_db").is_null() && !j.at("direction_accuracy").is_null());
  }

  void evaluateRealGivesAccuraciesInRange() {
    const auto r = vds::evaluateReal(evalNet_, 4, {vds::kAllStyles.begin(), vds::kAllStyles.end()}, tinyWorld());
    QVERIFY(r.promptAccuracy && r.styleAccuracy && r.fvdRealFloor);
    QVERIFY(*r.promptAccuracy >= 0 && *r.promptAccuracy <= 1);
    QVERIFY(*r.styleAccuracy >= 0 && *r.styleAccuracy <= 1);
    QVERIFY(!r.fvd);
    QCOMPARE(r.settings.sampleCount, int64_t{4});
    QCOMPARE(r.settings.realStyles.size(), vds::kAllStyles.size());
    QCOMPARE(r.settings.modelPackages.at("eval_net"), evalNet_.string());
    QVERIFY(r.formatTable().find("real clips only") != std::string::npos);
  }

  // Real held-out clips "generated" for themselves: FVD-S ~ 0, the eval net's own prompt
  // and style accuracy, real flicker and identity, and the capped PSNR of identical frames.
  void realClipsAsGeneratedGiveTheKnownAnswer() {
    vds::LoadedEvalNet net = vds::loadEvalNet(evalNet_);
    const vds::RealClips real = vds::renderRealClips(tinyWorld(), kClips);
    const auto r = vds::evaluateVideos(net.module, real.heldout, real, vds::Style::plain, real.heldout.select(1, 0));
    const auto own = vds::evaluateReal(net.module, kClips, {vds::Style::plain}, tinyWorld());
    QVERIFY2(*r.fvd < 1e-6 * std::max(1.0, *r.fvdRealFloor), qPrintable(QString::number(*r.fvd)));
    QCOMPARE(*r.promptAccuracy, *own.promptAccuracy);
    QCOMPARE(*r.styleAccuracy, *own.styleAccuracy);
    QCOMPARE(*r.fvdRealFloor, *own.fvdRealFloor);
    QCOMPARE(*r.flicker, *r.flickerReal);
    QCOMPARE(*r.identityConsistency, *r.identityConsistencyReal);
    QCOMPARE(*r.firstFramePsnr, vds::kPsnrCapDb);
    QCOMPARE(*r.shapeAccuracy, *own.shapeAccuracy);
    QCOMPARE(*r.colourAccuracy, *own.colourAccuracy);
    QCOMPARE(*r.directionAccuracy, *own.directionAccuracy);
    QCOMPARE(*r.objectCountAccuracy, *own.objectCountAccuracy);
  }

  // eval --real through an autoencoder must score the round-tripped clips exactly as the
  // generated-clip path scores them when given those clips, and leave the real floor alone.
  void realClipsThroughTheAutoencoderMatchTheGeneratedPath() {
    vds::LoadedEvalNet net = vds::loadEvalNet(evalNet_);
    vds::LoadedAutoencoder ae = vds::loadAutoencoder(packages_.ae());
    const vds::RealClips real = vds::renderRealClips(tinyWorld(), kClips);
    const torch::Tensor back = vds::autoencoderRoundTrip(ae.module, real.heldout);
    QCOMPARE(back.sizes(), real.heldout.sizes());
    QVERIFY(back.min().item<double>() >= -1 && back.max().item<double>() <= 1);
    const torch::Tensor levels = (back + 1) * 127.5;  // on the 8-bit grid, as generated clips are
    QVERIFY(vds::test::maxAbsDiff(levels, levels.round()) < 1e-3);
    QVERIFY(vds::test::maxAbsDiff(back, real.heldout) > 0.01);  // a random autoencoder changes the clips

    const auto viaModelPath = vds::evaluateVideos(net.module, back, real, vds::Style::plain);
    const auto through = vds::evaluateReal(net.module, kClips, {vds::Style::plain}, tinyWorld(), &ae.module);
    const auto plain = vds::evaluateReal(net.module, kClips, {vds::Style::plain}, tinyWorld());
    QVERIFY(through.settings.autoencoderRoundTrip && !plain.settings.autoencoderRoundTrip);
    QCOMPARE(*through.promptAccuracy, *viaModelPath.promptAccuracy);
    QCOMPARE(*through.shapeAccuracy, *viaModelPath.shapeAccuracy);
    QCOMPARE(*through.styleAccuracy, *viaModelPath.styleAccuracy);
    QVERIFY(near(*through.fvd, *viaModelPath.fvd, 1e-9 * std::max(1.0, *through.fvd)));
    QCOMPARE(*through.fvdRealFloor, *plain.fvdRealFloor);
    QVERIFY(!plain.fvd);
    QVERIFY(through.toJson().at("settings").at("autoencoder_round_trip").get<bool>());
    QVERIFY(through.formatTable().find("through the autoencoder") != std::string::npos);
  }

  // An image model (a style model) is evaluated on its images held still: every clip's
  // frames are equal, so flicker is exactly 0, and the real clips have stillFrames frames.
  void imageModelsAreEvaluatedOnStillClips() {
    auto o = options(packages_.image());
    o.stillFrames = 5;
    o.targetStyle = vds::Style::pixel;
    const auto r = vds::evaluateModel(o);
    QCOMPARE(r.settings.frames, int64_t{5});
    QVERIFY(r.settings.stillImages);
    QCOMPARE(*r.flicker, 0.0);
    QVERIFY(*r.flickerReal > 0);  // the real clips move
    QVERIFY(!r.directionAccuracy);  // a held image shows no motion
    QVERIFY(r.shapeAccuracy && r.colourAccuracy && r.objectCountAccuracy);
    QVERIFY(r.toJson().at("metrics").at("direction_accuracy").is_null());
    QVERIFY(*r.styleAccuracy >= 0 && *r.styleAccuracy <= 1);
    QVERIFY(r.settings.targetStyle == vds::Style::pixel);
    QCOMPARE(r.nfe.value_or(-1), int64_t{kSteps});
    QVERIFY(r.toJson().at("settings").at("still_images").get<bool>());
    QVERIFY(r.formatTable().find("still images") != std::string::npos);
    QVERIFY(!vds::evaluateModel(options(packages_.video())).settings.stillImages);
    o.stillFrames = 1;
    QVERIFY_THROWS_EXCEPTION(vds::ConfigError, vds::evaluateModel(o));
  }

  void errorsNameTheSetting() {
    auto one = options(packages_.video());
    one.n = 1;
    try {
      vds::evaluateModel(one);
      QFAIL("n = 1 was accepted");
    } catch (const vds::ConfigError& e) {
      QVERIFY(std::string(e.what()).find("n must be >= 2") != std::string::npos);
    }
    vds::LoadedEvalNet net = vds::loadEvalNet(evalNet_);
    const vds::RealClips real = vds::renderRealClips(tinyWorld(), 2);
    QVERIFY_THROWS_EXCEPTION(vds::DataError,
                             vds::evaluateVideos(net.module, real.heldout.narrow(0, 0, 1), real, vds::Style::plain));
    QVERIFY_THROWS_EXCEPTION(vds::ConfigError, vds::evaluateReal(net.module, 4, {}, tinyWorld()));
  }

  // For the CLI suites: adds a tiny eval net to the package tree of cli.sample_models.
  void writeCliEvalNet() {
    const char* target = std::getenv("VDS_CLI_FIXTURE_DIR");
    if (target == nullptr) QSKIP("VDS_CLI_FIXTURE_DIR is not set");
    writeTinyEvalNet(fs::path(target) / "evalnet");
  }
};

QTEST_GUILESS_MAIN(EvalEvaluateTest)
#include "test_eval_evaluate.moc"
