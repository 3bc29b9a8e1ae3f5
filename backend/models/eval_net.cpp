#include "models/eval_net.h"

#include <algorithm>

#include "models/options_yaml.h"

namespace vds {

namespace nn = torch::nn;

EvalNetOptions EvalNetOptions::fromYaml(const YAML::Node& node) {
  EvalNetOptions o;
  OptionsReader r(node, "eval_net");
  r.read("image_channels", o.imageChannels)
      .read("channels", o.channels)
      .read("feature_dim", o.featureDim)
      .read("slots", o.slots)
      .read("shapes", o.shapes)
      .read("colours", o.colours)
      .read("directions", o.directions)
      .read("styles", o.styles)
      .read("max_groups", o.maxGroups)
      .read("pooling", o.pooling);
  r.rejectUnknown();
  requireOption(o.pooling == "mean" || o.pooling == "mean_max", "eval_net", "pooling", "must be mean or mean_max");
  requireOption(o.channels.size() == 3, "eval_net", "channels", "needs exactly 3 entries (frame, frame, temporal)");
  for (int64_t count : {o.slots, o.shapes, o.colours, o.directions, o.styles, o.featureDim})
    requireOption(count > 0, "eval_net", "slots/shapes/colours/directions/styles/feature_dim", "must be positive");
  return o;
}

YAML::Node EvalNetOptions::toYaml() const {
  YAML::Node n;
  n["image_channels"] = imageChannels;
  n["channels"] = yamlList(channels);
  n["feature_dim"] = featureDim;
  n["slots"] = slots;
  n["shapes"] = shapes;
  n["colours"] = colours;
  n["directions"] = directions;
  n["styles"] = styles;
  n["max_groups"] = maxGroups;
  n["pooling"] = pooling;
  return n;
}

EvalNetImpl::EvalNetImpl(const EvalNetOptions& options) : options_(options) {
  const auto& o = options;
  const int64_t c1 = o.channels[0], c2 = o.channels[1], c3 = o.channels[2];
  auto conv2d = [](int64_t in, int64_t out, int64_t stride) {
    return nn::Conv2d(nn::Conv2dOptions(in, out, 3).stride(stride).padding(1));
  };
  frame_conv1 = register_module("frame_conv1", conv2d(o.imageChannels, c1, 1));
  frame_norm1 = register_module("frame_norm1", makeGroupNorm(c1, o.maxGroups));
  frame_conv2 = register_module("frame_conv2", conv2d(c1, c2, 2));
  frame_norm2 = register_module("frame_norm2", makeGroupNorm(c2, o.maxGroups));
  frame_conv3 = register_module("frame_conv3", conv2d(c2, c2, 2));
  frame_norm3 = register_module("frame_norm3", makeGroupNorm(c2, o.maxGroups));
  // 3x3x3 convs over (frame, y, x) see motion between neighbouring frames; the first one
  // halves the spatial size again. Zero padding in time keeps any frame count valid.
  temporal_conv1 = register_module(
      "temporal_conv1", nn::Conv3d(nn::Conv3dOptions(c2, c3, 3).stride({1, 2, 2}).padding(1)));
  temporal_norm1 = register_module("temporal_norm1", makeGroupNorm(c3, o.maxGroups));
  temporal_conv2 = register_module("temporal_conv2", nn::Conv3d(nn::Conv3dOptions(c3, c3, 3).padding(1)));
  temporal_norm2 = register_module("temporal_norm2", makeGroupNorm(c3, o.maxGroups));
  const int64_t pooled = o.pooling == "mean_max" ? 2 * c3 : c3;
  feature_fc = register_module("feature_fc", nn::Linear(pooled, o.featureDim));
  shape_head = register_module("shape_head", nn::Linear(o.featureDim, o.slots * (o.shapes + 1)));
  colour_head = register_module("colour_head", nn::Linear(o.featureDim, o.slots * (o.colours + 1)));
  direction_head = register_module("direction_head", nn::Linear(o.featureDim, o.slots * (o.directions + 1)));
  style_head = register_module("style_head", nn::Linear(o.featureDim, o.styles));
}

torch::Tensor EvalNetImpl::features(const torch::Tensor& video) {
  TORCH_CHECK(video.dim() == 5 && video.size(2) == options_.imageChannels, "EvalNet expects video [B,F,",
              options_.imageChannels, ",H,W], got ", video.sizes());
  const int64_t b = video.size(0), frames = video.size(1);
  auto h = torch::silu(frame_norm1(frame_conv1(video.flatten(0, 1))));
  h = torch::silu(frame_norm2(frame_conv2(h)));
  h = torch::silu(frame_norm3(frame_conv3(h)));
  h = h.view({b, frames, h.size(1), h.size(2), h.size(3)}).transpose(1, 2);  // [B, C, F, h, w]
  h = torch::silu(temporal_norm1(temporal_conv1(h)));
  h = torch::silu(temporal_norm2(temporal_conv2(h)));
  torch::Tensor pooled = h.mean({2, 3, 4});
  if (options_.pooling == "mean_max") pooled = torch::cat({pooled, h.flatten(2).amax(2)}, 1);
  return torch::silu(feature_fc(pooled));
}

EvalNetOutput EvalNetImpl::forward(const torch::Tensor& video) {
  const auto& o = options_;
  EvalNetOutput out;
  out.features = features(video);
  const int64_t b = out.features.size(0);
  out.shape = shape_head(out.features).view({b, o.slots, o.shapes + 1});
  out.colour = colour_head(out.features).view({b, o.slots, o.colours + 1});
  out.direction = direction_head(out.features).view({b, o.slots, o.directions + 1});
  out.style = style_head(out.features);
  return out;
}

namespace {

// Cross-entropy of every slot's logits [B, slots, K] against every slot's target
// [B, slots]: out[b][i][j] = -log p(target j | slot i), 0 where target j is ignored.
torch::Tensor pairwiseCrossEntropy(const torch::Tensor& logits, const torch::Tensor& target) {
  const auto logp = torch::log_softmax(logits, -1);  // [B, S, K]
  const auto ignored = target.eq(EvalNetTargets::kIgnoreTarget);
  const auto index = target.clamp_min(0).unsqueeze(1).expand({-1, logits.size(1), -1});  // [B, S(i), S(j)]
  const auto nll = -logp.gather(2, index);
  return nll.masked_fill(ignored.unsqueeze(1), 0.0);
}

// Every permutation of 0..n-1, in lexicographic order.
std::vector<std::vector<int64_t>> permutations(int64_t n) {
  std::vector<int64_t> p(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) p[static_cast<size_t>(i)] = i;
  std::vector<std::vector<int64_t>> all;
  do all.push_back(p);
  while (std::next_permutation(p.begin(), p.end()));
  return all;
}

}  // namespace

torch::Tensor evalNetLoss(const EvalNetOutput& output, const EvalNetTargets& targets) {
  const int64_t slots = output.shape.size(1);
  TORCH_CHECK(slots <= 5, "evalNetLoss: at most 5 slots (got ", slots, ")");
  // cost[b][i][j]: slot i predicting target object j, over all three attribute heads.
  const auto cost = pairwiseCrossEntropy(output.shape, targets.shape) +
                    pairwiseCrossEntropy(output.colour, targets.colour) +
                    pairwiseCrossEntropy(output.direction, targets.direction);
  std::vector<torch::Tensor> totals;
  const auto slotIndex = torch::arange(slots, torch::TensorOptions().dtype(torch::kInt64).device(cost.device()));
  for (const auto& perm : permutations(slots)) {
    const auto target = torch::tensor(perm, torch::kInt64).to(cost.device());
    totals.push_back(cost.index({torch::indexing::Slice(), slotIndex, target}).sum(1));  // [B]
  }
  const auto best = std::get<0>(torch::stack(totals, 1).min(1));  // [B]
  return best.mean() / static_cast<double>(slots) +
         torch::nn::functional::cross_entropy(output.style, targets.style);
}

}  // namespace vds
