#include "eval/evaluate.h"

#include <algorithm>

#include "core/errors.h"
#include "eval/labels.h"

namespace vds {
namespace {

// The eval net's convolutions downsample by 8 (eval_net.h: H, W multiples of 8).
constexpr int64_t kEvalNetStride = 8;

void requireClipCount(int64_t n, const char* where) {
  if (n < 2)
    throw ConfigError(std::string(where) + ": n must be >= 2 (FVD-S needs two clips), got " + std::to_string(n));
}

// uint8 [B, F, H, W, 3] -> float [B, F, 3, H, W] in [-1, 1], as framesToModelRange maps one clip.
torch::Tensor toModelRange(const torch::Tensor& videos) {
  std::vector<torch::Tensor> clips;
  clips.reserve(static_cast<size_t>(videos.size(0)));
  for (int64_t b = 0; b < videos.size(0); ++b) clips.push_back(framesToModelRange(videos[b]));
  return torch::stack(clips);
}

std::vector<std::vector<ObjectAttributes>> captionedObjects(const std::vector<ClipSpec>& specs) {
  std::vector<std::vector<ObjectAttributes>> captioned;
  captioned.reserve(specs.size());
  for (const ClipSpec& spec : specs) captioned.push_back(parseCaption(spec.caption));
  return captioned;
}

torch::Tensor renderSplit(const ShapesWorld& world, Split split, int64_t n, Style style,
                          std::vector<ClipSpec>* specs = nullptr) {
  std::vector<torch::Tensor> clips;
  clips.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    ClipSpec spec = world.spec(split, i);
    clips.push_back(world.renderFloat(spec, style));
    if (specs != nullptr) specs->push_back(std::move(spec));
  }
  return torch::stack(clips);
}

void recordWorld(MetricSettings& s, const WorldOptions& world, std::vector<Style> styles) {
  s.worldSeed = world.seed;
  s.frameWidth = world.width;
  s.frameHeight = world.height;
  s.frames = world.frames;
  s.realStyles = std::move(styles);
}

void setAttributeAccuracy(MetricReport& report, const AttributeAccuracy& a) {
  report.shapeAccuracy = a.shape;
  report.colourAccuracy = a.colour;
  report.directionAccuracy = a.direction;
  report.objectCountAccuracy = a.objectCount;
}

double fvdOf(const torch::Tensor& a, const torch::Tensor& b) {
  return frechetDistance(featureStats(a), featureStats(b));
}

}  // namespace

WorldOptions evalWorldFor(const GenerationModels& models, int stillFrames) {
  WorldOptions world;
  world.width = static_cast<int>(models.frameWidth());
  world.height = static_cast<int>(models.frameHeight());
  world.frames = models.model.kind == kKindImageUNet ? stillFrames : static_cast<int>(models.frames());
  world.seed = kEvalWorldSeed;
  return world;
}

RealClips renderRealClips(const WorldOptions& world, int64_t n) {
  requireClipCount(n, "renderRealClips");
  const ShapesWorld shapes(world);
  RealClips real;
  real.world = world;
  real.heldout = renderSplit(shapes, Split::heldout, n, Style::plain, &real.heldoutSpecs);
  real.train = renderSplit(shapes, Split::train, n, Style::plain);
  return real;
}

GenerateRequest heldoutRequest(const GenerationModels& models, const RealClips& real, int64_t begin, int64_t end,
                               const GenerateRequest& base) {
  if (begin < 0 || end <= begin || end > real.heldout.size(0))
    throw DataError("heldoutRequest: clips [" + std::to_string(begin) + ", " + std::to_string(end) +
                    ") are outside the " + std::to_string(real.heldout.size(0)) + " held-out clips");
  GenerateRequest request = base;
  request.prompts.clear();
  for (int64_t i = begin; i < end; ++i)
    request.prompts.push_back(models.textEncoder ? real.heldoutSpecs[static_cast<size_t>(i)].caption : std::string());
  request.firstIndex = begin;
  request.firstFrames =
      models.isImageToVideo() ? real.heldout.narrow(0, begin, end - begin).select(1, 0).contiguous() : torch::Tensor();
  return request;
}

