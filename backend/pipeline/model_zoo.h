// Typed loading and saving of the built-in world's model packages (ARCHITECTURE.md §3
// "Model package", §5). ModelPackage knows the folder format; this file knows what each
// kind of package means, so that training code writes packages through the save*()
// functions here and every reader gets them back through the load*() functions.
//
// Manifest conventions (model.yaml; `format` and `weights` are written by ModelPackage):
//
//   kind: autoencoder | text_encoder | image_unet | video_unet | i2v_unet | eval_net
//   name: <non-empty>            description: <optional string>
//   architecture: <the module's Options::toYaml()>
//   training: <optional free-form map: data, steps, seed ... of the run that made it>
//
// text_encoder adds
//   conditioning: {tokenizer: {max_length: N, words: [...]}}     (WordTokenizer::toYaml)
//
// image_unet, video_unet and i2v_unet (the diffusion packages) add
//   parameterisation: {type: eps|v|x0|edm|edm_v, sigma_data: S}
//   schedule: {type: linear|scaled_linear, timesteps: T, beta_start: B0, beta_end: B1}
//           | {type: cosine, timesteps: T, cosine_s: S, max_beta: M}
//           | {type: edm, sigma_min: A, sigma_max: B, rho: R}
//   latent: {autoencoder: <path to the AE package>, channels: C, height: h, width: w, frames: F}
//   conditioning: {text_encoder: <path to the text encoder package>}   (optional)
//   sampling: {sampler: NAME, timesteps: [t0, t1, ...], cfg: W}           (optional)
//     How the package samples by default: distilled students record the sampler and the
//     exact timesteps (sigmas for EDM) they were trained to replay, noisiest first.
//
// Rules: eps, v and x0 need a DDPM schedule (linear, scaled_linear, cosine); edm and edm_v
// take either (on a DDPM schedule the network sees the level sigma/alpha: a text-to-video
// model made from the EDM image-to-video one keeps its preconditioning, while samplers,
// the probe and distillation walk the DDPM timesteps). Every key listed is required (writers always write all of them)
// and no other key is accepted. Paths are written as given and resolve against the
// package's own folder when relative, so a package tree can be moved as a whole.
// image_unet has frames: 1. latent.channels is the UNet's output channels. A text
// encoder needs a UNet with cross-attention (context_dim > 0); without one the UNet runs
// with an undefined context, which skips cross-attention (e.g. an image-only i2v model).
// The loader also checks that each referenced package exists and is of the right kind.
//
// Every error is a ModelPackageError naming the manifest file (hence the package) and the
// dotted key at fault, or the tensor at fault for weight mismatches.
#pragma once
#include <torch/torch.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "diffusion/denoiser.h"
#include "diffusion/parameterisation.h"
#include "diffusion/samplers.h"
#include "diffusion/schedule.h"
#include "io/model_package.h"
#include "models/autoencoder.h"
#include "models/eval_net.h"
#include "models/i2v_unet.h"
#include "models/text_encoder.h"
#include "models/unet.h"
#include "models/video_unet.h"

namespace vds {

// The package kinds (the `kind` key), as modelKinds() lists them.
inline constexpr const char* kKindAutoencoder = "autoencoder";
inline constexpr const char* kKindTextEncoder = "text_encoder";
inline constexpr const char* kKindImageUNet = "image_unet";
inline constexpr const char* kKindVideoUNet = "video_unet";
inline constexpr const char* kKindI2VUNet = "i2v_unet";
inline constexpr const char* kKindEvalNet = "eval_net";

// What every package records besides its weights and architecture.
struct PackageInfo {
  std::string name;
  std::string description;  // omitted from the manifest when empty
  YAML::Node training;      // omitted when undefined or null; must be a map otherwise
};

// The `schedule` section: a DDPM beta schedule or an EDM sigma range.
struct ScheduleSpec {
  bool edm = false;
  // DDPM (edm == false). cosineS and maxBeta are used by cosine only, betaStart and
  // betaEnd by linear and scaled_linear only.
  diffusion::BetaSchedule beta = diffusion::BetaSchedule::scaled_linear;
  int timesteps = 1000;
  double betaStart = 0.00085, betaEnd = 0.012;
  double cosineS = 0.008, maxBeta = 0.999;
  // EDM (edm == true); Karras et al. 2022 defaults.
  double sigmaMin = 0.002, sigmaMax = 80.0, rho = 7.0;

