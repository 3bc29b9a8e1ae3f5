#include "train/slots.h"

#include <type_traits>

#include "core/errors.h"

namespace vds {
namespace {

// LibTorch 1.13 keys optimiser state by the parameter's TensorImpl address as a
// string, later versions by the address itself; derive the key type from the map.
template <typename Map>
typename Map::key_type stateKey(const torch::Tensor& p) {
  using Key = typename Map::key_type;
  if constexpr (std::is_same_v<Key, std::string>) {
    return c10::guts::to_string(p.unsafeGetTensorImpl());
  } else {
    return static_cast<Key>(p.unsafeGetTensorImpl());
  }
}

// Parameter name for each trainable tensor of the slot, by identity.
std::vector<std::pair<std::string, torch::Tensor>> namedTrainable(const Slot& slot) {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& item : slot.module->named_parameters(true)) {
    for (const auto& t : slot.trainable)
      if (t.unsafeGetTensorImpl() == item.value().unsafeGetTensorImpl()) out.emplace_back(item.key(), item.value());
  }
  return out;
}

void buildOptimizer(Slot& slot) {
  slot.optimizer.reset();
  if (slot.options.frozen || slot.options.trainedByEma) {
    for (auto& p : slot.module->parameters()) p.set_requires_grad(false);
    slot.trainable.clear();
    return;
  }
  for (auto& p : slot.module->parameters()) p.set_requires_grad(false);
  for (auto& p : slot.trainable) p.set_requires_grad(true);
  torch::optim::AdamWOptions opts(slot.options.learningRate);
  opts.betas({slot.options.beta1, slot.options.beta2}).eps(slot.options.epsilon).weight_decay(slot.options.weightDecay);
  slot.groupScales.clear();
  if (!slot.options.lrScale) {
    slot.groupScales.push_back(1.0);
    slot.optimizer = std::make_unique<torch::optim::AdamW>(slot.trainable, opts);
    return;
  }
  // One group per distinct multiplier, in order of first appearance.
  std::vector<std::vector<torch::Tensor>> groups;
  for (const auto& [name, p] : namedTrainable(slot)) {
    const double scale = slot.options.lrScale(name);
    if (!(scale >= 0)) throw ConfigError("slot '" + slot.name + "': learning-rate multiplier of '" + name + "' is negative");
    size_t g = 0;
    while (g < slot.groupScales.size() && slot.groupScales[g] != scale) ++g;
    if (g == slot.groupScales.size()) {
      slot.groupScales.push_back(scale);
      groups.emplace_back();
    }
    groups[g].push_back(p);
  }
  std::vector<torch::optim::OptimizerParamGroup> paramGroups;
  for (size_t g = 0; g < groups.size(); ++g) {
    auto groupOptions = std::make_unique<torch::optim::AdamWOptions>(opts);
    groupOptions->lr(slot.options.learningRate * slot.groupScales[g]);
    paramGroups.emplace_back(groups[g], std::move(groupOptions));
  }
  slot.optimizer = std::make_unique<torch::optim::AdamW>(paramGroups, opts);
}

}  // namespace

Slot& SlotSet::add(const std::string& name, std::shared_ptr<torch::nn::Module> module, const SlotOptions& options,
                   std::vector<torch::Tensor> trainable) {
  if (has(name)) throw std::logic_error("slot '" + name + "' is registered twice");
  auto slot = std::make_unique<Slot>();
  slot->name = name;
  slot->module = std::move(module);
  slot->options = options;
  slot->trainable = trainable.empty() ? slot->module->parameters() : std::move(trainable);
  buildOptimizer(*slot);
  slots_.push_back(std::move(slot));
  return *slots_.back();
}

bool SlotSet::has(const std::string& name) const {
  for (const auto& s : slots_)
    if (s->name == name) return true;
  return false;
}

Slot& SlotSet::at(const std::string& name) {
  for (auto& s : slots_)
    if (s->name == name) return *s;
  throw std::logic_error("no slot named '" + name + "'");
}

const Slot& SlotSet::at(const std::string& name) const { return const_cast<SlotSet*>(this)->at(name); }

std::vector<std::string> SlotSet::names() const {
  std::vector<std::string> out;
  for (const auto& s : slots_) out.push_back(s->name);
  return out;
}

void SlotSet::replace(const std::string& name, std::shared_ptr<torch::nn::Module> module) {
  Slot& slot = at(name);
  slot.module = std::move(module);
  slot.trainable = slot.module->parameters();
  slot.updates = 0;
  buildOptimizer(slot);
}

std::map<std::string, torch::Tensor> optimizerState(const Slot& slot) {
  std::map<std::string, torch::Tensor> out;
  if (!slot.optimizer) return out;
  auto& state = slot.optimizer->state();
  using Map = std::decay_t<decltype(state)>;
  for (const auto& [name, p] : namedTrainable(slot)) {
    auto it = state.find(stateKey<Map>(p));
    if (it == state.end()) continue;  // not stepped yet
    const auto& s = static_cast<const torch::optim::AdamWParamState&>(*it->second);
    out[name + ".exp_avg"] = s.exp_avg().detach().cpu().clone();
    out[name + ".exp_avg_sq"] = s.exp_avg_sq().detach().cpu().clone();
    out[name + ".step"] = torch::tensor(static_cast<int64_t>(s.step()), torch::kLong);
  }
  out["__updates__"] = torch::tensor(slot.updates, torch::kLong);
  return out;
}

void loadOptimizerState(Slot& slot, const std::map<std::string, torch::Tensor>& state, const std::string& source) {
  if (!slot.optimizer) return;
  auto& live = slot.optimizer->state();
  using Map = std::decay_t<decltype(live)>;
  live.clear();
  auto fetch = [&](const std::string& key, const torch::Tensor& like) {
    auto it = state.find(key);
    if (it == state.end()) throw FormatError(source + ": optimiser state lacks '" + key + "'");
    if (like.defined() && it->second.sizes() != like.sizes())
      throw FormatError(source + ": optimiser state '" + key + "' has the wrong shape");
    return it->second;
  };
  for (const auto& [name, p] : namedTrainable(slot)) {
    if (!state.count(name + ".step")) continue;  // the parameter had not been stepped when saved
    auto s = std::make_unique<torch::optim::AdamWParamState>();
    s->step(fetch(name + ".step", {}).item<int64_t>());
    s->exp_avg(fetch(name + ".exp_avg", p).to(p.device(), p.scalar_type()).clone());
    s->exp_avg_sq(fetch(name + ".exp_avg_sq", p).to(p.device(), p.scalar_type()).clone());
    live[stateKey<Map>(p)] = std::move(s);
  }
  slot.updates = fetch("__updates__", {}).item<int64_t>();
}

double gradientNorm(const std::vector<torch::Tensor>& params) {
  double sum = 0;
  for (const auto& p : params)
    if (p.grad().defined()) sum += p.grad().detach().to(torch::kDouble).pow(2).sum().item<double>();
  return std::sqrt(sum);
}

}  // namespace vds
