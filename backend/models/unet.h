// The image UNet, the "SD1.5" of the built-in world: a 2D UNet over latents [N,4,h,w]
// with timestep-conditioned ResBlocks and spatial transformers (self-attention,
// cross-attention to the text context, feed-forward). The video UNet reuses it frame by
// frame and inserts motion modules through the afterBlock hook of forward().
#pragma once
#include <torch/torch.h>
#include <yaml-cpp/yaml.h>

#include <functional>
#include <vector>

#include "models/blocks.h"

namespace vds {

struct ImageUNetOptions {
  int64_t inChannels = 4;
  int64_t outChannels = 4;
  int64_t baseChannels = 32;
  std::vector<int64_t> channelMults{1, 2};  // one entry per resolution level
  int64_t blocksPerLevel = 1;
  std::vector<int64_t> attentionLevels{0, 1};  // levels (indices into channelMults) with transformers
  bool middleAttention = true;
  int64_t heads = 4;
  int64_t transformerDepth = 1;
  int64_t ffMult = 2;
  int64_t contextDim = 64;  // 0: no cross-attention
  int64_t timeEmbedDim = 0;  // 0: 2 * baseChannels
  // t is multiplied by this before the sinusoidal embedding: 1 for DDPM indices 0..999;
  // about 250 for EDM's c_noise = ln(sigma)/4, which spans only about [-1.5, 1.1].
  double timeEmbedScale = 1.0;
  bool scaleShift = true;  // timestep injected as FiLM scale/shift, else added
  int64_t maxGroups = 32;

  int64_t levelChannels(size_t level) const { return baseChannels * channelMults.at(level); }
  int64_t resolvedTimeEmbedDim() const { return timeEmbedDim > 0 ? timeEmbedDim : 2 * baseChannels; }
  bool hasAttention(size_t level) const;
  static ImageUNetOptions fromYaml(const YAML::Node& node) { return fromYaml(node, "image_unet", ImageUNetOptions()); }
  // Keys absent from `node` keep the values of `defaults`; messages name `section`.
  static ImageUNetOptions fromYaml(const YAML::Node& node, const std::string& section, const ImageUNetOptions& defaults);
  YAML::Node toYaml() const;
};

struct SpatialTransformerOptions {
  int64_t channels = 64;
  int64_t heads = 4;
  int64_t contextDim = 0;
  int64_t depth = 1;
  int64_t ffMult = 2;
  int64_t maxGroups = 32;
};

// GroupNorm -> per-pixel tokens -> transformer blocks -> projection, added to the input.
class SpatialTransformerImpl : public torch::nn::Module {
 public:
  explicit SpatialTransformerImpl(const SpatialTransformerOptions& options);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& context = {});
  torch::nn::GroupNorm norm{nullptr};
  torch::nn::Linear proj_in{nullptr}, proj_out{nullptr};
  torch::nn::ModuleList blocks{nullptr};
};
TORCH_MODULE(SpatialTransformer);

// One resolution level of the down or up path: ResBlocks, each followed by a spatial
// transformer on attention levels, then an optional resampler.
class UNetLevelImpl : public torch::nn::Module {
 public:
  UNetLevelImpl() = default;
  torch::nn::ModuleList res{nullptr}, attn{nullptr};
  Downsample downsample{nullptr};  // down path, all levels but the last
  Upsample upsample{nullptr};      // up path, all levels but the first
};
TORCH_MODULE(UNetLevel);

class MidBlockImpl : public torch::nn::Module {
 public:
  MidBlockImpl(int64_t channels, const ImageUNetOptions& options);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& timeEmbedding, const torch::Tensor& context);
  ResBlock res1{nullptr}, res2{nullptr};
  SpatialTransformer attn{nullptr};
};
TORCH_MODULE(MidBlock);

class ImageUNetImpl : public torch::nn::Module {
 public:
  // Called after every spatial block (a ResBlock with its transformer, or the whole
  // middle block) with the block's index and output [N,C,h,w]; returns the tensor the UNet
  // continues with. Blocks are numbered down path, middle, up path, in execution order.
  using BlockHook = std::function<torch::Tensor(int64_t blockIndex, const torch::Tensor& h)>;

  explicit ImageUNetImpl(const ImageUNetOptions& options = {});
  // x [N,C,h,w]; t [N] (or one value for all); context [N,L,D] or undefined (cross-attention
  // skipped, e.g. unconditional training without a text encoder). A model built with
  // contextDim == 0 ignores the context. `extraEmbedding` [N, resolvedTimeEmbedDim()], when
  // defined, is added to the timestep embedding that every ResBlock reads (the video UNet's
  // frame embedding).
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& t, const torch::Tensor& context = {},
                        const BlockHook& afterBlock = nullptr, const torch::Tensor& extraEmbedding = {});
  // The encoder half (down path and middle block) alone: the output of every encoder block
  // [N,C,h,w] in execution order, after `afterBlock` (the discriminator's feature taps).
  std::vector<torch::Tensor> encode(const torch::Tensor& x, const torch::Tensor& t, const torch::Tensor& context = {},
                                    const BlockHook& afterBlock = nullptr, const torch::Tensor& extraEmbedding = {});
  // Number of encoder blocks (the first encoderBlocks() block indices), and the spatial
  // downsampling factor of each one's output.
  int64_t encoderBlocks() const;
  std::vector<int64_t> encoderDownsampling() const;
  // Output channels of each hooked block, indexed by block index.
  const std::vector<int64_t>& blockChannels() const { return blockChannels_; }
  const ImageUNetOptions& options() const { return options_; }

  torch::nn::Linear time_fc1{nullptr}, time_fc2{nullptr};
  torch::nn::Conv2d conv_in{nullptr}, conv_out{nullptr};
  torch::nn::ModuleList down{nullptr}, up{nullptr};  // UNetLevels; up.<i> mirrors down.<i>
  MidBlock mid{nullptr};
  torch::nn::GroupNorm norm_out{nullptr};

 private:
  // The timestep embedding [n, D] plus `extra` when defined.
  torch::Tensor timeEmbedding(const torch::Tensor& t, int64_t n, torch::ScalarType dtype, const torch::Tensor& extra);
  torch::Tensor checkedContext(const torch::Tensor& x, const torch::Tensor& context) const;
  // conv_in, the down levels and the middle block; returns the middle block's output.
  torch::Tensor downPath(const torch::Tensor& x, const torch::Tensor& emb, const torch::Tensor& ctx,
                         const std::function<torch::Tensor(const torch::Tensor&)>& hooked,
                         std::vector<torch::Tensor>& skips);
  ImageUNetOptions options_;
  std::vector<int64_t> blockChannels_;
};
TORCH_MODULE(ImageUNet);

}  // namespace vds
