// Gaussian data N(mu, Sigma) in a few dimensions: the one distribution for which the ideal
// denoiser and the probability-flow ODE are known in closed form (ARCHITECTURE §9).
// Sigma = Q diag(lambda) Q^T with Q from a seeded QR, so the covariance is full.
#pragma once
#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "core/torch_compat.h"
#include "diffusion/noise_level.h"

namespace vds::test {

struct GaussianData {
  torch::Tensor mu;      // [d]
  torch::Tensor q;       // [d, d] orthonormal columns (eigenvectors)
  torch::Tensor lambda;  // [d] eigenvalues
  torch::Tensor cov;     // [d, d]

  static GaussianData make(uint64_t seed = 1234) {
    const auto dbl = torch::TensorOptions().dtype(torch::kFloat64);
    at::Generator gen = compat::makeCpuGenerator(seed);
    GaussianData g;
    g.mu = torch::tensor({0.3, -0.6, 0.9, -0.2}, dbl);
    g.lambda = torch::tensor({0.2, 0.5, 1.0, 1.8}, dbl);
    g.q = std::get<0>(torch::linalg_qr(at::randn({4, 4}, gen, dbl)));
    g.cov = g.q.matmul(torch::diag(g.lambda)).matmul(g.q.t());
    return g;
  }
  int64_t dim() const { return mu.size(0); }

  // Applies the symmetric matrix Q diag(scale) Q^T to the rows of v (one small matmul).
  torch::Tensor alongEigen(const torch::Tensor& v, const torch::Tensor& scale) const {
    return v.matmul((q * scale).matmul(q.t()));
  }
  torch::Tensor sampleData(int64_t n, at::Generator gen) const {
    return mu + (at::randn({n, dim()}, gen, mu.options()) * lambda.sqrt()).matmul(q.t());
  }
  // Exact samples of the noisy marginal alpha x0 + sigma eps.
  torch::Tensor sampleMarginal(int64_t n, const diffusion::NoiseLevel& lvl, at::Generator gen) const {
    const torch::Tensor x0 = sampleData(n, gen);
    return lvl.alpha * x0 + lvl.sigma * at::randn({n, dim()}, gen, mu.options());
  }
  // E[x0 | x] = mu + alpha Sigma (alpha^2 Sigma + sigma^2 I)^-1 (x - alpha mu).
  torch::Tensor idealX0(const torch::Tensor& x, const diffusion::NoiseLevel& lvl) const {
    const double a = lvl.alpha, s2 = lvl.sigma * lvl.sigma;
    return mu + alongEigen(x - a * mu, a * lambda / (a * a * lambda + s2));
  }
  // Exact probability-flow ODE map from level `from` to level `to`: in scaled space, along
  // each eigenvector, y - mu scales with sqrt(lambda + s^2).
  torch::Tensor odeMap(const torch::Tensor& x, const diffusion::NoiseLevel& from,
                       const diffusion::NoiseLevel& to) const {
    const double sa = from.scaledSigma(), sb = to.scaledSigma();
    const torch::Tensor y = x / from.alpha;
    return to.alpha * (mu + alongEigen(y - mu, ((lambda + sb * sb) / (lambda + sa * sa)).sqrt()));
  }

  // Sample moments against (mean, cov) in units of their Monte-Carlo standard errors:
  // se(mean_j) = sqrt(C_jj/n), se(cov_jk) = sqrt((C_jj C_kk + C_jk^2)/n) for Gaussian samples.
  // Returns the largest |z| over the d means and d(d+1)/2 covariance entries.
  static double maxZ(const torch::Tensor& x, const torch::Tensor& mean, const torch::Tensor& cov) {
    const double n = static_cast<double>(x.size(0));
    const torch::Tensor m = x.mean(0);
    const torch::Tensor c = (x - m).t().matmul(x - m) / (n - 1);
    const torch::Tensor dg = cov.diag();
    const torch::Tensor zMean = (m - mean) / (dg / n).sqrt();
    const torch::Tensor zCov = (c - cov) / ((dg.unsqueeze(1) * dg.unsqueeze(0) + cov * cov) / n).sqrt();
    return std::max(zMean.abs().max().item<double>(), zCov.abs().max().item<double>());
  }
  // Against the data distribution itself.
  double maxZ(const torch::Tensor& x) const { return maxZ(x, mu, cov); }
};

// 4.5 standard errors per statistic over 14 statistics: a false alarm for exact
// samples has probability about 14 * 2 * Phi(-4.5) ~ 1e-4.
constexpr double kMaxZ = 4.5;

}  // namespace vds::test
