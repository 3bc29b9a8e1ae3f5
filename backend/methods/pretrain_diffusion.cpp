// Pre-training of the world's diffusion models, all in the shared latent space:
//  - image:  image UNet + text encoder on plain frames (eps, DDPM scaled-linear; the "SD1.5")
//  - motion: motion modules on plain videos, spatial layers frozen (the "AnimateDiff")
//  - style:  the image UNet fine-tuned on one style (a "personalised SD1.5")
//  - i2v:    an EDM (SVD v-style) video UNet conditioned on the first frame (the "SVD")
//  - t2v:    the i2v network's frame-free branch fine-tuned as a text-to-video teacher
// Previews export the model to a scratch package and sample it through the generation
// pipeline, so previews, the CLI and evaluation all sample the same way.
#include <algorithm>
#include <cmath>
#include <functional>
#include <sstream>
#include <tuple>
#include <utility>
#include <unistd.h>

#include "core/errors.h"
#include "core/paths.h"
#include "data/shape_styles.h"
#include "diffusion/parameterisation.h"
#include "methods/pretrain.h"
#include "pipeline/generate.h"
#include "pipeline/model_zoo.h"
#include "pipeline/vocabulary.h"

namespace fs = std::filesystem;

namespace vds {
namespace {

constexpr int kTokenizerLength = 24;
constexpr const char* kTextEncoderSlot = "text_encoder";

std::string key(const std::string& job, const std::string& name) { return "method." + job + "." + name; }

// The text-to-image and text-to-video models of the world: eps prediction on SD's
// scaled-linear DDPM schedule, T = 1000 (ARCHITECTURE §5).
void describeEpsDdpm(DiffusionSpec& d) {
  d.parameterisation = diffusion::Parameterisation::eps;
  d.sigmaData = 1.0;
  d.schedule = ScheduleSpec::ddpm(diffusion::BetaSchedule::scaled_linear);
}

// edmLoss trains edm_v preconditioning with sigma_data 1 only; a base package that has
// another is refused, with `where` naming the setting and the package.
void requireUnitEdmV(const LoadedDiffusionModel& loaded, const std::string& where) {
  if (loaded.spec.parameterisation == diffusion::Parameterisation::edm_v && loaded.spec.sigmaData == 1.0) return;
  std::ostringstream msg;
  msg << where << " is " << diffusion::toString(loaded.spec.parameterisation) << " with sigma_data "
      << loaded.spec.sigmaData << "; the job trains edm_v with sigma_data 1";
  throw ConfigError(msg.str());
}

}  // namespace

// One value per sample and channel, constant over the frames and pixels of a latent laid
// out [N, C, h, w] (images) or [N, F, C, h, w] (videos).
std::vector<int64_t> offsetNoiseShape(const torch::Tensor& x0) {
  if (x0.dim() != 4 && x0.dim() != 5)
    throw DataError("offset noise: expected a latent [N,C,h,w] or [N,F,C,h,w], got " + std::to_string(x0.dim()) +
                     " dimensions");
  std::vector<int64_t> shape(static_cast<size_t>(x0.dim()), 1);
  shape[0] = x0.size(0);
  shape[static_cast<size_t>(x0.dim()) - 3] = x0.size(x0.dim() - 3);
  return shape;
}

std::string withOtherDirections(const std::string& caption, const std::vector<int64_t>& shifts) {
  if (caption.empty()) return caption;
  const std::vector<ObjectAttributes> attributes = parseCaption(caption);
  if (shifts.size() != attributes.size())
    throw ConfigError("withOtherDirections: " + std::to_string(shifts.size()) + " shifts for the " +
                      std::to_string(attributes.size()) + " objects of '" + caption + "'");
  std::vector<ObjectSpec> objects(attributes.size());
  for (size_t i = 0; i < attributes.size(); ++i) {
    if (shifts[i] < 1 || shifts[i] > 3)
      throw ConfigError("withOtherDirections: shift " + std::to_string(shifts[i]) + " is not 1, 2 or 3");
    objects[i].attributes = attributes[i];
    const int64_t d = (static_cast<int64_t>(attributes[i].direction) + shifts[i]) % int64_t{4};
    objects[i].attributes.direction = static_cast<Direction>(d);
  }
  return captionOf(objects);
}

torch::Tensor directionContrastLoss(const torch::Tensor& msePositive, const torch::Tensor& mseNegative,
                                    const torch::Tensor& valid, double margin, const torch::Tensor& weights) {
  const torch::Tensor ratio = mseNegative / msePositive.detach().clamp_min(1e-12);
  torch::Tensor hinge = torch::relu(1.0 + margin - ratio) * valid.to(ratio.dtype());
  if (weights.defined()) hinge = hinge * weights.to(ratio.dtype());
  return hinge.sum() / valid.sum().clamp_min(1).to(ratio.dtype());
}

CleanFirstFrame withCleanFirstFrame(const torch::Tensor& x0, const torch::Tensor& xt, const torch::Tensor& t,
                                   const torch::Tensor& clean) {
  if (x0.dim() != 5 || xt.sizes() != x0.sizes())
    throw DataError("clean first frame: expected latents [B,F,C,h,w] of one shape, got " + c10::str(x0.sizes()) +
                    " and " + c10::str(xt.sizes()));
  const int64_t b = x0.size(0), frames = x0.size(1);
  if (t.numel() != b || clean.numel() != b)
    throw DataError("clean first frame: expected " + std::to_string(b) + " timesteps and flags, got " +
                    std::to_string(t.numel()) + " and " + std::to_string(clean.numel()));
  torch::Tensor replaced = torch::zeros({b, frames}, x0.options().dtype(torch::kFloat));  // 1: frame 0 of a clean clip
  replaced.select(1, 0).copy_(clean.reshape({b}));
  CleanFirstFrame out;
  const torch::Tensor r = replaced.view({b, frames, 1, 1, 1}).to(xt.scalar_type());
  out.xt = xt * (1 - r) + x0 * r;
  out.t = (t.reshape({b, 1}).to(torch::kFloat).expand({b, frames}) * (1 - replaced.to(torch::kFloat))).reshape({-1});
  out.lossFrames = 1 - replaced;
  return out;
}

torch::Tensor perSampleError(const torch::Tensor& pred, const torch::Tensor& target, const torch::Tensor& lossFrames) {
  const torch::Tensor squared = (pred - target).pow(2);
  if (!lossFrames.defined()) return squared.flatten(1).mean(1);
  if (squared.dim() < 3 || lossFrames.dim() != 2 || lossFrames.size(0) != squared.size(0) ||
      lossFrames.size(1) != squared.size(1))
    throw DataError("per-sample error: frame weights " + c10::str(lossFrames.sizes()) + " do not match " +
                    c10::str(squared.sizes()));
  const torch::Tensor perFrame = squared.flatten(2).mean(2);  // [B,F]
  const torch::Tensor w = lossFrames.to(perFrame.scalar_type());
  return (perFrame * w).sum(1) / w.sum(1).clamp_min(1.0);
}

torch::Tensor p2Weights(const torch::Tensor& alphasCumprod, double gamma, double k) {
  const torch::Tensor snr = alphasCumprod / (1 - alphasCumprod);
  return (k + snr).pow(-gamma);
}

namespace {

// A new network of the same type and options as `source`, holding a copy of its weights
// (the start of an EMA).
std::shared_ptr<torch::nn::Module> copyOfNetwork(const torch::nn::Module& source) {
  std::shared_ptr<torch::nn::Module> copy;
  if (const auto* i2v = dynamic_cast<const I2VUNetImpl*>(&source))
    copy = I2VUNet(i2v->i2vOptions()).ptr();
  else if (const auto* video = dynamic_cast<const VideoUNetImpl*>(&source))
    copy = VideoUNet(video->options()).ptr();
  else if (const auto* image = dynamic_cast<const ImageUNetImpl*>(&source))
    copy = ImageUNet(image->options()).ptr();
  else
    throw std::logic_error("copyOfNetwork: not an image, video or i2v UNet");
  torch::NoGradGuard noGrad;
  const auto from = namedState(source);
  for (auto& [name, tensor] : namedState(*copy)) {
    const auto it = from.find(name);
    if (it == from.end()) throw std::logic_error("copyOfNetwork: the source lacks " + name);
    tensor.copy_(it->second);
  }
  return copy;
}

// EDM's log-normal noise-level distribution of the i2v and t2v jobs by default (Karras et
// al. use mean -1.2, std 1.2; these keep more weight at high sigma). A package trained
// with other values records them.
constexpr double kDefaultPMean = 0.0, kDefaultPStd = 1.6;

// Common machinery: a frozen autoencoder, an optional text encoder, one diffusion
// network in slot "model", DDPM or EDM noising, caption dropout and previews.
class LatentDiffusionPretraining : public Method {
 public:
  explicit LatentDiffusionPretraining(std::string job) : job_(std::move(job)) {}
  std::string name() const override { return job_; }

