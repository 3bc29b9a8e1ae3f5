#include "eval/caption_probe.h"

#include <cstdio>
#include <sstream>

#include "core/errors.h"
#include "core/rng.h"
#include "eval/evaluate.h"
#include "pipeline/generate.h"

namespace vds {

const std::vector<std::string>& captionProbeVariants() {
  static const std::vector<std::string> variants = {"direction", "colour", "shape", "empty"};
  return variants;
}

std::string captionVariant(const ClipSpec& clip, const std::string& variant) {
  if (variant == "empty") return "";
  std::vector<ObjectSpec> objects = clip.objects;
  for (ObjectSpec& o : objects) {
    ObjectAttributes& a = o.attributes;
    if (variant == "direction") {
      static constexpr Direction kOpposite[] = {Direction::right, Direction::left, Direction::down, Direction::up};
      a.direction = kOpposite[static_cast<size_t>(a.direction)];
    } else if (variant == "colour") {
      a.colour = static_cast<Colour>((static_cast<size_t>(a.colour) + 1) % kColours.size());
    } else if (variant == "shape") {
      a.shape = static_cast<ShapeKind>((static_cast<size_t>(a.shape) + 1) % kShapeNames.size());
    } else {
      throw ConfigError("caption probe: unknown variant '" + variant + "' (direction, colour, shape or empty)");
    }
  }
  return captionOf(objects);
}

namespace {

// {k, 1, 1, ...}: repeats a batch k times along dim 0.
std::vector<int64_t> repeatsFor(const torch::Tensor& x, int64_t k) {
  std::vector<int64_t> r(static_cast<size_t>(x.dim()), 1);
  r[0] = k;
  return r;
}

}  // namespace

std::vector<std::vector<double>> conditioningLosses(const diffusion::Denoiser& denoiser, const torch::Tensor& x0,
                                                    const std::vector<diffusion::Conditioning>& conds,
                                                    const std::vector<diffusion::NoiseLevel>& levels, int draws,
                                                    uint64_t seed, int64_t firstIndex) {
  if (conds.empty()) throw ConfigError("caption probe: no conditionings");
  if (draws < 1) throw ConfigError("caption probe: draws must be >= 1, got " + std::to_string(draws));
  torch::NoGradGuard noGrad;
  const int64_t b = x0.size(0);
  const int64_t k = static_cast<int64_t>(conds.size());
  diffusion::Conditioning all = conds.front();
  for (size_t c = 1; c < conds.size(); ++c) all = diffusion::Conditioning::cat(all, conds[c]);
  std::vector<int64_t> one(x0.sizes().begin(), x0.sizes().end());
  one[0] = 1;
  const torch::Tensor target = x0.repeat(repeatsFor(x0, k));
  std::vector<std::vector<double>> out(levels.size(), std::vector<double>(conds.size(), 0.0));
  for (size_t l = 0; l < levels.size(); ++l) {
    const diffusion::NoiseLevel& lvl = levels[l];
    if (lvl.isClean()) throw ConfigError("caption probe: every level must be noisy");
    for (int d = 0; d < draws; ++d) {
      std::vector<torch::Tensor> noise;
      for (int64_t i = 0; i < b; ++i) {
        at::Generator gen = makeGenerator(
            deriveSeed(seed, {static_cast<uint64_t>(firstIndex + i), static_cast<uint64_t>(l), static_cast<uint64_t>(d)}));
        noise.push_back(torch::randn(one, gen, x0.options().device(torch::kCPU)).to(x0.device()));
      }
      const torch::Tensor xt = lvl.alpha * x0 + lvl.sigma * torch::cat(noise, 0);
      const torch::Tensor estimate = denoiser.x0(xt.repeat(repeatsFor(xt, k)), lvl, all);
      const torch::Tensor err = (estimate.to(x0.dtype()) - target)
                                    .pow(2)
                                    .view({k, b, -1})
                                    .mean({1, 2})
                                    .to(torch::kDouble)
                                    .cpu();
      for (int64_t c = 0; c < k; ++c) out[l][static_cast<size_t>(c)] += err[c].item<double>() / draws;
    }
  }
  return out;
}

CaptionProbeReport probeCaptions(const CaptionProbeOptions& o,
                                 const std::function<void(const ProgressUpdate&)>& progress) {
  if (o.n < 1) throw ConfigError("caption probe: n must be >= 1, got " + std::to_string(o.n));
  if (o.batchSize < 1) throw ConfigError("caption probe: batch size must be >= 1, got " + std::to_string(o.batchSize));
  if (o.draws < 1) throw ConfigError("caption probe: draws must be >= 1, got " + std::to_string(o.draws));
  if (o.at.empty() && o.levels < 1)
    throw ConfigError("caption probe: levels must be >= 1, got " + std::to_string(o.levels));
  GenerationModels m = GenerationModels::load(o.model);
  if (m.model.kind != kKindVideoUNet && m.model.kind != kKindI2VUNet)
    throw ConfigError("caption probe: '" + o.model.string() + "' is a " + m.model.kind +
                      "; the probe needs a video model (video_unet or i2v_unet), since a direction needs motion");
  if (!m.textEncoder)
    throw ConfigError("caption probe: '" + o.model.string() + "' has no text encoder, so there is no caption to probe");
  if (o.dropFirstFrame && !m.isImageToVideo())
    throw ConfigError("caption probe: dropping the first frame needs an image-to-video model; '" + o.model.string() +
                      "' is a " + m.model.kind);
  torch::NoGradGuard noGrad;
  m.model.module->eval();
  m.autoencoder.module->eval();
  m.textEncoder->module->eval();

  std::vector<diffusion::NoiseLevel> levels =
      o.at.empty() ? m.model.spec.schedule.levels(o.levels, diffusion::Spacing::trailing) : m.model.spec.schedule.levelsAt(o.at);
  levels.pop_back();  // the clean level

  const RealClips real = renderRealClips(evalWorldFor(m), std::max<int64_t>(o.n, 2));
  const diffusion::Denoiser denoiser = makeDenoiser(m.model);
  const torch::Device device = m.model.module->parameters().front().device();
  const std::vector<std::string>& variants = captionProbeVariants();

  CaptionProbeReport report;
  report.model = o.model.string();
  report.n = o.n;
  report.draws = o.draws;
  report.seed = o.seed;
  report.dropFirstFrame = o.dropFirstFrame;
  report.variants = variants;
  report.contextDistance.assign(variants.size(), 0.0);
  std::vector<std::vector<double>> sums(levels.size(), std::vector<double>(variants.size() + 1, 0.0));
  ProgressTracker tracker("probe", o.n, progress);
  for (int64_t begin = 0; begin < o.n; begin += o.batchSize) {
    const int64_t end = std::min(o.n, begin + o.batchSize);
    const torch::Tensor clips = real.heldout.slice(0, begin, end).to(device);
    const torch::Tensor x0 = m.autoencoder.module->encodeVideo(clips);
    torch::Tensor image;
    if (m.isImageToVideo()) {
      image = m.autoencoder.module->encode(clips.select(1, 0));
      if (o.dropFirstFrame) image = torch::zeros_like(image);
    }
    std::vector<diffusion::Conditioning> conds;
    torch::Tensor trueContext;
    for (size_t v = 0; v <= variants.size(); ++v) {
      std::vector<std::string> captions;
      for (int64_t i = begin; i < end; ++i) {
        const ClipSpec& spec = real.heldoutSpecs[static_cast<size_t>(i)];
        captions.push_back(v == 0 ? spec.caption : captionVariant(spec, variants[v - 1]));
      }
      const torch::Tensor context = m.textEncoder->module->encode(m.textEncoder->tokenizer, captions).context;
      if (v == 0) {
        trueContext = context;
      } else {
        const torch::Tensor rel = (context - trueContext).flatten(1).norm(2, 1) / trueContext.flatten(1).norm(2, 1);
        report.contextDistance[v - 1] += rel.sum().item<double>() / static_cast<double>(o.n);
      }
      conds.push_back({context, image});
    }
    const auto losses = conditioningLosses(denoiser, x0, conds, levels, o.draws, o.seed, begin);
    for (size_t l = 0; l < levels.size(); ++l)
      for (size_t c = 0; c < conds.size(); ++c)
        sums[l][c] += losses[l][c] * static_cast<double>(end - begin) / static_cast<double>(o.n);
    tracker.set(end);
  }
  for (size_t l = 0; l < levels.size(); ++l) {
    CaptionProbeReport::Row row;
    row.t = levels[l].t;
    row.sigma = levels[l].scaledSigma();
    row.loss = sums[l][0];
    for (size_t v = 0; v < variants.size(); ++v) row.gap.push_back((sums[l][v + 1] - row.loss) / row.loss);
    report.rows.push_back(row);
  }
  return report;
}

std::string CaptionProbeReport::formatTable() const {
  std::ostringstream s;
  char buf[64];
  s << "level (t)   sigma/alpha   x0 loss      loss gap of the variant caption (relative)\n";
  s << "                                     ";
  for (const std::string& v : variants) {
    std::snprintf(buf, sizeof buf, "%-11s", v.c_str());
    s << buf;
  }
  s << "\n";
  for (const Row& r : rows) {
    std::snprintf(buf, sizeof buf, "%-11.4g %-13.4g %-12.5g ", r.t, r.sigma, r.loss);
    s << buf;
    for (double g : r.gap) {
      std::snprintf(buf, sizeof buf, "%+-11.3f", 100.0 * g);
      s << buf;
    }
    s << " %\n";
  }
  s << "text context moved (relative L2)     ";
  for (double d : contextDistance) {
    std::snprintf(buf, sizeof buf, "%-11.3f", d);
    s << buf;
  }
  s << "\n";
  s << "settings: " << n << " held-out clips, " << draws << " noise draws per clip and level, seed " << seed
    << ", model " << model << (dropFirstFrame ? ", first frame dropped" : "") << "\n";
  return s.str();
}

nlohmann::json CaptionProbeReport::toJson() const {
  nlohmann::json j;
  j["model"] = model;
  j["n"] = n;
  j["draws"] = draws;
  j["seed"] = seed;
  j["drop_first_frame"] = dropFirstFrame;
  j["variants"] = variants;
  j["context_distance"] = contextDistance;
  for (const Row& r : rows) j["levels"].push_back({{"t", r.t}, {"sigma_over_alpha", r.sigma}, {"loss", r.loss}, {"gap", r.gap}});
  return j;
}

}  // namespace vds
