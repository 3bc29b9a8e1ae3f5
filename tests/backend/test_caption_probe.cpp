// The caption probe (eval/caption_probe.h): its caption variants, and its losses against
// closed-form denoisers. The probe on a trained package runs in test_pretrain.cpp, which
// trains one.
#include "core/errors.h"
#include "eval/caption_probe.h"
#include "support/test_support.h"

namespace {

vds::ObjectSpec object(vds::ShapeKind shape, vds::Colour colour, vds::Direction direction) {
  vds::ObjectSpec o;
  o.attributes = {shape, colour, direction};
  return o;
}

// An x0 oracle that ignores x and returns, for each row, the mean of its text context.
vds::diffusion::Denoiser contextMeanOracle() {
  return vds::diffusion::Denoiser::fromX0(
      [](const torch::Tensor& x, const vds::diffusion::NoiseLevel&, const vds::diffusion::Conditioning& c) {
        std::vector<int64_t> view(static_cast<size_t>(x.dim()), 1);
        view[0] = x.size(0);
        return c.context.mean({1, 2}).view(view).expand_as(x).to(x.dtype());
      });
}

// An x0 oracle that reads no condition: x / alpha, whose error is (sigma/alpha) eps.
vds::diffusion::Denoiser unconditionalOracle() {
  return vds::diffusion::Denoiser::fromX0(
      [](const torch::Tensor& x, const vds::diffusion::NoiseLevel& lvl, const vds::diffusion::Conditioning&) {
        return x / lvl.alpha;
      });
}

vds::diffusion::Conditioning contextOf(double value, int64_t rows) {
  return {torch::full({rows, 3, 2}, value, torch::kFloat64), {}};
}

}  // namespace

class CaptionProbeTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void variantsChangeOneAttributeOfEveryObject() {
    vds::ClipSpec clip;
    clip.objects = {object(vds::ShapeKind::circle, vds::Colour::red, vds::Direction::left),
                    object(vds::ShapeKind::cross, vds::Colour::white, vds::Direction::up)};
    clip.caption = vds::captionOf(clip.objects);
    QCOMPARE(clip.caption, std::string("a red circle moving left and a white cross moving up"));
    QCOMPARE(vds::captionVariant(clip, "direction"), std::string("a red circle moving right and a white cross moving down"));
    QCOMPARE(vds::captionVariant(clip, "colour"), std::string("a green circle moving left and a red cross moving up"));
    QCOMPARE(vds::captionVariant(clip, "shape"), std::string("a red square moving left and a white circle moving up"));
    QCOMPARE(vds::captionVariant(clip, "empty"), std::string());
    clip.objects = {object(vds::ShapeKind::square, vds::Colour::blue, vds::Direction::right),
                    object(vds::ShapeKind::diamond, vds::Colour::purple, vds::Direction::down)};
    QCOMPARE(vds::captionVariant(clip, "direction"), std::string("a blue square moving left and a purple diamond moving up"));
    QCOMPARE(vds::captionProbeVariants(), (std::vector<std::string>{"direction", "colour", "shape", "empty"}));
    VDS_EXPECT_THROW_MSG(vds::captionVariant(clip, "size"), vds::ConfigError, "unknown variant 'size'");
  }

  void lossesMatchTheClosedForm() {
    // The oracle's estimate is the context's value c, whatever the noise: the loss is
    // mean((c - x0)^2) exactly.
    const torch::Tensor x0 = torch::linspace(-1, 1, 3 * 2 * 2 * 2 * 2, torch::kFloat64).view({3, 2, 2, 2, 2});
    const std::vector<vds::diffusion::NoiseLevel> levels = {{0.5, 0.8, 700}, {0.9, 0.3, 200}};
    const auto losses = vds::conditioningLosses(contextMeanOracle(), x0, {contextOf(0.25, 3), contextOf(-2.0, 3)},
                                                levels, 3, 7, 0);
    QCOMPARE(losses.size(), size_t{2});
    for (const auto& row : losses) {
      QCOMPARE(row.size(), size_t{2});
      QVERIFY(std::abs(row[0] - (x0 - 0.25).pow(2).mean().item<double>()) < 1e-12);
      QVERIFY(std::abs(row[1] - (x0 + 2.0).pow(2).mean().item<double>()) < 1e-12);
    }
  }

  void everyConditioningSeesTheSameNoise() {
    // A denoiser that reads no condition: every conditioning gets exactly the same loss,
    // which is (sigma/alpha)^2 times the mean squared noise, about (sigma/alpha)^2.
    const torch::Tensor x0 = torch::randn({5, 4, 3, 8, 8}, torch::kFloat64);
    const std::vector<vds::diffusion::NoiseLevel> levels = {{0.5, 0.8, 700}, {0.9, 0.3, 200}};
    const std::vector<vds::diffusion::Conditioning> conds = {contextOf(0, 5), contextOf(1, 5), contextOf(3, 5)};
    const auto losses = vds::conditioningLosses(unconditionalOracle(), x0, conds, levels, 4, 11, 0);
    for (size_t l = 0; l < levels.size(); ++l) {
      QCOMPARE(losses[l][1], losses[l][0]);
      QCOMPARE(losses[l][2], losses[l][0]);
      const double expected = std::pow(levels[l].sigma / levels[l].alpha, 2);
      QVERIFY2(std::abs(losses[l][0] / expected - 1) < 0.05, qPrintable(QString::number(losses[l][0] / expected)));
    }
    // Each row's noise is its own: splitting the batch (with the right first index) gives
    // the same losses, and another seed does not.
    const auto head = vds::conditioningLosses(unconditionalOracle(), x0.slice(0, 0, 2), {contextOf(0, 2)}, levels, 4, 11, 0);
    const auto tail = vds::conditioningLosses(unconditionalOracle(), x0.slice(0, 2, 5), {contextOf(0, 3)}, levels, 4, 11, 2);
    for (size_t l = 0; l < levels.size(); ++l)
      QVERIFY(std::abs((2 * head[l][0] + 3 * tail[l][0]) / 5 - losses[l][0]) < 1e-12 * losses[l][0]);
    const auto other = vds::conditioningLosses(unconditionalOracle(), x0, {contextOf(0, 5)}, levels, 4, 12, 0);
    QVERIFY(other[0][0] != losses[0][0]);
  }

  void badInputIsRejected() {
    const torch::Tensor x0 = torch::zeros({2, 1, 1, 2, 2});
    VDS_EXPECT_THROW_MSG(vds::conditioningLosses(unconditionalOracle(), x0, {}, {{0.5, 0.8, 700}}, 1, 0, 0),
                         vds::ConfigError, "no conditionings");
    VDS_EXPECT_THROW_MSG(vds::conditioningLosses(unconditionalOracle(), x0, {contextOf(0, 2)}, {{0.5, 0.8, 700}}, 0, 0, 0),
                         vds::ConfigError, "draws must be >= 1");
    VDS_EXPECT_THROW_MSG(vds::conditioningLosses(unconditionalOracle(), x0, {contextOf(0, 2)}, {{1.0, 0.0, 0}}, 1, 0, 0),
                         vds::ConfigError, "must be noisy");
    vds::CaptionProbeOptions o;
    o.model = "/nonexistent";
    o.n = 0;
    VDS_EXPECT_THROW_MSG(vds::probeCaptions(o), vds::ConfigError, "n must be >= 1");
  }
};

QTEST_GUILESS_MAIN(CaptionProbeTest)
#include "test_caption_probe.moc"
