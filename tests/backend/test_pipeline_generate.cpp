// The generation pipeline on tiny random packages: output layout, seeding (same seed,
// different seed, batch-size independence), NFE accounting with CFG, guidance and the
// first frame changing the output, exact replay of explicit timesteps, request errors.
#include "core/errors.h"
#include "data/shapes_world.h"
#include "io/image_io.h"
#include "pipeline/generate.h"
#include "pipeline_fixtures.h"
#include "support/test_support.h"

namespace fs = std::filesystem;
using vds::test::maxAbsDiff;
using vds::diffusion::SamplerKind;

namespace {

constexpr int kSteps = 3;
const std::vector<std::string> kPrompts{"a red circle moving left", "a blue square moving up",
                                        "a green cross moving down and a white diamond moving right"};

vds::GenerateRequest request(std::vector<std::string> prompts, uint64_t seed = 5, double cfg = 1.0,
                             SamplerKind sampler = SamplerKind::ddim) {
  vds::GenerateRequest r;
  r.prompts = std::move(prompts);
  r.sampler = sampler;
  r.steps = kSteps;
  r.cfg = cfg;
  r.seed = seed;
  return r;
}

bool identical(const torch::Tensor& a, const torch::Tensor& b) { return a.sizes() == b.sizes() && a.equal(b); }

}  // namespace

class PipelineGenerateTest : public QObject {
  Q_OBJECT
 private:
  vds::test::TempDir dir_;
  std::optional<vds::GenerationModels> video_, image_, i2v_;

  // [B,3,8,8] first frames in [-1,1] from a seed.
  static torch::Tensor frames(int64_t batch, uint64_t seed) {
    return at::rand({batch, 3, 8, 8}, vds::makeGenerator(seed)) * 2 - 1;
  }

 private Q_SLOTS:
  void initTestCase() {
    torch::set_num_threads(1);
    const auto packages = vds::test::TinyPackages::write(dir_.path());
    video_ = vds::GenerationModels::load(packages.video());
    image_ = vds::GenerationModels::load(packages.image());
    i2v_ = vds::GenerationModels::load(packages.i2v());
  }

  void outputLayout() {
    const auto r = vds::generate(*video_, request({kPrompts[0], kPrompts[1]}));
    QCOMPARE(r.videos.scalar_type(), torch::kUInt8);
    QCOMPARE(r.videos.sizes(), (at::IntArrayRef{2, vds::test::kTinyFrames, 8, 8, 3}));
    QCOMPARE(r.latents.sizes(), (at::IntArrayRef{2, vds::test::kTinyFrames, 4, 4, 4}));
    QCOMPARE(r.levels.size(), size_t{kSteps + 1});
    QVERIFY(r.levels.back().isClean());
    QVERIFY(r.milliseconds > 0);
    QVERIFY(r.videos.max().item<int>() > r.videos.min().item<int>());  // not a flat image

    const auto still = vds::generate(*image_, request({kPrompts[0]}));
    QCOMPARE(still.videos.sizes(), (at::IntArrayRef{1, 1, 8, 8, 3}));
  }

  void seeding() {
    const auto a = vds::generate(*video_, request({kPrompts[0]}, 5));
    const auto b = vds::generate(*video_, request({kPrompts[0]}, 5));
    const auto c = vds::generate(*video_, request({kPrompts[0]}, 6));
    QVERIFY(identical(a.videos, b.videos));
    QVERIFY(identical(a.latents, b.latents));
    QVERIFY(!identical(a.latents, c.latents));
    QVERIFY(!identical(a.videos, c.videos));
  }

  void videoDoesNotDependOnItsBatch() {
    for (double cfg : {1.0, 3.0}) {
      const auto batch = vds::generate(*video_, request(kPrompts, 9, cfg));
      for (int64_t i : {0, 2}) {
        auto alone = request({kPrompts[static_cast<size_t>(i)]}, 9, cfg);
        alone.firstIndex = i;
        const auto single = vds::generate(*video_, alone);
        QVERIFY2(maxAbsDiff(single.latents[0], batch.latents[i]) < 1e-5, qPrintable(QString::number(i)));
        QVERIFY(maxAbsDiff(single.videos[0], batch.videos[i]) <= 1.0);
      }
      // Same prompt, different index: a different sample.
      const auto twice = vds::generate(*video_, request({kPrompts[0], kPrompts[0]}, 9, cfg));
      QVERIFY(!identical(twice.latents[0], twice.latents[1]));
    }
  }

