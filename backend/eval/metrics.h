// The studio's quality metrics (ARCHITECTURE §6). Each comment below is the definition a
// user reads: what goes in, what is averaged over what, and what range comes out. All are
// computed against the held-out real split by the caller, and a MetricReport records the
// settings they were computed with.
#pragma once
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "data/shape_styles.h"
#include "data/shapes_world.h"

namespace vds {

// ---- FVD-S ------------------------------------------------------------------------------

// First and second moments of a feature set, in float64.
struct FeatureStats {
  torch::Tensor mean;        // [D]
  torch::Tensor covariance;  // [D, D], symmetric positive semi-definite
  int64_t count = 0;         // N, the number of feature vectors
};

// Moments of features [N, D] (N >= 2), any floating dtype and device; the result is on
// the CPU in float64. mean = (1/N) Σ_i x_i; covariance = 1/(N-1) Σ_i (x_i - mean)(x_i - mean)^T
// (the unbiased estimate, as numpy.cov and the FID/FVD reference code use).
FeatureStats featureStats(const torch::Tensor& features);

// The squared Fréchet (2-Wasserstein) distance between the Gaussians N(μa, Σa) and N(μb, Σb)
// (Dowson & Landau 1982; Heusel et al. 2017, Eq. 6):
//   d² = |μa − μb|² + tr(Σa + Σb − 2 (Σa^{1/2} Σb Σa^{1/2})^{1/2}).
// Both square roots come from symmetric eigendecompositions (eigh), with eigenvalues below 0
// (round-off on singular covariances, e.g. N <= D) clamped to 0; the result is clamped to
// >= 0 for the same reason. Symmetric in a and b up to round-off. FVD-S is this distance
// between the eval-net features of generated clips and of held-out real clips.
// DataError when the feature dimensions differ.
double frechetDistance(const FeatureStats& a, const FeatureStats& b);

// ---- Prompt and style accuracy ------------------------------------------------------------

// The mean over clips of the fraction of captioned attributes recovered by the prediction.
// Each captioned object has 3 attributes (shape, colour, direction). Captioned object i is
// paired with at most one predicted object, and each predicted object with at most one
// captioned object:
//   1. by identity: the first unpaired predicted object with the same (shape, colour);
//      the world never puts two objects with one (shape, colour) in a clip, so this pairs
//      objects regardless of the slot order the eval net chose;
//   2. otherwise by position: the predicted object at index i of the predicted list (slot
//      order, the order the eval net is trained on), if it exists and is still unpaired;
//      this gives partial credit to a half-right object (say the right shape in the wrong
//      colour) where the caption order puts it;
//   3. otherwise it is missing and scores 0 of its 3.
// A paired object scores the number of its 3 attributes equal to its partner's. A clip's
// fraction is (sum of scores) / (3 × captioned objects). Extra predicted objects are not
// penalised. Clips whose caption has no objects carry no attributes and are left out of
// the mean. Result in [0, 1]. DataError when the two lists differ in length or no clip
// has a captioned object.
double promptAccuracy(const std::vector<std::vector<ObjectAttributes>>& predicted,
                      const std::vector<std::vector<ObjectAttributes>>& captioned);

// The fraction of clips whose predicted style is `target`, in [0, 1]. DataError when empty.
double styleAccuracy(const std::vector<Style>& predicted, Style target);

// Prompt accuracy broken down by attribute, to show which part of a caption a model fails
// to follow. shape, colour and direction are each the fraction of all captioned objects
// (pooled over clips, not averaged per clip) whose paired predicted object has the captioned
// value; objects are paired exactly as promptAccuracy pairs them (identity, then position),
// and a missing object counts as wrong for all three. objectCount is the fraction of clips
// whose number of predicted objects equals the number captioned (clips with an empty caption
// included). Each in [0, 1]. DataError when the two lists differ in length or no clip has a
// captioned object.
struct AttributeAccuracy {
  double shape = 0;
  double colour = 0;
  double direction = 0;
  double objectCount = 0;
};
AttributeAccuracy attributeAccuracy(const std::vector<std::vector<ObjectAttributes>>& predicted,
                                    const std::vector<std::vector<ObjectAttributes>>& captioned);

// ---- Image-to-video fidelity ----------------------------------------------------------------

// The PSNR reported for identical frames (whose MSE is 0), and the cap of every PSNR: a
// finite number keeps means and JSON well defined.
inline constexpr double kPsnrCapDb = 100.0;

// First-frame PSNR of image-to-video clips, in pixel space: frame 0 of videos
// [N, F, 3, H, W] against the condition frames [N, 3, H, W], both in [-1, 1] and mapped to
// 8-bit values v = (x + 1) · 127.5. Per clip, PSNR = min(10 · log10(255² / MSE), kPsnrCapDb) dB
// with MSE the mean squared difference over 3·H·W values (kPsnrCapDb when MSE = 0); the
// metric is the mean over clips. DataError on a wrong shape.
double firstFramePsnr(const torch::Tensor& videos, const torch::Tensor& conditionFrames);

// ---- Temporal metrics ---------------------------------------------------------------------

// Mean absolute frame-to-frame change of pixel videos [N, F, 3, H, W] in [-1, 1], F >= 2:
//   flicker = 1 / (N (F-1) 3 H W) Σ_{n, f=1..F-1, c, y, x} |v[n,f,c,y,x] − v[n,f-1,c,y,x]|,
// in [0, 2]. Real clips flicker too (objects move), so a generator is judged by the ratio
// flicker(generated) / flicker(real held-out clips): 1 is real-like, above 1 is flicker.
// DataError on a wrong shape.
double flicker(const torch::Tensor& videos);

// Bins per channel of the identity histogram: coarse enough that a shape keeps its bins
// under anti-aliasing and mild noise, fine enough to tell the world's six colours apart.
inline constexpr int64_t kIdentityBinsPerChannel = 4;

// Whether the clip keeps its objects' identity (colour and size) over time, independent of
// where they move. For each frame f, p_f is the joint RGB histogram of its H×W pixels over
// kIdentityBinsPerChannel³ bins (each channel's [-1, 1] split into equal bins, values
// clamped into range), normalised to sum 1. A clip's consistency is the mean over
// f = 1..F-1 of the histogram intersection Σ_k min(p_f[k], p_0[k]) with the first frame;
// the metric is the mean over clips, in [0, 1] (1 for a static clip). Translation leaves
// it unchanged; a shape that changes colour, grows, shrinks or dissolves lowers it.
// Videos [N, F, 3, H, W], F >= 2; DataError on a wrong shape.
double identityConsistency(const torch::Tensor& videos);

// ---- The report ---------------------------------------------------------------------------

// Everything needed to reproduce a MetricReport.
struct MetricSettings {
  int64_t sampleCount = 0;                          // generated clips (and as many real ones)
  std::vector<uint64_t> seeds;                      // generation seeds, one per run
  std::string sampler;                              // e.g. "ddim", "euler", "lcm"
  int steps = 0;                                    // sampler steps (NFE per clip without guidance)
  double guidance = 0;                              // classifier-free guidance scale
  // Scaled sigmas (low, high] guidance was limited to (GuidanceInterval); unset: every level.
  std::optional<std::array<double, 2>> guidanceInterval;
  double eta = 0;                                   // DDIM stochasticity (0 for other samplers)
  std::string realSplit = "heldout";                // the real clips the metrics compare with
  std::optional<Style> targetStyle;                 // set when style accuracy is measured
  std::map<std::string, std::string> modelPackages;  // role ("student", "eval_net", ...) -> path
  std::string spacing;                              // DDPM timestep spacing; empty for EDM or no sampling
  std::vector<double> timesteps;                    // explicit timesteps (they override steps)
  int64_t batchSize = 0;                            // generation batch; results do not depend on it
  // The Shapes world the real clips come from (and, for a model, the prompts and first frames).
  uint64_t worldSeed = 0;
  int64_t frameWidth = 0, frameHeight = 0, frames = 0;
  std::vector<Style> realStyles;                    // styles the real clips are rendered in
  bool stillImages = false;  // an image model: each generated clip is one image held for `frames` frames
  bool autoencoderRoundTrip = false;  // eval --real: the real clips went through an autoencoder first
  bool pinFirstFrame = false;  // i2v: frame 0 of every x0 estimate was the condition (GenerateRequest)
  bool guideTextOnly = false;  // i2v: the unguided branch kept the first frame (GenerateRequest)
  bool dropFirstFrame = false;  // i2v: generated from the prompt alone, first-frame latent zero (GenerateRequest)
};

// The numbers of one evaluation. A metric not measured stays empty and prints as n/a.
struct MetricReport {
  MetricSettings settings;
  std::optional<double> fvd;               // FVD-S, generated vs real held-out
  std::optional<double> fvdRealFloor;      // FVD-S, real train vs real held-out (the floor)
  std::optional<double> promptAccuracy;    // in [0, 1]
  std::optional<double> styleAccuracy;     // in [0, 1], against settings.targetStyle
  std::optional<double> flicker;           // generated clips
  std::optional<double> flickerReal;       // real held-out clips
  std::optional<double> identityConsistency;
  std::optional<double> identityConsistencyReal;
  // Prompt accuracy by attribute (attributeAccuracy); direction is left empty for still images.
  std::optional<double> shapeAccuracy;           // in [0, 1]
  std::optional<double> colourAccuracy;          // in [0, 1]
  std::optional<double> directionAccuracy;       // in [0, 1]
  std::optional<double> objectCountAccuracy;     // in [0, 1]
  std::optional<double> firstFramePsnr;          // dB, capped at kPsnrCapDb; image-to-video models
  std::optional<double> millisecondsPerClip;     // generation wall time per clip
  std::optional<int64_t> nfe;                    // network evaluations per clip

  // flicker / flickerReal when both are set and flickerReal > 0.
  std::optional<double> flickerRatio() const;
  // {"metrics": {...}, "settings": {...}}; unmeasured metrics are null.
  nlohmann::json toJson() const;
  // A two-column table (metric, value) followed by the settings, for the CLI.
  std::string formatTable() const;
};

}  // namespace vds
