// Pieces shared by the distillation methods (specs/000-003): the students' timesteps,
// backward simulation, and the score-distillation gradient.
#pragma once
#include <torch/torch.h>

#include <string>
#include <vector>

#include "diffusion/noise_level.h"
#include "diffusion/samplers.h"

namespace vds {

// DMD2's student timesteps (specs/000 Appendix A): T-1, T-1-T/N, ... N values, e.g.
// [999, 749, 499, 249] for N = 4 and T = 1000. ConfigError unless 1 <= N <= T.
std::vector<double> studentTimesteps(int steps, int numTimesteps);

// Backward simulation (DMD2, Imagine Flash; specs/000 §5): starting from pure noise at
// levels[0] (sigma * z, as the sampler starts), run k student steps without gradients,
// each x0 = student(x, level j) followed by re-noising x0 with fresh noise to level j+1.
// Returns the state at levels[k], detached. Inference (the consistency sampler over the
// same levels) takes exactly these steps, so training sees what sampling will.
// `noise` draws standard normal noise of a shape (the run's stream).
torch::Tensor backwardSimulate(const diffusion::X0Callback& x0, std::vector<int64_t> shape,
                               const std::vector<diffusion::NoiseLevel>& levels, int64_t k,
                               const std::function<torch::Tensor(at::IntArrayRef)>& noise);

// How the SDM gradient w(t)(eps_real - eps_fake) is weighted (specs/000 §3.3; w(t) is
// not given by the paper).
enum class SdmWeighting {
  // DMD's normalisation (specs/000 Appendix A, [X]): in x0 space,
  // (x0_fake - x0_real) / mean|x0 - x0_real| per sample.
  dmd,
  // w(t) = 1 on the eps difference: eps_real - eps_fake.
  unit,
};
SdmWeighting parseSdmWeighting(const std::string& name);

// The gradient that SDM applies to the generator output x0 [N,...] (descent direction:
// the update is x0 -= lr * g). xt = alpha x0 + sigma eps; alpha and sigma are [N].
// eps_real / eps_fake are the real (style) and fake score models' predictions at xt.
// Both forms are positive multiples of (eps_real - eps_fake) row by row, i.e. of
// (alpha/sigma)^-1 times the per-sample gradient of log p_fake,t - log p_real,t.
torch::Tensor sdmGradient(const torch::Tensor& x0, const torch::Tensor& xt, const torch::Tensor& epsReal,
                          const torch::Tensor& epsFake, const torch::Tensor& alpha, const torch::Tensor& sigma,
                          SdmWeighting weighting);

// Per-row mean of a [N,...] tensor, as [N].
torch::Tensor rowMean(const torch::Tensor& x);

// Adds per-sample values into timestep bins of width `binWidth` for diagnostics:
// out["<name>/tbin/<lo>-<hi>"] (zero-padded) = mean of the values whose t falls in [lo, hi].
void addTimestepBins(std::map<std::string, double>& out, const std::string& name, const torch::Tensor& t,
                     const torch::Tensor& values, int binWidth, int numTimesteps);

}  // namespace vds
