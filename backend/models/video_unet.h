// The video UNet, the text-to-video teacher of the built-in world ("AnimateDiff"): an
// image UNet (`spatial`) run on every frame, with a motion module (`motion.<i>`) after each
// of its spatial blocks. Training only the motion modules on top of a frozen image UNet
// is the AnimateDiff recipe; loadSpatialState() brings the image UNet's weights in.
#pragma once
#include <torch/torch.h>
#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <vector>

#include "io/model_package.h"  // namedState
#include "models/motion_module.h"
#include "models/unet.h"

namespace vds {

struct VideoUNetOptions {
  ImageUNetOptions spatial;
  MotionModuleOptions motion;  // motion.channels is ignored: each module takes its block's channels

  static VideoUNetOptions fromYaml(const YAML::Node& node) { return fromYaml(node, "video_unet", VideoUNetOptions()); }
  static VideoUNetOptions fromYaml(const YAML::Node& node, const std::string& section, const VideoUNetOptions& defaults);
  YAML::Node toYaml() const;
};

class VideoUNetImpl : public torch::nn::Module {
 public:
  explicit VideoUNetImpl(const VideoUNetOptions& options = {});
  // x [B,F,C,h,w]; t [B] (broadcast over frames) or [B*F] (one per frame); context [B,L,D]
  // (broadcast over frames) or undefined. Returns [B,F,outChannels,h,w].
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& t, const torch::Tensor& context = {});

  // The encoder half with its motion modules: every encoder block's output [B*F,C,h,w]
  // (frames folded into the batch), as ImageUNet::encode.
  std::vector<torch::Tensor> encode(const torch::Tensor& x, const torch::Tensor& t, const torch::Tensor& context = {});
  // Copies an ImageUNet's state (named parameters and buffers, names as in ImageUNet)
  // into `spatial`. Strict: a missing, unexpected or wrong-shaped tensor is a
  // ModelPackageError naming it, and nothing is copied.
  void loadSpatialState(const std::map<std::string, torch::Tensor>& imageUNetState);
  std::vector<torch::Tensor> spatialParameters() const;
  // The motion modules' parameters and frame_embed's: everything the image UNet lacks.
  std::vector<torch::Tensor> motionParameters() const;
  // Whether a named parameter of this module (as named_parameters() names it) is one of
  // motionParameters().
  static bool isMotionParameter(const std::string& name);

  const VideoUNetOptions& options() const { return options_; }

  ImageUNet spatial{nullptr};
  torch::nn::ModuleList motion{nullptr};
  // motion.frame_embedding only: the sinusoidal embedding of a frame's index (frames
  // counted from 0 in each clip) -> an offset of the spatial timestep embedding; zero at
  // initialisation. Trained with the motion modules (motionParameters()).
  torch::nn::Linear frame_embed{nullptr};

 private:
  struct FrameInputs {
    torch::Tensor t, context;  // one timestep and one context row per frame
    torch::Tensor embedding;   // frame_embed's offset per frame [B*F, D], or undefined
  };
  FrameInputs frameInputs(const torch::Tensor& x, const torch::Tensor& t, const torch::Tensor& context);
  VideoUNetOptions options_;
};
TORCH_MODULE(VideoUNet);


}  // namespace vds
