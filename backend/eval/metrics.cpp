#include "eval/metrics.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

#include "core/errors.h"

namespace vds {
namespace {

// Symmetric PSD square root: V diag(sqrt(max(λ, 0))) V^T from eigh of the symmetrised input.
torch::Tensor psdSqrt(const torch::Tensor& m) {
  const auto [eigenvalues, eigenvectors] = torch::linalg_eigh(0.5 * (m + m.t()), "L");
  return torch::matmul(eigenvectors * eigenvalues.clamp_min(0).sqrt().unsqueeze(0), eigenvectors.t());
}

void checkVideos(const torch::Tensor& videos, const char* metric) {
  if (!videos.defined() || videos.dim() != 5 || videos.size(0) < 1 || videos.size(1) < 2 || videos.size(2) != 3)
    throw DataError(std::string(metric) + ": expected videos [N >= 1, F >= 2, 3, H, W], got " +
                    (videos.defined() ? c10::str(videos.sizes()) : std::string("an undefined tensor")));
}

nlohmann::json optionalJson(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }

// [low, high] with an infinite high as null; null when guidance covered every level.
nlohmann::json guidanceIntervalJson(const std::optional<std::array<double, 2>>& interval) {
  if (!interval) return nlohmann::json();
  const double high = (*interval)[1];
  return nlohmann::json::array({(*interval)[0], std::isinf(high) ? nlohmann::json() : nlohmann::json(high)});
}

std::string optionalText(const std::optional<double>& v, int precision) {
  if (!v) return "n/a";
  std::ostringstream out;
  out << std::fixed << std::setprecision(precision) << *v;
  return out.str();
}

}  // namespace

// ---- FVD-S ------------------------------------------------------------------------------

FeatureStats featureStats(const torch::Tensor& features) {
  if (!features.defined() || features.dim() != 2 || features.size(0) < 2)
    throw DataError("featureStats: expected features [N >= 2, D], got " +
                    (features.defined() ? c10::str(features.sizes()) : std::string("an undefined tensor")));
  const torch::Tensor x = features.detach().to(torch::kCPU, torch::kFloat64);
  const torch::Tensor mean = x.mean(0);
  const torch::Tensor centred = x - mean;
  const torch::Tensor covariance = torch::matmul(centred.t(), centred) / static_cast<double>(x.size(0) - 1);
  return {mean, covariance, x.size(0)};
}

double frechetDistance(const FeatureStats& a, const FeatureStats& b) {
  if (a.mean.numel() != b.mean.numel() || a.covariance.dim() != 2 || b.covariance.dim() != 2 ||
      a.covariance.size(0) != a.mean.numel() || b.covariance.size(0) != b.mean.numel())
    throw DataError("frechetDistance: feature dimensions differ (" + std::to_string(a.mean.numel()) + " vs " +
                    std::to_string(b.mean.numel()) + ") or a covariance is not [D, D]");
  const torch::Tensor sa = a.covariance.to(torch::kFloat64), sb = b.covariance.to(torch::kFloat64);
  const double meanTerm = (a.mean.to(torch::kFloat64) - b.mean.to(torch::kFloat64)).pow(2).sum().item<double>();
  // tr((Σa^{1/2} Σb Σa^{1/2})^{1/2}) = Σ sqrt(eigenvalues) of the symmetric PSD product.
  const torch::Tensor rootA = psdSqrt(sa);
  const torch::Tensor product = torch::matmul(torch::matmul(rootA, sb), rootA);
  const auto eigenvalues = std::get<0>(torch::linalg_eigh(0.5 * (product + product.t()), "L"));
  const double crossTrace = eigenvalues.clamp_min(0).sqrt().sum().item<double>();
  const double d2 = meanTerm + sa.trace().item<double>() + sb.trace().item<double>() - 2.0 * crossTrace;
  return std::max(d2, 0.0);
}

// ---- Prompt and style accuracy ------------------------------------------------------------

namespace {

// For each captioned object, the index of its predicted partner in `got`, or -1 when it is
// missing: the pairing promptAccuracy documents (identity first, then position).
std::vector<int> pairObjects(const std::vector<ObjectAttributes>& got, const std::vector<ObjectAttributes>& want) {
  std::vector<int> partner(want.size(), -1);
  std::vector<bool> used(got.size(), false);
  // 1. By identity: (shape, colour).
  for (size_t i = 0; i < want.size(); ++i)
    for (size_t j = 0; j < got.size(); ++j)
      if (!used[j] && got[j].shape == want[i].shape && got[j].colour == want[i].colour) {
        partner[i] = static_cast<int>(j);
        used[j] = true;
        break;
      }
  // 2. By position, for those still unpaired.
  for (size_t i = 0; i < want.size(); ++i)
    if (partner[i] < 0 && i < got.size() && !used[i]) {
      partner[i] = static_cast<int>(i);
      used[i] = true;
    }
  return partner;
}

void checkSameLength(size_t predicted, size_t captioned, const char* metric) {
  if (predicted != captioned)
    throw DataError(std::string(metric) + ": " + std::to_string(predicted) + " predictions for " +
                    std::to_string(captioned) + " captions");
}

}  // namespace

double promptAccuracy(const std::vector<std::vector<ObjectAttributes>>& predicted,
                      const std::vector<std::vector<ObjectAttributes>>& captioned) {
  checkSameLength(predicted.size(), captioned.size(), "promptAccuracy");
  double sum = 0;
  int64_t clips = 0;
  for (size_t c = 0; c < captioned.size(); ++c) {
    const auto& want = captioned[c];
    const auto& got = predicted[c];
    if (want.empty()) continue;
    const std::vector<int> partner = pairObjects(got, want);
    int matched = 0;
    for (size_t i = 0; i < want.size(); ++i) {
      if (partner[i] < 0) continue;  // 3. missing: 0 of 3
      const ObjectAttributes& p = got[static_cast<size_t>(partner[i])];
      matched += int(p.shape == want[i].shape) + int(p.colour == want[i].colour) +
                 int(p.direction == want[i].direction);
    }
    sum += matched / (3.0 * static_cast<double>(want.size()));
    ++clips;
  }
  if (clips == 0) throw DataError("promptAccuracy: no clip has a captioned object");
  return sum / static_cast<double>(clips);
}

AttributeAccuracy attributeAccuracy(const std::vector<std::vector<ObjectAttributes>>& predicted,
                                    const std::vector<std::vector<ObjectAttributes>>& captioned) {
  checkSameLength(predicted.size(), captioned.size(), "attributeAccuracy");
  int64_t objects = 0, shape = 0, colour = 0, direction = 0, counted = 0;
  for (size_t c = 0; c < captioned.size(); ++c) {
    const std::vector<int> partner = pairObjects(predicted[c], captioned[c]);
    for (size_t i = 0; i < captioned[c].size(); ++i) {
      ++objects;
      if (partner[i] < 0) continue;
      const ObjectAttributes& p = predicted[c][static_cast<size_t>(partner[i])];
      shape += int(p.shape == captioned[c][i].shape);
      colour += int(p.colour == captioned[c][i].colour);
      direction += int(p.direction == captioned[c][i].direction);
    }
    counted += int(predicted[c].size() == captioned[c].size());
  }
  if (objects == 0) throw DataError("attributeAccuracy: no clip has a captioned object");
  const auto fraction = [&](int64_t hits) { return static_cast<double>(hits) / static_cast<double>(objects); };
  return {fraction(shape), fraction(colour), fraction(direction),
          static_cast<double>(counted) / static_cast<double>(captioned.size())};
}

double styleAccuracy(const std::vector<Style>& predicted, Style target) {
  if (predicted.empty()) throw DataError("styleAccuracy: no predictions");
  const auto hits = std::count(predicted.begin(), predicted.end(), target);
  return static_cast<double>(hits) / static_cast<double>(predicted.size());
}

// ---- Temporal metrics ---------------------------------------------------------------------

double flicker(const torch::Tensor& videos) {
  checkVideos(videos, "flicker");
  const torch::Tensor v = videos.detach().to(torch::kFloat64);
  const int64_t f = v.size(1);
  return (v.narrow(1, 1, f - 1) - v.narrow(1, 0, f - 1)).abs().mean().item<double>();
}

double identityConsistency(const torch::Tensor& videos) {
  checkVideos(videos, "identityConsistency");
  const int64_t n = videos.size(0), f = videos.size(1), pixels = videos.size(3) * videos.size(4);
  const int64_t bins = kIdentityBinsPerChannel;
  const int64_t cells = bins * bins * bins;
  // Channel bin: floor((v + 1) / 2 · B), clamped to [0, B-1]; joint bin r·B² + g·B + b.
  const torch::Tensor channelBin =
      ((videos.detach().to(torch::kCPU, torch::kFloat64) + 1.0) * (0.5 * static_cast<double>(bins)))
          .floor()
          .clamp(0, static_cast<double>(bins - 1))
          .to(torch::kInt64);
  const torch::Tensor joint = channelBin.select(2, 0) * (bins * bins) + channelBin.select(2, 1) * bins +
                              channelBin.select(2, 2);  // [N, F, H, W]
  // One bincount for all frames: frame k's bins are offset by k · B³.
  const torch::Tensor offset = torch::arange(n * f, torch::kInt64).view({n, f, 1, 1}) * cells;
  const torch::Tensor counts = torch::bincount((joint + offset).flatten(), {}, n * f * cells);
  const torch::Tensor hist = counts.view({n, f, cells}).to(torch::kFloat64) / static_cast<double>(pixels);
  const torch::Tensor first = hist.narrow(1, 0, 1);
  const torch::Tensor intersection = torch::minimum(hist.narrow(1, 1, f - 1), first).sum(-1);  // [N, F-1]
  return intersection.mean().item<double>();
}

// ---- Image-to-video fidelity ----------------------------------------------------------------

double firstFramePsnr(const torch::Tensor& videos, const torch::Tensor& conditionFrames) {
  checkVideos(videos, "firstFramePsnr");
  if (!conditionFrames.defined() || conditionFrames.dim() != 4 || conditionFrames.size(0) != videos.size(0) ||
      conditionFrames.sizes().slice(1) != videos.sizes().slice(2))
    throw DataError(
        "firstFramePsnr: expected condition frames [N, 3, H, W] matching videos " + c10::str(videos.sizes()) +
        ", got " +
        (conditionFrames.defined() ? c10::str(conditionFrames.sizes()) : std::string("an undefined tensor")));
  constexpr double kPeak = 255.0;
  constexpr double kToPixels = 127.5;  // [-1, 1] -> [0, 255]
  const torch::Tensor diff = (videos.detach().select(1, 0).to(torch::kCPU, torch::kFloat64) -
                              conditionFrames.detach().to(torch::kCPU, torch::kFloat64)) * kToPixels;
  const torch::Tensor mse = diff.pow(2).flatten(1).mean(1);  // [N]
  double sum = 0;
  for (int64_t i = 0; i < mse.size(0); ++i) {
    const double m = mse[i].item<double>();
    sum += m > 0 ? std::min(10.0 * std::log10(kPeak * kPeak / m), kPsnrCapDb) : kPsnrCapDb;
  }
  return sum / static_cast<double>(mse.size(0));
}

// ---- The report ---------------------------------------------------------------------------

std::optional<double> MetricReport::flickerRatio() const {
  if (!flicker || !flickerReal || *flickerReal <= 0) return std::nullopt;
  return *flicker / *flickerReal;
}

nlohmann::json MetricReport::toJson() const {
  nlohmann::json metrics = {
      {"fvd_s", optionalJson(fvd)},
      {"fvd_s_real_floor", optionalJson(fvdRealFloor)},
      {"prompt_accuracy", optionalJson(promptAccuracy)},
      {"style_accuracy", optionalJson(styleAccuracy)},
      {"flicker", optionalJson(flicker)},
      {"flicker_real", optionalJson(flickerReal)},
      {"flicker_ratio", optionalJson(flickerRatio())},
      {"identity_consistency", optionalJson(identityConsistency)},
      {"identity_consistency_real", optionalJson(identityConsistencyReal)},
      {"shape_accuracy", optionalJson(shapeAccuracy)},
      {"colour_accuracy", optionalJson(colourAccuracy)},
      {"direction_accuracy", optionalJson(directionAccuracy)},
      {"object_count_accuracy", optionalJson(objectCountAccuracy)},
      {"first_frame_psnr_db", optionalJson(firstFramePsnr)},
      {"ms_per_clip", optionalJson(millisecondsPerClip)},
      {"nfe", nfe ? nlohmann::json(*nfe) : nlohmann::json()},
  };
  std::vector<std::string> realStyles;
  for (Style style : settings.realStyles) realStyles.emplace_back(styleName(style));
  nlohmann::json s = {
      {"sample_count", settings.sampleCount},
      {"seeds", settings.seeds},
      {"sampler", settings.sampler},
      {"steps", settings.steps},
      {"guidance", settings.guidance},
      {"guidance_interval", guidanceIntervalJson(settings.guidanceInterval)},
      {"eta", settings.eta},
      {"real_split", settings.realSplit},
      {"target_style", settings.targetStyle ? nlohmann::json(styleName(*settings.targetStyle)) : nlohmann::json()},
      {"model_packages", settings.modelPackages},
      {"spacing", settings.spacing},
      {"timesteps", settings.timesteps},
      {"batch_size", settings.batchSize},
      {"world", {{"seed", settings.worldSeed},
                 {"width", settings.frameWidth},
                 {"height", settings.frameHeight},
                 {"frames", settings.frames}}},
      {"real_styles", realStyles},
      {"still_images", settings.stillImages},
      {"autoencoder_round_trip", settings.autoencoderRoundTrip},
      {"pin_first_frame", settings.pinFirstFrame},
      {"guide_text_only", settings.guideTextOnly},
      {"drop_first_frame", settings.dropFirstFrame},
  };
  return {{"metrics", metrics}, {"settings", s}};
}

std::string MetricReport::formatTable() const {
  const std::vector<std::pair<std::string, std::string>> rows = {
      {"FVD-S", optionalText(fvd, 3)},
      {"FVD-S real floor", optionalText(fvdRealFloor, 3)},
      {"prompt accuracy", optionalText(promptAccuracy, 4)},
      {"  shape accuracy", optionalText(shapeAccuracy, 4)},
      {"  colour accuracy", optionalText(colourAccuracy, 4)},
      {"  direction accuracy", optionalText(directionAccuracy, 4)},
      {"  object count accuracy", optionalText(objectCountAccuracy, 4)},
      {"style accuracy", optionalText(styleAccuracy, 4)},
      {"flicker", optionalText(flicker, 4)},
      {"flicker (real)", optionalText(flickerReal, 4)},
      {"flicker ratio", optionalText(flickerRatio(), 3)},
      {"identity consistency", optionalText(identityConsistency, 4)},
      {"identity consistency (real)", optionalText(identityConsistencyReal, 4)},
      {"first-frame PSNR (dB)", optionalText(firstFramePsnr, 2)},
      {"ms per clip", optionalText(millisecondsPerClip, 2)},
      {"NFE per clip", nfe ? std::to_string(*nfe) : std::string("n/a")},
  };
  std::ostringstream out;
  constexpr int kNameWidth = 29;
  out << std::left << std::setw(kNameWidth) << "metric" << "value\n";
  for (const auto& [name, value] : rows) out << std::left << std::setw(kNameWidth) << name << value << '\n';
  std::ostringstream seeds;
  for (size_t i = 0; i < settings.seeds.size(); ++i) seeds << (i ? "," : "") << settings.seeds[i];
  out << "\nsettings: " << settings.sampleCount << " clips vs " << settings.realSplit;
  if (settings.sampler.empty())
    out << (settings.autoencoderRoundTrip ? ", real clips through the autoencoder (FVD-S: against the clips themselves)"
                                          : ", real clips only (nothing generated)");
  else {
    out << ", sampler " << settings.sampler << ", " << settings.steps << " steps, guidance " << settings.guidance;
    if (settings.guidanceInterval)
      out << " on scaled sigmas (" << (*settings.guidanceInterval)[0] << ", " << (*settings.guidanceInterval)[1] << "]";
    out << ", seeds [" << seeds.str() << "]";
  }
  if (settings.eta != 0) out << ", eta " << settings.eta;
  if (settings.targetStyle) out << ", target style " << styleName(*settings.targetStyle);
  if (!settings.spacing.empty()) out << ", spacing " << settings.spacing;
  if (!settings.timesteps.empty()) {
    out << ", timesteps [";
    for (size_t i = 0; i < settings.timesteps.size(); ++i) out << (i ? "," : "") << settings.timesteps[i];
    out << "]";
  }
  if (settings.batchSize > 0) out << ", batch " << settings.batchSize;
  out << '\n';
  if (settings.frames > 0) {
    out << "world: seed " << settings.worldSeed << ", " << settings.frameWidth << "x" << settings.frameHeight << ", "
        << settings.frames << " frames, real styles [";
    for (size_t i = 0; i < settings.realStyles.size(); ++i) out << (i ? "," : "") << styleName(settings.realStyles[i]);
    out << "]";
    if (settings.stillImages) out << ", generated clips are still images";
    if (settings.pinFirstFrame) out << ", first frame pinned to the condition";
    if (settings.guideTextOnly) out << ", guidance on the caption only";
    if (settings.dropFirstFrame) out << ", first frame dropped (generated from the prompt alone)";
    out << "\n";
  }
  for (const auto& [role, path] : settings.modelPackages) out << "  " << role << ": " << path << '\n';
  return out.str();
}

}  // namespace vds
