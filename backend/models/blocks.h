// Building blocks shared by the autoencoder, the UNets, the motion modules, the text
// encoder and the eval net: normalisation, residual conv blocks, resampling, timestep
// embeddings and pre-norm transformer blocks.
#pragma once
#include <torch/torch.h>

#include "models/attention.h"

namespace vds {

// GroupNorm with the largest group count <= maxGroups that divides `channels`, so that
// small test models (e.g. 12 channels) work with the same code as the default ones.
torch::nn::GroupNorm makeGroupNorm(int64_t channels, int64_t maxGroups = 32);

// Sinusoidal embedding [N, dim] of a float tensor t [N] (Vaswani et al. 2017; DDPM):
// cos and sin of t * 10000^(-i/half) for i < half = dim / 2.
torch::Tensor sinusoidalEmbedding(const torch::Tensor& t, int64_t dim, double maxPeriod = 10000.0);

struct ResBlockOptions {
  int64_t inChannels = 64;
  int64_t outChannels = 64;
  int64_t timeEmbedDim = 0;  // 0: no timestep input (autoencoder, eval net)
  bool scaleShift = true;    // timestep as FiLM scale and shift of the second norm, else added
  int64_t maxGroups = 32;
};

// GroupNorm-SiLU-conv twice with a residual connection (1x1 conv when channels change).
class ResBlockImpl : public torch::nn::Module {
 public:
  explicit ResBlockImpl(const ResBlockOptions& options);
  // x [N, in, H, W]; timeEmbedding [N, timeEmbedDim] or undefined when timeEmbedDim == 0.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& timeEmbedding = {});

  torch::nn::GroupNorm norm1{nullptr}, norm2{nullptr};
  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr}, skip{nullptr};
  torch::nn::Linear time_proj{nullptr};

 private:
  ResBlockOptions options_;
};
TORCH_MODULE(ResBlock);

// Halves H and W with a stride-2 3x3 conv (learned, unlike pooling).
class DownsampleImpl : public torch::nn::Module {
 public:
  explicit DownsampleImpl(int64_t channels);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::Conv2d conv{nullptr};
};
TORCH_MODULE(Downsample);

// Doubles H and W: nearest-neighbour upsampling then a 3x3 conv (no checkerboard
// artefacts, unlike a transposed conv).
class UpsampleImpl : public torch::nn::Module {
 public:
  explicit UpsampleImpl(int64_t channels);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::Conv2d conv{nullptr};
};
TORCH_MODULE(Upsample);

// Linear-GELU-Linear.
class FeedForwardImpl : public torch::nn::Module {
 public:
  FeedForwardImpl(int64_t dim, int64_t mult);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::Linear fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(FeedForward);

struct TransformerBlockOptions {
  int64_t dim = 64;
  int64_t heads = 4;
  int64_t contextDim = 0;  // 0: no cross-attention
  int64_t ffMult = 4;
};

// Pre-norm transformer block: x += attn1(norm1(x)); x += attn2(norm2(x), context);
// x += ff(norm3(x)). The cross-attention is skipped when the context is undefined.
class TransformerBlockImpl : public torch::nn::Module {
 public:
  explicit TransformerBlockImpl(const TransformerBlockOptions& options);
  // x [N, L, dim]; context [N, Lc, contextDim]; selfPaddingMask [N, L] (true = ignore).
  torch::Tensor forward(torch::Tensor x, const torch::Tensor& context = {}, const torch::Tensor& selfPaddingMask = {});

  torch::nn::LayerNorm norm1{nullptr}, norm2{nullptr}, norm3{nullptr};
  MultiHeadAttention attn1{nullptr}, attn2{nullptr};
  FeedForward ff{nullptr};
};
TORCH_MODULE(TransformerBlock);

}  // namespace vds
