#include "pipeline/generate.h"

#include <sstream>

#include "core/errors.h"
#include "core/rng.h"
#include "core/timer.h"
#include "data/shapes_world.h"

namespace vds {
namespace {

namespace fs = std::filesystem;

std::string manifestOf(const ModelPackage& package) { return (package.dir() / kModelManifestFile).string(); }

// The models a package refers to must share its latent space and context width.
void checkFit(const GenerationModels& m) {
  const LatentSpec& latent = m.model.spec.latent;
  const int64_t aeChannels = m.autoencoder.module->options().latentChannels;
  if (aeChannels != latent.channels) {
    throw ModelPackageError(manifestOf(m.model.package) + ": key 'latent.channels' is " +
                            std::to_string(latent.channels) + " but the autoencoder " +
                            m.autoencoder.package.dir().string() + " has " + std::to_string(aeChannels));
  }
  if (!m.textEncoder) return;
  const int64_t width = m.textEncoder->module->options().dModel;
  const auto* image = m.model.imageUNet();
  const int64_t contextDim = image != nullptr ? image->options().contextDim
                                              : dynamic_cast<const VideoUNetImpl&>(*m.model.module).options().spatial.contextDim;
  if (width != contextDim) {
    throw ModelPackageError(manifestOf(m.model.package) + ": key 'conditioning.text_encoder' names " +
                            m.textEncoder->package.dir().string() + ", whose d_model " + std::to_string(width) +
                            " is not the UNet's context_dim " + std::to_string(contextDim));
  }
}

void checkRequest(const GenerationModels& m, const GenerateRequest& r) {
  if (r.prompts.empty()) throw ConfigError("generate: at least one prompt is needed (\"\" for an unconditional model)");
  if (r.steps < 1 && r.timesteps.empty()) throw ConfigError("generate: steps must be >= 1, got " + std::to_string(r.steps));
  if (r.firstIndex < 0) throw ConfigError("generate: firstIndex must be >= 0");
  diffusion::checkGuidanceInterval(r.cfgInterval, "generate");
  const auto batch = static_cast<int64_t>(r.prompts.size());
  if (!m.isImageToVideo()) {
    if (r.firstFrames.defined())
      throw ConfigError("generate: a first frame was given but '" + m.model.package.dir().string() + "' is a " +
                        m.model.kind + ", not an image-to-video model");
    if (r.pinFirstFrame)
      throw ConfigError("generate: pinning the first frame needs an image-to-video model; '" +
                        m.model.package.dir().string() + "' is a " + m.model.kind);
    if (r.guideTextOnly || r.dropFirstFrame)
      throw ConfigError(std::string("generate: ") + (r.guideTextOnly ? "text-only guidance keeps" : "dropping") +
                        " the first frame of an image-to-video model; '" + m.model.package.dir().string() +
                        "' is a " + m.model.kind);
    return;
  }
  const std::vector<int64_t> expected{batch, 3, m.frameHeight(), m.frameWidth()};
  if (!r.firstFrames.defined() || r.firstFrames.sizes() != at::IntArrayRef(expected)) {
    std::ostringstream got;
    if (r.firstFrames.defined()) got << r.firstFrames.sizes(); else got << "none";
    std::ostringstream want;
    want << at::IntArrayRef(expected);
    throw ConfigError("generate: the i2v model '" + m.model.package.dir().string() + "' needs first frames " +
                      want.str() + " in [-1, 1], got " + got.str());
  }
}

// Text contexts for the prompts and, when guiding, for the empty prompt; undefined
// tensors when the model has no text encoder.
std::pair<torch::Tensor, torch::Tensor> encodePrompts(GenerationModels& m, const std::vector<std::string>& prompts,
                                                      bool guided) {
  if (!m.textEncoder) return {};
  TextEncoder& encoder = m.textEncoder->module;
  const WordTokenizer& tokenizer = m.textEncoder->tokenizer;
  torch::Tensor cond = encoder->encode(tokenizer, prompts).context;
  torch::Tensor uncond;
  if (guided) uncond = encoder->unconditionalContext(tokenizer, static_cast<int64_t>(prompts.size()));
  return {cond, uncond};
}

// One noise draw per video from its own seed, so that a video's noise does not depend
// on its batch (rng.h: streams named by tags under the run seed).
torch::Tensor initialLatents(const GenerationModels& m, const GenerateRequest& r, const diffusion::NoiseLevel& start) {
  const std::vector<int64_t> shape = m.model.sampleShape();
  std::vector<int64_t> one{1};
  one.insert(one.end(), shape.begin(), shape.end());
  std::vector<torch::Tensor> noise;
  for (size_t b = 0; b < r.prompts.size(); ++b) {
    const uint64_t index = static_cast<uint64_t>(r.firstIndex) + b;
    noise.push_back(diffusion::initialNoise(one, start, makeGenerator(deriveSeed(r.seed, {index}))));
  }
  return torch::cat(noise, 0);
}

}  // namespace

GenerationModels GenerationModels::load(const fs::path& dir) {
  LoadedDiffusionModel model = loadDiffusionModel(dir);
  LoadedAutoencoder autoencoder = loadAutoencoder(model.autoencoderPath());
  std::optional<LoadedTextEncoder> text;
  if (!model.spec.textEncoder.empty()) text = loadTextEncoder(model.textEncoderPath());
  GenerationModels models{std::move(model), std::move(autoencoder), std::move(text)};
  checkFit(models);
  return models;
}

int64_t GenerationModels::frameHeight() const {
  return model.spec.latent.height * autoencoder.module->options().downsampleFactor();
}

int64_t GenerationModels::frameWidth() const {
  return model.spec.latent.width * autoencoder.module->options().downsampleFactor();
}

diffusion::X0Callback pinFirstFrame(diffusion::X0Callback x0, const torch::Tensor& firstLatent) {
  return [inner = std::move(x0), firstLatent](const torch::Tensor& x, const diffusion::NoiseLevel& lvl) {
    torch::Tensor estimate = inner(x, lvl).clone();
    estimate.select(1, 0).copy_(firstLatent);
    return estimate;
  };
}

GenerateResult generate(GenerationModels& m, const GenerateRequest& r, const diffusion::StepCallback& onStep) {
  const Stopwatch clock;
  checkRequest(m, r);
  torch::NoGradGuard noGrad;
  m.model.module->eval();
  m.autoencoder.module->eval();
  if (m.textEncoder) m.textEncoder->module->eval();

  GenerateResult result;
  const diffusion::Spacing spacing = diffusion::parseSpacing(r.spacing);
  result.levels = r.timesteps.empty() ? m.model.spec.schedule.levels(r.steps, spacing)
                                      : m.model.spec.schedule.levelsAt(r.timesteps);

  const bool guided = r.cfg != 1.0;
  auto [context, uncondContext] = encodePrompts(m, r.prompts, guided);
  diffusion::Conditioning cond{context, {}};
  diffusion::Conditioning uncond{uncondContext, {}};
  if (m.isImageToVideo()) {
    cond.image = m.autoencoder.module->encode(r.firstFrames.to(torch::kFloat32));
    if (r.dropFirstFrame) cond.image = torch::zeros_like(cond.image);
    if (guided) uncond.image = r.guideTextOnly ? cond.image : torch::zeros_like(cond.image);
  }

  const diffusion::Denoiser denoiser = makeDenoiser(m.model);
  diffusion::SamplerOptions options;
  options.eta = r.eta;
  options.gen = makeGenerator(deriveSeed(r.seed, {tagOf("sampler"), static_cast<uint64_t>(r.firstIndex)}));
  options.onStep = onStep;
  diffusion::X0Callback x0 = guided ? diffusion::guidedX0(denoiser, cond, uncond, r.cfg, r.cfgInterval)
                                    : diffusion::denoiserX0(denoiser, cond);
  if (r.pinFirstFrame) x0 = pinFirstFrame(std::move(x0), cond.image);
  diffusion::SampleResult sampled =
      diffusion::sample(r.sampler, x0, initialLatents(m, r, result.levels.front()), result.levels, options);

  result.latents = m.isImageToVideo() || m.model.kind == kKindVideoUNet ? sampled.x : sampled.x.unsqueeze(1);
  const torch::Tensor pixels = m.autoencoder.module->decodeVideo(result.latents);  // [B,F,3,H,W]
  const torch::Tensor frames = modelRangeToFrames(pixels.flatten(0, 1));           // [B*F,H,W,3]
  result.videos = frames.view({pixels.size(0), pixels.size(1), frames.size(1), frames.size(2), 3});
  result.nfe = sampled.nfe;
  result.milliseconds = clock.milliseconds();
  return result;
}

}  // namespace vds