  void nfeEqualsSteps() {
    for (SamplerKind sampler : {SamplerKind::ddim, SamplerKind::euler, SamplerKind::dpmpp_2m}) {
      for (double cfg : {1.0, 3.0}) {
        QCOMPARE(vds::generate(*video_, request({kPrompts[0], kPrompts[1]}, 1, cfg, sampler)).nfe, int64_t{kSteps});
      }
    }
    // Heun: two evaluations per step except the last one to clean.
    QCOMPARE(vds::generate(*video_, request({kPrompts[0]}, 1, 3.0, SamplerKind::heun)).nfe, int64_t{2 * kSteps - 1});
  }

  void guidanceChangesTheOutput() {
    const auto plain = vds::generate(*video_, request({kPrompts[0]}, 2, 1.0));
    const auto guided = vds::generate(*video_, request({kPrompts[0]}, 2, 3.0));
    QVERIFY(maxAbsDiff(plain.latents, guided.latents) > 1e-3);
    const auto other = vds::generate(*video_, request({kPrompts[1]}, 2, 1.0));
    QVERIFY(maxAbsDiff(plain.latents, other.latents) > 1e-3);  // the prompt matters
  }

  void imageToVideoUsesTheFirstFrame() {
    auto r = request({"", kPrompts[0]}, 3, 1.0, SamplerKind::euler);
    r.firstFrames = frames(2, 1);
    const auto a = vds::generate(*i2v_, r);
    QCOMPARE(a.videos.sizes(), (at::IntArrayRef{2, vds::test::kTinyFrames, 8, 8, 3}));
    QCOMPARE(a.nfe, int64_t{kSteps});
    QCOMPARE(a.levels.front().sigma, 80.0);  // Karras sigmas from the package's sigma_max
    r.firstFrames = frames(2, 2);
    const auto b = vds::generate(*i2v_, r);
    QVERIFY(maxAbsDiff(a.latents, b.latents) > 1e-3);
    r.cfg = 2.5;  // guidance drops the image: still one batched call per step
    QCOMPARE(vds::generate(*i2v_, r).nfe, int64_t{kSteps});
  }

  // Pinned, frame 0 of every x0 estimate is the condition's latent; the sampler's last
  // step to sigma 0 returns the estimate, so the final frame 0 is that latent. The other
  // frames are still generated, and differ from the unpinned run's.
  void pinnedFirstFrameIsTheCondition() {
    for (SamplerKind sampler : {SamplerKind::euler, SamplerKind::heun}) {
      auto r = request({kPrompts[0], kPrompts[1]}, 4, 1.0, sampler);
      r.firstFrames = frames(2, 6);
      const auto free = vds::generate(*i2v_, r);
      r.pinFirstFrame = true;
      const auto pinned = vds::generate(*i2v_, r);
      torch::NoGradGuard noGrad;
      const torch::Tensor condition = i2v_->autoencoder.module->encode(r.firstFrames);
      QVERIFY(maxAbsDiff(pinned.latents.select(1, 0), condition) < 1e-5);
      QVERIFY(maxAbsDiff(free.latents.select(1, 0), condition) > 1e-2);
      QVERIFY(maxAbsDiff(pinned.latents.narrow(1, 1, vds::test::kTinyFrames - 1),
                         free.latents.narrow(1, 1, vds::test::kTinyFrames - 1)) > 1e-4);
      QCOMPARE(pinned.nfe, free.nfe);
    }
    // The wrapper alone: frame 0 replaced, the rest passed through, the input untouched.
    const torch::Tensor inner = torch::randn({2, 3, 4, 4, 4});
    const torch::Tensor first = torch::randn({2, 4, 4, 4});
    const auto x0 = vds::pinFirstFrame([&](const torch::Tensor&, const vds::diffusion::NoiseLevel&) { return inner; },
                                       first);
    const torch::Tensor out = x0(torch::zeros({2, 3, 4, 4, 4}), vds::diffusion::NoiseLevel{});
    QVERIFY(identical(out.select(1, 0), first));
    QVERIFY(identical(out.narrow(1, 1, 2), inner.narrow(1, 1, 2)));
    QVERIFY(!identical(inner.select(1, 0), first));
    auto video = request({kPrompts[0]});
    video.pinFirstFrame = true;
    VDS_EXPECT_THROW_MSG(vds::generate(*video_, video), vds::ConfigError, "pinning the first frame");
  }

