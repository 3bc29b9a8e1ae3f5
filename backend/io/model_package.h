// A model package: a folder holding `model.yaml` (what the model is and how it was
// built) and one or more `*.safetensors` weight files. Built-in models, trained
// students and user models all use it (ARCHITECTURE.md §3). Loading is strict:
// anything that does not match exactly is a ModelPackageError naming the culprit.
#pragma once
#include <torch/torch.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace vds {

// The value `format` must have in model.yaml.
inline constexpr const char* kModelPackageFormat = "vdstudio-model/1";
inline constexpr const char* kModelManifestFile = "model.yaml";

class ModelPackage {
 public:
  // Parses and validates `dir`/model.yaml and checks that every weight file exists.
  static ModelPackage open(const std::filesystem::path& dir);

  const std::filesystem::path& dir() const { return dir_; }
  const std::string& kind() const { return kind_; }
  const std::string& name() const { return name_; }
  const std::vector<std::string>& weightFiles() const { return weightFiles_; }
  // The whole parsed model.yaml.
  const YAML::Node& manifest() const { return manifest_; }
  // One top-level section, e.g. "architecture"; an undefined node if absent. Like any
  // YAML::Node it shares the manifest's data rather than copying it.
  YAML::Node section(const std::string& key) const;

  // Every tensor of every weight file. A name found in two files is an error naming both.
  std::map<std::string, torch::Tensor> loadTensors() const;

  // Copies the package's tensors into the module's parameters and buffers, converting to
  // their dtype and device. Missing, unexpected or mis-shaped tensors are all reported
  // together in one ModelPackageError; the module is untouched in that case.
  void loadInto(torch::nn::Module& module) const;

  // Writes a complete package to `dir`, replacing any package there atomically. The
  // manifest is copied, `format` set and `weights` set to [fileName]; it must otherwise
  // be valid (kind, name, architecture ...).
  static void save(const std::filesystem::path& dir, YAML::Node manifest, const torch::nn::Module& module,
                   const std::string& fileName = "model.safetensors");
  static void save(const std::filesystem::path& dir, YAML::Node manifest,
                   const std::map<std::string, torch::Tensor>& tensors,
                   const std::string& fileName = "model.safetensors");

 private:
  ModelPackage() = default;  // only open() makes one, so every instance is validated

  std::filesystem::path dir_;
  std::string kind_;
  std::string name_;
  std::vector<std::string> weightFiles_;
  YAML::Node manifest_;
};

// The module's parameters and buffers, recursively, under their dotted names. The
// tensors are the module's own (not copies).
std::map<std::string, torch::Tensor> namedState(const torch::nn::Module& module);

}  // namespace vds
