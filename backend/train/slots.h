// Network slots (ARCHITECTURE §3): each named network a method uses, with its own
// optimiser, learning rate, update ratio and frozen flag.
#pragma once
#include <torch/torch.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace vds {

// The slot names methods use.
namespace slot {
inline constexpr const char* kStudent = "student";
inline constexpr const char* kTeacher = "teacher";
inline constexpr const char* kFakeScore = "fake_score";
inline constexpr const char* kFakeScore2d = "fake_score_2d";
inline constexpr const char* kStyle2d = "style_2d";
inline constexpr const char* kDiscriminator = "discriminator";
inline constexpr const char* kEma = "ema";
inline constexpr const char* kModel = "model";  // the network a pre-training job trains
}  // namespace slot

struct SlotOptions {
  double learningRate = 1e-4;
  double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, weightDecay = 0.0;
  bool frozen = false;    // no optimiser, no gradients, never saved as trained state
  int updateRatio = 1;    // updates of this slot per generator update (two-timescale rule)
  bool trainedByEma = false;  // updated by EMA from another slot, not by an optimiser
  // Learning-rate multiplier per parameter name (e.g. AVDM2's motion modules against the
  // spatial backbone); empty: 1 for every parameter. Parameters with equal multipliers
  // share one AdamW parameter group.
  std::function<double(const std::string& parameterName)> lrScale;
};

struct Slot {
  std::string name;
  std::shared_ptr<torch::nn::Module> module;
  SlotOptions options;
  std::unique_ptr<torch::optim::AdamW> optimizer;  // null when frozen or EMA-driven
  int64_t updates = 0;                             // optimiser steps taken (for warm-up)
  // Parameters that train; a method may restrict this (e.g. motion modules only).
  std::vector<torch::Tensor> trainable;
  // Learning-rate multiplier of each optimiser parameter group, in group order.
  std::vector<double> groupScales;

  // The module as its concrete type (nn::Module is a virtual base, so dynamic_cast).
  template <typename T>
  T& as() const {
    auto* typed = dynamic_cast<T*>(module.get());
    if (!typed) throw std::logic_error("slot '" + name + "' does not hold the requested module type");
    return *typed;
  }
};

class SlotSet {
 public:
  // Registers a module. `trainable` defaults to all its parameters; frozen slots get
  // requires_grad(false) on every parameter and no optimiser.
  Slot& add(const std::string& name, std::shared_ptr<torch::nn::Module> module, const SlotOptions& options,
            std::vector<torch::Tensor> trainable = {});
  bool has(const std::string& name) const;
  Slot& at(const std::string& name);
  const Slot& at(const std::string& name) const;
  std::vector<std::string> names() const;
  // Replaces the module of an existing slot (style swap), rebuilding its optimiser.
  void replace(const std::string& name, std::shared_ptr<torch::nn::Module> module);

 private:
  std::vector<std::unique_ptr<Slot>> slots_;
};

// AdamW state as named tensors ("<param>.exp_avg", "<param>.exp_avg_sq", "<param>.step"),
// keyed by the module's parameter names so a checkpoint is readable with any safetensors tool.
std::map<std::string, torch::Tensor> optimizerState(const Slot& slot);
// Restores state written by optimizerState; a missing or mis-shaped entry is a FormatError naming it.
void loadOptimizerState(Slot& slot, const std::map<std::string, torch::Tensor>& state, const std::string& source);

// Global L2 norm of the gradients of `params` (0 when none have gradients).
double gradientNorm(const std::vector<torch::Tensor>& params);

}  // namespace vds