  ConfigSchema schema() const override {
    ConfigSchema s;
    s.add(withRange(makeField(key(job_, "lr"), FieldType::Float, YAML::Node(defaultLr()), "AdamW learning rate."), 0, 1));
    s.add(withRange(makeField(key(job_, "caption_dropout"), FieldType::Float, YAML::Node(0.1),
                              "Probability of training on the empty prompt, which classifier-free guidance needs."),
                    0, 1));
    // Options of the eps-loss jobs only. The EDM jobs (i2v and t2v, log-normal sigma up to
    // hundreds) leave no image mean in their noise and have their own loss weighting.
    if (usesEdmLoss()) {
      s.add(makeField(key(job_, "p_mean"), FieldType::Float, YAML::Node(kDefaultPMean),
                      "Mean of log sigma during training (EDM log-normal)."));
      s.add(withRange(makeField(key(job_, "p_std"), FieldType::Float, YAML::Node(kDefaultPStd),
                                "Std of log sigma during training."),
                      0.01, 10));
    } else {
      s.add(withRange(makeField(key(job_, "offset_noise"), FieldType::Float, YAML::Node(0.0),
                                "Standard deviation of a per-sample, per-channel constant added to the training "
                                "noise. It hides the image mean that leaks through the last timesteps, so samples "
                                "from pure noise can reach backgrounds far from the average. 0 is off."),
                      0, 10));
      s.add(withRange(makeField(key(job_, "p2_gamma"), FieldType::Float, YAML::Node(0.0),
                                "P2 loss weighting (Choi et al. 2022): each sample's loss is weighted by "
                                "1/(p2_k + SNR(t))^gamma, which shifts training towards the noisy timesteps where "
                                "layout and motion are decided. 0 is the plain (unweighted) loss."),
                      0, 4));
      s.add(withRange(makeField(key(job_, "p2_k"), FieldType::Float, YAML::Node(1.0),
                                "The k of P2 weighting. With gamma 1, k below 1 turns the eps loss towards an "
                                "x0 loss at the noisy timesteps, capped at weight 1/k."),
                      1e-3, 100));
    }
    s.add(withRange(makeField(key(job_, "frames_per_clip"), FieldType::Int, YAML::Node(2),
                              "Image jobs: random frames taken from each clip per step."),
                    1, 256));
    s.add(withRange(makeField(key(job_, "sample_steps"), FieldType::Int, YAML::Node(25), "Sampler steps of previews."),
                    1, 1000));
    s.add(withRange(makeField(key(job_, "sample_cfg"), FieldType::Float, YAML::Node(4.0),
                              "Guidance weight of previews (t2v with distil_guidance previews unguided)."),
                    0, 50));
    addJobFields(s);
    return s;
  }

  void setup(TrainContext& ctx) override {
    torch::manual_seed(static_cast<uint64_t>(ctx.config.get<int64_t>("run.seed")));
    if (!usesEdmLoss()) {  // the EDM jobs keep the members' defaults (off)
      offsetNoise_ = ctx.config.get<double>(key(job_, "offset_noise"));
      p2Gamma_ = ctx.config.get<double>(key(job_, "p2_gamma"));
      p2K_ = ctx.config.get<double>(key(job_, "p2_k"));
      if (kind() == kKindVideoUNet) {
        cleanFirstFrame_ = ctx.config.get<double>(key(job_, "clean_first_frame"));
        prediction_ = diffusion::parseParameterisation(ctx.config.get<std::string>(key(job_, "prediction")));
        if (prediction_ != diffusion::Parameterisation::eps && prediction_ != diffusion::Parameterisation::v)
          throw ConfigError(key(job_, "prediction") + ": '" + diffusion::toString(prediction_) +
                            "' is not one of eps, v");
      }
    }
    buildNetworks(ctx);
    autoencoder_->module->to(ctx.device);
    autoencoder_->module->eval();
    for (auto& p : autoencoder_->module->parameters()) p.set_requires_grad(false);
    if (textEncoder_) textEncoder_->to(ctx.device);
    network_->to(ctx.device);
    // Optional EMA of the network (trainer.ema_decay), starting from its initial weights; it
    // is what previews sample and what the export holds. A jointly trained text encoder has
    // no EMA, so the two would not match: refused.
    emaDecay_ = ctx.config.get<double>("trainer.ema_decay");
    if (emaDecay_ > 0) {
      if (textEncoderTrains())
        throw ConfigError("trainer.ema_decay: the " + job_ +
                          " job trains the text encoder with the network, and an EMA of the network alone would "
                          "not match it; set it to 0 or freeze the text encoder");
      ema_ = copyOfNetwork(*network_);
      ema_->to(ctx.device);
      SlotOptions eo;
      eo.trainedByEma = true;
      ctx.slots.add(slot::kEma, ema_, eo);
    }
  }

  StepResult step(TrainContext& ctx, const Batch& batch) override {
    network_->train();
    torch::Tensor latents;
    {
      torch::NoGradGuard noGrad;
      latents = autoencoder_->module->encodeVideo(batch.video.to(ctx.device));  // [B,F,C,h,w]
    }
    std::vector<std::string> captions = dropCaptions(ctx, batch.captions);
    const torch::Tensor loss = diffusionLoss(ctx, latents, captions, batch);
    StepResult r;
    r.losses["denoise"] = loss.item<double>() - (lastContrast_ ? directionContrast_ * *lastContrast_ : 0.0);
    if (lastContrast_) r.losses["direction_contrast"] = *lastContrast_;
    std::vector<std::string> slots = {slot::kModel};
    if (textEncoderTrains()) slots.push_back(kTextEncoderSlot);
    if (ctx.optimizeAll(slots, loss) && ema_) ctx.updateEma(slot::kEma, slot::kModel, emaDecay_);
    return r;
  }

