#include "train/train_context.h"

#include <algorithm>
#include <cmath>

#include "core/rng.h"

namespace vds {

PhaseTimer::Scope::Scope(PhaseTimer& timer, std::string phase)
    : timer_(timer), phase_(std::move(phase)), start_(std::chrono::steady_clock::now()) {}

PhaseTimer::Scope::~Scope() {
  timer_.add(phase_, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count());
}

std::map<std::string, double> PhaseTimer::take(int64_t iterations) {
  std::map<std::string, double> out;
  for (const auto& [k, v] : totals_) out[k] = iterations > 0 ? v / static_cast<double>(iterations) : v;
  totals_.clear();
  return out;
}

TrainContext::TrainContext(const Config& cfg, torch::Device dev, uint64_t seed, EventSink* sink)
    : config(cfg), device(dev), generator(makeGenerator(deriveSeed(seed, {tagOf("train")}))), events(sink) {}

bool TrainContext::optimize(const std::string& name, const torch::Tensor& loss) {
  Slot& slot = slots.at(name);
  if (!slot.optimizer) throw std::logic_error("slot '" + name + "' is not trainable");
  slot.optimizer->zero_grad();
  if (!torch::isfinite(loss.detach()).all().item<bool>()) {
    ++skippedUpdates;
    return false;
  }
  loss.backward();
  return applyStep(name);
}

bool TrainContext::optimizeAll(const std::vector<std::string>& names, const torch::Tensor& loss) {
  for (const auto& name : names) {
    if (!slots.at(name).optimizer) throw std::logic_error("slot '" + name + "' is not trainable");
    slots.at(name).optimizer->zero_grad();
  }
  if (!torch::isfinite(loss.detach()).all().item<bool>()) {
    ++skippedUpdates;
    return false;
  }
  loss.backward();
  bool all = true;
  for (const auto& name : names) all = applyStep(name) && all;
  return all;
}

double learningRateFactor(int64_t slotUpdates, int64_t warmupSteps, int64_t step, int64_t totalSteps, bool cosine) {
  double factor = warmupSteps > 0 ? std::min(1.0, static_cast<double>(slotUpdates + 1) / warmupSteps) : 1.0;
  if (cosine && totalSteps > 0) {
    const double progress = std::clamp(static_cast<double>(step) / static_cast<double>(totalSteps), 0.0, 1.0);
    factor *= 0.5 * (1.0 + std::cos(M_PI * progress));
  }
  return factor;
}

bool TrainContext::applyStep(const std::string& name) {
  Slot& slot = slots.at(name);
  for (const auto& p : slot.trainable) {
    if (p.grad().defined() && !torch::isfinite(p.grad()).all().item<bool>()) {
      slot.optimizer->zero_grad();
      ++skippedUpdates;
      return false;
    }
  }
  if (gradClip > 0) torch::nn::utils::clip_grad_norm_(slot.trainable, gradClip);
  const double warm = learningRateFactor(slot.updates, warmupSteps, step, totalSteps, cosineDecay);
  auto& groups = slot.optimizer->param_groups();
  for (size_t g = 0; g < groups.size(); ++g) {
    const double scale = g < slot.groupScales.size() ? slot.groupScales[g] : 1.0;
    static_cast<torch::optim::AdamWOptions&>(groups[g].options()).lr(slot.options.learningRate * warm * scale);
  }
  slot.optimizer->step();
  slot.optimizer->zero_grad();
  ++slot.updates;
  return true;
}

void TrainContext::updateEma(const std::string& emaSlot, const std::string& sourceSlot, double decay) {
  torch::NoGradGuard noGrad;
  auto target = slots.at(emaSlot).module->named_parameters(true);
  auto source = slots.at(sourceSlot).module->named_parameters(true);
  for (auto& item : target) {
    const torch::Tensor* src = source.find(item.key());
    if (!src) throw std::logic_error("EMA source '" + sourceSlot + "' lacks parameter " + item.key());
    item.value().mul_(decay).add_(*src, 1.0 - decay);
  }
  auto targetBuffers = slots.at(emaSlot).module->named_buffers(true);
  auto sourceBuffers = slots.at(sourceSlot).module->named_buffers(true);
  for (auto& item : targetBuffers)
    if (const torch::Tensor* src = sourceBuffers.find(item.key())) item.value().copy_(*src);
}

torch::Tensor TrainContext::randn(at::IntArrayRef shape) {
  return torch::randn(shape, generator, torch::kFloat32).to(device);
}

torch::Tensor TrainContext::rand(at::IntArrayRef shape) {
  return torch::rand(shape, generator, torch::kFloat32).to(device);
}

torch::Tensor TrainContext::randint(int64_t low, int64_t high, at::IntArrayRef shape) {
  return torch::randint(low, high, shape, generator, torch::kLong).to(device);
}

}  // namespace vds
