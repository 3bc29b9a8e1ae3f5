#include "diffusion/samplers.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/errors.h"

namespace vds::diffusion {

namespace {

// Counts evaluations and reports steps; shared by every sampler loop.
class Run {
 public:
  Run(const X0Callback& f, const std::vector<NoiseLevel>& levels, const SamplerOptions& options)
      : f_(f), levels_(levels), options_(options) {
    validateLevels(levels);
    if (!f_) throw Error("sampler: empty x0 callback");
  }
  torch::Tensor x0(const torch::Tensor& x, const NoiseLevel& lvl) {
    ++nfe_;
    return f_(x, lvl);
  }
  void stepDone(int i, const torch::Tensor& x, const torch::Tensor& x0) const {
    if (!options_.onStep) return;
    options_.onStep(SamplerStep{i, steps(), levels_[static_cast<size_t>(i)],
                                levels_[static_cast<size_t>(i) + 1], x, x0, nfe_});
  }
  torch::Tensor noiseLike(const torch::Tensor& x, const char* sampler) const {
    if (!options_.gen.defined())
      throw Error(std::string("sampler '") + sampler + "' draws noise and needs SamplerOptions::gen");
    return at::randn(x.sizes(), options_.gen, x.options());
  }
  int steps() const { return static_cast<int>(levels_.size()) - 1; }
  const NoiseLevel& level(int i) const { return levels_[static_cast<size_t>(i)]; }
  SampleResult result(torch::Tensor x) const { return SampleResult{std::move(x), nfe_}; }

