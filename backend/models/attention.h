// Scaled dot-product attention and the multi-head attention module used by every
// transformer in the studio (text encoder, spatial transformers, motion modules).
#pragma once
#include <torch/torch.h>

namespace vds {

// softmax(q kᵀ / √d) v for q [N, heads, Lq, d], k and v [N, heads, Lk, d].
// keyPaddingMask, when defined, is bool [N, Lk] with true at keys to ignore (padding),
// the convention of torch.nn.MultiheadAttention; every row needs one key left unmasked.
// LibTorch >= 2.0 uses at::scaled_dot_product_attention (fused kernels on the GPU).
torch::Tensor attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                        const torch::Tensor& keyPaddingMask = {});

struct MultiHeadAttentionOptions {
  int64_t queryDim = 64;
  int64_t contextDim = 0;  // 0: self-attention (keys and values come from the queries' input)
  int64_t heads = 4;
  int64_t headDim = 0;  // 0: queryDim / heads
};

// Multi-head attention with q/k/v projections without bias and an output projection with
// bias (named to_q, to_k, to_v, to_out). Self-attention when `context` is undefined.
class MultiHeadAttentionImpl : public torch::nn::Module {
 public:
  explicit MultiHeadAttentionImpl(const MultiHeadAttentionOptions& options);
  // x [N, Lq, queryDim]; context [N, Lk, contextDim or queryDim]; mask as in attention().
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& context = {},
                        const torch::Tensor& keyPaddingMask = {});
  const MultiHeadAttentionOptions& options() const { return options_; }

  torch::nn::Linear to_q{nullptr}, to_k{nullptr}, to_v{nullptr}, to_out{nullptr};

 private:
  MultiHeadAttentionOptions options_;
};
TORCH_MODULE(MultiHeadAttention);

}  // namespace vds