  std::vector<SampleOutput> sample(TrainContext& ctx, const SampleRequest& request) override {
    const fs::path scratch = fs::temp_directory_path() / ("vds-preview-" + std::to_string(::getpid()) + "-" + job_);
    writePackages(ctx, scratch / "model", scratch / "text-encoder");
    GenerationModels models = GenerationModels::load(scratch / "model");
    GenerateRequest g;
    g.prompts = request.captions;
    if (isImageToVideo()) g.firstFrames = request.firstFrames;
    g.sampler = isImageToVideo() ? diffusion::SamplerKind::heun : diffusion::SamplerKind::ddim;
    g.steps = static_cast<int>(ctx.config.get<int64_t>(key(job_, "sample_steps")));
    g.cfg = previewGuidance(ctx);
    g.seed = request.seed;
    const GenerateResult result = generate(models, g);
    std::error_code ec;
    fs::remove_all(scratch, ec);
    return {{job_, result.videos}, {"real", toUint8Video(request.videos)}};
  }

  void exportPackage(TrainContext& ctx, const std::string& dir) override {
    fs::path textDir;
    if (textEncoderTrains()) {
      textDir = ctx.config.get<std::string>(key(job_, "text_encoder_export"));
      if (textDir.empty()) textDir = defaultTextExport(dir);
    }
    writePackages(ctx, dir, textDir);
  }

 protected:
  virtual double defaultLr() const { return 3e-4; }
  virtual void addJobFields(ConfigSchema& s) const = 0;
  virtual void buildNetworks(TrainContext& ctx) = 0;
  virtual bool isImageToVideo() const { return false; }
  // Trains with edmLoss() (and the p_mean/p_std fields) rather than the DDPM eps/v loss.
  virtual bool usesEdmLoss() const { return isImageToVideo(); }
  virtual bool textEncoderTrains() const { return false; }
  // Guidance weight of the previews.
  virtual double previewGuidance(const TrainContext& ctx) const {
    return ctx.config.get<double>(key(job_, "sample_cfg"));
  }
  // Where a trained text encoder goes when text_encoder_export is empty.
  virtual fs::path defaultTextExport(const fs::path& exportDir) const {
    return exportDir.parent_path() / "text-encoder";
  }
  virtual std::string textEncoderName() const { return "shapes-text-encoder"; }
  virtual std::string textEncoderDescription() const { return "Word tokenizer and transformer of the Shapes world."; }
  virtual std::string kind() const = 0;
  // Parameterisation, sigma_data and schedule of the exported package.
  virtual void describeDiffusion(const TrainContext& ctx, DiffusionSpec& spec) const = 0;

  DiffusionSpec diffusionSpec(const TrainContext& ctx, const fs::path& packageDir, const fs::path& textDir) const {
    DiffusionSpec d;
    describeDiffusion(ctx, d);
    d.latent = latentSpec(ctx, packageDir, isImageJob() ? 1 : ctx.config.get<int64_t>("data.frames"));
    d.textEncoder = packageReference(packageDir, textDir);
    return d;
  }

  // The DDPM loss of the image, motion and style jobs: eps prediction, or v for a motion
  // job that asks for it; i2v overrides diffusionLoss.
  virtual torch::Tensor diffusionLoss(TrainContext& ctx, const torch::Tensor& latents,
                                      const std::vector<std::string>& captions, const Batch&) {
    torch::Tensor x0 = latents;
    torch::Tensor context = encodeText(ctx, captions);
    if (isImageJob()) std::tie(x0, context) = imageFrames(ctx, latents, context);
    const int64_t n = x0.size(0);
    const torch::Tensor t = ctx.randint(0, schedule_.numTimesteps(), {n});
    const torch::Tensor abar = alphasCumprod_.to(ctx.device).index_select(0, t);
    std::vector<int64_t> view(static_cast<size_t>(x0.dim()), 1);
    view[0] = n;
    const torch::Tensor a = abar.sqrt().view(view), s = (1 - abar).sqrt().view(view);
    torch::Tensor eps = ctx.randn(x0.sizes());
    if (offsetNoise_ > 0) eps = eps + offsetNoise_ * ctx.randn(offsetNoiseShape(x0));
    torch::Tensor xt = a * x0 + s * eps;
    torch::Tensor tNet = t.to(torch::kFloat), lossFrames;
    if (cleanFirstFrame_ > 0) {  // video jobs only (setup)
      const torch::Tensor clean = ctx.rand({n}) < cleanFirstFrame_;
      CleanFirstFrame c = withCleanFirstFrame(x0, xt, tNet, clean);
      xt = c.xt;
      tNet = c.t;
      lossFrames = c.lossFrames;
    }
    const torch::Tensor pred = runNetwork(xt, tNet, context);
    const torch::Tensor target = prediction_ == diffusion::Parameterisation::v ? diffusion::vFromX0Eps(x0, eps, a, s) : eps;
    const torch::Tensor weights = p2Gamma_ == 0 ? torch::Tensor() : p2Weights(abar, p2Gamma_, p2K_);
    const torch::Tensor error = perSampleError(pred, target, lossFrames);
    // (mse_loss where it equals error.mean(), so runs without these options add up as before)
    torch::Tensor loss = p2Gamma_ != 0         ? (weights * error).mean()
                         : lossFrames.defined() ? error.mean()
                                                : torch::mse_loss(pred, target);
    lastContrast_.reset();
    if (directionContrast_ > 0 && !isImageJob()) {
      // The same noisy clips under captions whose directions are all wrong must be
      // denoised worse, by at least the margin: the caption's direction word has to matter.
      // The hinge divides by the true caption's error, so its gradient is off the denoising
      // loss's scale: large where that error is small (high noise, for eps) and where P2
      // shrinks the denoising loss (low noise). With P2 it takes the same per-sample
      // weights as the denoising error; at weight 1 a cpu-small run collapsed, at 0.02 it
      // trained stably (docs/results.md).
      std::vector<std::string> negatives(captions.size());
      std::vector<uint8_t> valid(captions.size(), 0);
      for (size_t i = 0; i < captions.size(); ++i) {
        if (captions[i].empty()) continue;
        const size_t objects = parseCaption(captions[i]).size();
        const torch::Tensor shifts = ctx.randint(1, 4, {static_cast<int64_t>(objects)}).cpu();
        negatives[i] = withOtherDirections(captions[i], {shifts.data_ptr<int64_t>(), shifts.data_ptr<int64_t>() + objects});
        valid[i] = 1;
      }
      const torch::Tensor validMask = torch::tensor(std::vector<int64_t>(valid.begin(), valid.end())).to(ctx.device) > 0;
      if (validMask.any().item<bool>()) {
        const torch::Tensor negPred = runNetwork(xt, tNet, encodeText(ctx, negatives));
        const torch::Tensor contrast = directionContrastLoss(error, perSampleError(negPred, target, lossFrames), validMask,
                                                             directionContrastMargin_, weights);
        lastContrast_ = contrast.item<double>();
        loss = loss + directionContrast_ * contrast;
      }
    }
    return loss;
  }

