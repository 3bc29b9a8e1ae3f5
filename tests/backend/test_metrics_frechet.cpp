// FVD-S: the Fréchet distance against closed forms, on samples, and on eval-net features
// of Shapes clips.
#include <cmath>

#include "core/errors.h"
#include "core/torch_compat.h"
#include "data/shapes_world.h"
#include "eval/labels.h"
#include "eval/metrics.h"
#include "core/paths.h"
#include "pipeline/model_zoo.h"
#include "support/test_support.h"

namespace {

torch::Tensor f64(std::vector<double> values) { return torch::tensor(values, torch::kFloat64); }

vds::FeatureStats gaussian(const torch::Tensor& mean, const torch::Tensor& covariance) {
  return {mean, covariance, 1000};
}

// An orthonormal 3x3 basis from the QR factorisation of a fixed matrix.
torch::Tensor fixedRotation() {
  const auto m = f64({2, -1, 0.5, 0.3, 1, -2, 1, 0.7, 1.5}).view({3, 3});
  return std::get<0>(torch::linalg_qr(m));
}

bool near(double actual, double expected, double tolerance) { return std::abs(actual - expected) <= tolerance; }

// Shapes clips of one split, plain style: [n, F, 3, H, W] in [-1, 1].
torch::Tensor shapesClips(const vds::ShapesWorld& world, vds::Split split, int64_t n) {
  std::vector<torch::Tensor> clips;
  for (int64_t i = 0; i < n; ++i) clips.push_back(world.renderFloat(world.spec(split, i)));
  return torch::stack(clips);
}

}  // namespace

class MetricsFrechetTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() { torch::set_num_threads(1); }

  void diagonalGaussiansMatchHandComputation() {
    // |Δμ|² = 1 + 4 + 1 = 6; √diag: (1, 2, 3) vs (2, 1, 1.5) -> Σ(Δ√λ)² = 1 + 1 + 2.25 = 4.25.
    const auto a = gaussian(f64({0, 0, 0}), torch::diag(f64({1, 4, 9})));
    const auto b = gaussian(f64({1, 2, -1}), torch::diag(f64({4, 1, 2.25})));
    QVERIFY(near(vds::frechetDistance(a, b), 10.25, 1e-10));
  }

  void commutingCovariancesUseEigenvalueRoots() {
    // Σa = Q diag(λa) Qᵀ, Σb = Q diag(λb) Qᵀ commute: d² = |Δμ|² + Σ(√λa − √λb)².
    const auto q = fixedRotation();
    const std::vector<double> la{1, 2, 5}, lb{3, 0.5, 5};
    const auto a = gaussian(f64({0.5, 0, 1}), q.mm(torch::diag(f64(la))).mm(q.t()));
    const auto b = gaussian(f64({0, 1, 1}), q.mm(torch::diag(f64(lb))).mm(q.t()));
    double expected = 0.25 + 1.0;
    for (size_t i = 0; i < la.size(); ++i) expected += std::pow(std::sqrt(la[i]) - std::sqrt(lb[i]), 2);
    QVERIFY(near(vds::frechetDistance(a, b), expected, 1e-9));
  }

  void nonCommuting2x2MatchesAnalyticRoot() {
    // For 2x2 P = ΣaΣb (eigenvalues ν1, ν2 >= 0, those of Σa^{1/2}ΣbΣa^{1/2}):
    // tr √P = √ν1 + √ν2 = sqrt(tr P + 2 sqrt(det P)).
    const double a11 = 2, a12 = 0.5, a22 = 1, b11 = 1, b12 = -0.3, b22 = 3;
    const double p11 = a11 * b11 + a12 * b12, p22 = a12 * b12 + a22 * b22;
    const double detP = (a11 * a22 - a12 * a12) * (b11 * b22 - b12 * b12);
    const double crossTrace = std::sqrt(p11 + p22 + 2 * std::sqrt(detP));
    const double expected = (0.5 * 0.5 + 1.0) + (a11 + a22) + (b11 + b22) - 2 * crossTrace;
    const auto a = gaussian(f64({0.5, -1}), f64({a11, a12, a12, a22}).view({2, 2}));
    const auto b = gaussian(f64({0, 0}), f64({b11, b12, b12, b22}).view({2, 2}));
    QVERIFY(near(vds::frechetDistance(a, b), expected, 1e-10));
  }

  void selfDistanceIsZeroAndDistanceIsSymmetric() {
    at::Generator gen = vds::compat::makeCpuGenerator(11);
    const auto mix = torch::randn({16, 16}, gen, torch::kFloat64);
    const auto a = vds::featureStats(torch::randn({500, 16}, gen, torch::kFloat64).mm(mix));
    const auto b = vds::featureStats(torch::randn({500, 16}, gen, torch::kFloat64).mm(mix) + 0.2);
    const double scale = a.covariance.trace().item<double>();
    QVERIFY(vds::frechetDistance(a, a) <= 1e-6 * scale);
    const double ab = vds::frechetDistance(a, b), ba = vds::frechetDistance(b, a);
    QVERIFY(ab > 0.1);
    QVERIFY(near(ab, ba, 1e-9 * ab));
  }

  void singularCovarianceStaysFiniteAndZeroAgainstItself() {
    // N = 10 < D = 32: rank-deficient covariance, negative round-off eigenvalues clamped.
    at::Generator gen = vds::compat::makeCpuGenerator(12);
    const auto stats = vds::featureStats(torch::randn({10, 32}, gen, torch::kFloat32));
    QCOMPARE(stats.count, int64_t(10));
    QCOMPARE(stats.covariance.scalar_type(), torch::kFloat64);
    const double d = vds::frechetDistance(stats, stats);
    QVERIFY(std::isfinite(d));
    QVERIFY(d <= 1e-6 * stats.covariance.trace().item<double>());
  }

  void featureStatsAreTheUnbiasedMoments() {
    const auto x = f64({1, 2, 3, 6, 5, 10}).view({3, 2});  // columns (1, 3, 5) and (2, 6, 10)
    const auto s = vds::featureStats(x);
    QVERIFY(vds::test::maxAbsDiff(s.mean, f64({3, 6})) < 1e-12);
    // 1/(N-1) Σ (x-μ)(x-μ)ᵀ: var(1,3,5) = 4, var(2,6,10) = 16, cov = 8.
    QVERIFY(vds::test::maxAbsDiff(s.covariance, f64({4, 8, 8, 16}).view({2, 2})) < 1e-12);
    VDS_EXPECT_THROW_MSG(vds::featureStats(torch::zeros({1, 4})), vds::DataError, "N >= 2");
    VDS_EXPECT_THROW_MSG(vds::frechetDistance(s, vds::featureStats(torch::zeros({3, 4}))), vds::DataError,
                         "2 vs 4");
  }

  void sampleEstimatesMatchPopulationDistance() {
    constexpr int64_t kDim = 8, kSamples = 4000;
    at::Generator gen = vds::compat::makeCpuGenerator(21);
    const auto a = vds::featureStats(torch::randn({kSamples, kDim}, gen, torch::kFloat64));
    const auto b = vds::featureStats(torch::randn({kSamples, kDim}, gen, torch::kFloat64));
    const auto shifted = vds::featureStats(torch::randn({kSamples, kDim}, gen, torch::kFloat64) + 3.0);
    // Same law: only the estimation bias, ~ D(D+3)/(2N) ≈ 0.01 here.
    QVERIFY(vds::frechetDistance(a, b) < 0.1);
    // Mean shifted by 3 in every coordinate: |Δμ|² = 9 D.
    QVERIFY(near(vds::frechetDistance(a, shifted), 9.0 * kDim, 0.02 * 9.0 * kDim));
  }

  void shapesRealFloorIsFarBelowNoise() {
    // A randomly initialised (seeded) eval net already separates real clips from noise.
    // 16 features, not 128: the finite-sample bias of the real-vs-real floor grows like
    // D²/N, and N = 64 keeps the suite fast (ratio ~22 here; 15-30 over other seeds).
    constexpr int64_t kClips = 64;
    torch::manual_seed(3);
    // Mean pooling: the max over positions of random features responds to noise pixels
    // as much as to objects (ratio ~5 with mean_max); the shipped net is checked below.
    vds::EvalNetOptions options;
    options.featureDim = 16;
    options.pooling = "mean";
    vds::EvalNet net(options);
    const vds::ShapesWorld world;
    const auto train = shapesClips(world, vds::Split::train, kClips);
    const auto heldout = shapesClips(world, vds::Split::heldout, kClips);
    at::Generator gen = vds::compat::makeCpuGenerator(4);
    const auto noise = torch::rand(train.sizes(), gen) * 2 - 1;

    const auto trainStats = vds::featureStats(vds::runEvalNet(net, train).features);
    const auto heldoutStats = vds::featureStats(vds::runEvalNet(net, heldout).features);
    const auto noiseStats = vds::featureStats(vds::runEvalNet(net, noise).features);
    QVERIFY(vds::frechetDistance(trainStats, trainStats) <= 1e-6 * trainStats.covariance.trace().item<double>());
    const double floor = vds::frechetDistance(trainStats, heldoutStats);
    const double toNoise = vds::frechetDistance(noiseStats, heldoutStats);
    qInfo("FVD-S real train vs held-out %.4g, noise vs held-out %.4g", floor, toNoise);
    QVERIFY(floor > 0);
    QVERIFY(toNoise > 10 * floor);
  }

  void shippedEvalNetSeparatesRealFromNoise() {
    // The shipped net (128 features, mean+max pooling): 256 clips keep the finite-sample
    // bias of the real floor small next to the distance to noise.
    constexpr int64_t kClips = 256;
    vds::LoadedEvalNet loaded = vds::loadEvalNet(vds::resolveModelPath("builtin:eval-net"));
    const vds::ShapesWorld world;
    const auto train = shapesClips(world, vds::Split::train, kClips);
    const auto heldout = shapesClips(world, vds::Split::heldout, kClips);
    at::Generator gen = vds::compat::makeCpuGenerator(5);
    const auto noise = torch::rand(train.sizes(), gen) * 2 - 1;
    const auto heldoutOut = vds::runEvalNet(loaded.module, heldout);
    const auto heldoutStats = vds::featureStats(heldoutOut.features);
    const double floor = vds::frechetDistance(vds::featureStats(vds::runEvalNet(loaded.module, train).features), heldoutStats);
    const double toNoise =
        vds::frechetDistance(vds::featureStats(vds::runEvalNet(loaded.module, noise).features), heldoutStats);
    qInfo("shipped eval net: FVD-S real train vs held-out %.4g, noise vs held-out %.4g", floor, toNoise);
    QVERIFY(toNoise > 20 * floor);
    // And it reads the held-out clips' captions (95.3% over 2560 clips of five styles).
    std::vector<std::vector<vds::ObjectAttributes>> captioned;
    for (int64_t i = 0; i < kClips; ++i) {
      std::vector<vds::ObjectAttributes> objects;
      for (const auto& o : world.spec(vds::Split::heldout, i).objects) objects.push_back(o.attributes);
      captioned.push_back(objects);
    }
    const double accuracy = vds::promptAccuracy(vds::decodePredictions(heldoutOut), captioned);
    qInfo("shipped eval net: prompt accuracy %.4f on %lld plain held-out clips", accuracy, static_cast<long long>(kClips));
    QVERIFY(accuracy > 0.9);
  }
};

QTEST_GUILESS_MAIN(MetricsFrechetTest)
#include "test_metrics_frechet.moc"