  static ScheduleSpec ddpm(diffusion::BetaSchedule beta, int timesteps = 1000);  // the kind's default betas
  static ScheduleSpec karras(double sigmaMin = 0.002, double sigmaMax = 80.0, double rho = 7.0);

  diffusion::DdpmSchedule ddpmSchedule() const;  // ConfigError for an edm spec
  // `steps` levels from the noisiest, plus the clean level: DDPM timesteps picked with
  // `spacing`, or Karras sigmas for EDM (spacing unused).
  std::vector<diffusion::NoiseLevel> levels(int steps, diffusion::Spacing spacing) const;
  // Levels at explicit values, plus the clean level: DDPM timesteps, or sigmas for EDM.
  std::vector<diffusion::NoiseLevel> levelsAt(const std::vector<double>& ts) const;
};

// The `latent` section.
struct LatentSpec {
  std::string autoencoder;  // path as written in the manifest
  int64_t channels = 4, height = 8, width = 8, frames = 8;
};

// The optional `sampling` section: a package's own default sampler, levels and guidance.
struct SamplingSpec {
  diffusion::SamplerKind sampler = diffusion::SamplerKind::ddim;
  std::vector<double> timesteps;  // noisiest first; DDPM timesteps, or sigmas for EDM
  double cfg = 1.0;
};

// The sections of a diffusion package other than kind and architecture.
struct DiffusionSpec {
  diffusion::Parameterisation parameterisation = diffusion::Parameterisation::eps;
  double sigmaData = 1.0;  // defaultSigmaData(parameterisation) is the usual choice
  ScheduleSpec schedule;
  LatentSpec latent;
  std::string textEncoder;  // path as written; empty: no text conditioning
  std::optional<SamplingSpec> sampling;  // absent: callers choose sampler and steps
};

struct LoadedAutoencoder {
  ModelPackage package;
  Autoencoder module;
};

struct LoadedTextEncoder {
  ModelPackage package;
  TextEncoder module;
  WordTokenizer tokenizer;
};

struct LoadedEvalNet {
  ModelPackage package;
  EvalNet module;
};

struct LoadedDiffusionModel {
  ModelPackage package;
  std::string kind;  // image_unet, video_unet or i2v_unet
  std::shared_ptr<torch::nn::Module> module;
  DiffusionSpec spec;

  // The module as its concrete type; nullptr when `kind` is another one.
  ImageUNetImpl* imageUNet() const;
  VideoUNetImpl* videoUNet() const;  // video_unet only, although I2VUNetImpl derives from it
  I2VUNetImpl* i2vUNet() const;
  // Paths of the packages this one refers to, resolved against package.dir();
  // textEncoderPath() is empty when there is no text encoder.
  std::filesystem::path autoencoderPath() const;
  std::filesystem::path textEncoderPath() const;
  // The latent one sample is generated in: [F,C,h,w] for video kinds, [C,h,w] for image_unet.
  std::vector<int64_t> sampleShape() const;
};

// Loaders: open the package, check kind and sections, build the module from the
// architecture and load the weights strictly. Modules come back in eval() mode on the CPU.
LoadedAutoencoder loadAutoencoder(const std::filesystem::path& dir);
LoadedTextEncoder loadTextEncoder(const std::filesystem::path& dir);
LoadedEvalNet loadEvalNet(const std::filesystem::path& dir);
LoadedDiffusionModel loadDiffusionModel(const std::filesystem::path& dir);

// Writers: the exact manifests above, through ModelPackage::save (atomic replace).
void saveAutoencoder(const std::filesystem::path& dir, const PackageInfo& info, const Autoencoder& module);
void saveTextEncoder(const std::filesystem::path& dir, const PackageInfo& info, const TextEncoder& module,
                     const WordTokenizer& tokenizer);
void saveEvalNet(const std::filesystem::path& dir, const PackageInfo& info, const EvalNet& module);
// `module` must be an ImageUNetImpl, VideoUNetImpl or I2VUNetImpl matching `kind`.
void saveDiffusionModel(const std::filesystem::path& dir, const PackageInfo& info, const std::string& kind,
                        const torch::nn::Module& module, const DiffusionSpec& spec);

// A Denoiser over the loaded network: forward(x, t, context) for image and video UNets,
// forward(x, c_noise, Conditioning::image, context) for i2v. The Denoiser shares the
// module (it stays alive with it); image UNets take x [B,C,h,w], the others [B,F,C,h,w].
diffusion::Denoiser makeDenoiser(const LoadedDiffusionModel& model);

}  // namespace vds
