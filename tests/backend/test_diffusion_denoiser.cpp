// The Denoiser: each parameterisation's network output is turned into the same x0, eps and
// score; per-sample levels; clean levels; classifier-free guidance in one doubled batch.
#include <cmath>

#include "core/errors.h"
#include "core/torch_compat.h"
#include "diffusion/denoiser.h"
#include "diffusion/samplers.h"
#include "diffusion/schedule.h"
#include "support/test_support.h"

using namespace vds::diffusion;
using vds::test::maxAbsDiff;

namespace {

const auto kDbl = torch::TensorOptions().dtype(torch::kFloat64);

// What an ideal network of parameterisation p outputs for the true (x0, eps) at one level.
torch::Tensor idealOutput(Parameterisation p, const torch::Tensor& x0, const torch::Tensor& eps,
                          const NoiseLevel& lvl, double sigmaData) {
  switch (p) {
    case Parameterisation::eps: return eps;
    case Parameterisation::v: return vFromX0Eps(x0, eps, lvl.alpha, lvl.sigma);
    case Parameterisation::x0: return x0;
    default: {
      const auto c = EdmPreconditioning::at(lvl.scaledSigma(), sigmaData, p);
      const torch::Tensor y = (lvl.alpha * x0 + lvl.sigma * eps) / lvl.alpha;
      return (x0 - c.cSkip * y) / c.cOut;
    }
  }
}

// An x0-parameterised network that outputs 2 for rows whose context is 1 (conditional) and
// -1 for rows whose context is 0 (unconditional), recording each call's batch size.
NetworkFn conditionalTwoUnconditionalMinusOne(std::vector<int64_t>& batches) {
  return [&batches](const torch::Tensor& xIn, const torch::Tensor&, const Conditioning& cond) {
    batches.push_back(xIn.size(0));
    const torch::Tensor isCond = cond.context.select(1, 0).select(1, 0).view({-1, 1});
    return torch::where(isCond > 0.5, torch::full_like(xIn, 2.0), torch::full_like(xIn, -1.0));
  };
}

}  // namespace

class DiffusionDenoiserTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void everyParameterisationGivesTheSameX0EpsAndScore() {
    at::Generator gen = vds::compat::makeCpuGenerator(21);
    const torch::Tensor x0 = at::randn({6, 2, 3}, gen, kDbl), eps = at::randn({6, 2, 3}, gen, kDbl);
    // A VP level, an EDM level, and a non-VP level (EDM models see it in scaled space).
    for (const NoiseLevel lvl : {NoiseLevel{0.6, 0.8, 612.0}, NoiseLevel{1.0, 2.2691, 2.2691},
                                 NoiseLevel{0.8, 3.0, 3.75}}) {
      const torch::Tensor x = lvl.alpha * x0 + lvl.sigma * eps;
      for (auto p : {Parameterisation::eps, Parameterisation::v, Parameterisation::x0, Parameterisation::edm,
                     Parameterisation::edm_v}) {
        const double sd = defaultSigmaData(p);
        torch::Tensor seenX, seenT;
        NetworkFn net = [&](const torch::Tensor& xIn, const torch::Tensor& tIn, const Conditioning&) {
          seenX = xIn;
          seenT = tIn;
          return idealOutput(p, x0, eps, lvl, sd);
        };
        const Denoiser den(net, p);
        QCOMPARE(den.sigmaData(), sd);
        QVERIFY2(maxAbsDiff(den.x0(x, lvl, {}), x0) < 1e-12, qPrintable(QString::fromStdString(toString(p))));
        QVERIFY(maxAbsDiff(den.eps(x, lvl, {}), eps) < 1e-12);
        QVERIFY(maxAbsDiff(den.score(x, lvl, {}), -eps / lvl.sigma) < 1e-12);
        QCOMPARE(seenT.dim(), int64_t{1});
        QCOMPARE(seenT.size(0), int64_t{6});
        if (isEdm(p)) {
          const auto c = EdmPreconditioning::at(lvl.scaledSigma(), sd, p);
          QVERIFY(maxAbsDiff(seenX, c.cIn * x / lvl.alpha) < 1e-14);
          QVERIFY(std::abs(seenT[0].item<double>() - c.cNoise) < 1e-14);
        } else {
          QVERIFY(torch::equal(seenX, x));
          QCOMPARE(seenT[5].item<double>(), lvl.t);
        }
      }
    }
  }

  void perSampleLevelsMatchPerRowCalls() {
    at::Generator gen = vds::compat::makeCpuGenerator(22);
    const torch::Tensor x0 = at::randn({3, 4}, gen, kDbl), eps = at::randn({3, 4}, gen, kDbl);
    const BatchNoiseLevel lvl{torch::tensor({1.0, 1.0, 0.5}, kDbl), torch::tensor({0.3, 40.0, 1.5}, kDbl),
                              torch::tensor({0.3, 40.0, 3.0}, kDbl)};
    const torch::Tensor x = lvl.alpha.view({3, 1}) * x0 + lvl.sigma.view({3, 1}) * eps;
    // An ideal SVD-style network that recovers each row's sigma from its c_noise input.
    NetworkFn net = [&](const torch::Tensor& xIn, const torch::Tensor& tIn, const Conditioning&) {
      const torch::Tensor s = (4.0 * tIn).exp().view({3, 1});
      const torch::Tensor norm = (s * s + 1.0).sqrt();
      const torch::Tensor y = xIn * norm;
      return (x0 - y / (s * s + 1.0)) / (-s / norm);
    };
    const Denoiser den(net, Parameterisation::edm_v);
    QVERIFY(maxAbsDiff(den.x0(x, lvl, {}), x0) < 1e-12);
    QVERIFY(maxAbsDiff(den.eps(x, lvl, {}), eps) < 1e-11);

    // A closed-form x0 is called row by row when levels differ, once when they agree.
    int calls = 0;
    const Denoiser oracle = Denoiser::fromX0([&](const torch::Tensor& xx, const NoiseLevel& l, const Conditioning&) {
      ++calls;
      return xx * l.sigma;
    });
    QVERIFY(maxAbsDiff(oracle.x0(x, lvl, {}), x * lvl.sigma.view({3, 1})) < 1e-15);
    QCOMPARE(calls, 3);
    calls = 0;
    oracle.x0(x, BatchNoiseLevel::uniform(NoiseLevel{1.0, 2.0, 2.0}, 3), {});
    QCOMPARE(calls, 1);
  }

  void cleanLevelNeedsNoNetwork() {
    int calls = 0;
    const Denoiser den([&](const torch::Tensor& x, const torch::Tensor&, const Conditioning&) {
      ++calls;
      return x;
    }, Parameterisation::eps);
    const torch::Tensor x = torch::ones({2, 3}, kDbl);
    QVERIFY(torch::equal(den.x0(x, NoiseLevel{2.0, 0.0, -1.0}, {}), x / 2.0));
    QCOMPARE(calls, 0);
    VDS_EXPECT_THROW_MSG(den.eps(x, NoiseLevel{1.0, 0.0, 0.0}, {}), vds::Error, "clean");
  }

  void classifierFreeGuidanceUsesOneDoubledBatch() {
    // Conditional rows carry context 1 and get x0 = 2; unconditional rows carry 0 and get -1.
    std::vector<int64_t> batches;
    const Denoiser den(conditionalTwoUnconditionalMinusOne(batches), Parameterisation::x0);
    const Conditioning cond{torch::ones({4, 3, 5}, kDbl), {}}, uncond{torch::zeros({4, 3, 5}, kDbl), {}};
    const torch::Tensor x = torch::zeros({4, 7}, kDbl);
    const NoiseLevel lvl{0.8, 0.6, 500.0};
    for (double w : {0.0, 3.0, 7.5}) {
      batches.clear();
      const torch::Tensor g = den.x0Guided(x, lvl, cond, uncond, w);
      QVERIFY(maxAbsDiff(g, torch::full_like(x, -1.0 + w * (2.0 - (-1.0)))) < 1e-15);
      QCOMPARE(batches, (std::vector<int64_t>{8}));
    }
    batches.clear();
    QVERIFY(maxAbsDiff(den.x0Guided(x, lvl, cond, uncond, 1.0), torch::full_like(x, 2.0)) == 0.0);
    QCOMPARE(batches, (std::vector<int64_t>{4}));

    // Through a sampler: one doubled-batch network call per step, NFE = steps.
    batches.clear();
    const auto sched = DdpmSchedule::scaledLinear();
    const auto levels = sched.levels(sched.timesteps(4, Spacing::trailing));
    const SampleResult r = sampleDdim(guidedX0(den, cond, uncond, 5.0), x, levels);
    QCOMPARE(r.nfe, int64_t{4});
    QCOMPARE(batches, (std::vector<int64_t>{8, 8, 8, 8}));
    QVERIFY(maxAbsDiff(r.x, torch::full_like(x, 14.0)) < 1e-12);  // last step returns guided x0
  }

  void guidanceIntervalGuidesOnlyItsLevels() {
    // Conditional rows get x0 = 2 and unconditional rows -1, so a guided estimate at w = 5
    // is 14. EDM levels sigma 8, 4, 2, 1, 0 with the interval (2, 8]: the levels at 8 and 4
    // are guided (8 is the closed upper end), 2 (the open lower end) and 1 are not.
    std::vector<int64_t> batches;
    const Denoiser den(conditionalTwoUnconditionalMinusOne(batches), Parameterisation::x0);
    const Conditioning cond{torch::ones({3, 2, 5}, kDbl), {}}, uncond{torch::zeros({3, 2, 5}, kDbl), {}};
    std::vector<NoiseLevel> levels;
    for (double s : {8.0, 4.0, 2.0, 1.0, 0.0}) levels.push_back(NoiseLevel{1.0, s, s});
    std::vector<double> x0s;
    SamplerOptions options;
    options.onStep = [&](const SamplerStep& step) { x0s.push_back(step.x0.max().item<double>()); };
    const torch::Tensor x = torch::zeros({3, 7}, kDbl);
    const SampleResult r = sampleEuler(guidedX0(den, cond, uncond, 5.0, GuidanceInterval{2.0, 8.0}), x, levels,
                                       options);
    QCOMPARE(batches, (std::vector<int64_t>{6, 6, 3, 3}));
    QCOMPARE(x0s, (std::vector<double>{14.0, 14.0, 2.0, 2.0}));
    QCOMPARE(r.nfe, int64_t{4});
    QVERIFY(maxAbsDiff(r.x, torch::full_like(x, 2.0)) < 1e-12);

    // A DDPM level counts by its scaled sigma sigma/alpha: 0.6/0.8 = 0.75.
    batches.clear();
    const NoiseLevel ddpm{0.8, 0.6, 500.0};
    guidedX0(den, cond, uncond, 5.0, GuidanceInterval{0.7, 0.8})(x, ddpm);
    guidedX0(den, cond, uncond, 5.0, GuidanceInterval{0.75, 0.8})(x, ddpm);
    QCOMPARE(batches, (std::vector<int64_t>{6, 3}));

    QVERIFY(GuidanceInterval{}.isFull());
    QVERIFY(!GuidanceInterval{0.5}.isFull());
    VDS_EXPECT_THROW_MSG(checkGuidanceInterval(GuidanceInterval{-1.0, 2.0}, "--cfg-interval"), vds::ConfigError,
                         "--cfg-interval");
    VDS_EXPECT_THROW_MSG(guidedX0(den, cond, uncond, 5.0, GuidanceInterval{3.0, 3.0}), vds::ConfigError, "low < high");
    VDS_EXPECT_THROW_MSG(checkGuidanceInterval(GuidanceInterval{std::nan(""), 2.0}, "x"), vds::ConfigError, "low");
  }

  void conditioningBatchHelpers() {
    const Conditioning a{torch::zeros({2, 3}), torch::ones({2, 4, 8, 8})};
    const Conditioning b{torch::ones({1, 3}), torch::zeros({1, 4, 8, 8})};
    const Conditioning c = Conditioning::cat(a, b);
    QCOMPARE(c.context.size(0), int64_t{3});
    QCOMPARE(c.image.size(0), int64_t{3});
    QCOMPARE(c.repeat(2).context.size(0), int64_t{6});
    QVERIFY(torch::equal(c.repeat(2).image.slice(0, 3, 6), c.image));
    QVERIFY(torch::equal(c.slice(2, 3).context, b.context));
    QVERIFY(!Conditioning::cat(Conditioning{}, Conditioning{}).context.defined());
    VDS_EXPECT_THROW_MSG(Conditioning::cat(a, Conditioning{b.context, {}}), vds::Error, "image");
  }
};

QTEST_GUILESS_MAIN(DiffusionDenoiserTest)
#include "test_diffusion_denoiser.moc"
