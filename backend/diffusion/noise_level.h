// A noise level of the forward process x = alpha * x0 + sigma * eps.
// DDPM (variance preserving) and EDM (alpha = 1) levels share this one type, so
// samplers, losses and students can replay any schedule exactly.
#pragma once
#include <cmath>

namespace vds::diffusion {

struct NoiseLevel {
  double alpha = 1.0;  // signal scale
  double sigma = 0.0;  // noise scale; 0 means "clean" (never shown to a network)
  // What a DDPM network is told: a timestep index, possibly fractional. EDM levels
  // store sigma here for reference; the EDM wrapper derives c_noise from sigma/alpha.
  double t = 0.0;

  bool isClean() const { return sigma == 0.0; }
  // Noise scale in the scaled space y = x / alpha, where every process is y = x0 + s * eps.
  double scaledSigma() const { return sigma / alpha; }
  // Log signal-to-noise half ratio, lambda = ln(alpha / sigma) = -ln s (DPM-Solver, Lu et al. 2022).
  double lambda() const { return -std::log(scaledSigma()); }
};

}  // namespace vds::diffusion
