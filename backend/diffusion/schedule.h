// Noise schedules: DDPM beta schedules with timestep selection, EDM sigma grids,
// and the sigma distributions used to draw training noise levels.
#pragma once
#include <torch/torch.h>

#include <string>
#include <vector>

#include "diffusion/noise_level.h"

namespace vds::diffusion {

enum class BetaSchedule { linear, scaled_linear, cosine };
// "linear", "scaled_linear", "cosine"; ConfigError naming the valid names otherwise.
BetaSchedule parseBetaSchedule(const std::string& name);
std::string toString(BetaSchedule kind);

// How n inference timesteps are picked from T training timesteps, following the
// conventions of common diffusion libraries (Lin et al. 2024, "Common Diffusion
// Noise Schedules and Sample Steps are Flawed", Table 2):
//   leading:  floor(T/n) * {n-1, ..., 1, 0}            (T=1000, n=4: 750 500 250 0)
//   trailing: round(T - k*T/n) - 1, k = 0..n-1         (T=1000, n=4: 999 749 499 249)
//   linspace: round(linspace(0, T-1, n)), reversed     (T=1000, n=4: 999 666 333 0)
enum class Spacing { leading, trailing, linspace };
Spacing parseSpacing(const std::string& name);
std::string toString(Spacing spacing);

// A discrete DDPM schedule (Ho et al. 2020) with T training timesteps 0..T-1.
// alpha_bar_t = prod_{i<=t} (1 - beta_i) is kept in double precision.
class DdpmSchedule {
 public:
  // beta linear in t (Ho et al. 2020).
  static DdpmSchedule linear(int numTimesteps = 1000, double betaStart = 1e-4, double betaEnd = 0.02);
  // beta = linspace(sqrt(beta_start), sqrt(beta_end), T)^2: Stable Diffusion / AnimateDiff.
  static DdpmSchedule scaledLinear(int numTimesteps = 1000, double betaStart = 0.00085,
                                   double betaEnd = 0.012);
  // alpha_bar(t) = f(t)/f(0), f(t) = cos^2(((t/T)+s)/(1+s) * pi/2), beta clipped at maxBeta
  // (Nichol & Dhariwal 2021, "Improved DDPM", Eq. 17).
  static DdpmSchedule cosine(int numTimesteps = 1000, double s = 0.008, double maxBeta = 0.999);
  // The kind with its default parameters.
  static DdpmSchedule make(BetaSchedule kind, int numTimesteps = 1000);

  BetaSchedule kind() const { return kind_; }
  int numTimesteps() const { return static_cast<int>(betas_.size()); }
  const std::vector<double>& betas() const { return betas_; }
  const std::vector<double>& alphasCumprod() const { return alphasCumprod_; }

  // The level at timestep t in [0, T-1]; a fractional t interpolates log alpha_bar
  // linearly. alpha = sqrt(alpha_bar), sigma = sqrt(1 - alpha_bar). ConfigError outside.
  NoiseLevel level(double t) const;
  // n timesteps, decreasing (noisiest first). ConfigError if n < 1 or n > T.
  std::vector<double> timesteps(int n, Spacing spacing) const;
  // Levels for the given timesteps, plus the clean level {1, 0, -1} at the end if asked.
  std::vector<NoiseLevel> levels(const std::vector<double>& ts, bool appendClean = true) const;

 private:
  DdpmSchedule(BetaSchedule kind, std::vector<double> betas);
  BetaSchedule kind_;
  std::vector<double> betas_;
  std::vector<double> alphasCumprod_;
};

// EDM (Karras et al. 2022, Eq. 5) sigmas, decreasing from sigmaMax to sigmaMin, as
// samplers use them: sigma_i = (max^(1/rho) + i/(n-1) (min^(1/rho) - max^(1/rho)))^rho.
// n = 1 gives {sigmaMax} (one-step students start there, specs/003 §3.4).
std::vector<double> karrasSigmas(int n, double sigmaMin = 0.002, double sigmaMax = 80.0,
                                 double rho = 7.0);
// The increasing grid of specs/003 §3.3, Eq. (5): sigma_t for t = 0..T-1 (T >= 2).
std::vector<double> edmGrid(int T, double sigmaMin = 0.002, double sigmaMax = 700.0,
                            double rho = 7.0);
// EDM levels (alpha = 1, t = sigma), plus the clean level {1, 0, 0} if asked.
std::vector<NoiseLevel> edmLevels(const std::vector<double>& sigmas, bool appendClean = true);

// Training noise: ln sigma ~ N(pMean, pStd^2) (EDM, Karras et al. 2022, §5).
// Returns [n] doubles.
torch::Tensor sampleLogNormalSigma(int64_t n, double pMean, double pStd, at::Generator gen);

// The discretised log-normal of specs/003 §3.5, Eq. (7) (from iCT, Song & Dhariwal 2023):
// sigma_t from the Eq. (5) grid with T points, t in {1..T-1}, with
//   p(t) ∝ erf((ln sigma_t - Pm) / (sqrt2 |Ps|)) - erf((ln sigma_{t-1} - Pm) / (sqrt2 |Ps|)),
// i.e. the log-normal mass of (ln sigma_{t-1}, ln sigma_t]. Using |Ps| makes a negative
// P_std (the paper's default -1) identical to +|P_std| and keeps every weight >= 0.
class DiscreteLogNormalSigma {
 public:
  explicit DiscreteLogNormalSigma(double pMean = -1.0, double pStd = -1.0, int T = 1000,
                                  double sigmaMin = 0.002, double sigmaMax = 700.0, double rho = 7.0);
  // sigma_1 .. sigma_{T-1} and their probabilities (same length, sum 1).
  const std::vector<double>& sigmas() const { return sigmas_; }
  const std::vector<double>& probabilities() const { return probs_; }
  // n grid indices t in {1..T-1} ([n] int64) and the matching sigmas ([n] double).
  torch::Tensor sampleIndices(int64_t n, at::Generator gen) const;
  torch::Tensor sample(int64_t n, at::Generator gen) const;

 private:
  std::vector<double> sigmas_;
  std::vector<double> probs_;
  torch::Tensor probTensor_;
  torch::Tensor sigmaTensor_;
};

}  // namespace vds::diffusion
