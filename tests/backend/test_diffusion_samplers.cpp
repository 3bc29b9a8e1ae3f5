// Every sampler, driven by the exact denoiser of Gaussian data, must reproduce the data's
// mean and covariance (ARCHITECTURE §9), on a DDPM scaled-linear list and an EDM Karras list.
//
// Tolerance: with 20000 samples each of the 14 moments (4 means, 10 covariance entries) is
// compared in units of its Monte-Carlo standard error, |z| < 4.5 (diffusion_gaussian.h). The
// finest step count per sampler is chosen so its discretisation bias is below ~1.5 se: 100
// steps for the 2nd-order samplers, 400 for the 1st-order deterministic ones (bias ~1/n), 800
// for ancestral DDIM, whose variance deficit also shrinks like 1/n.
#include <vector>

#include "core/torch_compat.h"
#include "diffusion/samplers.h"
#include "diffusion/schedule.h"
#include "diffusion_gaussian.h"
#include "support/test_support.h"

using namespace vds::diffusion;
using vds::test::GaussianData;
using vds::test::kMaxZ;

namespace {

constexpr int64_t kSamples = 20000;

std::vector<NoiseLevel> vpLevels(int n) {
  // linspace spacing includes t = 999 and t = 0, the ends of the trained range.
  static const DdpmSchedule sched = DdpmSchedule::scaledLinear();
  return sched.levels(sched.timesteps(n, Spacing::linspace));
}

std::vector<NoiseLevel> karrasLevels(int n) { return edmLevels(karrasSigmas(n, 0.002, 80.0, 7.0)); }

std::vector<NoiseLevel> levelsFor(bool vp, int n) { return vp ? vpLevels(n) : karrasLevels(n); }

X0Callback exactDenoiser(const GaussianData& g) {
  return [&g](const torch::Tensor& x, const NoiseLevel& lvl) { return g.idealX0(x, lvl); };
}

// The sampler's output for exact marginal samples at levels[0]; the same start for every n.
torch::Tensor run(const GaussianData& g, SamplerKind kind, double eta, const std::vector<NoiseLevel>& levels) {
  const torch::Tensor x = g.sampleMarginal(kSamples, levels.front(), vds::compat::makeCpuGenerator(7));
  SamplerOptions opt;
  opt.eta = eta;
  opt.gen = vds::compat::makeCpuGenerator(11);
  return sample(kind, exactDenoiser(g), x, levels, opt).x;
}

void checkConverges(SamplerKind kind, double eta, const std::vector<int>& steps) {
  const GaussianData g = GaussianData::make();
  for (bool vp : {true, false}) {
    std::vector<double> z;
    for (int n : steps) {
      z.push_back(g.maxZ(run(g, kind, eta, levelsFor(vp, n))));
      qInfo("%s eta=%.0f %s n=%3d  max|z| = %.2f", toString(kind).c_str(), eta, vp ? "vp " : "edm", n, z.back());
    }
    // The error must fall with every refinement until both settings sit inside the
    // Monte-Carlo band, where only noise is left to compare.
    for (size_t i = 1; i < z.size(); ++i)
      QVERIFY2(z[i] < z[i - 1] || (z[i] < kMaxZ && z[i - 1] < kMaxZ), "error did not decrease with steps");
    QVERIFY2(z.back() < kMaxZ, "finest setting not within Monte-Carlo tolerance");
  }
}

}  // namespace

class DiffusionSamplersTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  // Many small ops on [20000, 4]: one thread avoids OpenMP overhead on a shared 2-core box.
  void initTestCase() { torch::set_num_threads(1); }

  void ddimDeterministic() { checkConverges(SamplerKind::ddim, 0.0, {5, 40, 400}); }
  void ddimAncestral() { checkConverges(SamplerKind::ddim, 1.0, {5, 40, 800}); }
  void euler() { checkConverges(SamplerKind::euler, 0.0, {5, 40, 400}); }
  void heun() { checkConverges(SamplerKind::heun, 0.0, {5, 20, 100}); }
  void dpmpp2m() { checkConverges(SamplerKind::dpmpp_2m, 0.0, {5, 20, 100}); }

  void consistencyWithDenoiserMatchesItsPredictedLaw() {
    // Multistep consistency sampling needs a consistency function; with the posterior mean
    // E[x0|x] instead it does NOT converge to the data as steps grow. Its output law is still
    // known exactly: along an eigenvector (variance lambda), in scaled space, a step maps
    // var(y) = v to r^2 v + s'^2 with r = lambda/(lambda + s^2), and the mean stays mu.
    const GaussianData g = GaussianData::make();
    for (bool vp : {true, false}) {
      for (int n : {1, 5, 20}) {
        const auto levels = levelsFor(vp, n);
        const double s0 = levels.front().scaledSigma();
        torch::Tensor v = g.lambda + s0 * s0;
        for (size_t i = 0; i + 1 < levels.size(); ++i) {
          const double s = levels[i].scaledSigma(), sNext = levels[i + 1].scaledSigma();
          const torch::Tensor r = g.lambda / (g.lambda + s * s);
          v = r * r * v + sNext * sNext;
        }
        const torch::Tensor predictedCov = g.alongEigen(torch::eye(4, g.mu.options()), v);
        const torch::Tensor out = run(g, SamplerKind::consistency, 0.0, levels);
        const double z = GaussianData::maxZ(out, g.mu, predictedCov);
        qInfo("consistency(denoiser) %s n=%2d  max|z| vs predicted law %.2f, vs data %.1f; predicted "
              "var/lambda min %.3f",
              vp ? "vp " : "edm", n, z, g.maxZ(out), (v / g.lambda).min().item<double>());
        QVERIFY(z < kMaxZ);
      }
    }
  }
};

QTEST_GUILESS_MAIN(DiffusionSamplersTest)
#include "test_diffusion_samplers.moc"
