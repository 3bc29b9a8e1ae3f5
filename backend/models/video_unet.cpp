#include "models/video_unet.h"

#include <sstream>

#include "core/errors.h"
#include "models/options_yaml.h"

namespace vds {

VideoUNetOptions VideoUNetOptions::fromYaml(const YAML::Node& node, const std::string& section,
                                            const VideoUNetOptions& defaults) {
  VideoUNetOptions o = defaults;
  OptionsReader r(node, section);
  o.spatial = ImageUNetOptions::fromYaml(r.nested("spatial"), r.path("spatial"), defaults.spatial);
  o.motion = MotionModuleOptions::fromYaml(r.nested("motion"), r.path("motion"), defaults.motion);
  r.rejectUnknown();
  return o;
}

YAML::Node VideoUNetOptions::toYaml() const {
  YAML::Node n;
  n["spatial"] = spatial.toYaml();
  n["motion"] = motion.toYaml();
  return n;
}

VideoUNetImpl::VideoUNetImpl(const VideoUNetOptions& options) : options_(options) {
  spatial = register_module("spatial", ImageUNet(options.spatial));
  motion = register_module("motion", torch::nn::ModuleList());
  for (int64_t channels : spatial->blockChannels()) {
    MotionModuleOptions mo = options.motion;
    mo.channels = channels;
    mo.contextDim = options.spatial.contextDim;
    motion->push_back(MotionModule(mo));
  }
  if (options.motion.frameEmbedding) {
    frame_embed = register_module(
        "frame_embed", torch::nn::Linear(options.spatial.baseChannels, options.spatial.resolvedTimeEmbedDim()));
    torch::NoGradGuard noGrad;
    frame_embed->weight.zero_();
    frame_embed->bias.zero_();
  }
}

VideoUNetImpl::FrameInputs VideoUNetImpl::frameInputs(const torch::Tensor& x, const torch::Tensor& t,
                                                      const torch::Tensor& context) {
  TORCH_CHECK(x.dim() == 5, "VideoUNet expects x [B,F,C,h,w], got ", x.sizes());
  const int64_t b = x.size(0), frames = x.size(1);
  FrameInputs in;
  if (t.numel() == b * frames)
    in.t = t.reshape({-1});
  else if (t.numel() == b || t.numel() == 1)
    in.t = t.reshape({-1}).expand({b}).repeat_interleave(frames);
  else
    TORCH_CHECK(false, "VideoUNet: t needs B or B*F values, got ", t.sizes());
  if (context.defined()) {
    TORCH_CHECK(context.dim() == 3 && (context.size(0) == b || context.size(0) == 1), "VideoUNet expects context [B,L,D]");
    in.context = context.expand({b, context.size(1), context.size(2)}).repeat_interleave(frames, 0);
  }
  if (frame_embed) {
    const auto index = torch::arange(frames, torch::TensorOptions().dtype(torch::kFloat32).device(x.device()));
    const auto perFrame = frame_embed(sinusoidalEmbedding(index, options_.spatial.baseChannels).to(x.scalar_type()));
    in.embedding = perFrame.repeat({b, 1});  // row b*F + f is frame f
  }
  return in;
}

torch::Tensor VideoUNetImpl::forward(const torch::Tensor& x, const torch::Tensor& t, const torch::Tensor& context) {
  const FrameInputs in = frameInputs(x, t, context);
  const int64_t b = x.size(0), frames = x.size(1);
  auto afterBlock = [&](int64_t index, const torch::Tensor& h) {
    return motion[static_cast<size_t>(index)]->as<MotionModuleImpl>()->forward(h, frames, in.context);
  };
  auto out = spatial->forward(x.flatten(0, 1), in.t, in.context, afterBlock, in.embedding);
  return out.view({b, frames, out.size(1), out.size(2), out.size(3)});
}

std::vector<torch::Tensor> VideoUNetImpl::encode(const torch::Tensor& x, const torch::Tensor& t,
                                                 const torch::Tensor& context) {
  const FrameInputs in = frameInputs(x, t, context);
  const int64_t frames = x.size(1);
  auto afterBlock = [&](int64_t index, const torch::Tensor& h) {
    return motion[static_cast<size_t>(index)]->as<MotionModuleImpl>()->forward(h, frames, in.context);
  };
  return spatial->encode(x.flatten(0, 1), in.t, in.context, afterBlock, in.embedding);
}

static std::string shapeText(at::IntArrayRef sizes) {
  std::ostringstream out;
  out << sizes;
  return out.str();
}

void VideoUNetImpl::loadSpatialState(const std::map<std::string, torch::Tensor>& imageUNetState) {
  auto target = namedState(*spatial);
  // Check everything before copying anything, so that a bad state leaves the model intact.
  for (const auto& [name, tensor] : target) {
    const auto it = imageUNetState.find(name);
    if (it == imageUNetState.end())
      throw ModelPackageError("image UNet state lacks tensor '" + name + "' needed by the video UNet's spatial part");
    if (!it->second.sizes().equals(tensor.sizes()))
      throw ModelPackageError("tensor '" + name + "' has shape " + shapeText(it->second.sizes()) +
                              " but the video UNet's spatial part expects " + shapeText(tensor.sizes()));
  }
  for (const auto& [name, tensor] : imageUNetState)
    if (!target.count(name))
      throw ModelPackageError("unexpected tensor '" + name + "' in image UNet state: the spatial part has no such tensor");
  torch::NoGradGuard noGrad;
  for (auto& [name, tensor] : target) tensor.copy_(imageUNetState.at(name));
}

std::vector<torch::Tensor> VideoUNetImpl::spatialParameters() const { return spatial->parameters(); }

std::vector<torch::Tensor> VideoUNetImpl::motionParameters() const {
  std::vector<torch::Tensor> out;
  for (const auto& item : named_parameters())
    if (isMotionParameter(item.key())) out.push_back(item.value());
  return out;
}

bool VideoUNetImpl::isMotionParameter(const std::string& name) {
  return name.rfind("motion.", 0) == 0 || name.rfind("frame_embed.", 0) == 0;
}


}  // namespace vds
