#include "models/i2v_unet.h"

#include "models/options_yaml.h"

namespace vds {

// c_noise = ln(sigma)/4 spans about [-1.5, 1.1] for sigma in [0.002, 80]; x250 spreads it
// over a few hundred units, like DDPM's timestep indices.
constexpr double kCNoiseEmbedScale = 250.0;

VideoUNetOptions I2VUNetOptions::defaultVideo() {
  VideoUNetOptions v;
  v.spatial.inChannels = 8;
  v.spatial.outChannels = 4;
  v.spatial.timeEmbedScale = kCNoiseEmbedScale;
  return v;
}

I2VUNetOptions I2VUNetOptions::fromYaml(const YAML::Node& node) {
  I2VUNetOptions o;
  OptionsReader r(node, "i2v_unet");
  r.read("latent_channels", o.latentChannels).read("first_frame_mask", o.firstFrameMask);
  r.read("first_frame_channels", o.firstFrameChannels);
  VideoUNetOptions defaults = defaultVideo();
  defaults.spatial.inChannels = o.inputChannels();
  defaults.spatial.outChannels = o.latentChannels;
  o.video.spatial = ImageUNetOptions::fromYaml(r.nested("spatial"), r.path("spatial"), defaults.spatial);
  o.video.motion = MotionModuleOptions::fromYaml(r.nested("motion"), r.path("motion"), defaults.motion);
  r.rejectUnknown();
  requireOption(o.video.spatial.inChannels == o.inputChannels(), "i2v_unet", "spatial.in_channels",
                std::string("must be ") + (o.firstFrameChannels ? "3" : "2") + " x latent_channels" +
                    (o.firstFrameMask ? " + 1" : "") + " (noisy latents, first-frame latent" +
                    (o.firstFrameChannels ? ", first-frame latent on frame 0 only" : "") +
                    (o.firstFrameMask ? ", mask" : "") + ")");
  requireOption(o.video.spatial.outChannels == o.latentChannels, "i2v_unet", "spatial.out_channels",
                "must equal latent_channels");
  return o;
}

YAML::Node I2VUNetOptions::toYaml() const {
  YAML::Node n = video.toYaml();
  n["latent_channels"] = latentChannels;
  n["first_frame_mask"] = firstFrameMask;
  n["first_frame_channels"] = firstFrameChannels;
  return n;
}

I2VUNetImpl::I2VUNetImpl(const I2VUNetOptions& options) : VideoUNetImpl(options.video), i2vOptions_(options) {
  TORCH_CHECK(options.video.spatial.inChannels == options.inputChannels(), "I2VUNet: spatial in_channels must be ",
              options.inputChannels());
}

torch::Tensor I2VUNetImpl::forward(const torch::Tensor& x, const torch::Tensor& cNoise,
                                   const torch::Tensor& firstFrameLatent, const torch::Tensor& context) {
  TORCH_CHECK(x.dim() == 5 && firstFrameLatent.dim() == 4 && firstFrameLatent.size(0) == x.size(0) &&
                  firstFrameLatent.size(1) == x.size(2),
              "I2VUNet expects x [B,F,C,h,w] and firstFrameLatent [B,C,h,w], got ", x.sizes(), " and ",
              firstFrameLatent.sizes());
  const auto first = firstFrameLatent.unsqueeze(1).expand_as(x);
  std::vector<torch::Tensor> inputs = {x, first};
  const int64_t b = x.size(0), frames = x.size(1);
  if (i2vOptions_.firstFrameChannels) {  // the condition on frame 0, zeros on the others
    auto own = torch::zeros_like(x);
    own.select(1, 0).copy_(firstFrameLatent);
    inputs.push_back(own);
  }
  if (i2vOptions_.firstFrameMask) {
    const auto present = firstFrameLatent.flatten(1).ne(0).any(1).to(x.dtype());  // [B]
    auto mask = torch::zeros({b, frames, 1, x.size(3), x.size(4)}, x.options());
    mask.select(1, 0).copy_(present.view({b, 1, 1, 1}));  // broadcast over the frame's pixels
    inputs.push_back(mask);
  }
  return VideoUNetImpl::forward(torch::cat(inputs, 2), cNoise, context);
}

VideoUNet frameFreeVideoUNet(const I2VUNetImpl& i2v) {
  VideoUNetOptions o = i2v.i2vOptions().video;
  const int64_t latent = i2v.i2vOptions().latentChannels;
  o.spatial.inChannels = latent;
  VideoUNet out(o);
  torch::NoGradGuard noGrad;
  const auto source = namedState(i2v);
  for (auto& [name, tensor] : namedState(*out)) {
    const torch::Tensor& from = source.at(name);
    // Only the input convolution differs: its first `latent` input channels read x.
    tensor.copy_(from.sizes() == tensor.sizes() ? from : from.narrow(1, 0, latent));
  }
  return out;
}

}  // namespace vds
