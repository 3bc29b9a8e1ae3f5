#include "models/unet.h"

#include <algorithm>

#include "core/errors.h"
#include "models/options_yaml.h"

namespace vds {

namespace nn = torch::nn;

bool ImageUNetOptions::hasAttention(size_t level) const {
  return std::find(attentionLevels.begin(), attentionLevels.end(), static_cast<int64_t>(level)) != attentionLevels.end();
}

ImageUNetOptions ImageUNetOptions::fromYaml(const YAML::Node& node, const std::string& section,
                                            const ImageUNetOptions& defaults) {
  ImageUNetOptions o = defaults;
  OptionsReader r(node, section);
  r.read("in_channels", o.inChannels)
      .read("out_channels", o.outChannels)
      .read("base_channels", o.baseChannels)
      .read("channel_mults", o.channelMults)
      .read("blocks_per_level", o.blocksPerLevel)
      .read("attention_levels", o.attentionLevels)
      .read("middle_attention", o.middleAttention)
      .read("heads", o.heads)
      .read("transformer_depth", o.transformerDepth)
      .read("ff_mult", o.ffMult)
      .read("context_dim", o.contextDim)
      .read("time_embed_dim", o.timeEmbedDim)
      .read("time_embed_scale", o.timeEmbedScale)
      .read("scale_shift", o.scaleShift)
      .read("max_groups", o.maxGroups);
  r.rejectUnknown();
  requireOption(!o.channelMults.empty(), section, "channel_mults", "needs at least one level");
  requireOption(o.blocksPerLevel > 0, section, "blocks_per_level", "must be positive");
  requireOption(o.contextDim >= 0, section, "context_dim", "must be 0 (none) or positive");
  for (int64_t level : o.attentionLevels)
    requireOption(level >= 0 && level < static_cast<int64_t>(o.channelMults.size()), section, "attention_levels",
                  "names level " + std::to_string(level) + ", which does not exist");
  for (size_t i = 0; i < o.channelMults.size(); ++i)
    requireOption(o.levelChannels(i) % o.heads == 0, section, "heads", "must divide every level's channels");
  return o;
}

YAML::Node ImageUNetOptions::toYaml() const {
  YAML::Node n;
  n["in_channels"] = inChannels;
  n["out_channels"] = outChannels;
  n["base_channels"] = baseChannels;
  n["channel_mults"] = yamlList(channelMults);
  n["blocks_per_level"] = blocksPerLevel;
  n["attention_levels"] = yamlList(attentionLevels);
  n["middle_attention"] = middleAttention;
  n["heads"] = heads;
  n["transformer_depth"] = transformerDepth;
  n["ff_mult"] = ffMult;
  n["context_dim"] = contextDim;
  n["time_embed_dim"] = timeEmbedDim;
  n["time_embed_scale"] = timeEmbedScale;
  n["scale_shift"] = scaleShift;
  n["max_groups"] = maxGroups;
  return n;
}

SpatialTransformerImpl::SpatialTransformerImpl(const SpatialTransformerOptions& o) {
  norm = register_module("norm", makeGroupNorm(o.channels, o.maxGroups));
  proj_in = register_module("proj_in", nn::Linear(o.channels, o.channels));
  blocks = register_module("blocks", nn::ModuleList());
  for (int64_t i = 0; i < o.depth; ++i)
    blocks->push_back(TransformerBlock(TransformerBlockOptions{o.channels, o.heads, o.contextDim, o.ffMult}));
  proj_out = register_module("proj_out", nn::Linear(o.channels, o.channels));
}

torch::Tensor SpatialTransformerImpl::forward(const torch::Tensor& x, const torch::Tensor& context) {
  const int64_t n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
  auto tokens = proj_in(norm(x).flatten(2).transpose(1, 2));  // [N, h*w, C]
  for (const auto& block : *blocks) tokens = block->as<TransformerBlockImpl>()->forward(tokens, context);
  return x + proj_out(tokens).transpose(1, 2).reshape({n, c, h, w});
}

static SpatialTransformer makeTransformer(int64_t channels, const ImageUNetOptions& o) {
  return SpatialTransformer(
      SpatialTransformerOptions{channels, o.heads, o.contextDim, o.transformerDepth, o.ffMult, o.maxGroups});
}

static ResBlock makeRes(int64_t in, int64_t out, const ImageUNetOptions& o) {
  return ResBlock(ResBlockOptions{in, out, o.resolvedTimeEmbedDim(), o.scaleShift, o.maxGroups});
}

MidBlockImpl::MidBlockImpl(int64_t channels, const ImageUNetOptions& o) {
  res1 = register_module("res1", makeRes(channels, channels, o));
  if (o.middleAttention) attn = register_module("attn", makeTransformer(channels, o));
  res2 = register_module("res2", makeRes(channels, channels, o));
}

torch::Tensor MidBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& timeEmbedding,
                                    const torch::Tensor& context) {
  auto h = res1(x, timeEmbedding);
  if (attn) h = attn(h, context);
  return res2(h, timeEmbedding);
}

