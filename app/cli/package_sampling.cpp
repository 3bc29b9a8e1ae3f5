// Package sampling defaults: a distilled student records the sampler, timesteps and
// guidance it was trained for; sample/eval/compare use them unless told otherwise.
#include <cstdio>

#include "cli/cli_common.h"
#include "pipeline/model_zoo.h"

namespace vds::cli {

bool applyPackageSampling(const std::filesystem::path& model, bool userChose, SamplingChoice& choice) {
  if (userChose) return false;
  const LoadedDiffusionModel loaded = loadDiffusionModel(model);
  if (!loaded.spec.sampling) return false;
  choice.sampler = diffusion::toString(loaded.spec.sampling->sampler);
  choice.timesteps = loaded.spec.sampling->timesteps;
  choice.steps = static_cast<int>(choice.timesteps.size());
  choice.cfg = loaded.spec.sampling->cfg;
  std::fprintf(stderr, "using the package's own sampling: %s over %zu timesteps, guidance %.3g\n",
               choice.sampler.c_str(), choice.timesteps.size(), choice.cfg);
  return true;
}

CLI::Option* addCfgIntervalOption(CLI::App* command, std::vector<double>& values) {
  return command
      ->add_option("--cfg-interval", values,
                   "With --cfg: guide only the levels whose scaled sigma s (sigma/alpha; EDM: sigma) has "
                   "LOW < s <= HIGH, the others conditionally in one call (guidance in a limited interval; "
                   "default: every level)")
      ->expected(2)
      ->type_name("LOW HIGH");
}

diffusion::GuidanceInterval cfgIntervalOption(const std::vector<double>& values) {
  diffusion::GuidanceInterval interval;
  if (values.empty()) return interval;
  interval.low = values.at(0);
  interval.high = values.at(1);
  diffusion::checkGuidanceInterval(interval, "--cfg-interval");
  return interval;
}

}  // namespace vds::cli
