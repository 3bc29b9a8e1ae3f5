// Text-to-video and image-to-video generation from a diffusion package: prompts (and a
// first frame) in, uint8 videos out. The one place where a text encoder, a schedule, a
// sampler and the autoencoder meet, so the CLI, the GUI and evaluation all sample alike.
#pragma once
#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "diffusion/noise_level.h"
#include "diffusion/samplers.h"
#include "pipeline/model_zoo.h"

namespace vds {

// A diffusion package with the autoencoder and text encoder it refers to, loaded once
// and reused for many requests.
struct GenerationModels {
  LoadedDiffusionModel model;
  LoadedAutoencoder autoencoder;
  std::optional<LoadedTextEncoder> textEncoder;  // absent when the package has no text conditioning

  // Loads the package at `dir` and its references. ModelPackageError when the
  // referenced packages do not fit together (latent channels, context width), naming
  // both packages.
  static GenerationModels load(const std::filesystem::path& dir);

  bool isImageToVideo() const { return model.kind == kKindI2VUNet; }
  // Pixel size of the generated frames: the latent size times the AE's downsampling.
  int64_t frameHeight() const;
  int64_t frameWidth() const;
  int64_t frames() const { return model.spec.latent.frames; }
};

struct GenerateRequest {
  std::vector<std::string> prompts;  // one video per prompt; "" for unconditional models
  torch::Tensor firstFrames;         // [B,3,H,W] in [-1,1], i2v only
  diffusion::SamplerKind sampler = diffusion::SamplerKind::ddim;
  int steps = 25;
  double cfg = 1.0;  // classifier-free guidance weight; 1 = conditional only
  // With cfg != 1: the levels guided (scaled sigmas); the others are conditional only.
  diffusion::GuidanceInterval cfgInterval;
  uint64_t seed = 0;
  std::string spacing = "trailing";  // DDPM timestep spacing; unused by EDM schedules
  double eta = 0.0;                  // DDIM stochasticity
  std::vector<double> timesteps;     // explicit DDPM timesteps (EDM: sigmas); overrides steps
  // i2v only: frame 0 of every x0 estimate is replaced by the condition's latent, so the
  // clip starts from its first frame exactly (up to the autoencoder). With a deterministic
  // sampler frame 0 of the state then stays "condition + sigma x its initial noise" at
  // every level: the replacement method of conditional sampling, with which the other
  // frames are denoised against the true first frame at the noise level they were trained on.
  bool pinFirstFrame = false;
  // i2v only, with cfg != 1: the unconditional branch keeps the first frame and drops only
  // the caption, so guidance amplifies what the caption adds to the first frame (the text
  // half of InstructPix2Pix's two-scale guidance with the image scale at 1). The i2v job
  // drops caption and first frame independently, so that branch is trained. False: both
  // are dropped (SVD's guidance), which also pushes away from the frame-free prediction.
  bool guideTextOnly = false;
  // i2v only: the first-frame latent is zero in every branch, the unguided image branch the
  // i2v job trains at its caption-dropout rate, so the model draws each clip from its
  // prompt alone, as a text-to-video model (firstFrames are still required, and ignored).
  bool dropFirstFrame = false;
  // Video b of the batch is sample firstIndex + b: its initial noise comes from
  // deriveSeed(seed, {firstIndex + b}), so a video does not depend on the batch it is in.
  int64_t firstIndex = 0;
};

struct GenerateResult {
  torch::Tensor videos;   // uint8 [B,F,H,W,3]; image models give F = 1
  torch::Tensor latents;  // float [B,F,C,h,w], the sampler's final state
  int64_t nfe = 0;        // network evaluations; a CFG evaluation batches cond + uncond in one
  double milliseconds = 0;  // wall time of the whole request: encode, sample, decode
  std::vector<diffusion::NoiseLevel> levels;  // the levels sampled, ending at the clean level
};

// Wraps an x0 estimate of videos [B,F,C,h,w] so that frame 0 is always `firstLatent`
// [B,C,h,w] (GenerateRequest::pinFirstFrame).
diffusion::X0Callback pinFirstFrame(diffusion::X0Callback x0, const torch::Tensor& firstLatent);

// Runs one request under NoGradGuard with every module in eval() mode.
//  - Prompts are tokenized and encoded; with cfg != 1 the empty prompt is the
//    unconditional context, and for i2v the unconditional first-frame latent is zero
//    (as SVD's guidance drops the image condition) unless guideTextOnly keeps it.
//  - Levels come from the package's schedule: DDPM timesteps picked with `spacing`, or
//    Karras sigmas for EDM; `timesteps` replaces them when not empty.
//  - Each video's initial noise is drawn alone from its own derived seed. Deterministic
//    samplers (ddim with eta 0, euler, heun, dpmpp_2m) therefore give every video
//    independently of the batch; the fresh noise of stochastic ones (ddim with eta > 0,
//    consistency) comes from one generator seeded by deriveSeed(seed, {tagOf("sampler"),
//    firstIndex}) and depends on the batch.
// ConfigError for a request that does not fit the models (no prompts, a first frame of
// the wrong size or for a text-to-video model, bad spacing or steps).
GenerateResult generate(GenerationModels& models, const GenerateRequest& request,
                        const diffusion::StepCallback& onStep = {});

}  // namespace vds