ImageUNetImpl::ImageUNetImpl(const ImageUNetOptions& options) : options_(options) {
  const auto& o = options_;
  const int64_t tdim = o.resolvedTimeEmbedDim();
  const size_t levels = o.channelMults.size();
  time_fc1 = register_module("time_fc1", nn::Linear(o.baseChannels, tdim));
  time_fc2 = register_module("time_fc2", nn::Linear(tdim, tdim));
  conv_in = register_module("conv_in", nn::Conv2d(nn::Conv2dOptions(o.inChannels, o.baseChannels, 3).padding(1)));

  // The skip stack mirrors forward(): conv_in, every down block and every downsample.
  std::vector<int64_t> skips{o.baseChannels};
  int64_t ch = o.baseChannels;
  down = register_module("down", nn::ModuleList());
  for (size_t level = 0; level < levels; ++level) {
    UNetLevel block;
    block->res = block->register_module("res", nn::ModuleList());
    block->attn = block->register_module("attn", nn::ModuleList());
    for (int64_t i = 0; i < o.blocksPerLevel; ++i) {
      block->res->push_back(makeRes(ch, o.levelChannels(level), o));
      ch = o.levelChannels(level);
      if (o.hasAttention(level)) block->attn->push_back(makeTransformer(ch, o));
      skips.push_back(ch);
      blockChannels_.push_back(ch);
    }
    if (level + 1 < levels) {
      block->downsample = block->register_module("downsample", Downsample(ch));
      skips.push_back(ch);
    }
    down->push_back(block);
  }

  mid = register_module("mid", MidBlock(ch, o));
  blockChannels_.push_back(ch);

  std::vector<UNetLevel> upLevels(levels);
  for (size_t level = levels; level-- > 0;) {
    UNetLevel block;
    block->res = block->register_module("res", nn::ModuleList());
    block->attn = block->register_module("attn", nn::ModuleList());
    for (int64_t i = 0; i <= o.blocksPerLevel; ++i) {
      block->res->push_back(makeRes(ch + skips.back(), o.levelChannels(level), o));
      skips.pop_back();
      ch = o.levelChannels(level);
      if (o.hasAttention(level)) block->attn->push_back(makeTransformer(ch, o));
      blockChannels_.push_back(ch);
    }
    if (level > 0) block->upsample = block->register_module("upsample", Upsample(ch));
    upLevels[level] = block;
  }
  up = register_module("up", nn::ModuleList());
  for (auto& block : upLevels) up->push_back(block);

  norm_out = register_module("norm_out", makeGroupNorm(ch, o.maxGroups));
  conv_out = register_module("conv_out", nn::Conv2d(nn::Conv2dOptions(ch, o.outChannels, 3).padding(1)));
}

torch::Tensor ImageUNetImpl::timeEmbedding(const torch::Tensor& t, int64_t n, torch::ScalarType dtype,
                                           const torch::Tensor& extra) {
  TORCH_CHECK(t.numel() == n || t.numel() == 1, "ImageUNet: t needs one value per sample or one for all");
  const auto tFlat = t.reshape({-1}).expand({n});
  auto emb = sinusoidalEmbedding(tFlat * options_.timeEmbedScale, options_.baseChannels).to(dtype);
  auto out = time_fc2(torch::silu(time_fc1(emb)));
  if (!extra.defined()) return out;
  TORCH_CHECK(extra.dim() == 2 && extra.size(0) == n && extra.size(1) == out.size(1),
              "ImageUNet: extraEmbedding must be [", n, ",", out.size(1), "], got ", extra.sizes());
  return out + extra.to(out.scalar_type());
}

