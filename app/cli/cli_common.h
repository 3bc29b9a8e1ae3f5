// Shared plumbing for vdstudio-cli commands: the progress bar and error reporting.
#pragma once
#include <CLI/CLI.hpp>

#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/errors.h"
#include "core/progress.h"
#include "diffusion/samplers.h"
#include "io/composite.h"
#include "io/video_encoder.h"

namespace vds::cli {

// Pixels between the cells of a contact sheet, and bounds of the sheet options.
constexpr int kSheetPadding = 2;
constexpr int kMaxScale = 32;
constexpr int kMaxCount = 100000;

// Draws a one-line progress bar with rate and ETA on stderr (redrawn in place on a
// terminal, one line per 10% otherwise, so CI logs stay readable).
class ProgressBar {
 public:
  explicit ProgressBar(bool interactive);
  void operator()(const ProgressUpdate& update);
  void finish();

 private:
  bool interactive_;
  int lastDecile_ = -1;
  bool drawn_ = false;
};

// Each group of commands registers its subcommands on the root app. The callbacks
// run the command; errors propagate as vds::Error and are reported by main().
void registerWorldCommands(CLI::App& app);
void registerConfigCommands(CLI::App& app);
void registerInfoCommands(CLI::App& app);
void registerBenchCommands(CLI::App& app);
void registerSampleCommands(CLI::App& app);
void registerTrainCommands(CLI::App& app);
void registerEvalCommands(CLI::App& app);
void registerCompareCommands(CLI::App& app);

// Applies --set KEY=VALUE overrides (values read as YAML) to a resolved config.
void applyOverrides(Config& config, const std::vector<std::string>& sets);

// A run config given by path, or by the name of a shipped preset ("avdm2-cpu-small" or
// "distill-avdm2-cpu-small" for resources/presets/distill-avdm2-cpu-small.yaml).
std::string resolveDistillConfig(const std::string& given);

// Sampler settings of one generation.
struct SamplingChoice {
  std::string sampler = "ddim";
  int steps = 25;
  std::vector<double> timesteps;
  double cfg = 1.0;
};
// When the user chose none of the sampling options and the package records its own
// sampling (a distilled student), copies it into `choice` and says so on stderr.
bool applyPackageSampling(const std::filesystem::path& model, bool userChose, SamplingChoice& choice);

// Registers --cfg-interval LOW HIGH on `command`, the scaled sigmas between which guidance
// applies (diffusion::GuidanceInterval), and reads it back: every level when not given;
// ConfigError naming the option when it is not 0 <= LOW < HIGH.
CLI::Option* addCfgIntervalOption(CLI::App* command, std::vector<double>& values);
diffusion::GuidanceInterval cfgIntervalOption(const std::vector<double>& values);

void registerExportCommands(CLI::App& app);
void registerDatasetCommands(CLI::App& app);
void registerProbeCommands(CLI::App& app);

// A package folder given to `option`, resolved (builtin:NAME) and required to exist;
// ConfigError naming the option otherwise.
std::filesystem::path packageOption(const char* option, const std::string& spec);
// Writes `report` as indented JSON to `out` atomically, creating its folder, and says so.
void writeJsonReport(const std::string& out, const nlohmann::json& report);

// How videos are written by the commands that write them (export, sample).
struct VideoOutputArgs {
  double fps = kDefaultVideoFps;
  int crf = -1;   // -1: the format's default
  int loop = 0;   // GIF loop count: 0 forever, -1 once
};
// Adds --fps, --crf and --loop to `command`.
void addVideoOutputOptions(CLI::App* command, VideoOutputArgs& args);

// Writes clips (uint8 [F, H, W, 3]) to `out`, its format from the extension, through
// io/clip_export.h: one untitled clip as it is, upscaled by `scale`; otherwise one
// labelled grid laid out by gridForLabels (equal runs of one label are rows labelled
// with it, else a row per clip). Creates the parent directory, and draws a progress bar
// while encoding.
EncodeReport writeClips(const std::string& out, const std::vector<torch::Tensor>& clips,
                        const std::vector<std::string>& labels, const std::string& title, int scale,
                        const VideoOutputArgs& args);

// parse(value), with a ConfigError's message prefixed by the option at fault ("--style: ...").
template <typename Parse>
auto parseOption(const char* option, const std::string& value, Parse parse) {
  try {
    return parse(value);
  } catch (const ConfigError& e) {
    throw ConfigError(std::string(option) + ": " + e.what());
  }
}

}  // namespace vds::cli
