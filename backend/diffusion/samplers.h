// Samplers that replay an explicit list of noise levels, noisiest first, down to (usually)
// the clean level. All of them work in the scaled space y = x/alpha, s = sigma/alpha, where
// every process reads y = x0 + s eps, so DDPM and EDM levels share one implementation.
// A sampler sees the model only through an x0 callback; guidance and parameterisation are
// the Denoiser's business.
#pragma once
#include <torch/torch.h>

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "diffusion/denoiser.h"
#include "diffusion/noise_level.h"

namespace vds::diffusion {

enum class SamplerKind { ddim, euler, heun, dpmpp_2m, consistency };
// "ddim", "euler", "heun", "dpmpp_2m", "consistency"; ConfigError listing them otherwise.
SamplerKind parseSamplerKind(const std::string& name);
std::string toString(SamplerKind kind);

// x0 estimate at (x, level). One call is one network evaluation (NFE), guided or not.
using X0Callback = std::function<torch::Tensor(const torch::Tensor& x, const NoiseLevel& lvl)>;

// Reported after each step, for previews and progress. Throwing (e.g. CancelledError)
// aborts sampling.
struct SamplerStep {
  int index = 0;  // step number, 0-based
  int total = 0;  // number of steps = levels.size() - 1
  NoiseLevel from, to;
  torch::Tensor x;   // the new state, at level `to`
  torch::Tensor x0;  // the x0 estimate this step used
  int64_t nfe = 0;   // evaluations so far
};
using StepCallback = std::function<void(const SamplerStep&)>;

struct SamplerOptions {
  double eta = 0.0;   // DDIM stochasticity: 0 deterministic, 1 DDPM-like ancestral
  at::Generator gen;  // needed by ddim with eta > 0 and by consistency (unless it ends clean in one step)
  StepCallback onStep;
};

struct SampleResult {
  torch::Tensor x;   // the state at levels.back()
  int64_t nfe = 0;   // x0 callback calls
};

// sigma * z with z ~ N(0, I): a pure-noise start at `lvl` (the alpha x0 part is taken as 0).
torch::Tensor initialNoise(at::IntArrayRef shape, const NoiseLevel& lvl, at::Generator gen,
                           torch::TensorOptions options = torch::kFloat32);

// An x0 callback from a Denoiser: guided when w != 1 (one doubled-batch call per evaluation).
// The callback refers to `denoiser`, which must outlive it; the conditionings are copied.
X0Callback denoiserX0(const Denoiser& denoiser, const Conditioning& cond);

// Guidance limited to an interval of noise levels (Kynkaanniemi et al. 2024, "Applying
// guidance in a limited interval"): a level whose scaled sigma s = sigma/alpha satisfies
// low < s <= high is guided; any other takes the conditional estimate alone, in one
// undoubled call. The default interval holds every level.
struct GuidanceInterval {
  double low = 0.0;
  double high = std::numeric_limits<double>::infinity();
  bool contains(const NoiseLevel& lvl) const {
    const double s = lvl.scaledSigma();
    return s > low && s <= high;
  }
  bool isFull() const { return low <= 0.0 && std::isinf(high); }
};
// ConfigError naming `what` unless 0 <= low < high.
void checkGuidanceInterval(const GuidanceInterval& interval, const std::string& what);
X0Callback guidedX0(const Denoiser& denoiser, const Conditioning& cond, const Conditioning& uncond, double w,
                    GuidanceInterval interval = {});

// DDIM (Song et al. 2021, Eq. 12) in scaled space. With eps = (y - x0)/s and the ancestral
// noise c^2 = eta^2 sigma'^2 (1 - s'^2/s^2):  x' = alpha' x0 + sqrt(sigma'^2 - c^2) eps + c z.
SampleResult sampleDdim(const X0Callback& x0, torch::Tensor x, const std::vector<NoiseLevel>& levels,
                        const SamplerOptions& options = {});
// Euler on the probability-flow ODE dy/ds = (y - x0(y, s))/s (EDM, Karras et al. 2022, Eq. 4).
// Algebraically the same update as DDIM with eta = 0.
SampleResult sampleEuler(const X0Callback& x0, torch::Tensor x, const std::vector<NoiseLevel>& levels,
                         const SamplerOptions& options = {});
// Heun's 2nd-order method, EDM Algorithm 1 (Karras et al. 2022) without churn; the step to
// s = 0 is a plain Euler step. 2 NFE per step, 1 on the last step to clean.
SampleResult sampleHeun(const X0Callback& x0, torch::Tensor x, const std::vector<NoiseLevel>& levels,
                        const SamplerOptions& options = {});
// DPM-Solver++(2M) (Lu et al. 2022, Alg. 2), data prediction, lambda = -ln s. The first step
// is first order; a step to s = 0 returns the x0 estimate.
SampleResult sampleDpmpp2m(const X0Callback& x0, torch::Tensor x, const std::vector<NoiseLevel>& levels,
                           const SamplerOptions& options = {});
// Consistency multistep sampling (Song et al. 2023, Alg. 1; LCM): x0 = f(x, level); if the
// next level is clean return x0, else x' = alpha' x0 + sigma' z with fresh z.
SampleResult sampleConsistency(const X0Callback& x0, torch::Tensor x, const std::vector<NoiseLevel>& levels,
                               const SamplerOptions& options = {});

SampleResult sample(SamplerKind kind, const X0Callback& x0, torch::Tensor x,
                    const std::vector<NoiseLevel>& levels, const SamplerOptions& options = {});

// ConfigError unless there are >= 2 levels, s strictly decreases, only the last is clean
// and every alpha is > 0. Called by every sampler.
void validateLevels(const std::vector<NoiseLevel>& levels);

}  // namespace vds::diffusion