  // Image jobs: frames_per_clip random frames of each clip [B,F,C,h,w] become independent
  // images [B*k,C,h,w], each with its clip's context row.
  std::pair<torch::Tensor, torch::Tensor> imageFrames(TrainContext& ctx, const torch::Tensor& latents,
                                                      const torch::Tensor& context) const {
    const int64_t k = std::min<int64_t>(ctx.config.get<int64_t>(key(job_, "frames_per_clip")), latents.size(1));
    const torch::Tensor pick = ctx.randint(0, latents.size(1), {latents.size(0), k});
    const torch::Tensor frames =
        latents.gather(1, pick.view({latents.size(0), k, 1, 1, 1}).expand({-1, -1, latents.size(2), latents.size(3),
                                                                           latents.size(4)}));
    return {frames.flatten(0, 1), context.repeat_interleave(k, 0)};
  }

  // EDM training (Karras et al. 2022, Eq. 2 and Table 1) with SVD's v-style c_out
  // (specs/003 §3.2) and sigma_data 1: sigma ~ log-normal(p_mean, p_std), weight
  // lambda = 1/c_out^2, written as an MSE on the network's raw output F against its
  // effective target. `net` maps (c_in x_noisy, c_noise [B]) to F.
  // With `targetNet`, the target is its output at the same input (no gradient) instead of
  // the data's: the network learns to copy another one on noised real clips.
  using EdmNetwork = std::function<torch::Tensor(const torch::Tensor& input, const torch::Tensor& cNoise)>;
  torch::Tensor edmLoss(TrainContext& ctx, const torch::Tensor& latents, const EdmNetwork& net,
                        const EdmNetwork& targetNet = {}) {
    const int64_t b = latents.size(0);
    const double sigmaData = 1.0;
    const torch::Tensor logSigma =
        ctx.randn({b}) * ctx.config.get<double>(key(job_, "p_std")) + ctx.config.get<double>(key(job_, "p_mean"));
    std::vector<int64_t> view(static_cast<size_t>(latents.dim()), 1);
    view[0] = b;
    const torch::Tensor sigma = logSigma.exp().view(view);
    const torch::Tensor noisy = latents + sigma * ctx.randn(latents.sizes());
    const torch::Tensor s2 = sigma * sigma + sigmaData * sigmaData;
    const torch::Tensor cSkip = sigmaData * sigmaData / s2;
    const torch::Tensor cOut = -sigma * sigmaData / s2.sqrt();
    const torch::Tensor cIn = 1.0 / s2.sqrt();
    const torch::Tensor out = net(cIn * noisy, logSigma * 0.25);
    torch::Tensor target;
    if (targetNet) {
      torch::NoGradGuard noGrad;
      target = targetNet(cIn * noisy, logSigma * 0.25);
    } else {
      target = (latents - cSkip * noisy) / cOut;
    }
    return torch::mse_loss(out, target);
  }

  virtual torch::Tensor runNetwork(const torch::Tensor& x, const torch::Tensor& t, const torch::Tensor& context) = 0;
  bool isImageJob() const { return kind() == kKindImageUNet; }

  std::vector<std::string> dropCaptions(TrainContext& ctx, const std::vector<std::string>& captions) {
    const double p = ctx.config.get<double>(key(job_, "caption_dropout"));
    const torch::Tensor u = ctx.rand({static_cast<int64_t>(captions.size())}).cpu();
    std::vector<std::string> out = captions;
    for (size_t i = 0; i < out.size(); ++i)
      if (u[static_cast<int64_t>(i)].item<double>() < p) out[i].clear();
    return out;
  }

  torch::Tensor encodeText(TrainContext& ctx, const std::vector<std::string>& captions) {
    if (!textEncoder_) return {};
    if (textEncoderTrains()) return textEncoder_->encode(*tokenizer_, captions).context;
    torch::NoGradGuard noGrad;
    (void)ctx;
    return textEncoder_->encode(*tokenizer_, captions).context;
  }

  void writePackages(TrainContext& ctx, const fs::path& dir, const fs::path& textDir) {
    if (textEncoder_ && textEncoderTrains())
      saveTextEncoder(textDir, trainedPackageInfo(ctx, textEncoderName(), textEncoderDescription()), textEncoder_,
                      *tokenizer_);
    const fs::path textRef = textEncoderTrains() ? textDir : textEncoderPath_;
    PackageInfo info = trainedPackageInfo(ctx, packageName(ctx), packageDescription());
    if (offsetNoise_ > 0) info.training["offset_noise"] = offsetNoise_;
    if (cleanFirstFrame_ > 0) info.training["clean_first_frame"] = cleanFirstFrame_;
    if (p2Gamma_ > 0) {
      info.training["p2_gamma"] = p2Gamma_;
      info.training["p2_k"] = p2K_;
    }
    if (ema_) info.training["ema_decay"] = emaDecay_;
    if (usesEdmLoss()) {  // the EDM jobs' noise-level distribution, where not the default
      const double pMean = ctx.config.get<double>(key(job_, "p_mean")), pStd = ctx.config.get<double>(key(job_, "p_std"));
      if (pMean != kDefaultPMean || pStd != kDefaultPStd) {
        info.training["p_mean"] = pMean;
        info.training["p_std"] = pStd;
      }
    }
    recordTraining(ctx, info);
    saveDiffusionModel(dir, info, kind(), ema_ ? *ema_ : *network_, diffusionSpec(ctx, dir, textRef));
  }

  virtual std::string packageName(const TrainContext& ctx) const = 0;
  virtual std::string packageDescription() const = 0;
  // Job options that change the weights beyond the shared ones, for model.yaml's `training:`.
  virtual void recordTraining(const TrainContext&, PackageInfo&) const {}

  LatentSpec latentSpec(const TrainContext& ctx, const fs::path& packageDir, int64_t frames) const {
    LatentSpec l;
    l.autoencoder = packageReference(packageDir, autoencoderPath_);
    l.channels = autoencoder_->module->options().latentChannels;
    const int64_t down = autoencoder_->module->options().downsampleFactor();
    l.height = l.width = ctx.config.get<int64_t>("data.size") / down;
    l.frames = frames;
    return l;
  }

  // "method.JOB.base: 'PATH'", the start of every message about a loaded base package.
  std::string baseWhere(const LoadedDiffusionModel& loaded) const {
    return key(job_, "base") + ": '" + loaded.package.dir().string() + "'";
  }

  // Loads the package a job starts from, checks its kind (one of `expectedKinds`), and takes
  // its autoencoder and (frozen) text encoder, so the new model shares the base model's
  // latent and prompts.
  LoadedDiffusionModel loadBase(TrainContext& ctx, const std::vector<std::string>& expectedKinds) {
    const fs::path base = resolveModelPath(ctx.config.get<std::string>(key(job_, "base")));
    LoadedDiffusionModel loaded = loadDiffusionModel(base);
    if (std::find(expectedKinds.begin(), expectedKinds.end(), loaded.kind) == expectedKinds.end()) {
      std::string kinds;
      for (const auto& k : expectedKinds) kinds += (kinds.empty() ? "" : " or ") + k;
      throw ConfigError(key(job_, "base") + ": '" + base.string() + "' is a " + loaded.kind + ", not a " + kinds);
    }
    loadAutoencoder(loaded.autoencoderPath());
    loadFrozenText(loaded.textEncoderPath());
    return loaded;
  }

  void loadAutoencoder(const fs::path& path) {
    autoencoderPath_ = path;
    autoencoder_ = vds::loadAutoencoder(path);
  }
  void loadFrozenText(const fs::path& path) {
    textEncoderPath_ = path;
    LoadedTextEncoder loaded = vds::loadTextEncoder(path);
    textEncoder_ = loaded.module;
    tokenizer_ = loaded.tokenizer;
    textEncoder_->eval();
    for (auto& p : textEncoder_->parameters()) p.set_requires_grad(false);
  }