MetricReport evaluateVideos(EvalNet& net, const torch::Tensor& videos, const RealClips& real, Style targetStyle,
                            const torch::Tensor& conditionFrames) {
  if (!videos.defined() || videos.sizes() != real.heldout.sizes())
    throw DataError("evaluateVideos: expected videos " + c10::str(real.heldout.sizes()) +
                    " like the held-out clips, got " +
                    (videos.defined() ? c10::str(videos.sizes()) : std::string("an undefined tensor")));
  const EvalNetOutput generated = runEvalNet(net, videos, kEvalNetBatch);
  const EvalNetOutput heldout = runEvalNet(net, real.heldout, kEvalNetBatch);
  const EvalNetOutput train = runEvalNet(net, real.train, kEvalNetBatch);
  const auto captioned = captionedObjects(real.heldoutSpecs);
  const auto predicted = decodePredictions(generated);

  MetricReport report;
  report.settings.sampleCount = videos.size(0);
  report.settings.realSplit = splitName(Split::heldout);
  report.settings.targetStyle = targetStyle;
  recordWorld(report.settings, real.world, {Style::plain});
  report.fvd = fvdOf(generated.features, heldout.features);
  report.fvdRealFloor = fvdOf(train.features, heldout.features);
  report.promptAccuracy = promptAccuracy(predicted, captioned);
  report.styleAccuracy = styleAccuracy(decodeStyles(generated), targetStyle);
  report.flicker = flicker(videos);
  report.flickerReal = flicker(real.heldout);
  report.identityConsistency = identityConsistency(videos);
  report.identityConsistencyReal = identityConsistency(real.heldout);
  setAttributeAccuracy(report, attributeAccuracy(predicted, captioned));
  if (conditionFrames.defined()) report.firstFramePsnr = firstFramePsnr(videos, conditionFrames);
  return report;
}

MetricReport evaluateModel(const EvalOptions& o, const EvalProgressCallback& progress) {
  requireClipCount(o.n, "evaluate");
  if (o.batchSize < 1) throw ConfigError("evaluate: batch size must be >= 1, got " + std::to_string(o.batchSize));
  GenerationModels models = GenerationModels::load(o.model);
  const bool still = models.model.kind == kKindImageUNet;
  if (still && o.stillFrames < 2)
    throw ConfigError("evaluate: still frames must be >= 2 for the image model '" + o.model.string() + "', got " +
                      std::to_string(o.stillFrames));
  if (!still && models.frames() < 2)
    throw ConfigError("evaluate: model '" + o.model.string() + "' (kind " + models.model.kind + ") makes " +
                      std::to_string(models.frames()) + " frame(s); evaluation needs a video or an image model");
  if (models.frameWidth() % kEvalNetStride != 0 || models.frameHeight() % kEvalNetStride != 0)
    throw ConfigError("evaluate: model '" + o.model.string() + "' makes " + std::to_string(models.frameWidth()) + "x" +
                      std::to_string(models.frameHeight()) + " frames; the eval net needs multiples of " +
                      std::to_string(kEvalNetStride));
  LoadedEvalNet evalNet = loadEvalNet(o.evalNet);
  const RealClips real = renderRealClips(evalWorldFor(models, o.stillFrames), o.n);

  GenerateRequest base;
  base.sampler = o.sampler;
  base.steps = o.steps;
  base.cfg = o.cfg;
  base.cfgInterval = o.cfgInterval;
  base.eta = o.eta;
  base.seed = o.seed;
  base.spacing = o.spacing;
  base.timesteps = o.timesteps;
  base.pinFirstFrame = o.pinFirstFrame;
  base.guideTextOnly = o.guideTextOnly;
  base.dropFirstFrame = o.dropFirstFrame;
  ProgressTracker tracker("generate", o.n, progress);
  std::vector<torch::Tensor> batches;
  double milliseconds = 0;
  int64_t nfe = 0;
  for (int64_t begin = 0; begin < o.n; begin += o.batchSize) {
    const int64_t end = std::min(o.n, begin + o.batchSize);
    const GenerateResult result = generate(models, heldoutRequest(models, real, begin, end, base));
    torch::Tensor videos = toModelRange(result.videos);  // [B, F, 3, H, W]; F = 1 for an image model
    if (still) videos = videos.expand({-1, o.stillFrames, -1, -1, -1}).contiguous();
    batches.push_back(videos);
    milliseconds += result.milliseconds;
    nfe = result.nfe;
    tracker.set(end);
  }

  const Style target = o.targetStyle.value_or(Style::plain);
  const torch::Tensor firstFrames =
      models.isImageToVideo() && !o.dropFirstFrame ? real.heldout.select(1, 0) : torch::Tensor();
  MetricReport report = evaluateVideos(evalNet.module, torch::cat(batches), real, target, firstFrames);
  if (still) report.directionAccuracy.reset();  // a held image shows no motion
  report.millisecondsPerClip = milliseconds / static_cast<double>(o.n);
  report.nfe = nfe;
  MetricSettings& s = report.settings;
  s.seeds = {o.seed};
  s.sampler = diffusion::toString(o.sampler);
  s.steps = o.timesteps.empty() ? o.steps : static_cast<int>(o.timesteps.size());
  s.guidance = o.cfg;
  if (o.cfg != 1.0 && !o.cfgInterval.isFull()) s.guidanceInterval = std::array{o.cfgInterval.low, o.cfgInterval.high};
  s.eta = o.sampler == diffusion::SamplerKind::ddim ? o.eta : 0.0;
  s.spacing = models.model.spec.schedule.edm ? std::string() : o.spacing;
  s.timesteps = o.timesteps;
  s.batchSize = o.batchSize;
  s.stillImages = still;
  s.pinFirstFrame = o.pinFirstFrame;
  s.guideTextOnly = o.guideTextOnly;
  s.dropFirstFrame = o.dropFirstFrame;
  s.modelPackages = {{"model", o.model.string()},
                     {"eval_net", o.evalNet.string()},
                     {"autoencoder", models.model.autoencoderPath().lexically_normal().string()}};
  if (models.textEncoder)
    s.modelPackages["text_encoder"] = models.model.textEncoderPath().lexically_normal().string();
  return report;
}

