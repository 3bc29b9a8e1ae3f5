#include "io/model_package.h"

#include <fstream>
#include <set>
#include <sstream>

#include "core/config.h"
#include "core/errors.h"
#include "io/atomic_file.h"
#include "io/safetensors.h"

namespace vds {
namespace {

namespace fs = std::filesystem;

constexpr const char* kWeightExtension = ".safetensors";
// Error messages list this many offending tensor names, then a count of the rest.
constexpr size_t kMaxNamesListed = 5;

// Every key model.yaml may have; anything else is a typo or a newer format version.
const char* const kOptionalMapKeys[] = {"parameterisation", "schedule", "latent", "conditioning", "sampling",
                                        "training"};
const std::set<std::string> kKnownKeys = {
    "format",           "kind",     "name",   "description",  "architecture", "weights",
    "parameterisation", "schedule", "latent", "conditioning", "sampling", "training"};

[[noreturn]] void failKey(const std::string& file, const std::string& key, const std::string& what) {
  throw ModelPackageError(file + ": key '" + key + "' " + what);
}

std::string nonEmptyScalar(const YAML::Node& root, const std::string& key, const std::string& file) {
  const YAML::Node node = root[key];
  if (!node) failKey(file, key, "is missing");
  if (!node.IsScalar() || node.Scalar().empty()) failKey(file, key, "must be a non-empty string");
  return node.Scalar();
}

void checkWeightFileName(const std::string& name, const std::string& file) {
  const fs::path p(name);
  if (name.empty() || p.filename() != p || name == "." || name == ".." || p.extension() != kWeightExtension) {
    failKey(file, "weights", "entry '" + name + "' must be a plain file name ending in " + kWeightExtension);
  }
}

struct ManifestFields {
  std::string kind, name;
  std::vector<std::string> weights;
};

// Checks model.yaml's structure (not that the weight files exist). `file` names it in messages.
ManifestFields validateManifest(const YAML::Node& root, const std::string& file) {
  if (!root.IsMap()) throw ModelPackageError(file + ": expected a YAML mapping at the top level");
  std::set<std::string> seen;
  for (const auto& item : root) {
    const std::string key = item.first.IsScalar() ? item.first.Scalar() : std::string("<non-scalar key>");
    if (kKnownKeys.count(key) == 0) failKey(file, key, "is not a model.yaml key");
    if (!seen.insert(key).second) failKey(file, key, "appears twice");
  }

  const std::string format = nonEmptyScalar(root, "format", file);
  if (format != kModelPackageFormat) {
    failKey(file, "format", "is '" + format + "', expected '" + kModelPackageFormat + "'");
  }
  ManifestFields fields;
  fields.kind = nonEmptyScalar(root, "kind", file);
  fields.name = nonEmptyScalar(root, "name", file);
  if (root["description"] && !root["description"].IsScalar()) failKey(file, "description", "must be a string");
  if (!root["architecture"]) failKey(file, "architecture", "is missing");
  if (!root["architecture"].IsMap()) failKey(file, "architecture", "must be a mapping");
  for (const char* key : kOptionalMapKeys) {
    if (root[key] && !root[key].IsMap()) failKey(file, key, "must be a mapping");
  }

  const YAML::Node weights = root["weights"];
  if (!weights) failKey(file, "weights", "is missing");
  if (!weights.IsSequence() || weights.size() == 0) failKey(file, "weights", "must be a non-empty list of file names");
  for (const auto& entry : weights) {
    if (!entry.IsScalar()) failKey(file, "weights", "entries must be file names");
    checkWeightFileName(entry.Scalar(), file);
    for (const auto& earlier : fields.weights) {
      if (earlier == entry.Scalar()) failKey(file, "weights", "lists '" + earlier + "' twice");
    }
    fields.weights.push_back(entry.Scalar());
  }
  return fields;
}

std::string shapeText(const torch::Tensor& t) {
  std::ostringstream out;
  out << t.sizes();
  return out.str();
}

// "a, b, c, d, e and 3 more"
std::string listNames(const std::vector<std::string>& names) {
  std::string text;
  for (size_t i = 0; i < names.size() && i < kMaxNamesListed; ++i) text += (i == 0 ? "" : ", ") + names[i];
  if (names.size() > kMaxNamesListed) text += " and " + std::to_string(names.size() - kMaxNamesListed) + " more";
  return text;
}

// `format` first and `weights` last, the rest in the caller's order.
YAML::Node completeManifest(const YAML::Node& manifest, const std::string& fileName, const std::string& file) {
  if (manifest.IsDefined() && !manifest.IsNull() && !manifest.IsMap()) {
    throw ModelPackageError(file + ": expected a YAML mapping at the top level");
  }
  YAML::Node out(YAML::NodeType::Map);
  out["format"] = kModelPackageFormat;
  if (manifest.IsMap()) {
    for (const auto& item : manifest) {
      // A non-scalar key becomes "", which validateManifest then reports as an unknown key.
      const std::string key = item.first.Scalar();
      if (key != "format" && key != "weights") out[key] = YAML::Clone(item.second);
    }
  }
  out["weights"].push_back(fileName);
  return out;
}

}  // namespace

ModelPackage ModelPackage::open(const fs::path& dir) {
  const fs::path manifestPath = dir / kModelManifestFile;
  const std::string file = manifestPath.string();
  std::ifstream in(manifestPath, std::ios::binary);
  if (!in) throw ModelPackageError("'" + dir.string() + "' is not a model package: cannot read " + file);
  std::stringstream text;
  text << in.rdbuf();

  ModelPackage package;
  try {
    package.manifest_ = YAML::Load(text.str());
  } catch (const YAML::Exception& e) {
    // yaml-cpp counts lines and columns from 0.
    throw ModelPackageError(file + ": YAML syntax error at line " + std::to_string(e.mark.line + 1) + ", column " +
                            std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  ManifestFields fields = validateManifest(package.manifest_, file);
  for (const auto& weight : fields.weights) {
    std::error_code ec;
    if (!fs::is_regular_file(dir / weight, ec))
      failKey(file, "weights", "names '" + weight + "', which is not in " + dir.string());
  }
  package.dir_ = dir;
  package.kind_ = std::move(fields.kind);
  package.name_ = std::move(fields.name);
  package.weightFiles_ = std::move(fields.weights);
  return package;
}

YAML::Node ModelPackage::section(const std::string& key) const {
  const YAML::Node& root = manifest_;  // const lookup: never inserts the key
  const YAML::Node node = root[key];
  // A default YAML::Node is a defined null; absence must test false.
  return node ? node : YAML::Node(YAML::NodeType::Undefined);
}

std::map<std::string, torch::Tensor> ModelPackage::loadTensors() const {
  std::map<std::string, torch::Tensor> tensors;
  std::map<std::string, std::string> fileOf;
  for (const auto& weight : weightFiles_) {
    for (auto& [name, tensor] : safetensors::load(dir_ / weight)) {
      const auto [it, inserted] = fileOf.emplace(name, weight);
      if (!inserted) {
        throw ModelPackageError("package '" + dir_.string() + "': tensor '" + name + "' is in both '" + it->second +
                                "' and '" + weight + "'");
      }
      tensors.emplace(name, std::move(tensor));
    }
  }
  return tensors;
}

void ModelPackage::loadInto(torch::nn::Module& module) const {
  const std::map<std::string, torch::Tensor> target = namedState(module);
  const std::map<std::string, torch::Tensor> source = loadTensors();

  std::vector<std::string> missing, unexpected, mismatched;
  for (const auto& [name, tensor] : target) {
    const auto it = source.find(name);
    if (it == source.end()) {
      missing.push_back(name);
    } else if (it->second.sizes() != tensor.sizes()) {
      mismatched.push_back(name + " (package " + shapeText(it->second) + " vs module " + shapeText(tensor) + ")");
    }
  }
  for (const auto& [name, tensor] : source) {
    if (target.count(name) == 0) unexpected.push_back(name);
  }
  if (!missing.empty() || !unexpected.empty() || !mismatched.empty()) {
    std::string what = "package '" + dir_.string() + "' does not match the module:";
    if (!missing.empty())
      what += " " + std::to_string(missing.size()) + " missing tensor(s): " + listNames(missing) + ";";
    if (!unexpected.empty()) {
      what += " " + std::to_string(unexpected.size()) + " unexpected tensor(s): " + listNames(unexpected) + ";";
    }
    if (!mismatched.empty()) {
      what += " " + std::to_string(mismatched.size()) + " shape mismatch(es): " + listNames(mismatched) + ";";
    }
    what.pop_back();
    throw ModelPackageError(what);
  }

  torch::NoGradGuard noGrad;
  for (const auto& [name, tensor] : target) {
    // The tensors are the module's own handles, so copying in place updates the module.
    torch::Tensor destination = tensor;
    destination.copy_(source.at(name));
  }
}

void ModelPackage::save(const fs::path& dir, YAML::Node manifest, const torch::nn::Module& module,
                        const std::string& fileName) {
  save(dir, std::move(manifest), namedState(module), fileName);
}

void ModelPackage::save(const fs::path& dir, YAML::Node manifest, const std::map<std::string, torch::Tensor>& tensors,
                        const std::string& fileName) {
  const fs::path target = dir.has_filename() ? dir : dir.parent_path();  // "a/b/" names the folder b
  const std::string file = (target / kModelManifestFile).string();
  checkWeightFileName(fileName, file);
  const YAML::Node complete = completeManifest(manifest, fileName, file);
  validateManifest(complete, file);

  YAML::Emitter emitter;
  emitter << withShortestNumbers(complete);
  if (!emitter.good()) throw ModelPackageError(file + ": cannot write the manifest: " + emitter.GetLastError());

  if (target.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    if (ec) throw IoError("cannot create '" + target.parent_path().string() + "': " + ec.message());
  }
  const fs::path staged = createStagingDirectory(target);
  try {
    writeFileAtomic(staged / kModelManifestFile, std::string(emitter.c_str()) + "\n");
    safetensors::save(staged / fileName, tensors);
    replaceDirectoryAtomic(staged, target);
  } catch (...) {
    std::error_code ec;
    fs::remove_all(staged, ec);
    throw;
  }
}

std::map<std::string, torch::Tensor> namedState(const torch::nn::Module& module) {
  std::map<std::string, torch::Tensor> state;
  for (const auto& item : module.named_parameters(/*recurse=*/true)) {
    if (item.value().defined()) state.emplace(item.key(), item.value());
  }
  for (const auto& item : module.named_buffers(/*recurse=*/true)) {
    if (item.value().defined()) state.emplace(item.key(), item.value());
  }
  return state;
}

}  // namespace vds