  // Text-only guidance keeps the first frame in the unguided branch. Under the empty prompt
  // both branches are then the same input, so guidance at any weight returns the
  // unguided sample; SVD's guidance, which drops the frame, does not. Under a caption the
  // two guidances differ, and both stay one batched call per step.
  void textOnlyGuidanceKeepsTheFirstFrame() {
    auto r = request({"", ""}, 7, 1.0, SamplerKind::heun);
    r.firstFrames = frames(2, 8);
    const auto unguided = vds::generate(*i2v_, r);
    r.cfg = 3.0;
    const auto dropsFrame = vds::generate(*i2v_, r);
    r.guideTextOnly = true;
    const auto keepsFrame = vds::generate(*i2v_, r);
    QVERIFY2(maxAbsDiff(keepsFrame.latents, unguided.latents) < 1e-5,
             qPrintable(QString::number(maxAbsDiff(keepsFrame.latents, unguided.latents))));
    QVERIFY(maxAbsDiff(dropsFrame.latents, unguided.latents) > 1e-3);
    r.prompts = {kPrompts[0], kPrompts[1]};
    const auto textGuided = vds::generate(*i2v_, r);
    r.guideTextOnly = false;
    const auto bothGuided = vds::generate(*i2v_, r);
    QVERIFY(maxAbsDiff(textGuided.latents, bothGuided.latents) > 1e-3);
    QCOMPARE(textGuided.nfe, bothGuided.nfe);
    auto video = request({kPrompts[0]}, 1, 3.0);
    video.guideTextOnly = true;
    VDS_EXPECT_THROW_MSG(vds::generate(*video_, video), vds::ConfigError, "text-only guidance");
  }

  // Guidance limited to an interval of levels: an interval holding every level is full
  // guidance bit for bit, one holding none is the unguided sample bit for bit, and one
  // that splits the levels gives neither.
  void guidanceIntervalLimitsGuidance() {
    auto r = request({kPrompts[0], kPrompts[1]}, 4, 1.0);
    const auto unguided = vds::generate(*video_, r);
    r.cfg = 4.0;
    const auto guided = vds::generate(*video_, r);
    r.cfgInterval = {0.0, 1e9};
    QVERIFY(identical(vds::generate(*video_, r).latents, guided.latents));
    r.cfgInterval = {1e8, 1e9};
    QVERIFY(identical(vds::generate(*video_, r).latents, unguided.latents));
    const std::vector<vds::diffusion::NoiseLevel> levels = guided.levels;
    QVERIFY(levels.size() >= 3);
    r.cfgInterval = {levels[1].scaledSigma(), 1e9};  // guides the first step only
    const auto first = vds::generate(*video_, r);
    QVERIFY(maxAbsDiff(first.latents, guided.latents) > 1e-4);
    QVERIFY(maxAbsDiff(first.latents, unguided.latents) > 1e-4);
    r.cfgInterval = {2.0, 1.0};
    VDS_EXPECT_THROW_MSG(vds::generate(*video_, r), vds::ConfigError, "guidance interval");
  }

  // Dropping the first frame samples the i2v model from its prompt alone: the clip no
  // longer depends on the frame given, and differs from the one drawn with it.
  void droppedFirstFrameIsIgnored() {
    auto r = request({kPrompts[0], kPrompts[1]}, 9, 2.0, SamplerKind::heun);
    r.firstFrames = frames(2, 10);
    const auto withFrame = vds::generate(*i2v_, r);
    r.dropFirstFrame = true;
    const auto a = vds::generate(*i2v_, r);
    r.firstFrames = frames(2, 11);
    const auto b = vds::generate(*i2v_, r);
    QVERIFY(identical(a.latents, b.latents));
    QVERIFY(maxAbsDiff(a.latents, withFrame.latents) > 1e-3);
    auto video = request({kPrompts[0]});
    video.dropFirstFrame = true;
    VDS_EXPECT_THROW_MSG(vds::generate(*video_, video), vds::ConfigError, "dropping the first frame");
  }

