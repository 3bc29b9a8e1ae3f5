// Which caption words a video model reads: the caption probe. Real held-out clips are
// noised at a few levels, with the same noise draws for every caption, and denoised under
// their true caption and under variants with one attribute changed in every object
// (direction reversed, colour or shape replaced by the next one) or the caption emptied.
// A variant's loss gap at a level is (loss_variant - loss_true) / loss_true, where the
// loss is the x0 mean squared error in latent space (for an eps model the eps error is the
// x0 error times alpha/sigma at a level, so the relative gap is the same). A gap near 0
// means the model ignores that attribute at that noise level; guidance cannot amplify
// what the conditional model does not read. The probe also reports how far each variant
// moves the text encoder's context (relative L2 over all token positions).
//
// The clips are the first n of Split::heldout of the world with seed kEvalWorldSeed,
// rendered plain at the package's size (as for `eval`); clip i's noise at level l, draw d
// comes from deriveSeed(seed, {i, l, d}), so results do not depend on the batch size.
#pragma once
#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/progress.h"
#include "data/shapes_world.h"
#include "diffusion/denoiser.h"

namespace vds {

// The variants, in report order: "direction", "colour", "shape", "empty".
const std::vector<std::string>& captionProbeVariants();
// The caption of `clip` with the named variant applied to every object ("" for "empty").
// ConfigError for an unknown variant.
std::string captionVariant(const ClipSpec& clip, const std::string& variant);

// Mean x0 squared error of `denoiser` on clean latents `x0` [B, ...] at each level, under
// each conditioning of `conds` (each for the same B clips): result[level][cond]. The
// noise of row b at level l, draw d comes from deriveSeed(seed, {firstIndex + b, l, d})
// and is shared by every conditioning. Levels must be noisy.
std::vector<std::vector<double>> conditioningLosses(const diffusion::Denoiser& denoiser, const torch::Tensor& x0,
                                                    const std::vector<diffusion::Conditioning>& conds,
                                                    const std::vector<diffusion::NoiseLevel>& levels, int draws,
                                                    uint64_t seed, int64_t firstIndex);

struct CaptionProbeOptions {
  std::filesystem::path model;  // video_unet or i2v_unet package with a text encoder
  int64_t n = 64;               // held-out clips, >= 1
  int levels = 7;               // levels from the package's schedule (trailing spacing), noisiest first
  std::vector<double> at;       // explicit DDPM timesteps (EDM: sigmas); override `levels`
  int draws = 4;                // noise draws per clip and level, >= 1
  uint64_t seed = 0;
  int64_t batchSize = 16;
  // i2v only: condition on the zero first-frame latent, the unguided image branch that
  // the i2v job trains at its caption-dropout rate, to see which words the model reads
  // when it has no frame to start from (as a text-to-video model).
  bool dropFirstFrame = false;
};

struct CaptionProbeReport {
  struct Row {
    double t = 0, sigma = 0;  // the level: DDPM timestep (EDM: sigma) and its noise scale
    double loss = 0;          // mean x0 squared error under the true captions
    std::vector<double> gap;  // per variant: relative loss change
  };
  std::string model;
  int64_t n = 0;
  int draws = 0;
  uint64_t seed = 0;
  bool dropFirstFrame = false;
  std::vector<std::string> variants;
  std::vector<double> contextDistance;  // per variant: mean relative L2 of the text context
  std::vector<Row> rows;

  std::string formatTable() const;
  nlohmann::json toJson() const;
};

// ConfigError for an image model, a package without a text encoder, or bad options.
CaptionProbeReport probeCaptions(const CaptionProbeOptions& options,
                                 const std::function<void(const ProgressUpdate&)>& progress = {});

}  // namespace vds
