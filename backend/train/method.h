// The Method seam (ARCHITECTURE §3): a method names the networks it needs by slot,
// implements one training iteration and k-step sampling, and carries its own state
// into checkpoints. Adding a method is one file in methods/ plus a registration.
#pragma once
#include <torch/torch.h>
#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <vector>

#include "core/config.h"
#include "data/dataloader.h"
#include "data/dataset.h"
#include "train/commands.h"
#include "train/train_context.h"

namespace vds {

struct StepResult {
  std::map<std::string, double> losses;       // named loss terms of this iteration
  std::map<std::string, double> diagnostics;  // gradient norms, accuracies, ...
};

struct SampleRequest {
  std::vector<std::string> captions;
  torch::Tensor videos;       // [B,F,3,H,W] in [-1,1]: the real clips behind the captions
  torch::Tensor firstFrames;  // [B,3,H,W] in [-1,1] for image-to-video methods; may be undefined
  uint64_t seed = 0;
};

// A labelled set of videos, uint8 [B,F,H,W,3].
struct SampleOutput {
  std::string label;
  torch::Tensor videos;
  // One caption per video when they are not the request's prompts (e.g. the three
  // predictions of a triptych); empty: the request's captions.
  std::vector<std::string> captions{};
};

// Shapes world options from data.* and run.seed.
WorldOptions worldOptionsFrom(const Config& config);
// data.clips for the train split; a fixed 1024 held-out clips otherwise.
int64_t clipsFor(const Config& config, Split split);

class Method {
 public:
  virtual ~Method() = default;
  virtual std::string name() const = 0;
  // The method's own settings, merged into the run schema under method.<name>.
  virtual ConfigSchema schema() const { return {}; }
  // The clips this job trains on (split train) or previews and evaluates (heldout).
  // The default is data.*: the Shapes world in data.style, or with data.source =
  // video_folder the imported clips at data.path (data/video_folder.h).
  virtual std::shared_ptr<const ClipDataset> makeDataset(const Config& config, Split split) const;
  // Builds the networks and registers them as slots.
  virtual void setup(TrainContext& ctx) = 0;
  // One training iteration. Losses go through ctx.optimize(), which skips
  // non-finite updates; the Trainer counts those.
  virtual StepResult step(TrainContext& ctx, const Batch& batch) = 0;
  // Preview samples of what the method trains.
  virtual std::vector<SampleOutput> sample(TrainContext& ctx, const SampleRequest& request) = 0;
  // Writes the trained result as a model package (the student, or the pre-trained model).
  virtual void exportPackage(TrainContext& ctx, const std::string& dir) = 0;
  // Method state beyond slots, optimisers and RNG (e.g. the active style model).
  virtual YAML::Node saveState() const { return YAML::Node(); }
  virtual void loadState(TrainContext&, const YAML::Node&) {}
  // Method-specific commands (style swap, loss weights). Returns false when not handled.
  virtual bool handle(TrainContext&, const Command&) { return false; }
};

}  // namespace vds
