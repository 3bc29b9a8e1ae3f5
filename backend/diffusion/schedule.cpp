#include "diffusion/schedule.h"

#include <algorithm>
#include <cmath>

#include "core/errors.h"

namespace vds::diffusion {

namespace {

constexpr double kPi = 3.14159265358979323846;

std::string joinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

void requirePositive(int n, const char* what) {
  if (n < 1) throw ConfigError(std::string(what) + " must be >= 1, got " + std::to_string(n));
}

}  // namespace

BetaSchedule parseBetaSchedule(const std::string& name) {
  if (name == "linear") return BetaSchedule::linear;
  if (name == "scaled_linear") return BetaSchedule::scaled_linear;
  if (name == "cosine") return BetaSchedule::cosine;
  throw ConfigError("unknown beta schedule '" + name + "' (valid: " +
                    joinNames({"linear", "scaled_linear", "cosine"}) + ")");
}

std::string toString(BetaSchedule kind) {
  switch (kind) {
    case BetaSchedule::linear: return "linear";
    case BetaSchedule::scaled_linear: return "scaled_linear";
    case BetaSchedule::cosine: return "cosine";
  }
  return "?";
}

Spacing parseSpacing(const std::string& name) {
  if (name == "leading") return Spacing::leading;
  if (name == "trailing") return Spacing::trailing;
  if (name == "linspace") return Spacing::linspace;
  throw ConfigError("unknown timestep spacing '" + name + "' (valid: " +
                    joinNames({"leading", "trailing", "linspace"}) + ")");
}

std::string toString(Spacing spacing) {
  switch (spacing) {
    case Spacing::leading: return "leading";
    case Spacing::trailing: return "trailing";
    case Spacing::linspace: return "linspace";
  }
  return "?";
}

// ---- DDPM ----------------------------------------------------------------------

DdpmSchedule::DdpmSchedule(BetaSchedule kind, std::vector<double> betas)
    : kind_(kind), betas_(std::move(betas)) {
  alphasCumprod_.resize(betas_.size());
  double prod = 1.0;
  for (size_t i = 0; i < betas_.size(); ++i) {
    prod *= 1.0 - betas_[i];
    alphasCumprod_[i] = prod;
  }
}

DdpmSchedule DdpmSchedule::linear(int numTimesteps, double betaStart, double betaEnd) {
  requirePositive(numTimesteps, "DDPM num_timesteps");
  std::vector<double> betas(static_cast<size_t>(numTimesteps));
  for (int i = 0; i < numTimesteps; ++i) {
    const double f = numTimesteps == 1 ? 0.0 : static_cast<double>(i) / (numTimesteps - 1);
    betas[static_cast<size_t>(i)] = betaStart + f * (betaEnd - betaStart);
  }
  return DdpmSchedule(BetaSchedule::linear, std::move(betas));
}

DdpmSchedule DdpmSchedule::scaledLinear(int numTimesteps, double betaStart, double betaEnd) {
  requirePositive(numTimesteps, "DDPM num_timesteps");
  std::vector<double> betas(static_cast<size_t>(numTimesteps));
  const double a = std::sqrt(betaStart), b = std::sqrt(betaEnd);
  for (int i = 0; i < numTimesteps; ++i) {
    const double f = numTimesteps == 1 ? 0.0 : static_cast<double>(i) / (numTimesteps - 1);
    const double r = a + f * (b - a);
    betas[static_cast<size_t>(i)] = r * r;
  }
  return DdpmSchedule(BetaSchedule::scaled_linear, std::move(betas));
}

DdpmSchedule DdpmSchedule::cosine(int numTimesteps, double s, double maxBeta) {
  requirePositive(numTimesteps, "DDPM num_timesteps");
  // Improved DDPM, Eq. 17: beta_t = 1 - alpha_bar(t+1)/alpha_bar(t), clipped so the
  // last steps near t = T do not become singular.
  auto f = [&](double t) {
    const double c = std::cos((t / numTimesteps + s) / (1.0 + s) * kPi / 2.0);
    return c * c;
  };
  std::vector<double> betas(static_cast<size_t>(numTimesteps));
  for (int i = 0; i < numTimesteps; ++i)
    betas[static_cast<size_t>(i)] = std::min(1.0 - f(i + 1.0) / f(i), maxBeta);
  return DdpmSchedule(BetaSchedule::cosine, std::move(betas));
}

DdpmSchedule DdpmSchedule::make(BetaSchedule kind, int numTimesteps) {
  switch (kind) {
    case BetaSchedule::linear: return linear(numTimesteps);
    case BetaSchedule::scaled_linear: return scaledLinear(numTimesteps);
    case BetaSchedule::cosine: return cosine(numTimesteps);
  }
  throw ConfigError("unknown beta schedule");
}

NoiseLevel DdpmSchedule::level(double t) const {
  const int T = numTimesteps();
  if (!(t >= 0.0 && t <= T - 1))
    throw ConfigError("DDPM timestep " + std::to_string(t) + " is outside [0, " +
                      std::to_string(T - 1) + "]");
  const int lo = static_cast<int>(std::floor(t));
  const int hi = std::min(lo + 1, T - 1);
  const double w = t - lo;
  // Interpolating log alpha_bar keeps fractional levels strictly between their neighbours
  // in both alpha and sigma, and is exact at integers.
  const double logAbar = (1.0 - w) * std::log(alphasCumprod_[static_cast<size_t>(lo)]) +
                         w * std::log(alphasCumprod_[static_cast<size_t>(hi)]);
  const double abar = std::exp(logAbar);
  return NoiseLevel{std::sqrt(abar), std::sqrt(1.0 - abar), t};
}

std::vector<double> DdpmSchedule::timesteps(int n, Spacing spacing) const {
  const int T = numTimesteps();
  if (n < 1 || n > T)
    throw ConfigError("number of inference steps must be in [1, " + std::to_string(T) + "], got " +
                      std::to_string(n));
  std::vector<double> ts(static_cast<size_t>(n));
  for (int k = 0; k < n; ++k) {
    double t = 0.0;
    switch (spacing) {
      case Spacing::leading: t = static_cast<double>((T / n) * (n - 1 - k)); break;
      case Spacing::trailing: t = std::round(T - k * (static_cast<double>(T) / n)) - 1.0; break;
      case Spacing::linspace:
        t = n == 1 ? T - 1.0 : std::round((T - 1.0) * (n - 1 - k) / (n - 1.0));
        break;
    }
    ts[static_cast<size_t>(k)] = t;
  }
  return ts;
}

std::vector<NoiseLevel> DdpmSchedule::levels(const std::vector<double>& ts, bool appendClean) const {
  std::vector<NoiseLevel> out;
  out.reserve(ts.size() + 1);
  for (double t : ts) out.push_back(level(t));
  if (appendClean) out.push_back(NoiseLevel{1.0, 0.0, -1.0});
  return out;
}

// ---- EDM -----------------------------------------------------------------------

std::vector<double> karrasSigmas(int n, double sigmaMin, double sigmaMax, double rho) {
  requirePositive(n, "number of Karras sigmas");
  if (!(sigmaMin > 0.0 && sigmaMax > sigmaMin && rho > 0.0))
    throw ConfigError("Karras sigmas need 0 < sigma_min < sigma_max and rho > 0");
  if (n == 1) return {sigmaMax};
  std::vector<double> out = edmGrid(n, sigmaMin, sigmaMax, rho);
  std::reverse(out.begin(), out.end());
  return out;
}

std::vector<double> edmGrid(int T, double sigmaMin, double sigmaMax, double rho) {
  if (T < 2) throw ConfigError("the EDM grid (specs/003 §3.3, Eq. 5) needs T >= 2, got " +
                               std::to_string(T));
  if (!(sigmaMin > 0.0 && sigmaMax > sigmaMin && rho > 0.0))
    throw ConfigError("the EDM grid needs 0 < sigma_min < sigma_max and rho > 0");
  const double a = std::pow(sigmaMin, 1.0 / rho), b = std::pow(sigmaMax, 1.0 / rho);
  std::vector<double> out(static_cast<size_t>(T));
  for (int t = 0; t < T; ++t) out[static_cast<size_t>(t)] = std::pow(a + t / (T - 1.0) * (b - a), rho);
  // Pin the end points so sigma_max is exactly the configured value (pow round trip).
  out.front() = sigmaMin;
  out.back() = sigmaMax;
  return out;
}

std::vector<NoiseLevel> edmLevels(const std::vector<double>& sigmas, bool appendClean) {
  std::vector<NoiseLevel> out;
  out.reserve(sigmas.size() + 1);
  for (double s : sigmas) out.push_back(NoiseLevel{1.0, s, s});
  if (appendClean) out.push_back(NoiseLevel{1.0, 0.0, 0.0});
  return out;
}

// ---- training sigma distributions --------------------------------------------

torch::Tensor sampleLogNormalSigma(int64_t n, double pMean, double pStd, at::Generator gen) {
  auto z = at::randn({n}, gen, torch::TensorOptions().dtype(torch::kFloat64));
  return (z * pStd + pMean).exp();
}

DiscreteLogNormalSigma::DiscreteLogNormalSigma(double pMean, double pStd, int T, double sigmaMin,
                                               double sigmaMax, double rho) {
  if (pStd == 0.0) throw ConfigError("discretised log-normal: P_std must be non-zero");
  const std::vector<double> grid = edmGrid(T, sigmaMin, sigmaMax, rho);
  const double denom = std::sqrt(2.0) * std::abs(pStd);
  auto cdf = [&](double sigma) { return std::erf((std::log(sigma) - pMean) / denom); };
  double total = 0.0;
  for (int t = 1; t < T; ++t) {
    sigmas_.push_back(grid[static_cast<size_t>(t)]);
    probs_.push_back(cdf(grid[static_cast<size_t>(t)]) - cdf(grid[static_cast<size_t>(t - 1)]));
    total += probs_.back();
  }
  if (!(total > 0.0))
    throw ConfigError("discretised log-normal: no probability mass on the sigma grid (P_mean " +
                      std::to_string(pMean) + ")");
  for (double& p : probs_) p /= total;
  const auto dbl = torch::TensorOptions().dtype(torch::kFloat64);
  probTensor_ = torch::tensor(probs_, dbl);
  sigmaTensor_ = torch::tensor(sigmas_, dbl);
}

torch::Tensor DiscreteLogNormalSigma::sampleIndices(int64_t n, at::Generator gen) const {
  return at::multinomial(probTensor_, n, /*replacement=*/true, gen) + 1;
}

torch::Tensor DiscreteLogNormalSigma::sample(int64_t n, at::Generator gen) const {
  return sigmaTensor_.index_select(0, sampleIndices(n, gen) - 1);
}

}  // namespace vds::diffusion
