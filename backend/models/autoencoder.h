// The per-frame autoencoder shared by every model of the built-in world (the "VAE" of
// SD1.5): 32x32x3 pixels <-> 8x8x4 latents, applied to each frame of a video alone.
//
// A plain autoencoder with a small L2 penalty on the latents, not a KL-VAE: encoding is
// deterministic, so a clip always maps to the same latents (reproducible teachers, cached
// latents, exact round trips in tests), while the penalty keeps the latent cloud compact
// and centred so that a single scale (latent_scale) brings it to unit variance.
#pragma once
#include <torch/torch.h>
#include <yaml-cpp/yaml.h>

#include <vector>

#include "models/blocks.h"

namespace vds {

struct AutoencoderOptions {
  int64_t imageChannels = 3;
  int64_t latentChannels = 4;
  // Channels of each resolution level; every level ends in a 2x downsample, so the latent
  // is 2^channels.size() times smaller than the image (32 -> 8 for two levels).
  std::vector<int64_t> channels{32, 64};
  int64_t blocksPerLevel = 1;
  int64_t maxGroups = 16;

  int64_t downsampleFactor() const { return int64_t{1} << channels.size(); }
  static AutoencoderOptions fromYaml(const YAML::Node& node);
  YAML::Node toYaml() const;
};

class EncoderImpl : public torch::nn::Module {
 public:
  explicit EncoderImpl(const AutoencoderOptions& options);
  torch::Tensor forward(const torch::Tensor& images);  // [N,3,H,W] -> unscaled [N,4,H/f,W/f]
  torch::nn::Conv2d conv_in{nullptr}, conv_out{nullptr};
  torch::nn::ModuleList blocks{nullptr};  // ResBlocks and Downsamples in order
  ResBlock mid{nullptr};
  torch::nn::GroupNorm norm_out{nullptr};
};
TORCH_MODULE(Encoder);

class DecoderImpl : public torch::nn::Module {
 public:
  explicit DecoderImpl(const AutoencoderOptions& options);
  torch::Tensor forward(const torch::Tensor& latents);  // unscaled [N,4,h,w] -> [N,3,H,W]
  torch::nn::Conv2d conv_in{nullptr}, conv_out{nullptr};
  ResBlock mid{nullptr};
  torch::nn::ModuleList blocks{nullptr};  // Upsamples and ResBlocks in order
  torch::nn::GroupNorm norm_out{nullptr};
};
TORCH_MODULE(Decoder);

class AutoencoderImpl : public torch::nn::Module {
 public:
  explicit AutoencoderImpl(const AutoencoderOptions& options = {});

  // Images [N,3,H,W] in [-1,1] -> latents [N,4,h,w] multiplied by latent_scale.
  torch::Tensor encode(const torch::Tensor& images);
  // Latents without latent_scale (what the decoder sees and the penalty acts on).
  torch::Tensor encodeUnscaled(const torch::Tensor& images);
  // Scaled latents [N,4,h,w] -> images [N,3,H,W] (not clamped).
  torch::Tensor decode(const torch::Tensor& latents);
  // Videos [B,F,3,H,W] <-> latents [B,F,4,h,w], frame by frame.
  torch::Tensor encodeVideo(const torch::Tensor& videos);
  torch::Tensor decodeVideo(const torch::Tensor& latents);
  // Reconstruction decode(encode(images)).
  torch::Tensor forward(const torch::Tensor& images);

  // Sets latent_scale to 1 / std of the unscaled latents of `images`, so that encode()
  // gives unit-variance latents on that data; returns the new scale.
  double calibrateLatentScale(const torch::Tensor& images);
  double latentScale() const { return latent_scale.item<double>(); }

  const AutoencoderOptions& options() const { return options_; }

  Encoder encoder{nullptr};
  Decoder decoder{nullptr};
  torch::Tensor latent_scale;  // buffer [1]

 private:
  AutoencoderOptions options_;
};
TORCH_MODULE(Autoencoder);

struct AutoencoderLoss {
  torch::Tensor total, reconstruction, latentPenalty;
};

// Training objective: MSE reconstruction + penaltyWeight * mean(z^2) of the unscaled latents.
// The default weight is small enough not to cost visible reconstruction quality.
AutoencoderLoss autoencoderLoss(Autoencoder& model, const torch::Tensor& images, double penaltyWeight = 1e-4);

}  // namespace vds
