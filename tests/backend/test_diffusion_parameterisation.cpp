// Exact conversions between x0, eps, v and the score, and EDM preconditioning constants.
#include <cmath>

#include "core/errors.h"
#include "core/torch_compat.h"
#include "diffusion/parameterisation.h"
#include "support/test_support.h"

using namespace vds::diffusion;
using vds::test::maxAbsDiff;

class DiffusionParameterisationTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void conversionsRoundTrip() {
    at::Generator gen = vds::compat::makeCpuGenerator(3);
    const auto dbl = torch::TensorOptions().dtype(torch::kFloat64);
    // VP levels, EDM levels (alpha = 1) and arbitrary non-VP pairs.
    const std::vector<std::pair<double, double>> levels{{0.8, 0.6}, {0.05, 0.9987}, {1.0, 80.0},
                                                        {1.0, 0.002}, {0.7, 2.3}, {1.9, 0.4}};
    for (const auto& [alpha, sigma] : levels) {
      const torch::Tensor x0 = at::randn({64, 3}, gen, dbl), eps = at::randn({64, 3}, gen, dbl);
      const torch::Tensor x = alpha * x0 + sigma * eps;
      const torch::Tensor v = vFromX0Eps(x0, eps, alpha, sigma);
      QVERIFY(maxAbsDiff(v, alpha * eps - sigma * x0) < 1e-15);
      const double scale = 1.0 + std::abs(sigma) + std::abs(alpha);
      QVERIFY(maxAbsDiff(x0FromEps(x, eps, alpha, sigma), x0) < 1e-13 * scale / alpha);
      QVERIFY(maxAbsDiff(epsFromX0(x, x0, alpha, sigma), eps) < 1e-13 * scale / sigma);
      QVERIFY(maxAbsDiff(x0FromV(x, v, alpha, sigma), x0) < 1e-13 * scale);
      QVERIFY(maxAbsDiff(epsFromV(x, v, alpha, sigma), eps) < 1e-13 * scale);
      // Tweedie: score = -(x - alpha x0)/sigma^2 = -eps/sigma.
      QVERIFY(maxAbsDiff(scoreFromX0(x, x0, alpha, sigma), -eps / sigma) < 1e-12 * scale / (sigma * sigma));
    }
  }

  void conversionsAcceptPerSampleCoefficients() {
    at::Generator gen = vds::compat::makeCpuGenerator(4);
    const auto dbl = torch::TensorOptions().dtype(torch::kFloat64);
    const torch::Tensor alpha = torch::tensor({0.9, 1.0, 0.3}, dbl).view({3, 1});
    const torch::Tensor sigma = torch::tensor({0.4, 5.0, 0.95}, dbl).view({3, 1});
    const torch::Tensor x0 = at::randn({3, 5}, gen, dbl), eps = at::randn({3, 5}, gen, dbl);
    const torch::Tensor x = alpha * x0 + sigma * eps;
    const torch::Tensor v = vFromX0Eps(x0, eps, alpha, sigma);
    QVERIFY(maxAbsDiff(x0FromV(x, v, alpha, sigma), x0) < 1e-13);
    QVERIFY(maxAbsDiff(epsFromV(x, v, alpha, sigma), eps) < 1e-13);
    QVERIFY(maxAbsDiff(x0FromEps(x, eps, alpha, sigma), x0) < 1e-12);
  }

  void svdPreconditioningMatchesSpec003Table() {
    // specs/003 §3.4 table (sigma_data = 1, negative c_out). Each value is checked to half a
    // unit in its last printed digit.
    struct Row {
      double sigma, cSkip, tSkip, cOut, tOut, cIn, tIn, cNoise, tNoise;
    };
    const Row rows[] = {
        {0.002, 0.999996, 5e-7, -0.002, 5e-4, 0.999998, 5e-7, -1.553652, 5e-7},
        {2.2691, 0.162633, 5e-7, -0.915078, 5e-7, 0.403278, 5e-7, 0.204846, 5e-7},
        {70.5408, 2.00924e-4, 5e-10, -0.9999, 5e-5, 0.0141748, 5e-8, 1.064048, 5e-7},
        {700.0, 2.04081e-6, 5e-12, -0.999999, 5e-7, 0.00142857, 5e-9, 1.637770, 5e-7},
    };
    for (const Row& r : rows) {
      const auto c = EdmPreconditioning::at(r.sigma, 1.0, Parameterisation::edm_v);
      QVERIFY2(std::abs(c.cSkip - r.cSkip) <= r.tSkip, qPrintable(QString::number(c.cSkip, 'g', 10)));
      QVERIFY2(std::abs(c.cOut - r.cOut) <= r.tOut, qPrintable(QString::number(c.cOut, 'g', 10)));
      QVERIFY2(std::abs(c.cIn - r.cIn) <= r.tIn, qPrintable(QString::number(c.cIn, 'g', 10)));
      QVERIFY2(std::abs(c.cNoise - r.cNoise) <= r.tNoise, qPrintable(QString::number(c.cNoise, 'g', 10)));
    }
    QCOMPARE(defaultSigmaData(Parameterisation::edm_v), 1.0);
  }

  void edmPreconditioningByHand() {
    // sigma_data = 0.5. sigma = 1: c_skip = .25/1.25, c_out = .5/sqrt(1.25), c_in = 1/sqrt(1.25), c_noise = 0.
    auto c = EdmPreconditioning::at(1.0, 0.5, Parameterisation::edm);
    QVERIFY(std::abs(c.cSkip - 0.2) < 1e-15);
    QVERIFY(std::abs(c.cOut - 0.4472135954999579) < 1e-15);
    QVERIFY(std::abs(c.cIn - 0.8944271909999159) < 1e-15);
    QVERIFY(std::abs(c.cNoise) < 1e-15);
    // sigma = 0.5: c_skip = .5, c_out = .25/sqrt(.5), c_in = 1/sqrt(.5), c_noise = ln(.5)/4.
    c = EdmPreconditioning::at(0.5, 0.5, Parameterisation::edm);
    QVERIFY(std::abs(c.cSkip - 0.5) < 1e-15);
    QVERIFY(std::abs(c.cOut - 0.3535533905932738) < 1e-15);
    QVERIFY(std::abs(c.cIn - 1.4142135623730951) < 1e-15);
    QVERIFY(std::abs(c.cNoise - (-0.17328679513998632)) < 1e-15);
    QCOMPARE(defaultSigmaData(Parameterisation::edm), 0.5);
    // The SVD variant differs only in the sign of c_out.
    QCOMPARE(EdmPreconditioning::at(0.5, 0.5, true).cOut, -c.cOut);
    VDS_EXPECT_THROW_MSG(EdmPreconditioning::at(0.0, 0.5, false), vds::Error, "sigma > 0");
  }

  void parsing() {
    for (auto p : {Parameterisation::eps, Parameterisation::v, Parameterisation::x0, Parameterisation::edm,
                   Parameterisation::edm_v})
      QVERIFY(parseParameterisation(toString(p)) == p);
    VDS_EXPECT_THROW_MSG(parseParameterisation("flow"), vds::ConfigError, "edm_v");
  }
};

QTEST_GUILESS_MAIN(DiffusionParameterisationTest)
#include "test_diffusion_parameterisation.moc"
