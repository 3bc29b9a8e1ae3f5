#include "models/model_factory.h"

#include "core/errors.h"
#include "models/autoencoder.h"
#include "models/eval_net.h"
#include "models/i2v_unet.h"
#include "models/text_encoder.h"
#include "models/unet.h"
#include "models/video_unet.h"

namespace vds {

const std::vector<std::string>& modelKinds() {
  static const std::vector<std::string> kinds{"autoencoder", "text_encoder", "image_unet",
                                              "video_unet",  "i2v_unet",     "eval_net"};
  return kinds;
}

[[noreturn]] static void unknownKind(const std::string& kind) {
  std::string valid;
  for (const auto& k : modelKinds()) valid += (valid.empty() ? "" : ", ") + k;
  throw ConfigError("unknown model kind '" + kind + "' (valid kinds: " + valid + ")");
}

std::shared_ptr<torch::nn::Module> buildModel(const std::string& kind, const YAML::Node& architecture) {
  if (kind == "autoencoder") return Autoencoder(AutoencoderOptions::fromYaml(architecture)).ptr();
  if (kind == "text_encoder") return TextEncoder(TextEncoderOptions::fromYaml(architecture)).ptr();
  if (kind == "image_unet") return ImageUNet(ImageUNetOptions::fromYaml(architecture)).ptr();
  if (kind == "video_unet") return VideoUNet(VideoUNetOptions::fromYaml(architecture)).ptr();
  if (kind == "i2v_unet") return I2VUNet(I2VUNetOptions::fromYaml(architecture)).ptr();
  if (kind == "eval_net") return EvalNet(EvalNetOptions::fromYaml(architecture)).ptr();
  unknownKind(kind);
}

YAML::Node defaultArchitecture(const std::string& kind) {
  if (kind == "autoencoder") return AutoencoderOptions{}.toYaml();
  if (kind == "text_encoder") return TextEncoderOptions{}.toYaml();
  if (kind == "image_unet") return ImageUNetOptions{}.toYaml();
  if (kind == "video_unet") return VideoUNetOptions{}.toYaml();
  if (kind == "i2v_unet") return I2VUNetOptions{}.toYaml();
  if (kind == "eval_net") return EvalNetOptions{}.toYaml();
  unknownKind(kind);
}

int64_t parameterCount(const torch::nn::Module& module) {
  int64_t count = 0;
  for (const auto& p : module.parameters()) count += p.numel();
  return count;
}

}  // namespace vds