  std::string job_;
  std::shared_ptr<torch::nn::Module> ema_;  // trainer.ema_decay > 0 only
  double emaDecay_ = 0;
  double offsetNoise_ = 0;  // method.JOB.offset_noise; eps jobs only
  double p2Gamma_ = 0;      // method.JOB.p2_gamma; eps jobs only
  double p2K_ = 1;          // method.JOB.p2_k; eps jobs only
  double directionContrast_ = 0, directionContrastMargin_ = 0;  // motion job only
  double cleanFirstFrame_ = 0;                                 // method.motion.clean_first_frame
  diffusion::Parameterisation prediction_ = diffusion::Parameterisation::eps;  // method.motion.prediction
  std::optional<double> lastContrast_;                         // the last step's hinge, when computed
  std::optional<LoadedAutoencoder> autoencoder_;
  fs::path autoencoderPath_, textEncoderPath_;
  TextEncoder textEncoder_{nullptr};
  std::optional<WordTokenizer> tokenizer_;
  std::shared_ptr<torch::nn::Module> network_;
  diffusion::DdpmSchedule schedule_ = diffusion::DdpmSchedule::scaledLinear();
  torch::Tensor alphasCumprod_ = torch::tensor(schedule_.alphasCumprod(), torch::kDouble).to(torch::kFloat);
};

// ---- image: the base image model and the text encoder, trained together ----------------
class ImagePretraining : public LatentDiffusionPretraining {
 public:
  ImagePretraining() : LatentDiffusionPretraining("image") {}

 protected:
  void addJobFields(ConfigSchema& s) const override {
    s.add(makeField(key(job_, "autoencoder"), FieldType::String, YAML::Node("builtin:autoencoder"),
                    "Autoencoder package (builtin:NAME or a folder)."));
    s.add(makeField(key(job_, "architecture"), FieldType::Map, YAML::Node(YAML::NodeType::Map), "ImageUNetOptions overrides."));
    s.add(makeField(key(job_, "text_architecture"), FieldType::Map, YAML::Node(YAML::NodeType::Map),
                    "TextEncoderOptions overrides (vocab_size and max_length follow the tokenizer)."));
    s.add(makeField(key(job_, "text_encoder_export"), FieldType::String, YAML::Node(""),
                    "Where the text encoder package goes; empty: a 'text-encoder' folder beside the export."));
  }
  bool textEncoderTrains() const override { return true; }
  std::string kind() const override { return kKindImageUNet; }

  void buildNetworks(TrainContext& ctx) override {
    loadAutoencoder(resolveModelPath(ctx.config.get<std::string>(key(job_, "autoencoder"))));
    tokenizer_ = shapesTokenizer(kTokenizerLength);
    TextEncoderOptions to = TextEncoderOptions::fromYaml(ctx.config.node(key(job_, "text_architecture")));
    to.vocabSize = tokenizer_->vocabSize();
    to.maxLength = kTokenizerLength;
    textEncoder_ = TextEncoder(to);
    ImageUNetOptions uo = ImageUNetOptions::fromYaml(ctx.config.node(key(job_, "architecture")));
    uo.inChannels = uo.outChannels = autoencoder_->module->options().latentChannels;
    uo.contextDim = to.dModel;
    unet_ = ImageUNet(uo);
    network_ = unet_.ptr();
    SlotOptions o;
    o.learningRate = ctx.config.get<double>(key(job_, "lr"));
    ctx.slots.add(slot::kModel, network_, o);
    ctx.slots.add(kTextEncoderSlot, textEncoder_.ptr(), o);
  }
  torch::Tensor runNetwork(const torch::Tensor& x, const torch::Tensor& t, const torch::Tensor& context) override {
    return unet_->forward(x, t, context);
  }
  void describeDiffusion(const TrainContext&, DiffusionSpec& d) const override { describeEpsDdpm(d); }
  std::string packageName(const TrainContext&) const override { return "shapes-image-base"; }
  std::string packageDescription() const override { return "Text-to-image UNet of the Shapes world (plain style)."; }

  ImageUNet unet_{nullptr};
};

// ---- style: the image model fine-tuned on frames of one style --------------------------
// The base is an image package, or a text-to-video package whose spatial part (the image
// UNet inside it, without the motion modules) becomes the style model: a video teacher's
// spatial layers have seen far more training than the image base. An `edm_v` base keeps
// its parameterisation and trains with the EDM loss.
class StylePretraining : public ImagePretraining {
 public:
  StylePretraining() { job_ = "style"; }

 protected:
  double defaultLr() const override { return 1e-4; }
  void addJobFields(ConfigSchema& s) const override {
    s.add(makeField(key(job_, "base"), FieldType::String, YAML::Node("builtin:image-base"),
                    "The package to fine-tune: an image package, or a text-to-video package whose spatial part (its "
                    "image UNet, without the motion modules) is taken. Its autoencoder and text encoder are used "
                    "frozen."));
    s.add(makeField(key(job_, "p_mean"), FieldType::Float, YAML::Node(kDefaultPMean),
                    "EDM bases only (edm_v): mean of log sigma during training (EDM log-normal)."));
    s.add(withRange(makeField(key(job_, "p_std"), FieldType::Float, YAML::Node(kDefaultPStd),
                              "EDM bases only (edm_v): std of log sigma during training."),
                    0.01, 10));
  }
  bool textEncoderTrains() const override { return false; }

  void buildNetworks(TrainContext& ctx) override {
    if (ctx.config.get<std::string>("data.style") == "plain")
      throw ConfigError("data.style: a style model needs a non-plain style (outline, checker, pastel, pixel)");
    LoadedDiffusionModel loaded = loadBase(ctx, {kKindImageUNet, kKindVideoUNet});
    const std::string where = baseWhere(loaded);
    if (loaded.spec.schedule.edm)
      throw ConfigError(where + " runs on an EDM (Karras) schedule; a style model needs the DDPM schedule");
    const diffusion::Parameterisation p = loaded.spec.parameterisation;
    if (p != diffusion::Parameterisation::eps && p != diffusion::Parameterisation::edm_v)
      throw ConfigError(where + " predicts " + diffusion::toString(p) + "; the style job trains eps or edm_v");
    edm_ = p == diffusion::Parameterisation::edm_v;
    if (edm_) requireUnitEdmV(loaded, where);
    if (edm_ && (offsetNoise_ > 0 || p2Gamma_ > 0))
      throw ConfigError(key(job_, offsetNoise_ > 0 ? "offset_noise" : "p2_gamma") + " applies to eps bases only, and " +
                        where + " is edm_v; set it to 0");
    unet_ = loaded.kind == kKindVideoUNet ? loaded.videoUNet()->spatial
                                          : ImageUNet(std::dynamic_pointer_cast<ImageUNetImpl>(loaded.module));
    network_ = unet_.ptr();
    SlotOptions o;
    o.learningRate = ctx.config.get<double>(key(job_, "lr"));
    ctx.slots.add(slot::kModel, network_, o);
  }
  torch::Tensor diffusionLoss(TrainContext& ctx, const torch::Tensor& latents, const std::vector<std::string>& captions,
                              const Batch& batch) override {
    if (!edm_) return ImagePretraining::diffusionLoss(ctx, latents, captions, batch);
    torch::Tensor frames, context;
    std::tie(frames, context) = imageFrames(ctx, latents, encodeText(ctx, captions));
    return edmLoss(ctx, frames, [&](const torch::Tensor& input, const torch::Tensor& cNoise) {
      return unet_->forward(input, cNoise, context);
    });
  }
  void recordTraining(const TrainContext& ctx, PackageInfo& info) const override {
    if (!edm_) return;
    info.training["p_mean"] = ctx.config.get<double>(key(job_, "p_mean"));
    info.training["p_std"] = ctx.config.get<double>(key(job_, "p_std"));
  }
  void describeDiffusion(const TrainContext&, DiffusionSpec& d) const override {
    describeEpsDdpm(d);
    if (edm_) d.parameterisation = diffusion::Parameterisation::edm_v;
  }
  std::string packageName(const TrainContext& ctx) const override {
    return "shapes-style-" + ctx.config.get<std::string>("data.style");
  }
  std::string packageDescription() const override {
    return edm_ ? "Image UNet fine-tuned on one Shapes style from a text-to-video teacher's spatial layers."
                : "Image UNet fine-tuned on one Shapes style.";
  }

