// The multi-scale discriminator head of AVDM2 (specs/000 §4): features taken from three
// scales of a frozen UNet encoder, each through its own convolutions, resized to the
// coarsest scale, concatenated, and turned into a map of logits by a final convolution.
#pragma once
#include <torch/torch.h>
#include <yaml-cpp/yaml.h>

#include <vector>

namespace vds {

struct MultiScaleHeadOptions {
  std::vector<int64_t> inChannels;  // channels of each tapped feature, in tap order
  int64_t channels = 64;            // width of each branch and of the fused features
  int64_t maxGroups = 32;
  YAML::Node toYaml() const;
  static MultiScaleHeadOptions fromYaml(const YAML::Node& node);
};

class MultiScaleHeadImpl : public torch::nn::Module {
 public:
  explicit MultiScaleHeadImpl(const MultiScaleHeadOptions& options);
  // features[i]: [N, inChannels[i], h_i, w_i]; returns logits [N, 1, h, w] at the smallest h_i.
  torch::Tensor forward(const std::vector<torch::Tensor>& features);
  const MultiScaleHeadOptions& options() const { return options_; }

  torch::nn::ModuleList branches{nullptr};
  torch::nn::Conv2d fuse{nullptr}, out{nullptr};
  torch::nn::GroupNorm fuseNorm{nullptr};

 private:
  MultiScaleHeadOptions options_;
};
TORCH_MODULE(MultiScaleHead);

}  // namespace vds
