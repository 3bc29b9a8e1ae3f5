// The method registry: every training job (distillation methods and the pre-training
// of the built-in models) by name, with its settings schema.
#pragma once
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/config.h"
#include "train/method.h"

namespace vds {

struct MethodInfo {
  std::string name;
  std::string summary;
  std::function<std::unique_ptr<Method>()> create;
};

const std::vector<MethodInfo>& registeredMethods();
std::vector<std::string> registeredMethodNames();
// ConfigError listing the registered names when `name` is unknown.
std::unique_ptr<Method> createMethod(const std::string& name);

// The full schema of a run of `methodName`: base sections plus method.<name>.*.
ConfigSchema runSchemaFor(const std::string& methodName);
// Resolves user YAML in two passes: method.name first, then the whole config against
// that method's schema (so a method's keys are validated, with suggestions).
Config resolveRunConfig(const YAML::Node& user, const std::string& sourceName);
Config loadRunConfig(const std::filesystem::path& file);
Config parseRunConfig(const std::string& yamlText, const std::string& sourceName);

}  // namespace vds
