// The Trainer: one loop shared by every method and pre-training job. It drains
// commands between iterations, reports events, samples, checkpoints atomically and
// resumes exactly (slots, optimisers, RNG and data cursor all restored).
#pragma once
#include <filesystem>
#include <map>
#include <memory>

#include "core/config.h"
#include "core/errors.h"
#include "data/dataloader.h"
#include "train/commands.h"
#include "train/events.h"
#include "train/method.h"
#include "train/train_context.h"

namespace vds {

// Stopped after too many non-finite updates, or another unrecoverable training failure.
class TrainingError : public Error {
 public:
  using Error::Error;
};

struct RunPaths {
  RunPaths(std::filesystem::path rootDir = {}, std::filesystem::path exportTo = {})
      : root(std::move(rootDir)), exportDir(std::move(exportTo)) {}
  std::filesystem::path root;
  std::filesystem::path config() const { return root / "config.yaml"; }
  std::filesystem::path checkpoints() const { return root / "checkpoints"; }
  // samples/step-NNNNNN/LABEL.png: a contact sheet (io/image_io.h: rows are clips, frames
  // left to right), with LABEL.json beside it giving the layout (clips, frames, height,
  // width, scale, padding) and the captions, so a viewer can cut the frames back out.
  std::filesystem::path samples() const { return root / "samples"; }
  std::filesystem::path metrics() const { return root / "metrics.sqlite"; }
  std::filesystem::path exportDir;  // where the finished model package goes; empty: root/export
  std::filesystem::path exported() const { return exportDir.empty() ? root / "export" : exportDir; }
};

enum class RunOutcome { Finished, Stopped };

class Trainer {
 public:
  // `config` must be resolved against baseRunSchema() merged with the method's schema.
  Trainer(Config config, std::unique_ptr<Method> method, std::shared_ptr<DataLoader> data, RunPaths paths,
          EventSink* events);
  ~Trainer();

  // Thread-safe: front ends push commands from any thread.
  CommandQueue& commands() { return commands_; }

  // Restores the newest checkpoint of the run folder, if there is one. Returns whether it did.
  bool resumeLatest();
  // Runs until trainer.steps or a stop command. Throws TrainingError after too many
  // non-finite steps; the last good checkpoint stays on disk.
  RunOutcome run();

  void saveCheckpoint();
  void sampleNow();
  // The prompts (and first frames) that previews use; defaults to the first batch.
  void setPreview(Batch preview) { preview_ = std::move(preview); }
  TrainContext& context() { return *ctx_; }
  Method& method() { return *method_; }
  int64_t step() const { return ctx_->step; }

 private:
  // Returns false when the run must stop.
  bool drainCommands();
  bool handle(const Command& command);
  void report(const StepResult& result, double iterationSeconds);
  void accumulate(const StepResult& result);

  Config config_;
  std::unique_ptr<Method> method_;
  std::shared_ptr<DataLoader> data_;
  RunPaths paths_;
  EventSink* events_;
  std::unique_ptr<TrainContext> ctx_;
  CommandQueue commands_;
  int64_t nonFiniteSteps_ = 0;
  int64_t lastCheckpointStep_ = -1;
  double wallOffset_ = 0;  // wall time of earlier sessions of a resumed run
  std::chrono::steady_clock::time_point started_;
  Batch preview_;
  std::map<std::string, std::pair<double, int64_t>> window_;  // sums and counts since the last report
  bool stopRequested_ = false;
  bool paused_ = false;
};

}  // namespace vds
