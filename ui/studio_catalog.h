// What the studio can offer the user, read from the backend and the resources folder:
// registered methods with their settings schemas, shipped presets and model packages,
// and the runs of a workspace. The only place the widgets learn about methods, so the
// GUI stays generic over whatever a method registers (no method names in widgets).
#pragma once
#include <QString>
#include <QStringList>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/config.h"

namespace vds::ui {

struct MethodEntry {
  QString name;
  QString summary;
};

struct PresetEntry {
  QString name;    // file name without .yaml
  QString file;    // absolute path
  QString method;  // method.name of the preset, when it names one
};

// A diffusion package's own `sampling` section (pipeline/model_zoo.h): distilled students
// record the sampler, the exact timesteps and the guidance they were trained for.
struct PackageSampling {
  QString sampler;
  std::vector<double> timesteps;  // noisiest first
  double cfg = 1.0;
};

// A model package folder (ARCHITECTURE §3), or a shipped one that is not there yet.
struct PackageEntry {
  QString spec;         // "builtin:NAME" for shipped packages, else the folder path
  QString dir;          // resolved folder
  QString kind;         // model.yaml kind; empty when missing
  QString name;         // model.yaml name, or the folder name
  QString description;  // model.yaml description
  bool present = false; // model.yaml exists and parses
  std::optional<PackageSampling> sampling;  // the manifest's sampling section, when it has one
  // A distilled student's `training.style` (the 2D style model it was distilled with),
  // resolved to that package's canonical folder; empty for other packages.
  QString trainingStyleDir;
};

// A run folder under WORKSPACE/runs.
struct RunEntry {
  QString id;  // folder name
  QString dir;
  QString method;
  int64_t totalSteps = 0;
  int64_t checkpointStep = -1;  // newest checkpoint, -1 when none
  bool exported = false;        // the run finished and wrote its package
  std::map<std::string, double> lastValues;  // newest value of each loss/ scalar
  QString error;                // config.yaml unreadable, etc.
};

std::vector<MethodEntry> methodEntries();
// The full run schema of a method (base sections plus method.<name>.*).
ConfigSchema schemaForMethod(const std::string& method);
// Resolves YAML text the way `vdstudio-cli train --config` does; ConfigError when invalid.
Config resolveRunYaml(const std::string& yamlText, const std::string& sourceName);
Config loadRunYaml(const std::filesystem::path& file);

std::vector<PresetEntry> presets();
// Every package under resources/models plus the shipped names that are still missing,
// then the distilled students (studentPackages()).
std::vector<PackageEntry> shippedPackages();
// The packages under resources/models/students/, as "builtin:students/NAME", sorted by
// name; empty when that folder does not exist yet.
std::vector<PackageEntry> studentPackages();
// Reads one package folder's manifest (no weights are loaded).
PackageEntry describePackage(const QString& specOrPath);

// The captions of the first `count` clips of the Shapes held-out split of the evaluation
// world (eval/evaluate.h), the prompts `vdstudio-cli compare` and eval use by default.
QStringList heldoutCaptions(int count);

// methods/run_setup.h's runWorkspace and defaultRunDir, for the widgets, which do not
// include LibTorch headers: the CLI and the studio name run folders alike.
std::filesystem::path workspaceOf(const Config& config);
std::filesystem::path runDirFor(const Config& config);
std::vector<RunEntry> scanRuns(const std::filesystem::path& workspace);
RunEntry describeRun(const std::filesystem::path& runDir);
// The newest checkpoint step in RUN/checkpoints, -1 when there is none.
int64_t newestCheckpointStep(const std::filesystem::path& runDir);

}  // namespace vds::ui
