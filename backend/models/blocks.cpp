#include "models/blocks.h"

#include <cmath>

namespace vds {

namespace nn = torch::nn;

nn::GroupNorm makeGroupNorm(int64_t channels, int64_t maxGroups) {
  int64_t groups = std::max<int64_t>(1, std::min(maxGroups, channels));
  while (channels % groups != 0) --groups;
  return nn::GroupNorm(nn::GroupNormOptions(groups, channels).eps(1e-6));
}

torch::Tensor sinusoidalEmbedding(const torch::Tensor& t, int64_t dim, double maxPeriod) {
  const int64_t half = dim / 2;
  const auto opts = torch::TensorOptions().dtype(torch::kFloat32).device(t.device());
  const auto freqs = torch::exp(torch::arange(half, opts) * (-std::log(maxPeriod) / static_cast<double>(half)));
  const auto args = t.to(torch::kFloat32).reshape({-1, 1}) * freqs.unsqueeze(0);
  auto emb = torch::cat({torch::cos(args), torch::sin(args)}, 1);
  if (dim % 2 == 1) emb = torch::nn::functional::pad(emb, torch::nn::functional::PadFuncOptions({0, 1}));
  return emb;
}

static nn::Conv2d conv3x3(int64_t in, int64_t out, int64_t stride = 1) {
  return nn::Conv2d(nn::Conv2dOptions(in, out, 3).stride(stride).padding(1));
}

ResBlockImpl::ResBlockImpl(const ResBlockOptions& options) : options_(options) {
  norm1 = register_module("norm1", makeGroupNorm(options.inChannels, options.maxGroups));
  conv1 = register_module("conv1", conv3x3(options.inChannels, options.outChannels));
  if (options.timeEmbedDim > 0)
    time_proj = register_module(
        "time_proj", nn::Linear(options.timeEmbedDim, options.scaleShift ? 2 * options.outChannels : options.outChannels));
  norm2 = register_module("norm2", makeGroupNorm(options.outChannels, options.maxGroups));
  conv2 = register_module("conv2", conv3x3(options.outChannels, options.outChannels));
  if (options.inChannels != options.outChannels)
    skip = register_module("skip", nn::Conv2d(nn::Conv2dOptions(options.inChannels, options.outChannels, 1)));
}

torch::Tensor ResBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& timeEmbedding) {
  auto h = conv1(torch::silu(norm1(x)));
  h = norm2(h);
  if (time_proj) {
    TORCH_CHECK(timeEmbedding.defined(), "ResBlock: this block needs a timestep embedding");
    auto emb = time_proj(torch::silu(timeEmbedding)).unsqueeze(-1).unsqueeze(-1);
    if (options_.scaleShift) {
      auto parts = emb.chunk(2, 1);
      h = h * (1 + parts[0]) + parts[1];
    } else {
      h = h + emb;
    }
  }
  h = conv2(torch::silu(h));
  return (skip ? skip(x) : x) + h;
}

DownsampleImpl::DownsampleImpl(int64_t channels) { conv = register_module("conv", conv3x3(channels, channels, 2)); }

torch::Tensor DownsampleImpl::forward(const torch::Tensor& x) { return conv(x); }

UpsampleImpl::UpsampleImpl(int64_t channels) { conv = register_module("conv", conv3x3(channels, channels)); }

torch::Tensor UpsampleImpl::forward(const torch::Tensor& x) {
  namespace F = torch::nn::functional;
  return conv(F::interpolate(
      x, F::InterpolateFuncOptions().scale_factor(std::vector<double>{2.0, 2.0}).mode(torch::kNearest)));
}

FeedForwardImpl::FeedForwardImpl(int64_t dim, int64_t mult) {
  fc1 = register_module("fc1", nn::Linear(dim, dim * mult));
  fc2 = register_module("fc2", nn::Linear(dim * mult, dim));
}

torch::Tensor FeedForwardImpl::forward(const torch::Tensor& x) { return fc2(torch::gelu(fc1(x))); }

TransformerBlockImpl::TransformerBlockImpl(const TransformerBlockOptions& o) {
  auto ln = [&] { return nn::LayerNorm(nn::LayerNormOptions({o.dim})); };
  norm1 = register_module("norm1", ln());
  attn1 = register_module("attn1", MultiHeadAttention(MultiHeadAttentionOptions{o.dim, 0, o.heads, 0}));
  if (o.contextDim > 0) {
    norm2 = register_module("norm2", ln());
    attn2 = register_module("attn2", MultiHeadAttention(MultiHeadAttentionOptions{o.dim, o.contextDim, o.heads, 0}));
  }
  norm3 = register_module("norm3", ln());
  ff = register_module("ff", FeedForward(o.dim, o.ffMult));
}

torch::Tensor TransformerBlockImpl::forward(torch::Tensor x, const torch::Tensor& context,
                                            const torch::Tensor& selfPaddingMask) {
  x = x + attn1->forward(norm1(x), torch::Tensor(), selfPaddingMask);
  if (attn2 && context.defined()) x = x + attn2(norm2(x), context);
  return x + ff(norm3(x));
}

}  // namespace vds
