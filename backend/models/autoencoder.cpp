#include "models/autoencoder.h"

#include "models/options_yaml.h"

namespace vds {

namespace nn = torch::nn;

AutoencoderOptions AutoencoderOptions::fromYaml(const YAML::Node& node) {
  AutoencoderOptions o;
  OptionsReader r(node, "autoencoder");
  r.read("image_channels", o.imageChannels)
      .read("latent_channels", o.latentChannels)
      .read("channels", o.channels)
      .read("blocks_per_level", o.blocksPerLevel)
      .read("max_groups", o.maxGroups);
  r.rejectUnknown();
  requireOption(!o.channels.empty(), "autoencoder", "channels", "needs at least one level");
  requireOption(o.imageChannels > 0 && o.latentChannels > 0, "autoencoder", "latent_channels", "must be positive");
  requireOption(o.blocksPerLevel > 0, "autoencoder", "blocks_per_level", "must be positive");
  return o;
}

YAML::Node AutoencoderOptions::toYaml() const {
  YAML::Node n;
  n["image_channels"] = imageChannels;
  n["latent_channels"] = latentChannels;
  n["channels"] = yamlList(channels);
  n["blocks_per_level"] = blocksPerLevel;
  n["max_groups"] = maxGroups;
  return n;
}

static nn::Conv2d conv3x3(int64_t in, int64_t out) { return nn::Conv2d(nn::Conv2dOptions(in, out, 3).padding(1)); }

EncoderImpl::EncoderImpl(const AutoencoderOptions& o) {
  conv_in = register_module("conv_in", conv3x3(o.imageChannels, o.channels.front()));
  blocks = register_module("blocks", nn::ModuleList());
  int64_t ch = o.channels.front();
  for (int64_t level : o.channels) {
    for (int64_t b = 0; b < o.blocksPerLevel; ++b) {
      blocks->push_back(ResBlock(ResBlockOptions{ch, level, 0, false, o.maxGroups}));
      ch = level;
    }
    blocks->push_back(Downsample(ch));
  }
  mid = register_module("mid", ResBlock(ResBlockOptions{ch, ch, 0, false, o.maxGroups}));
  norm_out = register_module("norm_out", makeGroupNorm(ch, o.maxGroups));
  conv_out = register_module("conv_out", conv3x3(ch, o.latentChannels));
}

torch::Tensor EncoderImpl::forward(const torch::Tensor& images) {
  auto h = conv_in(images);
  for (const auto& block : *blocks) {
    if (auto* res = block->as<ResBlockImpl>())
      h = res->forward(h);
    else
      h = block->as<DownsampleImpl>()->forward(h);
  }
  return conv_out(torch::silu(norm_out(mid(h))));
}

DecoderImpl::DecoderImpl(const AutoencoderOptions& o) {
  int64_t ch = o.channels.back();
  conv_in = register_module("conv_in", conv3x3(o.latentChannels, ch));
  mid = register_module("mid", ResBlock(ResBlockOptions{ch, ch, 0, false, o.maxGroups}));
  blocks = register_module("blocks", nn::ModuleList());
  for (auto level = o.channels.rbegin(); level != o.channels.rend(); ++level) {
    blocks->push_back(Upsample(ch));
    for (int64_t b = 0; b < o.blocksPerLevel; ++b) {
      blocks->push_back(ResBlock(ResBlockOptions{ch, *level, 0, false, o.maxGroups}));
      ch = *level;
    }
  }
  norm_out = register_module("norm_out", makeGroupNorm(ch, o.maxGroups));
  conv_out = register_module("conv_out", conv3x3(ch, o.imageChannels));
}

torch::Tensor DecoderImpl::forward(const torch::Tensor& latents) {
  auto h = mid(conv_in(latents));
  for (const auto& block : *blocks) {
    if (auto* res = block->as<ResBlockImpl>())
      h = res->forward(h);
    else
      h = block->as<UpsampleImpl>()->forward(h);
  }
  return conv_out(torch::silu(norm_out(h)));
}

AutoencoderImpl::AutoencoderImpl(const AutoencoderOptions& options) : options_(options) {
  encoder = register_module("encoder", Encoder(options));
  decoder = register_module("decoder", Decoder(options));
  latent_scale = register_buffer("latent_scale", torch::ones({1}));
}

torch::Tensor AutoencoderImpl::encodeUnscaled(const torch::Tensor& images) {
  TORCH_CHECK(images.dim() == 4, "Autoencoder::encode expects images [N,C,H,W]");
  const int64_t f = options_.downsampleFactor();
  TORCH_CHECK(images.size(2) % f == 0 && images.size(3) % f == 0, "Autoencoder: image size must be a multiple of ", f);
  return encoder(images);
}

torch::Tensor AutoencoderImpl::encode(const torch::Tensor& images) {
  return encodeUnscaled(images) * latent_scale.to(images.dtype());
}

torch::Tensor AutoencoderImpl::decode(const torch::Tensor& latents) {
  TORCH_CHECK(latents.dim() == 4, "Autoencoder::decode expects latents [N,C,h,w]");
  return decoder(latents / latent_scale.to(latents.dtype()));
}

torch::Tensor AutoencoderImpl::encodeVideo(const torch::Tensor& videos) {
  TORCH_CHECK(videos.dim() == 5, "Autoencoder::encodeVideo expects videos [B,F,C,H,W]");
  const int64_t b = videos.size(0), f = videos.size(1);
  auto z = encode(videos.flatten(0, 1));
  return z.view({b, f, z.size(1), z.size(2), z.size(3)});
}

torch::Tensor AutoencoderImpl::decodeVideo(const torch::Tensor& latents) {
  TORCH_CHECK(latents.dim() == 5, "Autoencoder::decodeVideo expects latents [B,F,C,h,w]");
  const int64_t b = latents.size(0), f = latents.size(1);
  auto x = decode(latents.flatten(0, 1));
  return x.view({b, f, x.size(1), x.size(2), x.size(3)});
}

torch::Tensor AutoencoderImpl::forward(const torch::Tensor& images) { return decode(encode(images)); }

double AutoencoderImpl::calibrateLatentScale(const torch::Tensor& images) {
  torch::NoGradGuard noGrad;
  const double stdev = encodeUnscaled(images).to(torch::kFloat64).std().item<double>();
  TORCH_CHECK(stdev > 0, "calibrateLatentScale: the latents have zero variance");
  latent_scale.fill_(1.0 / stdev);
  return 1.0 / stdev;
}

AutoencoderLoss autoencoderLoss(Autoencoder& model, const torch::Tensor& images, double penaltyWeight) {
  auto z = model->encodeUnscaled(images);
  auto recon = model->decoder(z);
  AutoencoderLoss loss;
  loss.reconstruction = torch::mse_loss(recon, images);
  loss.latentPenalty = z.pow(2).mean();
  loss.total = loss.reconstruction + penaltyWeight * loss.latentPenalty;
  return loss;
}

}  // namespace vds
