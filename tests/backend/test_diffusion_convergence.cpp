// Per-sample convergence of the deterministic samplers to the exact probability-flow ODE map
// of Gaussian data, their observed orders, and the consistency sampler's exactness when its
// consistency function is the exact ODE map. Also NFE counts, callbacks and validation.
#include <cmath>

#include "core/errors.h"
#include "core/torch_compat.h"
#include "diffusion/samplers.h"
#include "diffusion/schedule.h"
#include "diffusion_gaussian.h"
#include "support/test_support.h"

using namespace vds::diffusion;
using vds::test::GaussianData;
using vds::test::kMaxZ;
using vds::test::maxAbsDiff;

namespace {

std::vector<NoiseLevel> vpLevels(int n) {
  static const DdpmSchedule sched = DdpmSchedule::scaledLinear();
  return sched.levels(sched.timesteps(n, Spacing::linspace));
}
std::vector<NoiseLevel> karras(int n) { return edmLevels(karrasSigmas(n, 0.002, 80.0, 7.0)); }

// RMS over samples of the distance between the sampler's output and the exact ODE map of the
// same start points: pure discretisation error, free of Monte-Carlo noise.
double odeError(const GaussianData& g, SamplerKind kind, const std::vector<NoiseLevel>& levels) {
  const torch::Tensor x = g.sampleMarginal(2000, levels.front(), vds::compat::makeCpuGenerator(31));
  const X0Callback oracle = [&g](const torch::Tensor& xx, const NoiseLevel& l) { return g.idealX0(xx, l); };
  const torch::Tensor out = sample(kind, oracle, x, levels).x;
  const torch::Tensor exact = g.odeMap(x, levels.front(), levels.back());
  return (out - exact).pow(2).sum(1).mean().sqrt().item<double>();
}

}  // namespace

class DiffusionConvergenceTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void ddimConvergesToTheOdeMap() {
    // DDIM (eta = 0) is a 1st-order integrator of the probability-flow ODE: each 4x refinement
    // must shrink the per-sample error by about 4x (observed order in [0.8, 1.25]).
    const GaussianData g = GaussianData::make();
    for (bool vp : {true, false}) {
      std::vector<double> e;
      for (int n : {10, 40, 160}) {
        e.push_back(odeError(g, SamplerKind::ddim, vp ? vpLevels(n) : karras(n)));
        qInfo("ddim %s n=%3d  rms error to ODE map %.3e", vp ? "vp " : "edm", n, e.back());
      }
      for (size_t i = 1; i < e.size(); ++i) {
        const double p = std::log(e[i - 1] / e[i]) / std::log(4.0);
        QVERIFY2(p > 0.8 && p < 1.25, qPrintable(QString("observed order %1").arg(p)));
      }
      QVERIFY(e.back() < e.front() / 10.0);  // two 4x refinements of a 1st-order method: ~16x
    }
  }

  void eulerIsDdimWithoutNoise() {
    // In scaled space both updates are y' = x0 + s' (y - x0)/s.
    const GaussianData g = GaussianData::make();
    const auto levels = vpLevels(10);
    const torch::Tensor x = g.sampleMarginal(100, levels.front(), vds::compat::makeCpuGenerator(1));
    const X0Callback oracle = [&g](const torch::Tensor& xx, const NoiseLevel& l) { return g.idealX0(xx, l); };
    QVERIFY(maxAbsDiff(sampleEuler(oracle, x, levels).x, sampleDdim(oracle, x, levels).x) < 1e-12);
  }

  void observedOrders() {
    // On the Karras list the last step (sigma_min = 0.002 -> 0) adds only O(sigma_min^2), so
    // the error is the integrator's: order 1 for Euler, 2 for Heun and DPM-Solver++(2M).
    const GaussianData g = GaussianData::make();
    auto order = [&](SamplerKind k, int n) {
      const double e1 = odeError(g, k, karras(n)), e2 = odeError(g, k, karras(2 * n));
      const double p = std::log2(e1 / e2);
      qInfo("%s n=%d->%d  error %.3e -> %.3e  order %.2f", toString(k).c_str(), n, 2 * n, e1, e2, p);
      return std::make_pair(p, e2);
    };
    const auto euler = order(SamplerKind::euler, 32);
    const auto heun = order(SamplerKind::heun, 32);
    const auto dpm = order(SamplerKind::dpmpp_2m, 32);
    QVERIFY(euler.first > 0.8 && euler.first < 1.25);
    QVERIFY(heun.first > 1.75 && heun.first < 2.5);
    QVERIFY(dpm.first > 1.75 && dpm.first < 2.5);
    QVERIFY(heun.second < euler.second && dpm.second < euler.second);
  }

  void consistencyWithExactOdeMapIsExact() {
    const GaussianData g = GaussianData::make();
    const X0Callback f = [&g](const torch::Tensor& x, const NoiseLevel& l) {
      return g.odeMap(x, l, NoiseLevel{1.0, 0.0, 0.0});
    };
    for (bool vp : {true, false}) {
      for (int n : {1, 4}) {
        const auto levels = vp ? vpLevels(n) : karras(n);
        const torch::Tensor x = g.sampleMarginal(20000, levels.front(), vds::compat::makeCpuGenerator(41));
        SamplerOptions opt;
        opt.gen = vds::compat::makeCpuGenerator(42);
        const SampleResult r = sampleConsistency(f, x, levels, opt);
        QCOMPARE(r.nfe, int64_t{n});
        const double z = g.maxZ(r.x);
        qInfo("consistency(ODE map) %s n=%d  max|z| = %.2f", vp ? "vp " : "edm", n, z);
        QVERIFY(z < kMaxZ);
        if (n == 1) QVERIFY(maxAbsDiff(r.x, g.odeMap(x, levels.front(), levels.back())) < 1e-12);
      }
    }
  }

  void nfeAndStepCallbacks() {
    const GaussianData g = GaussianData::make();
    const X0Callback oracle = [&g](const torch::Tensor& x, const NoiseLevel& l) { return g.idealX0(x, l); };
    const auto levels = karras(6);
    const torch::Tensor x = g.sampleMarginal(8, levels.front(), vds::compat::makeCpuGenerator(2));
    const std::pair<SamplerKind, int64_t> expected[] = {{SamplerKind::ddim, 6},     {SamplerKind::euler, 6},
                                                        {SamplerKind::heun, 11},    {SamplerKind::dpmpp_2m, 6},
                                                        {SamplerKind::consistency, 6}};
    for (const auto& [kind, nfe] : expected) {
      std::vector<int> seen;
      torch::Tensor last;
      SamplerOptions opt;
      opt.gen = vds::compat::makeCpuGenerator(3);
      opt.onStep = [&](const SamplerStep& s) {
        seen.push_back(s.index);
        QCOMPARE(s.total, 6);
        QCOMPARE(s.to.sigma, levels[static_cast<size_t>(s.index) + 1].sigma);
        last = s.x;
      };
      const SampleResult r = sample(kind, oracle, x, levels, opt);
      QCOMPARE(r.nfe, nfe);
      QCOMPARE(seen, (std::vector<int>{0, 1, 2, 3, 4, 5}));
      QVERIFY(torch::equal(last, r.x));
    }
  }

  void invalidInputsAreRejected() {
    const X0Callback id = [](const torch::Tensor& x, const NoiseLevel&) { return x; };
    const torch::Tensor x = torch::zeros({2, 2});
    VDS_EXPECT_THROW_MSG(sampleEuler(id, x, edmLevels({80.0}, false)), vds::ConfigError, "at least 2");
    VDS_EXPECT_THROW_MSG(sampleEuler(id, x, edmLevels({1.0, 2.0})), vds::ConfigError, "strictly decrease");
    auto mid = edmLevels({2.0, 1.0});
    mid.insert(mid.begin() + 1, NoiseLevel{1.0, 0.0, 0.0});
    VDS_EXPECT_THROW_MSG(sampleEuler(id, x, mid), vds::ConfigError, "clean but not the last");
    VDS_EXPECT_THROW_MSG(sampleConsistency(id, x, karras(3)), vds::Error, "gen");
    SamplerOptions opt;
    opt.eta = 1.0;
    VDS_EXPECT_THROW_MSG(sampleDdim(id, x, karras(3), opt), vds::Error, "gen");
    QVERIFY(parseSamplerKind("dpmpp_2m") == SamplerKind::dpmpp_2m);
    VDS_EXPECT_THROW_MSG(parseSamplerKind("lms"), vds::ConfigError, "heun");
    const torch::Tensor z = initialNoise({4000}, NoiseLevel{1.0, 80.0, 80.0}, vds::compat::makeCpuGenerator(5),
                                         torch::kFloat64);
    QVERIFY(std::abs(z.std().item<double>() - 80.0) < 80.0 * 4.5 / std::sqrt(2.0 * 4000));
  }
};

QTEST_GUILESS_MAIN(DiffusionConvergenceTest)
#include "test_diffusion_convergence.moc"