  void explicitTimestepsAreReplayed() {
    auto r = request({kPrompts[0]});
    r.timesteps = {999, 640.5, 200, 17};
    const auto result = vds::generate(*video_, r);
    QCOMPARE(result.nfe, int64_t{4});
    const auto schedule = video_->model.spec.schedule.ddpmSchedule();
    QCOMPARE(result.levels.size(), size_t{5});
    for (size_t i = 0; i < r.timesteps.size(); ++i) {
      const auto expected = schedule.level(r.timesteps[i]);
      QCOMPARE(result.levels[i].t, expected.t);
      QCOMPARE(result.levels[i].alpha, expected.alpha);
      QCOMPARE(result.levels[i].sigma, expected.sigma);
    }
    QVERIFY(result.levels.back().isClean());

    auto e = request({kPrompts[0]}, 5, 1.0, SamplerKind::euler);
    e.firstFrames = frames(1, 3);
    e.timesteps = {40.0, 2.5, 0.3};
    const auto edm = vds::generate(*i2v_, e);
    QCOMPARE(edm.levels.size(), size_t{4});
    for (size_t i = 0; i < e.timesteps.size(); ++i) {
      QCOMPARE(edm.levels[i].sigma, e.timesteps[i]);
      QCOMPARE(edm.levels[i].alpha, 1.0);
    }
  }

  void badRequestsAreNamed() {
    VDS_EXPECT_THROW_MSG(vds::generate(*video_, request({})), vds::ConfigError, "prompt");
    auto withFrame = request({kPrompts[0]});
    withFrame.firstFrames = frames(1, 0);
    VDS_EXPECT_THROW_MSG(vds::generate(*video_, withFrame), vds::ConfigError, "not an image-to-video model");
    VDS_EXPECT_THROW_MSG(vds::generate(*i2v_, request({kPrompts[0]})), vds::ConfigError, "needs first frames");
    auto spacing = request({kPrompts[0]});
    spacing.spacing = "uniform";
    VDS_EXPECT_THROW_MSG(vds::generate(*video_, spacing), vds::ConfigError, "uniform");
  }

  // Not a check: with VDS_CLI_FIXTURE_DIR set it writes the tiny packages and a first
  // frame there for the CLI tests (CTest fixture cli_sample_models).
  void writeCliFixture() {
    const char* target = std::getenv("VDS_CLI_FIXTURE_DIR");
    if (target == nullptr) QSKIP("VDS_CLI_FIXTURE_DIR is not set");
    const vds::test::TinyPackages packages = vds::test::TinyPackages::write(target);
    const torch::Tensor frame = vds::modelRangeToFrames(frames(1, 4));
    vds::writePng(fs::path(target) / "first_frame.png", frame[0]);
    // For the studio's suites: a distilled student laid out as under resources/models/students/
    // (its own sampling section, references two folders up), and a second 2D style model.
    const vds::LoadedDiffusionModel video = vds::loadDiffusionModel(packages.video());
    vds::DiffusionSpec student = video.spec;
    student.latent.autoencoder = "../../ae";
    student.textEncoder = "../../text";
    student.sampling = vds::SamplingSpec{SamplerKind::consistency, {999, 499}, 1.0};
    vds::saveDiffusionModel(fs::path(target) / "students" / "tiny-2step", {"tiny-2step", "", {}}, vds::kKindVideoUNet,
                            *video.module, student);
    vds::ImageUNet styleB(vds::test::tinyUNetOptions());
    vds::test::jitter(*styleB, 77);
    vds::saveDiffusionModel(fs::path(target) / "image-b", {"tiny-image-b", "", {}}, vds::kKindImageUNet, *styleB,
                            vds::test::tinySpec(false, 1));
  }
};

QTEST_GUILESS_MAIN(PipelineGenerateTest)
#include "test_pipeline_generate.moc"
