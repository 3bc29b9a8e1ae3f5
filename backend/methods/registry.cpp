#include "methods/registry.h"

#include <algorithm>

#include "core/errors.h"
#include "methods/avdm2.h"
#include "methods/pretrain.h"
#include "train/run_schema.h"

namespace vds {

const std::vector<MethodInfo>& registeredMethods() {
  static const std::vector<MethodInfo> methods = {
      {"autoencoder", "Pre-train the per-frame autoencoder on every style", [] { return makeAutoencoderPretraining(); }},
      {"image", "Pre-train the image UNet and text encoder (the world's SD1.5)", [] { return makeImagePretraining(); }},
      {"motion", "Train motion modules on plain videos (the world's AnimateDiff)", [] { return makeMotionPretraining(); }},
      {"style", "Fine-tune the image UNet on one style (a personalised model)", [] { return makeStylePretraining(); }},
      {"i2v", "Train the EDM image-to-video teacher (the world's SVD)", [] { return makeI2VPretraining(); }},
      {"t2v", "Fine-tune the image-to-video teacher's frame-free branch into a text-to-video teacher",
       [] { return makeFrameFreePretraining(); }},
      {"evalnet", "Train the evaluation classifier on real clips", [] { return makeEvalNetPretraining(); }},
      {"avdm2", "Distil a 1/2/4-step video student: video ADM + frame-level 2D SDM (specs/000)",
       [] { return makeAvdm2Distillation(); }},
  };
  return methods;
}

std::vector<std::string> registeredMethodNames() {
  std::vector<std::string> names;
  for (const auto& m : registeredMethods()) names.push_back(m.name);
  return names;
}

std::unique_ptr<Method> createMethod(const std::string& name) {
  for (const auto& m : registeredMethods())
    if (m.name == name) return m.create();
  std::string valid;
  for (const auto& n : registeredMethodNames()) valid += (valid.empty() ? "" : ", ") + n;
  throw ConfigError("method '" + name + "' is not one of: " + valid);
}

ConfigSchema runSchemaFor(const std::string& methodName) {
  ConfigSchema schema = baseRunSchema(registeredMethodNames());
  schema.merge(createMethod(methodName)->schema());
  return schema;
}

Config resolveRunConfig(const YAML::Node& user, const std::string& sourceName) {
  std::string name = registeredMethodNames().front();
  if (user && user.IsMap() && user["method"] && user["method"].IsMap() && user["method"]["name"]) {
    const YAML::Node n = user["method"]["name"];
    if (!n.IsScalar()) throw ConfigError(sourceName + ":" + std::to_string(n.Mark().line + 1) + ": 'method.name' expects a name");
    name = n.Scalar();
    const auto names = registeredMethodNames();
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      // Let the base schema produce the standard message (line, choices).
      baseRunSchema(names).resolve(user, sourceName);
    }
  }
  return runSchemaFor(name).resolve(user, sourceName);
}

Config parseRunConfig(const std::string& yamlText, const std::string& sourceName) {
  return resolveRunConfig(parseYaml(yamlText, sourceName), sourceName);
}

Config loadRunConfig(const std::filesystem::path& file) { return resolveRunConfig(loadYamlFile(file), file.string()); }

}  // namespace vds