  bool edm_ = false;  // the base is edm_v: trained with edmLoss
};

// ---- motion: temporal layers on top of the frozen image model --------------------------
class MotionPretraining : public LatentDiffusionPretraining {
 public:
  MotionPretraining() : LatentDiffusionPretraining("motion") {}

 protected:
  void addJobFields(ConfigSchema& s) const override {
    s.add(makeField(key(job_, "base"), FieldType::String, YAML::Node("builtin:image-base"),
                    "The image package whose layers become the frozen spatial part."));
    s.add(makeField(key(job_, "motion_architecture"), FieldType::Map, YAML::Node(YAML::NodeType::Map),
                    "MotionModuleOptions overrides (heads, layers, ff_mult; text_attention, temporal_conv, "
                    "spatial_position and frame_embedding add parts, off by default: models/motion_module.h)."));
    s.add(withRange(makeField(key(job_, "spatial_lr_scale"), FieldType::Float, YAML::Node(0.0),
                              "Learning rate of the spatial (image) layers relative to the motion modules. 0 keeps "
                              "them frozen, as AnimateDiff does; above 0 the whole video UNet trains, so the "
                              "spatial layers can learn what still images cannot show (motion direction)."),
                    0, 10));
    s.add(withRange(makeField(key(job_, "text_lr_scale"), FieldType::Float, YAML::Node(0.0),
                              "Learning rate of the text encoder relative to the motion modules. 0 keeps the base's "
                              "text encoder frozen; above 0 it trains with the video UNet and is exported as a "
                              "package of its own (text_encoder_export), which the teacher then references. The "
                              "image job trains the text encoder on still frames, where a direction word says "
                              "nothing, so only a video job can teach it to tell directions apart."),
                    0, 10));
    s.add(makeField(key(job_, "text_encoder_export"), FieldType::String, YAML::Node(""),
                    "Where the trained text encoder goes when text_lr_scale is above 0; empty: a folder named "
                    "after the export with '-text-encoder' appended, beside it (never the base's own text "
                    "encoder, which the image and style models keep using)."));
    s.add(withRange(makeField(key(job_, "direction_contrast"), FieldType::Float, YAML::Node(0.0),
                              "Weight of a caption-contrastive term (Shapes-world captions only): each clip is also "
                              "denoised under its caption with every direction replaced by another one, and a hinge "
                              "asks that error to exceed the true caption's by direction_contrast_margin. It makes "
                              "the direction word matter to the denoiser, which classifier-free guidance then "
                              "amplifies. With p2_gamma each sample's hinge takes its P2 weight, as its denoising "
                              "error does. Costs one more forward and backward per step. 0 is off."),
                    0, 100));
    s.add(withRange(makeField(key(job_, "direction_contrast_margin"), FieldType::Float, YAML::Node(0.02),
                              "Relative margin of direction_contrast: the wrong-direction error must reach "
                              "(1 + margin) times the true caption's."),
                    0, 10));
    s.add(withRange(makeField(key(job_, "clean_first_frame"), FieldType::Float, YAML::Node(0.0),
                              "Probability that a training clip's frame 0 is given clean, at timestep 0, with no "
                              "loss on it: the teacher then also learns image-to-video, in which the object's start "
                              "is known and the caption's direction tells where it goes. Sampling from noise is "
                              "unchanged. 0 is off."),
                    0, 1));
    s.add(makeField(key(job_, "prediction"), FieldType::String, YAML::Node("eps"),
                    "What the network predicts: eps (the noise, as the image base and AnimateDiff) or v "
                    "(alpha eps - sigma x0, Salimans & Ho 2022). At the noisiest timesteps an eps network must "
                    "pass its input through almost unchanged and carry the clip's layout in a small remainder "
                    "(alpha/sigma = 0.068 at t = 999); a v network outputs about -x0 there. v needs "
                    "spatial_lr_scale above 0. The package records it, so samplers and distillation follow."));
  }
  std::string kind() const override { return kKindVideoUNet; }

  void buildNetworks(TrainContext& ctx) override {
    LoadedDiffusionModel loaded = loadBase(ctx, {kKindImageUNet});
    if (prediction_ != diffusion::Parameterisation::eps && ctx.config.get<double>(key(job_, "spatial_lr_scale")) == 0)
      throw ConfigError(key(job_, "prediction") + ": '" + diffusion::toString(prediction_) +
                        "' needs the spatial layers to train (spatial_lr_scale above 0); frozen, they keep the "
                        "image base's eps output");
    VideoUNetOptions vo;
    vo.spatial = loaded.imageUNet()->options();
    YAML::Node arch;
    arch["spatial"] = vo.spatial.toYaml();
    arch["motion"] = ctx.config.node(key(job_, "motion_architecture"));
    vo = VideoUNetOptions::fromYaml(arch);
    video_ = VideoUNet(vo);
    video_->loadSpatialState(namedState(*loaded.module));
    network_ = video_.ptr();
    directionContrast_ = ctx.config.get<double>(key(job_, "direction_contrast"));
    directionContrastMargin_ = ctx.config.get<double>(key(job_, "direction_contrast_margin"));
    if (directionContrast_ > 0 && ctx.config.get<std::string>("data.source") != "shapes")
      throw ConfigError(key(job_, "direction_contrast") + " needs the Shapes world's captions (data.source: shapes)");
    SlotOptions o;
    o.learningRate = ctx.config.get<double>(key(job_, "lr"));
    const double spatialScale = ctx.config.get<double>(key(job_, "spatial_lr_scale"));
    if (spatialScale > 0) {
      SlotOptions whole = o;
      whole.lrScale = [spatialScale](const std::string& name) {
        return VideoUNetImpl::isMotionParameter(name) ? 1.0 : spatialScale;
      };
      ctx.slots.add(slot::kModel, network_, whole);
    } else {
      ctx.slots.add(slot::kModel, network_, o, video_->motionParameters());
    }
    const double textScale = ctx.config.get<double>(key(job_, "text_lr_scale"));
    textTrains_ = textScale > 0;
    if (textTrains_) {
      SlotOptions t = o;
      t.learningRate = o.learningRate * textScale;
      ctx.slots.add(kTextEncoderSlot, textEncoder_.ptr(), t);
    }
  }
  bool textEncoderTrains() const override { return textTrains_; }
  fs::path defaultTextExport(const fs::path& exportDir) const override {
    fs::path dir = exportDir.lexically_normal();
    if (dir.filename().empty()) dir = dir.parent_path();  // a trailing separator
    return dir.parent_path() / (dir.filename().string() + "-text-encoder");
  }
  std::string textEncoderName() const override { return "shapes-video-text-encoder"; }
  std::string textEncoderDescription() const override {
    return "The Shapes world's text encoder, fine-tuned with the text-to-video teacher so that it tells the "
           "direction words apart.";
  }
  torch::Tensor runNetwork(const torch::Tensor& x, const torch::Tensor& t, const torch::Tensor& context) override {
    return video_->forward(x, t, context);
  }
  void describeDiffusion(const TrainContext&, DiffusionSpec& d) const override {
    describeEpsDdpm(d);
    d.parameterisation = prediction_;
  }
  std::string packageName(const TrainContext&) const override { return "shapes-t2v-motion"; }
  void recordTraining(const TrainContext& ctx, PackageInfo& info) const override {
    const double spatialScale = ctx.config.get<double>(key(job_, "spatial_lr_scale"));
    if (spatialScale > 0) info.training["spatial_lr_scale"] = spatialScale;
    const double textScale = ctx.config.get<double>(key(job_, "text_lr_scale"));
    if (textScale > 0) info.training["text_lr_scale"] = textScale;
    if (directionContrast_ > 0) {
      info.training["direction_contrast"] = directionContrast_;
      info.training["direction_contrast_margin"] = directionContrastMargin_;
    }
  }
  std::string packageDescription() const override {
    return "Text-to-video teacher of the Shapes world: the image base plus motion modules.";
  }

