#include "diffusion/denoiser.h"

#include <cmath>
#include <string>
#include <vector>

#include "core/errors.h"

namespace vds::diffusion {

namespace {

torch::Tensor catField(const torch::Tensor& a, const torch::Tensor& b, const char* name) {
  if (a.defined() != b.defined())
    throw Error(std::string("Conditioning::cat: '") + name + "' is defined in only one of the two batches");
  return a.defined() ? torch::cat({a, b}, 0) : torch::Tensor();
}

torch::Tensor repeatField(const torch::Tensor& a, int64_t times) {
  if (!a.defined()) return a;
  std::vector<int64_t> reps(static_cast<size_t>(a.dim()), 1);
  reps[0] = times;
  return a.repeat(reps);
}

// A [B] tensor as [B, 1, ..., 1] in x's dtype and device, to broadcast over x.
torch::Tensor perRow(const torch::Tensor& v, const torch::Tensor& x) {
  std::vector<int64_t> shape(static_cast<size_t>(x.dim()), 1);
  shape[0] = v.size(0);
  return v.to(x.device(), x.scalar_type()).view(shape);
}

void requireNoisy(const NoiseLevel& lvl, const char* what) {
  if (lvl.isClean()) throw Error(std::string("Denoiser: ") + what + " is undefined at a clean level (sigma = 0)");
}

}  // namespace

// ---- Conditioning / BatchNoiseLevel -----------------------------------------------

Conditioning Conditioning::cat(const Conditioning& a, const Conditioning& b) {
  return Conditioning{catField(a.context, b.context, "context"), catField(a.image, b.image, "image")};
}

Conditioning Conditioning::repeat(int64_t times) const {
  return Conditioning{repeatField(context, times), repeatField(image, times)};
}

Conditioning Conditioning::slice(int64_t begin, int64_t end) const {
  return Conditioning{context.defined() ? context.slice(0, begin, end) : context,
                      image.defined() ? image.slice(0, begin, end) : image};
}

BatchNoiseLevel BatchNoiseLevel::uniform(const NoiseLevel& lvl, int64_t batch, torch::TensorOptions options) {
  return BatchNoiseLevel{torch::full({batch}, lvl.alpha, options), torch::full({batch}, lvl.sigma, options),
                         torch::full({batch}, lvl.t, options)};
}

NoiseLevel BatchNoiseLevel::row(int64_t i) const {
  return NoiseLevel{alpha[i].item<double>(), sigma[i].item<double>(), t[i].item<double>()};
}

// ---- Denoiser -------------------------------------------------------------------

Denoiser::Denoiser(NetworkFn net, Parameterisation p, std::optional<double> sigmaData)
    : net_(std::move(net)), param_(p), sigmaData_(sigmaData.value_or(defaultSigmaData(p))) {
  if (!net_) throw Error("Denoiser: empty network function");
  if (!(sigmaData_ > 0.0)) throw ConfigError("Denoiser: sigma_data must be > 0, got " + std::to_string(sigmaData_));
}

Denoiser Denoiser::fromX0(X0Fn oracle) {
  if (!oracle) throw Error("Denoiser::fromX0: empty x0 function");
  Denoiser d;
  d.oracle_ = std::move(oracle);
  return d;
}

torch::Tensor Denoiser::predict(const torch::Tensor& x, const NoiseLevel& lvl, const Conditioning& cond,
                                Target target) const {
  const bool wantX0 = target == Target::x0;
  requireNoisy(lvl, "a network prediction");  // x0() answers clean levels itself
  if (oracle_) {
    torch::Tensor x0 = oracle_(x, lvl, cond);
    return wantX0 ? x0 : epsFromX0(x, x0, lvl.alpha, lvl.sigma);
  }
  const int64_t batch = x.size(0);
  if (isEdm(param_)) {
    const auto c = EdmPreconditioning::at(lvl.scaledSigma(), sigmaData_, param_);
    const torch::Tensor f = net_(x * (c.cIn / lvl.alpha), torch::full({batch}, c.cNoise, x.options()), cond);
    torch::Tensor x0 = x * (c.cSkip / lvl.alpha) + c.cOut * f;
    return wantX0 ? x0 : epsFromX0(x, x0, lvl.alpha, lvl.sigma);
  }
  const torch::Tensor out = net_(x, torch::full({batch}, lvl.t, x.options()), cond);
  switch (param_) {
    case Parameterisation::eps: return wantX0 ? x0FromEps(x, out, lvl.alpha, lvl.sigma) : out;
    case Parameterisation::v:
      return wantX0 ? x0FromV(x, out, lvl.alpha, lvl.sigma) : epsFromV(x, out, lvl.alpha, lvl.sigma);
    default: return wantX0 ? out : epsFromX0(x, out, lvl.alpha, lvl.sigma);
  }
}

torch::Tensor Denoiser::predict(const torch::Tensor& x, const BatchNoiseLevel& lvl, const Conditioning& cond,
                                Target target) const {
  const bool wantX0 = target == Target::x0;
  if (lvl.size() != x.size(0))
    throw Error("Denoiser: " + std::to_string(lvl.size()) + " levels for a batch of " + std::to_string(x.size(0)));
  if (!(lvl.sigma > 0).all().item<bool>()) throw Error("Denoiser: per-sample levels must all have sigma > 0");
  if (oracle_) {
    // A closed-form x0 takes one level: call it once if all rows share it, else row by row.
    const bool shared = (lvl.alpha == lvl.alpha[0]).all().item<bool>() &&
                        (lvl.sigma == lvl.sigma[0]).all().item<bool>() && (lvl.t == lvl.t[0]).all().item<bool>();
    if (shared) return predict(x, lvl.row(0), cond, target);
    std::vector<torch::Tensor> rows;
    for (int64_t i = 0; i < x.size(0); ++i)
      rows.push_back(predict(x.slice(0, i, i + 1), lvl.row(i), cond.slice(i, i + 1), target));
    return torch::cat(rows, 0);
  }
  const torch::Tensor a = perRow(lvl.alpha, x), s = perRow(lvl.sigma, x);
  if (isEdm(param_)) {
    // Coefficients in double, then cast: matches the scalar path to the dtype's precision.
    const torch::Tensor sc = lvl.sigma.to(torch::kFloat64) / lvl.alpha.to(torch::kFloat64);
    const double sd2 = sigmaData_ * sigmaData_;
    const torch::Tensor norm = (sc * sc + sd2).sqrt();
    const double sign = param_ == Parameterisation::edm_v ? -1.0 : 1.0;
    const torch::Tensor alpha64 = lvl.alpha.to(torch::kFloat64);
    const torch::Tensor f = net_(x * perRow(1.0 / (norm * alpha64), x), (0.25 * sc.log()).to(x.options()), cond);
    torch::Tensor x0 = x * perRow(sd2 / (sc * sc + sd2) / alpha64, x) + perRow(sign * sc * sigmaData_ / norm, x) * f;
    return wantX0 ? x0 : epsFromX0(x, x0, a, s);
  }
  const torch::Tensor out = net_(x, lvl.t.to(x.options()), cond);
  switch (param_) {
    case Parameterisation::eps: return wantX0 ? x0FromEps(x, out, a, s) : out;
    case Parameterisation::v: return wantX0 ? x0FromV(x, out, a, s) : epsFromV(x, out, a, s);
    default: return wantX0 ? out : epsFromX0(x, out, a, s);
  }
}

torch::Tensor Denoiser::x0(const torch::Tensor& x, const NoiseLevel& lvl, const Conditioning& cond) const {
  if (lvl.isClean()) return x / lvl.alpha;
  return predict(x, lvl, cond, Target::x0);
}

torch::Tensor Denoiser::eps(const torch::Tensor& x, const NoiseLevel& lvl, const Conditioning& cond) const {
  requireNoisy(lvl, "eps");
  return predict(x, lvl, cond, Target::eps);
}

torch::Tensor Denoiser::score(const torch::Tensor& x, const NoiseLevel& lvl, const Conditioning& cond) const {
  requireNoisy(lvl, "the score");
  return -predict(x, lvl, cond, Target::eps) / lvl.sigma;
}

torch::Tensor Denoiser::x0(const torch::Tensor& x, const BatchNoiseLevel& lvl, const Conditioning& cond) const {
  return predict(x, lvl, cond, Target::x0);
}

torch::Tensor Denoiser::eps(const torch::Tensor& x, const BatchNoiseLevel& lvl, const Conditioning& cond) const {
  return predict(x, lvl, cond, Target::eps);
}

torch::Tensor Denoiser::x0Guided(const torch::Tensor& x, const NoiseLevel& lvl, const Conditioning& cond,
                                 const Conditioning& uncond, double w) const {
  if (w == 1.0 || lvl.isClean()) return x0(x, lvl, cond);
  const int64_t batch = x.size(0);
  const torch::Tensor both = x0(torch::cat({x, x}, 0), lvl, Conditioning::cat(cond, uncond));
  const torch::Tensor c = both.slice(0, 0, batch), u = both.slice(0, batch, 2 * batch);
  return u + w * (c - u);
}

}  // namespace vds::diffusion
