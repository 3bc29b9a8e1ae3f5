// Noise schedules: DDPM beta schedules and timestep spacings, EDM sigma grids, and the
// training sigma distributions of specs/003 §3.5.
#include <cmath>

#include "core/errors.h"
#include "core/torch_compat.h"
#include "diffusion/schedule.h"
#include "support/test_support.h"

using namespace vds::diffusion;

namespace {

bool near(double a, double b, double tol) { return std::abs(a - b) <= tol; }

std::vector<double> list(std::initializer_list<double> v) { return v; }

}  // namespace

class DiffusionScheduleTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void scaledLinearMatchesDirectProduct() {
    // Independent computation: beta_i = (sqrt(b0) + i/999 (sqrt(b1) - sqrt(b0)))^2, product loop.
    const double a = std::sqrt(0.00085), b = std::sqrt(0.012);
    double prod = 1.0;
    std::vector<double> expected;
    for (int i = 0; i < 1000; ++i) {
      const double r = a + i / 999.0 * (b - a);
      prod *= 1.0 - r * r;
      expected.push_back(prod);
    }
    const auto sched = DdpmSchedule::scaledLinear();
    const auto& abar = sched.alphasCumprod();
    QCOMPARE(static_cast<int>(abar.size()), 1000);
    QVERIFY(near(abar[0], 1.0 - 0.00085, 1e-15));
    QVERIFY(near(abar[0], expected[0], 1e-15));
    QVERIFY(near(abar[999], expected[999], 1e-15));
    // Stable Diffusion's published final alpha_bar (~0.0047): 0.0046601 to 5 significant digits.
    QVERIFY(near(abar[999], 0.00466, 1e-5));
    QVERIFY(sched.kind() == BetaSchedule::scaled_linear);
  }

  void linearAndCosineSchedules() {
    const auto lin = DdpmSchedule::linear();
    QVERIFY(near(lin.betas().front(), 1e-4, 1e-18));
    QVERIFY(near(lin.betas().back(), 0.02, 1e-18));
    QVERIFY(near(lin.alphasCumprod()[0], 1.0 - 1e-4, 1e-15));

    const auto cos = DdpmSchedule::cosine();
    const auto& abar = cos.alphasCumprod();
    QVERIFY(abar.front() <= 1.0 && abar.front() > 0.999);
    for (size_t i = 1; i < abar.size(); ++i) QVERIFY(abar[i] < abar[i - 1] && abar[i] > 0.0);
    for (double beta : cos.betas()) QVERIFY(beta > 0.0 && beta <= 0.999);
    QVERIFY(cos.betas().back() == 0.999);  // the clip is active at t = T-1
    QCOMPARE(DdpmSchedule::make(BetaSchedule::cosine).alphasCumprod(), abar);
    QVERIFY(parseBetaSchedule("scaled_linear") == BetaSchedule::scaled_linear);
    VDS_EXPECT_THROW_MSG(parseBetaSchedule("sigmoid"), vds::ConfigError, "scaled_linear");
  }

  void levelsAtIntegerAndFractionalTimesteps() {
    const auto sched = DdpmSchedule::scaledLinear();
    const NoiseLevel l10 = sched.level(10), l11 = sched.level(11), mid = sched.level(10.5);
    QVERIFY(near(l10.alpha * l10.alpha, sched.alphasCumprod()[10], 1e-15));
    QVERIFY(near(l10.alpha * l10.alpha + l10.sigma * l10.sigma, 1.0, 1e-15));
    // log alpha_bar interpolates linearly: alpha_bar(10.5) is the geometric mean.
    QVERIFY(near(mid.alpha * mid.alpha, std::sqrt(sched.alphasCumprod()[10] * sched.alphasCumprod()[11]), 1e-15));
    QVERIFY(mid.sigma > l10.sigma && mid.sigma < l11.sigma);
    QCOMPARE(mid.t, 10.5);
    VDS_EXPECT_THROW_MSG(sched.level(1000), vds::ConfigError, "1000");
    const auto lv = sched.levels({999, 0});
    QCOMPARE(static_cast<int>(lv.size()), 3);
    QVERIFY(lv.back().isClean() && lv.back().alpha == 1.0);
    QCOMPARE(static_cast<int>(sched.levels({999, 0}, false).size()), 2);
  }

  void timestepSpacings() {
    const auto sched = DdpmSchedule::scaledLinear();
    QCOMPARE(sched.timesteps(4, Spacing::leading), list({750, 500, 250, 0}));
    QCOMPARE(sched.timesteps(4, Spacing::trailing), list({999, 749, 499, 249}));
    QCOMPARE(sched.timesteps(4, Spacing::linspace), list({999, 666, 333, 0}));
    QCOMPARE(sched.timesteps(1, Spacing::trailing), list({999}));
    QCOMPARE(sched.timesteps(3, Spacing::trailing), list({999, 666, 332}));  // round(1000 - 2*333.3) - 1
    QCOMPARE(sched.timesteps(1000, Spacing::leading).front(), 999.0);
    VDS_EXPECT_THROW_MSG(sched.timesteps(0, Spacing::leading), vds::ConfigError, "steps");
    QVERIFY(parseSpacing("trailing") == Spacing::trailing);
    VDS_EXPECT_THROW_MSG(parseSpacing("middle"), vds::ConfigError, "leading");
  }

  void edmGridMatchesSpec003() {
    // specs/003 §3.3: T = 4 with sigma_min 0.002, sigma_max 700, rho 7.
    const auto grid = edmGrid(4, 0.002, 700.0, 7.0);
    const std::vector<double> expected{0.002, 2.2691, 70.5408, 700.0};
    for (size_t i = 0; i < 4; ++i) QVERIFY2(near(grid[i], expected[i], 5e-5), qPrintable(QString::number(grid[i])));
    const auto karras = karrasSigmas(4, 0.002, 700.0, 7.0);
    QCOMPARE(karras, std::vector<double>(grid.rbegin(), grid.rend()));
    QCOMPARE(karrasSigmas(1, 0.002, 80.0), std::vector<double>{80.0});
    const auto lv = edmLevels(karras);
    QCOMPARE(static_cast<int>(lv.size()), 5);
    QVERIFY(lv[0].alpha == 1.0 && lv[0].sigma == 700.0 && lv.back().isClean());
    VDS_EXPECT_THROW_MSG(edmGrid(1), vds::ConfigError, "T >= 2");
  }

  void discreteLogNormalProbabilities() {
    const DiscreteLogNormalSigma neg(-1.0, -1.0), pos(-1.0, 1.0);
    const auto& p = neg.probabilities();
    QCOMPARE(static_cast<int>(p.size()), 999);
    QCOMPARE(static_cast<int>(neg.sigmas().size()), 999);
    QVERIFY(near(neg.sigmas().front(), edmGrid(1000)[1], 0.0));  // t starts at 1
    double sum = 0.0, meanLog = 0.0, maxDiff = 0.0;
    for (size_t i = 0; i < p.size(); ++i) {
      QVERIFY(p[i] >= 0.0);
      sum += p[i];
      meanLog += p[i] * std::log(neg.sigmas()[i]);
      maxDiff = std::max(maxDiff, std::abs(p[i] - pos.probabilities()[i]));
    }
    QVERIFY(near(sum, 1.0, 1e-12));
    QCOMPARE(maxDiff, 0.0);  // P_std = -1 and +1 are the same distribution (specs/003 §3.5)
    // Each bin's mass sits at its upper end, so the mean is biased up by about half a bin
    // in ln sigma (~0.009 near sigma = e^-1 with T = 1000); 0.02 bounds that.
    qInfo("E[ln sigma] = %.5f", meanLog);
    QVERIFY(near(meanLog, -1.0, 0.02));
  }

  void discreteLogNormalSampling() {
    const DiscreteLogNormalSigma dist(-1.0, -1.0);
    const auto a = dist.sample(20000, vds::compat::makeCpuGenerator(5));
    const auto b = dist.sample(20000, vds::compat::makeCpuGenerator(5));
    const auto c = dist.sample(20000, vds::compat::makeCpuGenerator(6));
    QVERIFY(torch::equal(a, b));
    QVERIFY(!torch::equal(a, c));
    const auto idx = dist.sampleIndices(1000, vds::compat::makeCpuGenerator(5));
    QVERIFY(idx.min().item<int64_t>() >= 1 && idx.max().item<int64_t>() <= 999);
    // Sample mean of ln sigma: standard error 1/sqrt(20000) = 0.0071; 4.5 se plus the 0.02 bias bound.
    QVERIFY(near(a.log().mean().item<double>(), -1.0, 0.02 + 4.5 * 0.0071));
    QVERIFY(near(a.log().std().item<double>(), 1.0, 0.05));
    const auto ln = sampleLogNormalSigma(20000, -1.2, 1.2, vds::compat::makeCpuGenerator(3));
    QVERIFY(near(ln.log().mean().item<double>(), -1.2, 4.5 * 1.2 / std::sqrt(20000.0)));
  }
};

QTEST_GUILESS_MAIN(DiffusionScheduleTest)
#include "test_diffusion_schedule.moc"
