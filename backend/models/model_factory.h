// Builds any network of the built-in world from a model package's `kind` and
// `architecture` section, so that the package loader needs no per-model code.
#pragma once
#include <torch/torch.h>
#include <yaml-cpp/yaml.h>

#include <memory>
#include <string>
#include <vector>

namespace vds {

// autoencoder, text_encoder, image_unet, video_unet, i2v_unet, eval_net.
const std::vector<std::string>& modelKinds();

// The module for `kind` (e.g. a vds::ImageUNetImpl; use dynamic_pointer_cast or
// Module::as<ImageUNetImpl>() to reach its forward). Unknown kinds and bad architecture
// keys are ConfigErrors naming them. A null architecture node means all defaults.
std::shared_ptr<torch::nn::Module> buildModel(const std::string& kind, const YAML::Node& architecture);

// The architecture section with every option at its default, as model.yaml would hold it.
YAML::Node defaultArchitecture(const std::string& kind);

// Number of scalar parameters (buffers excluded).
int64_t parameterCount(const torch::nn::Module& module);

}  // namespace vds
