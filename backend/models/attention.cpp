#include "models/attention.h"

#include <cmath>
#include <limits>

#include "core/errors.h"
#include "core/torch_compat.h"

namespace vds {

torch::Tensor attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                        const torch::Tensor& keyPaddingMask) {
  TORCH_CHECK(q.dim() == 4 && k.dim() == 4 && v.dim() == 4, "attention expects [N, heads, L, d] tensors");
  torch::Tensor keep;  // bool [N, 1, 1, Lk], true where a key takes part
  if (keyPaddingMask.defined()) {
    TORCH_CHECK(keyPaddingMask.dim() == 2 && keyPaddingMask.size(0) == k.size(0) &&
                    keyPaddingMask.size(1) == k.size(2),
                "keyPaddingMask must be [N, Lk]");
    keep = keyPaddingMask.logical_not().view({k.size(0), 1, 1, k.size(2)});
  }
#if VDS_TORCH_HAS_SDPA
  // Bool masks mean "may attend" here. c10::optional is std::optional from 2.4 on; both accept this.
  c10::optional<at::Tensor> mask;
  if (keep.defined()) mask = keep;
  return at::scaled_dot_product_attention(q, k, v, mask);
#else
  const double scale = 1.0 / std::sqrt(static_cast<double>(q.size(-1)));
  auto scores = torch::matmul(q, k.transpose(-2, -1)) * scale;
  if (keep.defined()) scores = scores.masked_fill(keep.logical_not(), -std::numeric_limits<float>::infinity());
  return torch::matmul(torch::softmax(scores, -1), v);
#endif
}

MultiHeadAttentionImpl::MultiHeadAttentionImpl(const MultiHeadAttentionOptions& options) : options_(options) {
  if (options_.headDim == 0) {
    if (options_.heads <= 0 || options_.queryDim % options_.heads != 0)
      throw ConfigError("attention: query dim " + std::to_string(options_.queryDim) +
                        " is not divisible by heads " + std::to_string(options_.heads));
    options_.headDim = options_.queryDim / options_.heads;
  }
  const int64_t inner = options_.heads * options_.headDim;
  const int64_t kvDim = options_.contextDim > 0 ? options_.contextDim : options_.queryDim;
  to_q = register_module("to_q", torch::nn::Linear(torch::nn::LinearOptions(options_.queryDim, inner).bias(false)));
  to_k = register_module("to_k", torch::nn::Linear(torch::nn::LinearOptions(kvDim, inner).bias(false)));
  to_v = register_module("to_v", torch::nn::Linear(torch::nn::LinearOptions(kvDim, inner).bias(false)));
  to_out = register_module("to_out", torch::nn::Linear(inner, options_.queryDim));
}

torch::Tensor MultiHeadAttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& context,
                                              const torch::Tensor& keyPaddingMask) {
  const auto& source = context.defined() ? context : x;
  const int64_t n = x.size(0), heads = options_.heads, d = options_.headDim;
  // [N, L, heads*d] -> [N, heads, L, d]
  auto split = [&](const torch::Tensor& t) { return t.view({n, t.size(1), heads, d}).transpose(1, 2); };
  auto out = attention(split(to_q(x)), split(to_k(source)), split(to_v(source)), keyPaddingMask);
  return to_out(out.transpose(1, 2).reshape({n, x.size(1), heads * d}));
}

}  // namespace vds