 private:
  const X0Callback& f_;
  const std::vector<NoiseLevel>& levels_;
  const SamplerOptions& options_;
  int64_t nfe_ = 0;
};

}  // namespace

SamplerKind parseSamplerKind(const std::string& name) {
  for (SamplerKind k : {SamplerKind::ddim, SamplerKind::euler, SamplerKind::heun, SamplerKind::dpmpp_2m,
                        SamplerKind::consistency})
    if (toString(k) == name) return k;
  throw ConfigError("unknown sampler '" + name + "' (valid: ddim, euler, heun, dpmpp_2m, consistency)");
}

std::string toString(SamplerKind kind) {
  switch (kind) {
    case SamplerKind::ddim: return "ddim";
    case SamplerKind::euler: return "euler";
    case SamplerKind::heun: return "heun";
    case SamplerKind::dpmpp_2m: return "dpmpp_2m";
    case SamplerKind::consistency: return "consistency";
  }
  return "?";
}

void validateLevels(const std::vector<NoiseLevel>& levels) {
  if (levels.size() < 2) throw ConfigError("sampler: need at least 2 noise levels (a start and an end)");
  for (size_t i = 0; i < levels.size(); ++i) {
    const NoiseLevel& l = levels[i];
    const std::string where = "sampler: noise level " + std::to_string(i);
    if (!(l.alpha > 0.0) || !(l.sigma >= 0.0)) throw ConfigError(where + " needs alpha > 0 and sigma >= 0");
    if (l.isClean() && i + 1 != levels.size()) throw ConfigError(where + " is clean but not the last");
    if (i > 0 && !(l.scaledSigma() < levels[i - 1].scaledSigma()))
      throw ConfigError(where + ": sigma/alpha must strictly decrease");
  }
}

torch::Tensor initialNoise(at::IntArrayRef shape, const NoiseLevel& lvl, at::Generator gen,
                           torch::TensorOptions options) {
  return at::randn(shape, gen, options) * lvl.sigma;
}

X0Callback denoiserX0(const Denoiser& denoiser, const Conditioning& cond) {
  return [&denoiser, cond](const torch::Tensor& x, const NoiseLevel& lvl) { return denoiser.x0(x, lvl, cond); };
}

void checkGuidanceInterval(const GuidanceInterval& interval, const std::string& what) {
  if (!(interval.low >= 0.0) || !(interval.high > interval.low)) {
    std::ostringstream msg;
    msg << what << ": the guidance interval needs 0 <= low < high (scaled sigmas), got low " << interval.low
        << " and high " << interval.high;
    throw ConfigError(msg.str());
  }
}

X0Callback guidedX0(const Denoiser& denoiser, const Conditioning& cond, const Conditioning& uncond, double w,
                    GuidanceInterval interval) {
  checkGuidanceInterval(interval, "guidedX0");
  return [&denoiser, cond, uncond, w, interval](const torch::Tensor& x, const NoiseLevel& lvl) {
    if (!interval.contains(lvl)) return denoiser.x0(x, lvl, cond);
    return denoiser.x0Guided(x, lvl, cond, uncond, w);
  };
}

SampleResult sampleDdim(const X0Callback& f, torch::Tensor x, const std::vector<NoiseLevel>& levels,
                        const SamplerOptions& options) {
  Run run(f, levels, options);
  const double eta = options.eta;
  for (int i = 0; i < run.steps(); ++i) {
    const NoiseLevel &cur = run.level(i), &nxt = run.level(i + 1);
    const torch::Tensor x0 = run.x0(x, cur);
    if (nxt.isClean()) {
      x = nxt.alpha * x0;
    } else {
      const torch::Tensor eps = (x - cur.alpha * x0) / cur.sigma;
      const double ratio = nxt.scaledSigma() / cur.scaledSigma();
      const double c2 = eta * eta * nxt.sigma * nxt.sigma * (1.0 - ratio * ratio);
      x = nxt.alpha * x0 + std::sqrt(std::max(nxt.sigma * nxt.sigma - c2, 0.0)) * eps;
      if (c2 > 0.0) x = x + std::sqrt(c2) * run.noiseLike(x, "ddim");
    }
    run.stepDone(i, x, x0);
  }
  return run.result(std::move(x));
}

SampleResult sampleEuler(const X0Callback& f, torch::Tensor x, const std::vector<NoiseLevel>& levels,
                         const SamplerOptions& options) {
  Run run(f, levels, options);
  for (int i = 0; i < run.steps(); ++i) {
    const NoiseLevel &cur = run.level(i), &nxt = run.level(i + 1);
    const torch::Tensor x0 = run.x0(x, cur);
    const torch::Tensor y = x / cur.alpha;
    const double s = cur.scaledSigma(), sNext = nxt.scaledSigma();
    const torch::Tensor d = (y - x0) / s;
    x = nxt.alpha * (y + (sNext - s) * d);
    run.stepDone(i, x, x0);
  }
  return run.result(std::move(x));
}

SampleResult sampleHeun(const X0Callback& f, torch::Tensor x, const std::vector<NoiseLevel>& levels,
                        const SamplerOptions& options) {
  Run run(f, levels, options);
  for (int i = 0; i < run.steps(); ++i) {
    const NoiseLevel &cur = run.level(i), &nxt = run.level(i + 1);
    const torch::Tensor x0 = run.x0(x, cur);
    const torch::Tensor y = x / cur.alpha;
    const double s = cur.scaledSigma(), sNext = nxt.scaledSigma();
    const torch::Tensor d = (y - x0) / s;
    torch::Tensor yNext = y + (sNext - s) * d;
    if (!nxt.isClean()) {
      // EDM Alg. 1, lines 9-11: average the slopes at both ends (trapezoidal rule).
      const torch::Tensor x0Next = run.x0(nxt.alpha * yNext, nxt);
      const torch::Tensor dNext = (yNext - x0Next) / sNext;
      yNext = y + (sNext - s) * 0.5 * (d + dNext);
    }
    x = nxt.alpha * yNext;
    run.stepDone(i, x, x0);
  }
  return run.result(std::move(x));
}

SampleResult sampleDpmpp2m(const X0Callback& f, torch::Tensor x, const std::vector<NoiseLevel>& levels,
                           const SamplerOptions& options) {
  Run run(f, levels, options);
  torch::Tensor prevX0;
  double prevH = 0.0;
  for (int i = 0; i < run.steps(); ++i) {
    const NoiseLevel &cur = run.level(i), &nxt = run.level(i + 1);
    const torch::Tensor x0 = run.x0(x, cur);
    if (nxt.isClean()) {
      // lambda' = +inf: the exponential integrator's limit is the data prediction itself.
      x = nxt.alpha * x0;
    } else {
      const double h = nxt.lambda() - cur.lambda();  // > 0: validateLevels makes s decrease
      torch::Tensor d = x0;
      if (prevX0.defined()) {
        // Lu et al. 2022, Alg. 2: D = (1 + 1/(2r)) x0_i - 1/(2r) x0_{i-1}, r = h_{i-1}/h_i.
        const double r = prevH / h;
        d = (1.0 + 0.5 / r) * x0 - (0.5 / r) * prevX0;
      }
      // y' = (s'/s) y + (1 - e^{-h}) D, with s'/s = e^{-h}.
      const torch::Tensor y = x / cur.alpha;
      x = nxt.alpha * (std::exp(-h) * y - std::expm1(-h) * d);
      prevH = h;
    }
    prevX0 = x0;
    run.stepDone(i, x, x0);
  }
  return run.result(std::move(x));
}

SampleResult sampleConsistency(const X0Callback& f, torch::Tensor x, const std::vector<NoiseLevel>& levels,
                               const SamplerOptions& options) {
  Run run(f, levels, options);
  for (int i = 0; i < run.steps(); ++i) {
    const NoiseLevel &cur = run.level(i), &nxt = run.level(i + 1);
    const torch::Tensor x0 = run.x0(x, cur);
    x = nxt.alpha * x0;
    if (!nxt.isClean()) x = x + nxt.sigma * run.noiseLike(x, "consistency");
    run.stepDone(i, x, x0);
  }
  return run.result(std::move(x));
}

SampleResult sample(SamplerKind kind, const X0Callback& f, torch::Tensor x, const std::vector<NoiseLevel>& levels,
                    const SamplerOptions& options) {
  switch (kind) {
    case SamplerKind::ddim: return sampleDdim(f, std::move(x), levels, options);
    case SamplerKind::euler: return sampleEuler(f, std::move(x), levels, options);
    case SamplerKind::heun: return sampleHeun(f, std::move(x), levels, options);
    case SamplerKind::dpmpp_2m: return sampleDpmpp2m(f, std::move(x), levels, options);
    case SamplerKind::consistency: return sampleConsistency(f, std::move(x), levels, options);
  }
  throw ConfigError("unknown sampler kind");
}

}  // namespace vds::diffusion
