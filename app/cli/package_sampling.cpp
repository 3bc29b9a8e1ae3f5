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

}  // namespace vds::cli
