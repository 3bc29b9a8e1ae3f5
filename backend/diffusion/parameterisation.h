// What a network predicts, and exact conversions between x0, eps, v and the score.
// Conversions hold for any alpha, sigma (x = alpha x0 + sigma eps), not only for
// variance-preserving alpha^2 + sigma^2 = 1. The coefficient type C is double (one level
// for the batch) or a tensor broadcastable to x (one level per sample).
#pragma once
#include <torch/torch.h>

#include <string>

namespace vds::diffusion {

// eps: the noise (DDPM). v: alpha eps - sigma x0 (Salimans & Ho 2022). x0: the data.
// edm: EDM preconditioning D = c_skip x + c_out F (Karras et al. 2022, Table 1), sigma_data 0.5.
// edm_v: SVD's v-style EDM with a negative c_out and sigma_data 1 (specs/003 §3.2).
enum class Parameterisation { eps, v, x0, edm, edm_v };
Parameterisation parseParameterisation(const std::string& name);  // ConfigError if unknown
std::string toString(Parameterisation p);
bool isEdm(Parameterisation p);
// 0.5 for edm, 1.0 for edm_v (SVD); unused (1.0) by the others.
double defaultSigmaData(Parameterisation p);

template <class C>
torch::Tensor x0FromEps(const torch::Tensor& x, const torch::Tensor& eps, const C& alpha, const C& sigma) {
  return (x - sigma * eps) / alpha;
}
template <class C>
torch::Tensor epsFromX0(const torch::Tensor& x, const torch::Tensor& x0, const C& alpha, const C& sigma) {
  return (x - alpha * x0) / sigma;
}
// v = alpha eps - sigma x0.
template <class C>
torch::Tensor vFromX0Eps(const torch::Tensor& x0, const torch::Tensor& eps, const C& alpha, const C& sigma) {
  return alpha * eps - sigma * x0;
}
// Solving x = alpha x0 + sigma eps and v = alpha eps - sigma x0 for x0:
// x0 = (alpha x - sigma v) / (alpha^2 + sigma^2).
template <class C>
torch::Tensor x0FromV(const torch::Tensor& x, const torch::Tensor& v, const C& alpha, const C& sigma) {
  return (alpha * x - sigma * v) / (alpha * alpha + sigma * sigma);
}
// eps = (sigma x + alpha v) / (alpha^2 + sigma^2).
template <class C>
torch::Tensor epsFromV(const torch::Tensor& x, const torch::Tensor& v, const C& alpha, const C& sigma) {
  return (sigma * x + alpha * v) / (alpha * alpha + sigma * sigma);
}
// Score of the noisy marginal by Tweedie's formula: grad log p(x) = -(x - alpha x0) / sigma^2.
template <class C>
torch::Tensor scoreFromX0(const torch::Tensor& x, const torch::Tensor& x0, const C& alpha, const C& sigma) {
  return -(x - alpha * x0) / (sigma * sigma);
}

// EDM preconditioning at one sigma (Karras et al. 2022, Table 1; specs/003 §3.2, Eq. 2-3):
// D(x; sigma) = c_skip x + c_out F(c_in x; c_noise).
struct EdmPreconditioning {
  double cSkip = 1.0;
  double cOut = 0.0;
  double cIn = 1.0;
  double cNoise = 0.0;

  // c_skip = sd^2/(sigma^2+sd^2), c_out = ±sigma sd/sqrt(sigma^2+sd^2),
  // c_in = 1/sqrt(sigma^2+sd^2), c_noise = ln(sigma)/4. negativeOut gives SVD's sign.
  static EdmPreconditioning at(double sigma, double sigmaData, bool negativeOut);
  // For a parameterisation edm (positive c_out) or edm_v (negative c_out).
  static EdmPreconditioning at(double sigma, double sigmaData, Parameterisation p);
};

}  // namespace vds::diffusion
