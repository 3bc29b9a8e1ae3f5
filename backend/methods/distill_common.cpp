#include "methods/distill_common.h"

#include <cstdio>
#include <map>

#include "core/errors.h"

namespace vds {

std::vector<double> studentTimesteps(int steps, int numTimesteps) {
  if (steps < 1 || steps > numTimesteps)
    throw ConfigError("student steps must be in [1, " + std::to_string(numTimesteps) + "], got " +
                      std::to_string(steps));
  std::vector<double> out;
  const double stride = static_cast<double>(numTimesteps) / steps;
  for (int i = 0; i < steps; ++i) out.push_back(std::floor(numTimesteps - 1 - i * stride));
  return out;
}

torch::Tensor backwardSimulate(const diffusion::X0Callback& x0, std::vector<int64_t> shape,
                               const std::vector<diffusion::NoiseLevel>& levels, int64_t k,
                               const std::function<torch::Tensor(at::IntArrayRef)>& noise) {
  if (k < 0 || k >= static_cast<int64_t>(levels.size()))
    throw std::logic_error("backwardSimulate: step index out of range");
  torch::NoGradGuard noGrad;
  torch::Tensor x = noise(shape) * levels.front().sigma;
  for (int64_t j = 0; j < k; ++j) {
    const auto& next = levels[static_cast<size_t>(j + 1)];
    const torch::Tensor clean = x0(x, levels[static_cast<size_t>(j)]);
    x = next.alpha * clean + next.sigma * noise(shape);
  }
  return x.detach();
}

SdmWeighting parseSdmWeighting(const std::string& name) {
  if (name == "dmd") return SdmWeighting::dmd;
  if (name == "unit") return SdmWeighting::unit;
  throw ConfigError("SDM weighting '" + name + "' is not one of: dmd, unit");
}

torch::Tensor rowMean(const torch::Tensor& x) { return x.flatten(1).mean(1); }

torch::Tensor sdmGradient(const torch::Tensor& x0, const torch::Tensor& xt, const torch::Tensor& epsReal,
                          const torch::Tensor& epsFake, const torch::Tensor& alpha, const torch::Tensor& sigma,
                          SdmWeighting weighting) {
  std::vector<int64_t> view(static_cast<size_t>(x0.dim()), 1);
  view[0] = x0.size(0);
  const torch::Tensor a = alpha.to(x0.dtype()).view(view), s = sigma.to(x0.dtype()).view(view);
  if (weighting == SdmWeighting::unit) return (epsReal - epsFake).detach();
  const torch::Tensor x0Real = (xt - s * epsReal) / a;
  const torch::Tensor x0Fake = (xt - s * epsFake) / a;
  const torch::Tensor norm = rowMean((x0 - x0Real).abs()).clamp_min(1e-6).view(view);
  return ((x0Fake - x0Real) / norm).detach();
}

void addTimestepBins(std::map<std::string, double>& out, const std::string& name, const torch::Tensor& t,
                     const torch::Tensor& values, int binWidth, int numTimesteps) {
  const torch::Tensor tc = t.detach().to(torch::kCPU, torch::kDouble).reshape({-1});
  const torch::Tensor vc = values.detach().to(torch::kCPU, torch::kDouble).reshape({-1});
  std::map<int, std::pair<double, int>> bins;
  for (int64_t i = 0; i < tc.size(0); ++i) {
    const int bin = std::min(static_cast<int>(tc[i].item<double>()) / binWidth, (numTimesteps - 1) / binWidth);
    auto& b = bins[bin];
    b.first += vc[i].item<double>();
    ++b.second;
  }
  for (const auto& [bin, acc] : bins) {
    char key[96];
    std::snprintf(key, sizeof key, "%s/tbin/%04d-%04d", name.c_str(), bin * binWidth,
                  std::min(numTimesteps - 1, (bin + 1) * binWidth - 1));
    out[key] = acc.first / acc.second;
  }
}

}  // namespace vds
