#include "models/motion_module.h"

#include <cmath>

#include "core/errors.h"
#include "models/options_yaml.h"

namespace vds {

namespace nn = torch::nn;

MotionModuleOptions MotionModuleOptions::fromYaml(const YAML::Node& node, const std::string& section,
                                                  const MotionModuleOptions& defaults) {
  MotionModuleOptions o = defaults;
  OptionsReader r(node, section);
  r.read("heads", o.heads).read("layers", o.layers).read("ff_mult", o.ffMult).read("max_groups", o.maxGroups);
  r.read("text_attention", o.textAttention).read("temporal_conv", o.temporalConv);
  r.read("spatial_position", o.spatialPosition).read("frame_embedding", o.frameEmbedding);
  r.rejectUnknown();
  requireOption(o.heads > 0, section, "heads", "must be positive");
  requireOption(o.layers > 0, section, "layers", "must be positive");
  return o;
}

YAML::Node MotionModuleOptions::toYaml() const {
  YAML::Node n;
  n["heads"] = heads;
  n["layers"] = layers;
  n["ff_mult"] = ffMult;
  n["max_groups"] = maxGroups;
  n["text_attention"] = textAttention;
  n["temporal_conv"] = temporalConv;
  n["spatial_position"] = spatialPosition;
  n["frame_embedding"] = frameEmbedding;
  return n;
}

torch::Tensor spatialFourierFeatures(int64_t height, int64_t width, const torch::TensorOptions& options) {
  auto centres = [&](int64_t size) {  // [size], pixel centres in (-1, 1)
    return (torch::arange(size, options.dtype(torch::kFloat32)) * 2.0 + 1.0) / static_cast<double>(size) - 1.0;
  };
  const auto freqs = torch::pow(2.0, torch::arange(kPositionFrequencies, options.dtype(torch::kFloat32))) * M_PI;
  auto features = [&](const torch::Tensor& u) {  // [n] -> [n, 2K]
    const auto args = u.unsqueeze(1) * freqs.unsqueeze(0);
    return torch::cat({torch::sin(args), torch::cos(args)}, 1);
  };
  const auto fy = features(centres(height)), fx = features(centres(width));
  const int64_t k = fy.size(1);
  return torch::cat({fy.unsqueeze(1).expand({height, width, k}), fx.unsqueeze(0).expand({height, width, k})}, 2)
      .reshape({height * width, 2 * k})
      .to(options.dtype());
}

MotionModuleImpl::MotionModuleImpl(const MotionModuleOptions& options) : options_(options) {
  const int64_t c = options.channels;
  if (options.textAttention && options.contextDim <= 0)
    throw ConfigError("motion.text_attention needs a spatial UNet with text conditioning (context_dim > 0)");
  norm = register_module("norm", makeGroupNorm(c, options.maxGroups));
  proj_in = register_module("proj_in", nn::Linear(c, c));
  blocks = register_module("blocks", nn::ModuleList());
  for (int64_t i = 0; i < options.layers; ++i)
    blocks->push_back(TransformerBlock(
        TransformerBlockOptions{c, options.heads, options.textAttention ? options.contextDim : 0, options.ffMult}));
  proj_out = register_module("proj_out", nn::Linear(c, c));
  if (options.temporalConv) {
    conv_norm = register_module("conv_norm", makeGroupNorm(c, options.maxGroups));
    conv = register_module("conv", nn::Conv3d(nn::Conv3dOptions(c, c, 3).padding(1)));
  }
  if (options.spatialPosition) pos_proj = register_module("pos_proj", nn::Linear(4 * kPositionFrequencies, c));
  torch::NoGradGuard noGrad;
  proj_out->weight.zero_();
  proj_out->bias.zero_();
  if (conv) {
    conv->weight.zero_();
    conv->bias.zero_();
  }
}

torch::Tensor MotionModuleImpl::forward(const torch::Tensor& h, int64_t frames, const torch::Tensor& context) {
  TORCH_CHECK(h.dim() == 4 && frames > 0 && h.size(0) % frames == 0, "MotionModule expects [B*F,C,H,W] with F = ",
              frames, ", got ", h.sizes());
  const int64_t b = h.size(0) / frames, c = h.size(1), height = h.size(2), width = h.size(3);
  // Normalise over the whole clip ([B, C, F, H, W]), not per frame, so that differences
  // between frames (what this module is for) survive the normalisation.
  auto clip = norm(h.view({b, frames, c, height, width}).transpose(1, 2));
  auto tokens = clip.permute({0, 3, 4, 2, 1}).reshape({b * height * width, frames, c});  // [B*H*W, F, C]
  const auto position = torch::arange(frames, torch::TensorOptions().dtype(torch::kFloat32).device(h.device()));
  tokens = proj_in(tokens) + sinusoidalEmbedding(position, c).to(tokens.dtype()).unsqueeze(0);
  if (pos_proj) {
    const auto where = pos_proj(spatialFourierFeatures(height, width, pos_proj->weight.options())).to(tokens.dtype());  // [H*W, C]
    tokens = (tokens.view({b, height * width, frames, c}) + where.view({1, height * width, 1, c}))
                 .view({b * height * width, frames, c});
  }
  torch::Tensor text;  // [B*H*W, L, D]: the clip's caption for each of its pixels, in token order
  if (options_.textAttention && context.defined()) {
    TORCH_CHECK(context.dim() == 3 && context.size(0) == h.size(0), "MotionModule expects context [B*F,L,D] with B*F = ",
                h.size(0), ", got ", context.sizes());
    text = context.view({b, frames, context.size(1), context.size(2)}).select(1, 0).repeat_interleave(height * width, 0);
  }
  for (const auto& block : *blocks) tokens = block->as<TransformerBlockImpl>()->forward(tokens, text);
  auto out = proj_out(tokens).view({b, height, width, frames, c}).permute({0, 3, 4, 1, 2});  // [B, F, C, H, W]
  torch::Tensor result = h + out.reshape({b * frames, c, height, width});
  if (conv) {
    const auto volume = result.view({b, frames, c, height, width}).transpose(1, 2);  // [B, C, F, H, W]
    const auto mixed = conv(torch::silu(conv_norm(volume))).transpose(1, 2);        // [B, F, C, H, W]
    result = result + mixed.reshape({b * frames, c, height, width});
  }
  return result;
}

}  // namespace vds