  VideoUNet video_{nullptr};
  bool textTrains_ = false;  // method.motion.text_lr_scale > 0
};

// ---- i2v: the EDM image-to-video teacher ------------------------------------------------
class I2VPretraining : public LatentDiffusionPretraining {
 public:
  I2VPretraining() : LatentDiffusionPretraining("i2v") {}

 protected:
  void addJobFields(ConfigSchema& s) const override {
    s.add(makeField(key(job_, "base"), FieldType::String, YAML::Node("builtin:t2v-motion"),
                    "The text-to-video package whose weights initialise the network (input layer widened), or an "
                    "image-to-video package this job made, to train on."));
    s.add(makeField(key(job_, "first_frame_mask"), FieldType::Bool, YAML::Node(false),
                    "Adds an input channel that marks frame 0 as the conditioning frame (models/i2v_unet.h)."));
    s.add(makeField(key(job_, "first_frame_channels"), FieldType::Bool, YAML::Node(false),
                    "Adds input channels that hold the first frame's latent on frame 0 only (models/i2v_unet.h)."));
    s.add(withRange(makeField(key(job_, "sigma_max"), FieldType::Float, YAML::Node(700.0),
                              "Largest sampling sigma (SVD's 700, specs/003 §3.3)."),
                    1, 1e4));
  }
  bool isImageToVideo() const override { return true; }
  std::string kind() const override { return kKindI2VUNet; }

  void buildNetworks(TrainContext& ctx) override {
    LoadedDiffusionModel loaded = loadBase(ctx, {kKindVideoUNet, kKindI2VUNet});
    if (loaded.kind == kKindI2VUNet) {
      continueFrom(ctx, loaded);
    } else {
      widenFrom(ctx, loaded);
    }
    network_ = i2v_.ptr();
    SlotOptions o;
    o.learningRate = ctx.config.get<double>(key(job_, "lr"));
    ctx.slots.add(slot::kModel, network_, o);
  }

  // An i2v package goes on training as it is (a fresh optimiser). Its first-frame inputs are
  // part of its architecture, so the job's options for them must agree with it.
  void continueFrom(const TrainContext& ctx, const LoadedDiffusionModel& loaded) {
    const std::string where = baseWhere(loaded);
    requireUnitEdmV(loaded, where);
    const I2VUNetOptions& io = loaded.i2vUNet()->i2vOptions();
    const auto agree = [&](const char* option, bool has) {
      if (ctx.config.get<bool>(key(job_, option)) != has)
        throw ConfigError(key(job_, option) + " is " + (has ? "false" : "true") + ", but the base " + where +
                          (has ? " has" : " has no") + " such inputs; set it to " + (has ? "true" : "false"));
    };
    agree("first_frame_mask", io.firstFrameMask);
    agree("first_frame_channels", io.firstFrameChannels);
    i2v_ = I2VUNet(std::dynamic_pointer_cast<I2VUNetImpl>(loaded.module));
  }

  void widenFrom(const TrainContext& ctx, const LoadedDiffusionModel& loaded) {
    const VideoUNetOptions vo = loaded.videoUNet()->options();
    I2VUNetOptions io;
    io.latentChannels = vo.spatial.outChannels;
    io.firstFrameMask = ctx.config.get<bool>(key(job_, "first_frame_mask"));
    io.firstFrameChannels = ctx.config.get<bool>(key(job_, "first_frame_channels"));
    io.video = vo;
    io.video.spatial.inChannels = io.inputChannels();
    io.video.spatial.timeEmbedScale = I2VUNetOptions{}.video.spatial.timeEmbedScale;
    i2v_ = I2VUNet(io);
    initialiseFrom(*loaded.module);
  }

  // Copies every tensor of the text-to-video teacher; the input convolution gains zero
  // weights for the first-frame (and mask) channels, so training starts from the teacher's
  // behaviour.
  void initialiseFrom(const torch::nn::Module& teacher) {
    torch::NoGradGuard noGrad;
    const auto source = namedState(teacher);
    for (auto& [name, tensor] : namedState(*i2v_)) {
      auto it = source.find(name);
      if (it == source.end()) continue;
      if (it->second.sizes() == tensor.sizes()) {
        tensor.copy_(it->second);
      } else if (tensor.dim() == 4 && it->second.dim() == 4 && tensor.size(0) == it->second.size(0) &&
                 tensor.size(1) > it->second.size(1)) {
        tensor.zero_();
        tensor.narrow(1, 0, it->second.size(1)).copy_(it->second);
      }
    }
  }

  torch::Tensor diffusionLoss(TrainContext& ctx, const torch::Tensor& latents, const std::vector<std::string>& captions,
                              const Batch&) override {
    return edmLoss(ctx, latents, [&](const torch::Tensor& input, const torch::Tensor& cNoise) {
      // The first frame's latent conditions every frame; it is dropped (zeroed) with the
      // caption-dropout rate so that guidance has an unconditional branch.
      const int64_t b = latents.size(0);
      torch::Tensor first = latents.select(1, 0);
      const torch::Tensor keep =
          (ctx.rand({b}) >= ctx.config.get<double>(key(job_, "caption_dropout"))).to(torch::kFloat);
      first = first * keep.view({b, 1, 1, 1});
      return i2v_->forward(input, cNoise, first, encodeText(ctx, captions));
    });
  }
  torch::Tensor runNetwork(const torch::Tensor&, const torch::Tensor&, const torch::Tensor&) override {
    throw std::logic_error("i2v uses its own loss");
  }
  void describeDiffusion(const TrainContext& ctx, DiffusionSpec& d) const override {
    d.parameterisation = diffusion::Parameterisation::edm_v;
    d.sigmaData = 1.0;
    d.schedule = ScheduleSpec::karras(0.002, ctx.config.get<double>(key(job_, "sigma_max")), 7.0);
  }
  std::string packageName(const TrainContext&) const override { return "shapes-i2v-teacher"; }
  std::string packageDescription() const override {
    return "Image-to-video teacher of the Shapes world: EDM, conditioned on the first frame and the caption.";
  }

