// The evaluation classifier of the built-in world (ARCHITECTURE §5, §6): a small video
// CNN trained only on real Shapes clips and then frozen. Its features() drive FVD-S; its
// heads predict each object slot's shape, colour and direction, and the clip's style, for
// prompt and style accuracy. Class counts come from Options so that this file does not
// depend on the Shapes vocabulary.
#pragma once
#include <torch/torch.h>
#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "models/blocks.h"

namespace vds {

struct EvalNetOptions {
  int64_t imageChannels = 3;
  // Per-frame 2D convs use channels[0] (full resolution) and channels[1] (two stride-2
  // steps, to 1/4 size); the temporal 3D convs use channels[2].
  std::vector<int64_t> channels{32, 64, 128};
  int64_t featureDim = 128;
  int64_t slots = 2;
  int64_t shapes = 5;
  int64_t colours = 6;
  int64_t directions = 4;
  int64_t styles = 5;
  int64_t maxGroups = 16;
  // How the [C, F, h, w] map becomes one vector: "mean" averages it; "mean_max" also
  // takes the maximum over frames and positions, which keeps a small object's
  // conjunction of shape, colour and motion from being averaged away.
  std::string pooling = "mean_max";

  static EvalNetOptions fromYaml(const YAML::Node& node);
  YAML::Node toYaml() const;
};

// Logits per head. For the slot heads, class k < count is the k-th vocabulary entry and
// class == count means "no object in this slot".
struct EvalNetOutput {
  torch::Tensor features;   // [B, featureDim]
  torch::Tensor shape;      // [B, slots, shapes + 1]
  torch::Tensor colour;     // [B, slots, colours + 1]
  torch::Tensor direction;  // [B, slots, directions + 1]
  torch::Tensor style;      // [B, styles]
};

// A slot target of kIgnoreTarget contributes no loss (e.g. the direction of an object in
// a still clip, which the clip cannot show).
struct EvalNetTargets {
  static constexpr int64_t kIgnoreTarget = -1;
  torch::Tensor shape, colour, direction;  // int64 [B, slots], "none" = the count
  torch::Tensor style;                     // int64 [B]
};

class EvalNetImpl : public torch::nn::Module {
 public:
  explicit EvalNetImpl(const EvalNetOptions& options = {});
  // video [B,F,3,H,W] in [-1,1], any F >= 1 and H, W multiples of 8.
  EvalNetOutput forward(const torch::Tensor& video);
  torch::Tensor features(const torch::Tensor& video);
  const EvalNetOptions& options() const { return options_; }

  torch::nn::Conv2d frame_conv1{nullptr}, frame_conv2{nullptr}, frame_conv3{nullptr};
  torch::nn::GroupNorm frame_norm1{nullptr}, frame_norm2{nullptr}, frame_norm3{nullptr};
  torch::nn::Conv3d temporal_conv1{nullptr}, temporal_conv2{nullptr};
  torch::nn::GroupNorm temporal_norm1{nullptr}, temporal_norm2{nullptr};
  torch::nn::Linear feature_fc{nullptr};
  torch::nn::Linear shape_head{nullptr}, colour_head{nullptr}, direction_head{nullptr}, style_head{nullptr};

 private:
  EvalNetOptions options_;
};
TORCH_MODULE(EvalNet);

// Sum over heads of the mean cross-entropies. The slot heads' loss is invariant to the
// order of the target objects: per clip it is the smallest, over every assignment of the
// target objects to the slots, of the summed shape, colour and direction cross-entropies,
// divided by the number of slots. (A caption's object order is not visible in the
// video, so a fixed order would ask the net to guess it.)
torch::Tensor evalNetLoss(const EvalNetOutput& output, const EvalNetTargets& targets);

}  // namespace vds
