// Evaluation runs (ARCHITECTURE §6): a diffusion package generates clips for the prompts
// (and first frames) of the Shapes held-out split, and the frozen eval net compares them
// with the real held-out clips. The metrics themselves are defined in eval/metrics.h; this
// file decides which clips go in and records every setting in the MetricReport.
//
// The real clips, for every evaluation:
//   - held-out: the first n clips of Split::heldout of the world with seed 0, rendered
//     plain, at the package's frame size and length (latent size × the autoencoder's
//     downsampling, latent frames). Generated clip i is conditioned on held-out clip i:
//     its caption is the prompt (the empty prompt for a model without a text encoder) and,
//     for image-to-video models, its frame 0 is the first frame.
//   - an image model (a style model, an image base) makes one image per prompt; its clip
//     is that image held still for EvalOptions::stillFrames frames, and the real clips
//     have that many frames. Style and prompt accuracy read as for a video model; FVD-S,
//     flicker and identity consistency then compare still clips with moving ones, so
//     they are not comparable with a video model's.
//   - the FVD-S floor: the first n clips of Split::train of the same world, rendered plain.
//     fvdRealFloor = FVD-S(train clips, held-out clips), the distance two independent real
//     samples of size n already have; a model's FVD-S is read against it, never against 0.
#pragma once
#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/progress.h"
#include "data/shape_styles.h"
#include "data/shapes_world.h"
#include "diffusion/samplers.h"
#include "eval/metrics.h"
#include "models/autoencoder.h"
#include "models/eval_net.h"
#include "pipeline/generate.h"

namespace vds {

// Seed of the Shapes world every evaluation draws its real clips and prompts from.
inline constexpr uint64_t kEvalWorldSeed = 0;
// Clips per eval-net forward pass; fixed so that features never depend on the caller's batch.
inline constexpr int64_t kEvalNetBatch = 32;

// Receives (done, total) in generated clips, with rate and ETA, for the CLI bar.
using EvalProgressCallback = std::function<void(const ProgressUpdate&)>;

struct EvalOptions {
  std::filesystem::path model;    // diffusion package (video_unet, i2v_unet or image_unet)
  std::filesystem::path evalNet;  // eval_net package
  int64_t n = 512;                // generated clips, and as many held-out (and train) real clips; >= 2
  uint64_t seed = 0;              // generation seed; clip i uses the noise of sample i
  diffusion::SamplerKind sampler = diffusion::SamplerKind::ddim;
  int steps = 25;
  double cfg = 1.0;                  // classifier-free guidance weight; 1 = no guidance
  diffusion::GuidanceInterval cfgInterval;  // GenerateRequest::cfgInterval
  double eta = 0.0;                  // DDIM stochasticity: 0 deterministic, 1 DDPM-like ancestral
  std::string spacing = "trailing";  // DDPM timestep spacing
  std::vector<double> timesteps;     // explicit timesteps; override steps when not empty
  std::optional<Style> targetStyle;  // style accuracy is measured against it; plain when unset
  int64_t batchSize = 16;            // clips per generation batch; the metrics do not depend on it
  int stillFrames = 8;               // image models: frames each generated image is held for
  bool pinFirstFrame = false;        // i2v: GenerateRequest::pinFirstFrame
  bool guideTextOnly = false;        // i2v: GenerateRequest::guideTextOnly
  bool dropFirstFrame = false;       // i2v: GenerateRequest::dropFirstFrame (no first-frame PSNR then)
};

// The real clips of one evaluation (see the file comment).
struct RealClips {
  WorldOptions world;
  std::vector<ClipSpec> heldoutSpecs;  // the captions and scenes of the held-out clips
  torch::Tensor heldout;               // float [n, F, 3, H, W] in [-1, 1], plain
  torch::Tensor train;                 // float [n, F, 3, H, W] in [-1, 1], plain
};

// The world a package generates: its frame size and length (`stillFrames` for an image
// model), seed kEvalWorldSeed.
WorldOptions evalWorldFor(const GenerationModels& models, int stillFrames = 8);
// Renders the first n held-out and n train clips of `world`. ConfigError when n < 2.
RealClips renderRealClips(const WorldOptions& world, int64_t n);

// The request for held-out clips [begin, end) of `real`: their captions as prompts (or ""
// without a text encoder), their frame 0 as first frames for i2v, firstIndex = begin;
// sampler, steps, guidance and seed from `base`.
GenerateRequest heldoutRequest(const GenerationModels& models, const RealClips& real, int64_t begin, int64_t end,
                               const GenerateRequest& base);

// The metrics of `videos` (float [n, F, 3, H, W] in [-1, 1], clip i made for held-out clip
// i of `real`) against `real`: FVD-S and its floor, prompt accuracy against the held-out
// captions with its breakdown by attribute (shape, colour, direction, object count), style
// accuracy against `targetStyle`, flicker and identity consistency of both sets. With
// `conditionFrames` ([n, 3, H, W], the first frames the clips were made from) it adds the
// first-frame PSNR. Fills settings.sampleCount,
// realSplit, targetStyle, the world and realStyles; the caller adds how the clips were
// made. The test seam of evaluateModel: real clips in give FVD-S ≈ 0. DataError when the
// shapes do not match.
MetricReport evaluateVideos(EvalNet& net, const torch::Tensor& videos, const RealClips& real, Style targetStyle,
                            const torch::Tensor& conditionFrames = {});

// Loads both packages, generates options.n clips in batches of options.batchSize (each
// clip seeded by its index, so batching does not change them), and returns
// evaluateVideos() plus the generation settings (for an image model, without direction
// accuracy: a held image does not move), ms per clip (the generate() wall time,
// text encoding and decoding included, divided by n) and NFE per clip. ConfigError, naming
// the setting, for a video package of fewer than two frames, stillFrames < 2, n < 2, a batch size < 1, or a frame size the eval
// net cannot take (a multiple of 8).
MetricReport evaluateModel(const EvalOptions& options, const EvalProgressCallback& progress = {});

// The eval net's own quality gates: it classifies the first n held-out clips of `world`
// rendered in each of `styles` (n × |styles| clips). promptAccuracy is the attribute
// accuracy of its predictions against the captions (with its breakdown by attribute) and
// styleAccuracy the fraction of clips
// whose predicted style is the style they were rendered in; fvdRealFloor is the plain
// train-vs-held-out floor at this n. settings.sampleCount is n (clips per style) and
// settings.realStyles lists the styles. ConfigError when n < 2 or `styles` is empty.
//
// With an autoencoder, every real clip is first replaced by its round trip through it
// (autoencoderRoundTrip), so the accuracies are the best a latent model with that
// autoencoder can score; fvd is then the FVD-S of the round-tripped plain held-out clips
// against the clips themselves, the autoencoder's own cost.
MetricReport evaluateReal(const std::filesystem::path& evalNet, int64_t n,
                          const std::vector<Style>& styles = {kAllStyles.begin(), kAllStyles.end()},
                          const WorldOptions& world = {}, const std::filesystem::path& autoencoder = {});
// The same with a loaded net and autoencoder (may be null; the test seam).
MetricReport evaluateReal(EvalNet& net, int64_t n, const std::vector<Style>& styles, const WorldOptions& world,
                          Autoencoder* autoencoder = nullptr);

// Videos [N, F, 3, H, W] in [-1, 1] -> decode(encode(videos)), clamped to [-1, 1] and rounded
// to 8-bit levels as generated clips are, in chunks, without gradients.
torch::Tensor autoencoderRoundTrip(Autoencoder& autoencoder, const torch::Tensor& videos);

}  // namespace vds