torch::Tensor autoencoderRoundTrip(Autoencoder& autoencoder, const torch::Tensor& videos) {
  constexpr int64_t kChunk = 64;  // clips per pass
  torch::NoGradGuard noGrad;
  const bool wasTraining = autoencoder->is_training();
  autoencoder->eval();
  const auto device = autoencoder->parameters().front().device();
  std::vector<torch::Tensor> out;
  for (int64_t begin = 0; begin < videos.size(0); begin += kChunk) {
    const torch::Tensor chunk = videos.narrow(0, begin, std::min(kChunk, videos.size(0) - begin)).to(device);
    const torch::Tensor back = autoencoder->decodeVideo(autoencoder->encodeVideo(chunk)).clamp(-1, 1);
    out.push_back(((back + 1) * 127.5).round().div(127.5).sub(1).to(videos.device(), videos.scalar_type()));
  }
  autoencoder->train(wasTraining);
  return torch::cat(out);
}

MetricReport evaluateReal(EvalNet& net, int64_t n, const std::vector<Style>& styles, const WorldOptions& world,
                          Autoencoder* autoencoder) {
  requireClipCount(n, "evaluateReal");
  if (styles.empty()) throw ConfigError("evaluateReal: at least one style is needed");
  const ShapesWorld shapes(world);
  // What the eval net sees of a real clip: the clip, or its round trip through the autoencoder.
  const auto seen = [&](const torch::Tensor& clips) {
    return autoencoder != nullptr ? autoencoderRoundTrip(*autoencoder, clips) : clips;
  };
  std::vector<ClipSpec> specs;
  const torch::Tensor plainClips = renderSplit(shapes, Split::heldout, n, Style::plain, &specs);
  const torch::Tensor plainHeldout = seen(plainClips);
  const auto captionedOnce = captionedObjects(specs);

  const EvalNetOutput heldout = runEvalNet(net, plainHeldout, kEvalNetBatch);
  const EvalNetOutput train = runEvalNet(net, renderSplit(shapes, Split::train, n, Style::plain), kEvalNetBatch);

  std::vector<std::vector<ObjectAttributes>> predicted, captioned;
  int64_t styleHits = 0;
  for (Style style : styles) {
    const EvalNetOutput out =
        style == Style::plain ? heldout
                              : runEvalNet(net, seen(renderSplit(shapes, Split::heldout, n, style)), kEvalNetBatch);
    const auto objects = decodePredictions(out);
    predicted.insert(predicted.end(), objects.begin(), objects.end());
    captioned.insert(captioned.end(), captionedOnce.begin(), captionedOnce.end());
    const std::vector<Style> predictedStyles = decodeStyles(out);
    styleHits += std::count(predictedStyles.begin(), predictedStyles.end(), style);
  }

  MetricReport report;
  report.settings.sampleCount = n;
  report.settings.realSplit = splitName(Split::heldout);
  recordWorld(report.settings, world, styles);
  report.promptAccuracy = promptAccuracy(predicted, captioned);
  setAttributeAccuracy(report, attributeAccuracy(predicted, captioned));
  report.styleAccuracy = static_cast<double>(styleHits) / static_cast<double>(n * static_cast<int64_t>(styles.size()));
  if (autoencoder != nullptr) {
    // The floor compares untouched clips; the autoencoder's cost is its own FVD-S.
    const EvalNetOutput untouched = runEvalNet(net, plainClips, kEvalNetBatch);
    report.fvdRealFloor = fvdOf(train.features, untouched.features);
    report.fvd = fvdOf(heldout.features, untouched.features);
    report.settings.autoencoderRoundTrip = true;
  } else {
    report.fvdRealFloor = fvdOf(train.features, heldout.features);
  }
  return report;
}

MetricReport evaluateReal(const std::filesystem::path& evalNet, int64_t n, const std::vector<Style>& styles,
                          const WorldOptions& world, const std::filesystem::path& autoencoder) {
  LoadedEvalNet net = loadEvalNet(evalNet);
  std::optional<LoadedAutoencoder> ae;
  if (!autoencoder.empty()) ae = loadAutoencoder(autoencoder);
  MetricReport report = evaluateReal(net.module, n, styles, world, ae ? &ae->module : nullptr);
  report.settings.modelPackages = {{"eval_net", evalNet.string()}};
  if (ae) report.settings.modelPackages["autoencoder"] = autoencoder.string();
  return report;
}

}  // namespace vds
