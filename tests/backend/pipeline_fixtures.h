// Tiny randomly-initialised model packages for the pipeline suites: an 8x8 <-> 4x4x4
// autoencoder, a Shapes text encoder, and image, video (2 frames) and i2v (EDM) UNets
// that refer to them by relative paths, as shipped packages do.
#pragma once
#include <torch/torch.h>

#include <filesystem>

#include "core/rng.h"
#include "io/model_package.h"
#include "models/autoencoder.h"
#include "models/eval_net.h"
#include "models/i2v_unet.h"
#include "models/text_encoder.h"
#include "models/unet.h"
#include "models/video_unet.h"
#include "pipeline/model_zoo.h"
#include "pipeline/vocabulary.h"

namespace vds::test {

// Tokens the tiny text encoder sees: two-object Shapes captions fit.
inline constexpr int kTinyMaxLength = 16;
inline constexpr int64_t kTinyContext = 16;
inline constexpr int64_t kTinyFrames = 2;
inline constexpr int64_t kTinyLatentSide = 4;
// Spread of the noise added to fresh weights, so that every input (context, first
// frame, motion) visibly changes the output; zero-initialised layers are not.
inline constexpr double kWeightJitter = 0.2;

// Adds N(0, kWeightJitter^2) to every parameter, from a seeded generator.
inline void jitter(torch::nn::Module& module, uint64_t seed) {
  torch::NoGradGuard noGrad;
  at::Generator gen = makeGenerator(seed);
  for (auto& p : module.parameters()) p.add_(at::randn(p.sizes(), gen, p.options()) * kWeightJitter);
}

inline AutoencoderOptions tinyAutoencoderOptions() {
  AutoencoderOptions o;
  o.channels = {8};  // one level: 8x8 pixels -> 4x4 latents
  o.maxGroups = 4;
  return o;
}

inline TextEncoderOptions tinyTextOptions() {
  TextEncoderOptions o;
  o.vocabSize = shapesTokenizer(kTinyMaxLength).vocabSize();
  o.maxLength = kTinyMaxLength;
  o.dModel = kTinyContext;
  o.layers = 1;
  o.heads = 2;
  o.ffMult = 2;
  return o;
}

inline ImageUNetOptions tinyUNetOptions() {
  ImageUNetOptions o;
  o.baseChannels = 8;
  o.channelMults = {1, 2};
  o.attentionLevels = {1};
  o.heads = 2;
  o.contextDim = kTinyContext;
  o.maxGroups = 4;
  return o;
}

inline VideoUNetOptions tinyVideoOptions() {
  VideoUNetOptions o;
  o.spatial = tinyUNetOptions();
  o.motion.heads = 2;
  o.motion.maxGroups = 4;
  return o;
}

inline I2VUNetOptions tinyI2VOptions() {
  I2VUNetOptions o;
  const double embedScale = o.video.spatial.timeEmbedScale;
  o.video = tinyVideoOptions();
  o.video.spatial.inChannels = 2 * o.latentChannels;
  o.video.spatial.timeEmbedScale = embedScale;
  return o;
}

inline EvalNetOptions tinyEvalOptions() {
  EvalNetOptions o;
  o.channels = {8, 8, 8};
  o.featureDim = 8;
  o.maxGroups = 4;
  return o;
}

inline DiffusionSpec tinySpec(bool edm, int64_t frames) {
  DiffusionSpec spec;
  spec.parameterisation = edm ? diffusion::Parameterisation::edm : diffusion::Parameterisation::eps;
  spec.sigmaData = diffusion::defaultSigmaData(spec.parameterisation);
  spec.schedule = edm ? ScheduleSpec::karras() : ScheduleSpec::ddpm(diffusion::BetaSchedule::scaled_linear);
  spec.latent = {"../ae", 4, kTinyLatentSide, kTinyLatentSide, frames};
  spec.textEncoder = "../text";
  return spec;
}

// The package tree under `root`: ae/, text/, image/, video/, i2v/.
struct TinyPackages {
  std::filesystem::path root;
  std::filesystem::path ae() const { return root / "ae"; }
  std::filesystem::path text() const { return root / "text"; }
  std::filesystem::path image() const { return root / "image"; }
  std::filesystem::path video() const { return root / "video"; }
  std::filesystem::path i2v() const { return root / "i2v"; }

  static TinyPackages write(const std::filesystem::path& root) {
    torch::manual_seed(1234);
    TinyPackages p{root};
    Autoencoder ae(tinyAutoencoderOptions());
    jitter(*ae, 1);
    saveAutoencoder(p.ae(), {"tiny-ae", "8x8 test autoencoder", {}}, ae);
    TextEncoder text(tinyTextOptions());
    jitter(*text, 2);
    saveTextEncoder(p.text(), {"tiny-text", "", {}}, text, shapesTokenizer(kTinyMaxLength));
    ImageUNet image(tinyUNetOptions());
    jitter(*image, 3);
    saveDiffusionModel(p.image(), {"tiny-image", "", {}}, kKindImageUNet, *image, tinySpec(false, 1));
    VideoUNet video(tinyVideoOptions());
    jitter(*video, 4);
    saveDiffusionModel(p.video(), {"tiny-video", "", YAML::Load("{steps: 0, seed: 4}")}, kKindVideoUNet, *video,
                       tinySpec(false, kTinyFrames));
    I2VUNet i2v(tinyI2VOptions());
    jitter(*i2v, 5);
    saveDiffusionModel(p.i2v(), {"tiny-i2v", "", {}}, kKindI2VUNet, *i2v, tinySpec(true, kTinyFrames));
    return p;
  }
};

}  // namespace vds::test
