// Motion modules, the "AnimateDiff" layers of the built-in world: temporal self-attention
// across the frames at every spatial location of a UNet feature map. The output
// projection starts at zero, so a fresh module is the identity and a video UNet built
// from a trained image UNet starts out exactly as that image UNet applied per frame.
#pragma once
#include <torch/torch.h>
#include <yaml-cpp/yaml.h>

#include "models/blocks.h"

namespace vds {

struct MotionModuleOptions {
  int64_t channels = 64;  // set by the video UNet from the block it follows; not in YAML
  int64_t heads = 4;
  int64_t layers = 1;
  int64_t ffMult = 2;
  int64_t maxGroups = 32;
  // Cross-attention from each pixel's frame sequence to the caption (YAML text_attention).
  // AnimateDiff's motion modules have none, so a caption reaches the motion only through the
  // frozen spatial layers; but those were trained on still images, which cannot show the
  // caption's direction of motion, so without it a teacher moves objects regardless of the
  // direction it is asked for (docs/results.md). Absent in older packages: false.
  bool textAttention = false;
  // A 3x3x3 convolution over (frame, y, x) after the temporal attention (YAML
  // temporal_conv), zero-initialised like proj_out. Temporal attention mixes the frames of
  // one pixel only, so an object that moves by a fraction of a latent pixel per frame
  // shows up in it as a change of intensity; the convolution relates a pixel to its
  // neighbours in the next and previous frames, which is what a displacement is.
  // Absent in older packages: false.
  bool temporalConv = false;
  // Where each token sits in the feature map (YAML spatial_position): Fourier features of
  // its normalised (y, x), through a learnt projection, added to the tokens beside the
  // frame's sinusoidal embedding. Convolutions and attention are translation-equivariant,
  // so without it a module knows the frame but not the place; a caption's direction says
  // where the object is in each frame (it starts where its whole trip fits), which is a
  // function of both. Absent in older packages: false.
  bool spatialPosition = false;
  // A learnt embedding of each frame's index added to the spatial UNet's timestep
  // embedding (YAML frame_embedding), so that the ResBlocks of every frame know which frame
  // they draw. It is read by the video UNet, not by the modules: it belongs to the motion
  // architecture because it is what the video model adds to the image model. Its projection
  // starts at zero, so the spatial part starts out as the image UNet. A direction places an
  // object by frame (left early, right late, under "moving right"), and without it only the
  // motion modules know the frame, while the caption's layout is drawn by the spatial
  // cross-attention, which does not. Absent in older packages: false.
  bool frameEmbedding = false;
  int64_t contextDim = 0;  // set by the video UNet from its spatial context_dim; not in YAML

  // Reads heads, layers, ff_mult, max_groups, text_attention, temporal_conv,
  // spatial_position and frame_embedding; absent keys keep `defaults`.
  static MotionModuleOptions fromYaml(const YAML::Node& node) { return fromYaml(node, "motion", MotionModuleOptions()); }
  static MotionModuleOptions fromYaml(const YAML::Node& node, const std::string& section,
                                      const MotionModuleOptions& defaults);
  YAML::Node toYaml() const;
};

class MotionModuleImpl : public torch::nn::Module {
 public:
  explicit MotionModuleImpl(const MotionModuleOptions& options);
  // h [B*F, C, H, W] with frames consecutive per clip -> same shape. context [B*F, L, D]
  // (one row per frame, equal within a clip, as the spatial UNet takes it) is read only with
  // text attention, which uses each clip's first row; undefined skips the cross-attention.
  torch::Tensor forward(const torch::Tensor& h, int64_t frames, const torch::Tensor& context = {});
  const MotionModuleOptions& options() const { return options_; }

  torch::nn::GroupNorm norm{nullptr};
  torch::nn::Linear proj_in{nullptr}, proj_out{nullptr};
  torch::nn::ModuleList blocks{nullptr};
  torch::nn::GroupNorm conv_norm{nullptr};  // temporal_conv only
  torch::nn::Conv3d conv{nullptr};          // temporal_conv only
  torch::nn::Linear pos_proj{nullptr};      // spatial_position only

 private:
  MotionModuleOptions options_;
};
TORCH_MODULE(MotionModule);

// The Fourier features of spatial_position for an H x W map: [H*W, 4*kPositionFrequencies].
// Row y*W + x is [sin(f_k v), cos(f_k v), sin(f_k u), cos(f_k u)] over k = 0..K-1 (each a run
// of K values), with f_k = pi*2^k, v = (2y + 1)/H - 1 and u = (2x + 1)/W - 1 the pixel
// centre in (-1, 1).
inline constexpr int64_t kPositionFrequencies = 3;
torch::Tensor spatialFourierFeatures(int64_t height, int64_t width, const torch::TensorOptions& options);

}  // namespace vds