  I2VUNet i2v_{nullptr};
};

// ---- t2v: the image-to-video teacher's frame-free branch as a text-to-video teacher ------
// The i2v network sees its frame-free branch (a zero first-frame latent) at the caption-
// dropout rate, and there it already draws better text-to-video clips than motion modules
// trained on an image base (docs/results.md). This job cuts the first-frame inputs off
// (frameFreeVideoUNet: same outputs) and fine-tunes the whole network on that branch alone.
// The package keeps the EDM preconditioning and runs on the image base's DDPM schedule,
// which the style models share, so DDIM sampling, the probe and AVDM2 take it as they take
// any text-to-video teacher.
class FrameFreePretraining : public LatentDiffusionPretraining {
 public:
  FrameFreePretraining() : LatentDiffusionPretraining("t2v") {}

 protected:
  double defaultLr() const override { return 1e-4; }
  void addJobFields(ConfigSchema& s) const override {
    s.add(makeField(key(job_, "base"), FieldType::String, YAML::Node("builtin:i2v-teacher"),
                    "The image-to-video package whose frame-free branch becomes the text-to-video teacher, or a "
                    "text-to-video package this job made, to train on."));
    s.add(withRange(makeField(key(job_, "distil_guidance"), FieldType::Float, YAML::Node(0.0),
                              "0 trains on the data. W > 0 distils guidance instead (Meng et al. 2023, stage 1): on "
                              "noised real clips the network learns to give, in one unguided evaluation, a frozen "
                              "copy of the base's classifier-free-guided output at weight W (the empty prompt's "
                              "target stays the unguided one). Sample the result without --cfg."),
                    0, 50));
  }
  bool usesEdmLoss() const override { return true; }
  std::string kind() const override { return kKindVideoUNet; }

  void buildNetworks(TrainContext& ctx) override {
    LoadedDiffusionModel loaded = loadBase(ctx, {kKindI2VUNet, kKindVideoUNet});
    requireUnitEdmV(loaded, baseWhere(loaded));
    // An i2v package gives its frame-free branch; a package this job made goes on training.
    video_ = loaded.kind == kKindI2VUNet ? frameFreeVideoUNet(*loaded.i2vUNet())
                                         : VideoUNet(std::dynamic_pointer_cast<VideoUNetImpl>(loaded.module));
    network_ = video_.ptr();
    SlotOptions o;
    o.learningRate = ctx.config.get<double>(key(job_, "lr"));
    ctx.slots.add(slot::kModel, network_, o);
    guidance_ = ctx.config.get<double>(key(job_, "distil_guidance"));
    if (guidance_ > 0) {
      if (!textEncoder_)
        throw ConfigError(key(job_, "distil_guidance") + ": the base '" + loaded.package.dir().string() +
                          "' has no text encoder, so there is no guidance to distil");
      guide_ = VideoUNet(std::dynamic_pointer_cast<VideoUNetImpl>(copyOfNetwork(*video_)));
      guide_->to(ctx.device);
      guide_->eval();
      SlotOptions frozen;
      frozen.frozen = true;
      ctx.slots.add(slot::kTeacher, guide_.ptr(), frozen);
    }
  }
  torch::Tensor diffusionLoss(TrainContext& ctx, const torch::Tensor& latents, const std::vector<std::string>& captions,
                              const Batch&) override {
    const torch::Tensor context = encodeText(ctx, captions);
    const EdmNetwork net = [&](const torch::Tensor& input, const torch::Tensor& cNoise) {
      return video_->forward(input, cNoise, context);
    };
    if (guidance_ <= 0) return edmLoss(ctx, latents, net);
    const torch::Tensor empty = encodeText(ctx, std::vector<std::string>(captions.size()));
    return edmLoss(ctx, latents, net, [&](const torch::Tensor& input, const torch::Tensor& cNoise) {
      return guidedOutput(*guide_, input, cNoise, context, empty, guidance_);
    });
  }
  void recordTraining(const TrainContext&, PackageInfo& info) const override {
    if (guidance_ > 0) info.training["distil_guidance"] = guidance_;
  }
  // A network that learns the guided output is previewed unguided, as it will be sampled.
  double previewGuidance(const TrainContext& ctx) const override {
    return guidance_ > 0 ? 1.0 : LatentDiffusionPretraining::previewGuidance(ctx);
  }
  torch::Tensor runNetwork(const torch::Tensor&, const torch::Tensor&, const torch::Tensor&) override {
    throw std::logic_error("t2v uses its own loss");
  }
  void describeDiffusion(const TrainContext& ctx, DiffusionSpec& d) const override {
    describeEpsDdpm(d);
    d.parameterisation = diffusion::Parameterisation::edm_v;
    if (guidance_ > 0) {
      // Its guidance is built in: sampled as the teacher is (DDIM, the previews' steps),
      // but without guidance, unless the user asks for other sampling.
      SamplingSpec sampling;
      sampling.sampler = diffusion::SamplerKind::ddim;
      sampling.timesteps = d.schedule.ddpmSchedule().timesteps(
          static_cast<int>(ctx.config.get<int64_t>(key(job_, "sample_steps"))), diffusion::Spacing::trailing);
      sampling.cfg = 1.0;
      d.sampling = sampling;
    }
  }
  std::string packageName(const TrainContext&) const override {
    return guidance_ > 0 ? "shapes-t2v-teacher-guided" : "shapes-t2v-teacher";
  }
  std::string packageDescription() const override {
    if (guidance_ > 0) {
      std::ostringstream weight;
      weight << guidance_;
      return "Text-to-video teacher of the Shapes world with its classifier-free guidance (weight " + weight.str() +
             ") distilled in: it samples without guidance.";
    }
    return "Text-to-video teacher of the Shapes world: the image-to-video teacher's frame-free branch, fine-tuned "
           "without the first frame.";
  }

  VideoUNet video_{nullptr};
  VideoUNet guide_{nullptr};  // distil_guidance > 0: the frozen base
  double guidance_ = 0;
};

}  // namespace

torch::Tensor guidedOutput(VideoUNetImpl& network, const torch::Tensor& input, const torch::Tensor& cNoise,
                           const torch::Tensor& context, const torch::Tensor& emptyContext, double weight) {
  const int64_t b = input.size(0);
  const torch::Tensor both = network.forward(torch::cat({input, input}), torch::cat({cNoise, cNoise}),
                                             torch::cat({context, emptyContext}));
  const torch::Tensor cond = both.narrow(0, 0, b), uncond = both.narrow(0, b, b);
  return uncond + weight * (cond - uncond);
}

std::unique_ptr<Method> makeImagePretraining() { return std::make_unique<ImagePretraining>(); }
std::unique_ptr<Method> makeStylePretraining() { return std::make_unique<StylePretraining>(); }
std::unique_ptr<Method> makeMotionPretraining() { return std::make_unique<MotionPretraining>(); }
std::unique_ptr<Method> makeI2VPretraining() { return std::make_unique<I2VPretraining>(); }
std::unique_ptr<Method> makeFrameFreePretraining() { return std::make_unique<FrameFreePretraining>(); }

}  // namespace vds
