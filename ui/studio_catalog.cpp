#include "ui/studio_catalog.h"

#include <QDir>
#include <QFileInfo>

#include <algorithm>
#include <regex>

#include "core/errors.h"
#include "core/paths.h"
#include "data/shapes_world.h"
#include "eval/evaluate.h"
#include "io/metrics_store.h"
#include "methods/registry.h"
#include "methods/run_setup.h"

namespace fs = std::filesystem;

namespace vds::ui {
namespace {

// The packages resources/models/README.md lists, so the studio can name the ones
// that are still being trained instead of silently leaving them out.
const std::vector<std::string> kShippedPackageNames = {
    "autoencoder",   "text-encoder",  "image-base",   "t2v-motion",  "i2v-teacher", "t2v-teacher",
    "style-outline", "style-checker", "style-pastel", "style-pixel", "eval-net"};
// The folder under resources/models that holds distilled students, one package each.
const char* const kStudentsFolder = "students";

QString qs(const std::string& s) { return QString::fromStdString(s); }

}  // namespace

std::vector<MethodEntry> methodEntries() {
  std::vector<MethodEntry> out;
  for (const auto& m : registeredMethods()) out.push_back({qs(m.name), qs(m.summary)});
  return out;
}

ConfigSchema schemaForMethod(const std::string& method) { return runSchemaFor(method); }

Config resolveRunYaml(const std::string& yamlText, const std::string& sourceName) {
  return parseRunConfig(yamlText, sourceName);
}

Config loadRunYaml(const fs::path& file) { return loadRunConfig(file); }

std::vector<PresetEntry> presets() {
  std::vector<PresetEntry> out;
  const fs::path dir = resourcesDir() / "presets";
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".yaml") continue;
    PresetEntry p;
    p.name = qs(e.path().stem().string());
    p.file = qs(e.path().string());
    try {
      const YAML::Node n = loadYamlFile(e.path());
      if (n["method"] && n["method"]["name"]) p.method = qs(n["method"]["name"].as<std::string>());
    } catch (const std::exception&) {
      // A broken preset is still listed; loading it shows the error in the form.
    }
    out.push_back(p);
  }
  std::sort(out.begin(), out.end(), [](const PresetEntry& a, const PresetEntry& b) { return a.name < b.name; });
  return out;
}

PackageEntry describePackage(const QString& specOrPath) {
  PackageEntry p;
  p.spec = specOrPath;
  const fs::path dir = resolveModelPath(specOrPath.toStdString());
  p.dir = qs(dir.string());
  p.name = qs(dir.filename().string());
  const fs::path manifest = dir / "model.yaml";
  if (!fs::exists(manifest)) return p;
  try {
    const YAML::Node n = loadYamlFile(manifest);
    if (n["kind"]) p.kind = qs(n["kind"].as<std::string>());
    if (n["name"]) p.name = qs(n["name"].as<std::string>());
    if (n["description"]) p.description = qs(n["description"].as<std::string>());
    if (const YAML::Node s = n["sampling"]; s && s.IsMap()) {
      // Display only: loading the package validates the section (pipeline/model_zoo.cpp).
      PackageSampling sampling;
      if (s["sampler"]) sampling.sampler = qs(s["sampler"].as<std::string>());
      if (s["timesteps"] && s["timesteps"].IsSequence())
        for (const auto& t : s["timesteps"]) sampling.timesteps.push_back(t.as<double>());
      if (s["cfg"]) sampling.cfg = s["cfg"].as<double>();
      p.sampling = sampling;
    }
    if (const YAML::Node t = n["training"]; t && t.IsMap() && t["style"])
      p.trainingStyleDir = qs(fs::weakly_canonical(resolveModelPath(t["style"].as<std::string>())).string());
    p.present = true;
  } catch (const std::exception&) {
    p.present = false;
  }
  return p;
}

std::vector<PackageEntry> shippedPackages() {
  std::vector<PackageEntry> out;
  std::vector<std::string> names = kShippedPackageNames;
  const fs::path dir = resourcesDir() / "models";
  if (fs::is_directory(dir))
    for (const auto& e : fs::directory_iterator(dir))
      if (e.is_directory() && e.path().filename().string() != kStudentsFolder &&
          std::find(names.begin(), names.end(), e.path().filename().string()) == names.end())
        names.push_back(e.path().filename().string());
  for (const auto& n : names) out.push_back(describePackage(qs("builtin:" + n)));
  for (auto& s : studentPackages()) out.push_back(std::move(s));
  return out;
}

std::vector<PackageEntry> studentPackages() {
  std::vector<std::string> names;
  const fs::path dir = resourcesDir() / "models" / kStudentsFolder;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return {};
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_directory()) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  std::vector<PackageEntry> out;
  for (const auto& n : names) out.push_back(describePackage(qs(std::string("builtin:") + kStudentsFolder + "/" + n)));
  return out;
}

QStringList heldoutCaptions(int count) {
  // Captions depend on the world's seed and object count only, not on the frame size.
  WorldOptions world;
  world.seed = kEvalWorldSeed;
  const ShapesWorld shapes(world);
  QStringList out;
  for (int i = 0; i < count; ++i) out << qs(shapes.spec(Split::heldout, i).caption);
  return out;
}

fs::path workspaceOf(const Config& config) { return runWorkspace(config); }

fs::path runDirFor(const Config& config) { return defaultRunDir(config); }

int64_t newestCheckpointStep(const fs::path& runDir) {
  // Checkpoint folders are step-NNNNNN (train/checkpoint.h); staging leftovers have other names.
  static const std::regex pattern("step-([0-9]+)");
  int64_t newest = -1;
  const fs::path dir = runDir / "checkpoints";
  if (!fs::is_directory(dir)) return newest;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::smatch m;
    const std::string name = e.path().filename().string();
    if (e.is_directory() && std::regex_match(name, m, pattern) && fs::exists(e.path() / "state.yaml"))
      newest = std::max<int64_t>(newest, std::stoll(m[1].str()));
  }
  return newest;
}

RunEntry describeRun(const fs::path& runDir) {
  RunEntry r;
  r.id = qs(runDir.filename().string());
  r.dir = qs(runDir.string());
  try {
    const YAML::Node n = loadYamlFile(runDir / "config.yaml");
    if (n["method"] && n["method"]["name"]) r.method = qs(n["method"]["name"].as<std::string>());
    if (n["trainer"] && n["trainer"]["steps"]) r.totalSteps = n["trainer"]["steps"].as<int64_t>();
  } catch (const std::exception& e) {
    r.error = qs(e.what());
  }
  r.checkpointStep = newestCheckpointStep(runDir);
  r.exported = fs::exists(runDir / "export" / "model.yaml");
  if (fs::exists(runDir / "metrics.sqlite")) {
    try {
      MetricsStore store(runDir / "metrics.sqlite");
      for (const auto& name : store.names()) {
        if (name.rfind("loss/", 0) != 0) continue;
        const auto series = store.series(name);
        if (!series.empty()) r.lastValues[name] = series.back().value;
      }
    } catch (const std::exception& e) {
      if (r.error.isEmpty()) r.error = qs(e.what());
    }
  }
  return r;
}

std::vector<RunEntry> scanRuns(const fs::path& workspace) {
  std::vector<RunEntry> out;
  const fs::path dir = workspace / "runs";
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_directory() && fs::exists(e.path() / "config.yaml")) out.push_back(describeRun(e.path()));
  std::sort(out.begin(), out.end(), [](const RunEntry& a, const RunEntry& b) { return a.id < b.id; });
  return out;
}

}  // namespace vds::ui
