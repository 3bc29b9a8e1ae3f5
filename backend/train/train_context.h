// What a Method sees while it trains: the config, the device, its slots, the
// run's random stream, and helpers that update a slot safely.
#pragma once
#include <torch/torch.h>

#include <chrono>
#include <map>
#include <string>

#include "core/config.h"
#include "train/events.h"
#include "train/slots.h"

namespace vds {

// Accumulates wall time per named phase between two reports.
class PhaseTimer {
 public:
  class Scope {
   public:
    Scope(PhaseTimer& timer, std::string phase);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    PhaseTimer& timer_;
    std::string phase_;
    std::chrono::steady_clock::time_point start_;
  };
  Scope scope(std::string phase) { return Scope(*this, std::move(phase)); }
  void add(const std::string& phase, double milliseconds) { totals_[phase] += milliseconds; }
  // Average milliseconds per iteration since the last take, then resets.
  std::map<std::string, double> take(int64_t iterations);

 private:
  std::map<std::string, double> totals_;
};

// Factor on a slot's learning rate: linear warm-up over the slot's first `warmupSteps`
// updates, then (with `cosine`) 0.5 * (1 + cos(pi * step / totalSteps)) over the run's
// iterations, so that it reaches zero at the last one.
double learningRateFactor(int64_t slotUpdates, int64_t warmupSteps, int64_t step, int64_t totalSteps, bool cosine);

class TrainContext {
 public:
  TrainContext(const Config& config, torch::Device device, uint64_t seed, EventSink* events);

  const Config& config;
  torch::Device device;
  SlotSet slots;
  at::Generator generator;  // CPU stream for noise and timesteps: same numbers on any device
  EventSink* events;
  PhaseTimer timer;
  int64_t step = 0;          // index of the iteration being run
  int64_t totalSteps = 0;
  double gradClip = 0;       // <= 0 disables
  int64_t warmupSteps = 0;
  bool cosineDecay = false;  // trainer.lr_schedule: cosine
  bool autocast = false;     // bf16 autocast on CUDA
  int64_t skippedUpdates = 0;  // non-finite updates skipped in this iteration

  // Back-propagates `loss` into slot `name` and steps its optimiser (clip, warm-up).
  // A non-finite loss or gradient skips the update and clears the gradients; returns false then.
  bool optimize(const std::string& name, const torch::Tensor& loss);
  // One loss into several slots (e.g. a UNet and the text encoder trained with it).
  bool optimizeAll(const std::vector<std::string>& names, const torch::Tensor& loss);
  // The same after the caller ran backward itself (e.g. one loss into several slots).
  bool applyStep(const std::string& name);
  // ema <- decay * ema + (1 - decay) * source, over parameters and buffers with equal names.
  void updateEma(const std::string& emaSlot, const std::string& sourceSlot, double decay);

  // Gaussian noise from the run's stream, created on the CPU and moved to the device.
  torch::Tensor randn(at::IntArrayRef shape);
  torch::Tensor rand(at::IntArrayRef shape);
  torch::Tensor randint(int64_t low, int64_t high, at::IntArrayRef shape);
};

}  // namespace vds