torch::Tensor ImageUNetImpl::checkedContext(const torch::Tensor& x, const torch::Tensor& context) const {
  const auto& o = options_;
  TORCH_CHECK(x.dim() == 4 && x.size(1) == o.inChannels, "ImageUNet expects x [N,", o.inChannels, ",h,w], got ",
              x.sizes());
  const int64_t n = x.size(0);
  const int64_t factor = int64_t{1} << (o.channelMults.size() - 1);
  TORCH_CHECK(x.size(2) % factor == 0 && x.size(3) % factor == 0, "ImageUNet: h and w must be multiples of ", factor);
  if (o.contextDim <= 0 || !context.defined()) return {};
  TORCH_CHECK(context.dim() == 3 && context.size(2) == o.contextDim && (context.size(0) == n || context.size(0) == 1),
              "ImageUNet expects context [N,L,", o.contextDim, "], got ", context.sizes());
  return context.size(0) == n ? context : context.expand({n, context.size(1), context.size(2)});
}

torch::Tensor ImageUNetImpl::downPath(const torch::Tensor& x, const torch::Tensor& emb, const torch::Tensor& ctx,
                                      const std::function<torch::Tensor(const torch::Tensor&)>& hooked,
                                      std::vector<torch::Tensor>& skips) {
  auto h = conv_in(x);
  skips.push_back(h);
  for (const auto& module : *down) {
    auto* level = module->as<UNetLevelImpl>();
    for (size_t i = 0; i < level->res->size(); ++i) {
      h = level->res[i]->as<ResBlockImpl>()->forward(h, emb);
      if (!level->attn->is_empty()) h = level->attn[i]->as<SpatialTransformerImpl>()->forward(h, ctx);
      h = hooked(h);
      skips.push_back(h);
    }
    if (level->downsample) {
      h = level->downsample(h);
      skips.push_back(h);
    }
  }
  return hooked(mid(h, emb, ctx));
}

torch::Tensor ImageUNetImpl::forward(const torch::Tensor& x, const torch::Tensor& t, const torch::Tensor& context,
                                     const BlockHook& afterBlock, const torch::Tensor& extraEmbedding) {
  const torch::Tensor ctx = checkedContext(x, context);
  const torch::Tensor emb = timeEmbedding(t, x.size(0), x.scalar_type(), extraEmbedding);
  int64_t blockIndex = 0;
  auto hooked = [&](const torch::Tensor& h) -> torch::Tensor {
    const int64_t index = blockIndex++;
    return afterBlock ? afterBlock(index, h) : h;
  };
  std::vector<torch::Tensor> skips;
  auto h = downPath(x, emb, ctx, hooked, skips);
  for (size_t l = up->size(); l-- > 0;) {
    auto* level = up[l]->as<UNetLevelImpl>();
    for (size_t i = 0; i < level->res->size(); ++i) {
      h = level->res[i]->as<ResBlockImpl>()->forward(torch::cat({h, skips.back()}, 1), emb);
      skips.pop_back();
      if (!level->attn->is_empty()) h = level->attn[i]->as<SpatialTransformerImpl>()->forward(h, ctx);
      h = hooked(h);
    }
    if (level->upsample) h = level->upsample(h);
  }
  return conv_out(torch::silu(norm_out(h)));
}

std::vector<torch::Tensor> ImageUNetImpl::encode(const torch::Tensor& x, const torch::Tensor& t,
                                                 const torch::Tensor& context, const BlockHook& afterBlock,
                                                 const torch::Tensor& extraEmbedding) {
  const torch::Tensor ctx = checkedContext(x, context);
  const torch::Tensor emb = timeEmbedding(t, x.size(0), x.scalar_type(), extraEmbedding);
  std::vector<torch::Tensor> features;
  int64_t blockIndex = 0;
  auto hooked = [&](const torch::Tensor& h) -> torch::Tensor {
    const int64_t index = blockIndex++;
    torch::Tensor out = afterBlock ? afterBlock(index, h) : h;
    features.push_back(out);
    return out;
  };
  std::vector<torch::Tensor> skips;
  downPath(x, emb, ctx, hooked, skips);
  return features;
}

int64_t ImageUNetImpl::encoderBlocks() const {
  int64_t blocks = 1;  // the middle block
  for (const auto& module : *down) blocks += static_cast<int64_t>(module->as<UNetLevelImpl>()->res->size());
  return blocks;
}

std::vector<int64_t> ImageUNetImpl::encoderDownsampling() const {
  std::vector<int64_t> out;
  int64_t factor = 1;
  for (const auto& module : *down) {
    auto* level = module->as<UNetLevelImpl>();
    for (size_t i = 0; i < level->res->size(); ++i) out.push_back(factor);
    if (level->downsample) factor *= 2;
  }
  out.push_back(factor);
  return out;
}

}  // namespace vds
