// The Denoiser: a network plus its parameterisation, so that samplers and losses can ask
// for x0, eps or the score at (x, level, cond) without knowing how the network was
// trained (ARCHITECTURE §3 "Denoiser"). Classifier-free guidance lives here too.
#pragma once
#include <torch/torch.h>

#include <functional>
#include <optional>

#include "diffusion/noise_level.h"
#include "diffusion/parameterisation.h"

namespace vds::diffusion {

// What a network is conditioned on. Either field may be undefined.
struct Conditioning {
  torch::Tensor context;  // text token embeddings [B, L, D]
  torch::Tensor image;    // first-frame latent for image-to-video (concatenated by the network)

  // Concatenation along the batch dimension. A field must be defined in both or in neither
  // (Error otherwise), so that a guided batch never silently drops a condition.
  static Conditioning cat(const Conditioning& a, const Conditioning& b);
  // The whole batch repeated `times` times along dim 0 (like Tensor::repeat).
  Conditioning repeat(int64_t times) const;
  // Rows [begin, end) of the batch.
  Conditioning slice(int64_t begin, int64_t end) const;
};

// One level per batch row: alpha, sigma and t are [B] tensors (any floating dtype).
// Every row must be noisy (sigma > 0).
struct BatchNoiseLevel {
  torch::Tensor alpha;
  torch::Tensor sigma;
  torch::Tensor t;

  static BatchNoiseLevel uniform(const NoiseLevel& lvl, int64_t batch,
                                 torch::TensorOptions options = torch::kFloat64);
  NoiseLevel row(int64_t i) const;
  int64_t size() const { return alpha.size(0); }
};

// The network's forward: xIn is the (possibly preconditioned) state, tIn a [B] tensor:
// the timestep for eps / v / x0 networks, c_noise for EDM ones.
using NetworkFn = std::function<torch::Tensor(const torch::Tensor& xIn, const torch::Tensor& tIn,
                                              const Conditioning& cond)>;
// A closed-form x0 predictor (tests, analytic baselines).
using X0Fn = std::function<torch::Tensor(const torch::Tensor& x, const NoiseLevel& lvl,
                                         const Conditioning& cond)>;

class Denoiser {
 public:
  // sigmaData defaults to defaultSigmaData(p); it only matters for edm and edm_v.
  Denoiser(NetworkFn net, Parameterisation p, std::optional<double> sigmaData = std::nullopt);
  // A denoiser whose x0 is given in closed form; eps and the score follow from it.
  static Denoiser fromX0(X0Fn oracle);

  Parameterisation parameterisation() const { return param_; }
  double sigmaData() const { return sigmaData_; }

  // x0 estimate at one level shared by all rows of x. At a clean level returns x / alpha
  // without calling the network.
  // eps/v/x0: the network gets (x, t filled with lvl.t).
  // edm/edm_v: in the scaled space y = x/alpha, s = sigma/alpha, the network gets
  //   (c_in(s) y, c_noise(s)) and x0 = c_skip(s) y + c_out(s) F.
  torch::Tensor x0(const torch::Tensor& x, const NoiseLevel& lvl, const Conditioning& cond) const;
  // eps = (x - alpha x0)/sigma, taken directly from an eps network. Needs sigma > 0.
  torch::Tensor eps(const torch::Tensor& x, const NoiseLevel& lvl, const Conditioning& cond) const;
  // Score grad_x log p_t(x) = -eps/sigma. Needs sigma > 0.
  torch::Tensor score(const torch::Tensor& x, const NoiseLevel& lvl, const Conditioning& cond) const;

  // Per-row levels (training losses draw one level per sample). Same network inputs as above.
  torch::Tensor x0(const torch::Tensor& x, const BatchNoiseLevel& lvl, const Conditioning& cond) const;
  torch::Tensor eps(const torch::Tensor& x, const BatchNoiseLevel& lvl, const Conditioning& cond) const;

  // Classifier-free guidance (Ho & Salimans 2022) on x0: x0_u + w (x0_c - x0_u). The
  // conditional and unconditional halves go through the network as one doubled batch
  // [cond; uncond]. w == 1 is the conditional prediction alone (one plain call).
  torch::Tensor x0Guided(const torch::Tensor& x, const NoiseLevel& lvl, const Conditioning& cond,
                         const Conditioning& uncond, double w) const;

 private:
  enum class Target { x0, eps };
  Denoiser() = default;
  torch::Tensor predict(const torch::Tensor& x, const NoiseLevel& lvl, const Conditioning& cond,
                        Target target) const;
  torch::Tensor predict(const torch::Tensor& x, const BatchNoiseLevel& lvl, const Conditioning& cond,
                        Target target) const;

  NetworkFn net_;
  X0Fn oracle_;
  Parameterisation param_ = Parameterisation::x0;
  double sigmaData_ = 1.0;
};

}  // namespace vds::diffusion
