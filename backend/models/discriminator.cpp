#include "models/discriminator.h"

#include <algorithm>

#include "core/errors.h"

namespace vds {
namespace {

int64_t groupsFor(int64_t channels, int64_t maxGroups) {
  int64_t g = std::min(channels, maxGroups);
  while (channels % g != 0) --g;
  return g;
}

}  // namespace

YAML::Node MultiScaleHeadOptions::toYaml() const {
  YAML::Node n;
  for (int64_t c : inChannels) n["in_channels"].push_back(c);
  n["channels"] = channels;
  n["max_groups"] = maxGroups;
  return n;
}

MultiScaleHeadOptions MultiScaleHeadOptions::fromYaml(const YAML::Node& node) {
  MultiScaleHeadOptions o;
  if (node["in_channels"]) o.inChannels = node["in_channels"].as<std::vector<int64_t>>();
  if (node["channels"]) o.channels = node["channels"].as<int64_t>();
  if (node["max_groups"]) o.maxGroups = node["max_groups"].as<int64_t>();
  return o;
}

MultiScaleHeadImpl::MultiScaleHeadImpl(const MultiScaleHeadOptions& options) : options_(options) {
  if (options.inChannels.empty()) throw ConfigError("discriminator head: no feature taps");
  if (options.channels < 1) throw ConfigError("discriminator head: channels must be >= 1");
  const int64_t c = options.channels;
  branches = register_module("branches", torch::nn::ModuleList());
  for (int64_t in : options.inChannels) {
    torch::nn::Sequential branch(
        torch::nn::Conv2d(torch::nn::Conv2dOptions(in, c, 3).padding(1)),
        torch::nn::GroupNorm(torch::nn::GroupNormOptions(groupsFor(c, options.maxGroups), c)), torch::nn::SiLU(),
        torch::nn::Conv2d(torch::nn::Conv2dOptions(c, c, 3).padding(1)), torch::nn::SiLU());
    branches->push_back(branch);
  }
  const int64_t total = c * static_cast<int64_t>(options.inChannels.size());
  fuse = register_module("fuse", torch::nn::Conv2d(torch::nn::Conv2dOptions(total, c, 3).padding(1)));
  fuseNorm = register_module("fuse_norm", torch::nn::GroupNorm(torch::nn::GroupNormOptions(groupsFor(c, options.maxGroups), c)));
  out = register_module("out", torch::nn::Conv2d(torch::nn::Conv2dOptions(c, 1, 1)));
}

torch::Tensor MultiScaleHeadImpl::forward(const std::vector<torch::Tensor>& features) {
  TORCH_CHECK(features.size() == branches->size(), "discriminator head expects ", branches->size(), " features, got ",
              features.size());
  int64_t h = features.front().size(2), w = features.front().size(3);
  for (const auto& f : features) {
    h = std::min(h, f.size(2));
    w = std::min(w, f.size(3));
  }
  std::vector<torch::Tensor> parts;
  for (size_t i = 0; i < features.size(); ++i) {
    torch::Tensor y = branches[i]->as<torch::nn::SequentialImpl>()->forward(features[i]);
    if (y.size(2) != h || y.size(3) != w) y = torch::adaptive_avg_pool2d(y, {h, w});
    parts.push_back(y);
  }
  return out(torch::silu(fuseNorm(fuse(torch::cat(parts, 1)))));
}

}  // namespace vds
