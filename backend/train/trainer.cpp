#include "train/trainer.h"

#include "train/autocast.h"

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/device.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/progress.h"
#include "io/atomic_file.h"
#include "io/image_io.h"
#include "io/metrics_store.h"
#include "train/checkpoint.h"
#include "train/memory.h"

namespace fs = std::filesystem;

namespace vds {
namespace {

// Preview contact sheets: each frame upscaled this much, this many pixels between cells.
constexpr int kPreviewSheetScale = 2;
constexpr int kPreviewSheetPadding = 2;

bool allFinite(const StepResult& r) {
  for (const auto& [k, v] : r.losses)
    if (!std::isfinite(v)) return false;
  return true;
}

}  // namespace

Trainer::Trainer(Config config, std::unique_ptr<Method> method, std::shared_ptr<DataLoader> data, RunPaths paths,
                 EventSink* events)
    : config_(std::move(config)),
      method_(std::move(method)),
      data_(std::move(data)),
      paths_(std::move(paths)),
      events_(events),
      started_(std::chrono::steady_clock::now()) {
  const int64_t threads = config_.get<int64_t>("run.threads");
  at::set_num_threads(static_cast<int>(threads > 0 ? threads : std::max(1u, std::thread::hardware_concurrency())));
  // Weights and moments that decay towards zero become denormal floats, which x86 CPUs
  // process many times slower; flushing them to zero costs no accuracy that matters here.
  at::globalContext().setFlushDenormal(true);
  const torch::Device device = parseDevice(config_.get<std::string>("run.device"));
  ctx_ = std::make_unique<TrainContext>(config_, device, config_.get<uint64_t>("run.seed"), events_);
  ctx_->totalSteps = config_.get<int64_t>("trainer.steps");
  ctx_->gradClip = config_.get<double>("trainer.grad_clip");
  ctx_->warmupSteps = config_.get<int64_t>("trainer.warmup_steps");
  ctx_->cosineDecay = config_.get<std::string>("trainer.lr_schedule") == "cosine";
  const std::string precision = config_.get<std::string>("run.precision");
  ctx_->autocast = device.is_cuda() && (precision == "auto" || precision == "bfloat16");
  method_->setup(*ctx_);
  fs::create_directories(paths_.root);
  if (!fs::exists(paths_.config())) writeFileAtomic(paths_.config(), config_.dump());
}

Trainer::~Trainer() = default;

bool Trainer::resumeLatest() {
  const auto latest = latestCheckpoint(paths_.checkpoints());
  if (!latest) return false;
  const CheckpointMeta meta = readCheckpoint(*latest, ctx_->slots, ctx_->generator);
  ctx_->step = meta.step;
  nonFiniteSteps_ = meta.nonFiniteSteps;
  wallOffset_ = meta.wallSeconds;
  lastCheckpointStep_ = meta.step;
  data_->seek(LoaderCursor{meta.dataEpoch, meta.dataPosition});
  method_->loadState(*ctx_, meta.methodState);
  logger()->info("resumed from {} at step {}", latest->string(), meta.step);
  if (events_) events_->post(LogEvent{LogEvent::Level::Info, "resumed from " + latest->string()});
  // Metrics written after the checkpoint belong to steps that will be run again.
  if (fs::exists(paths_.metrics())) MetricsStore(paths_.metrics()).truncateAfter(meta.step);
  return true;
}

void Trainer::saveCheckpoint() {
  CheckpointMeta meta;
  meta.step = ctx_->step;
  const auto cursor = data_->cursor();
  meta.dataEpoch = cursor.epoch;
  meta.dataPosition = cursor.position;
  meta.nonFiniteSteps = nonFiniteSteps_;
  meta.wallSeconds = wallOffset_ + std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  meta.methodState = method_->saveState();
  const fs::path written = writeCheckpoint(paths_.checkpoints(), ctx_->slots, ctx_->generator, meta);
  pruneCheckpoints(paths_.checkpoints(), static_cast<int>(config_.get<int64_t>("trainer.keep_checkpoints")));
  lastCheckpointStep_ = ctx_->step;
  if (events_) events_->post(CheckpointEvent{ctx_->step, written.string()});
}

void Trainer::sampleNow() {
  if (preview_.captions.empty()) {
    if (events_) events_->post(LogEvent{LogEvent::Level::Warning, "no preview prompts yet: sampling skipped"});
    return;
  }
  auto scope = ctx_->timer.scope("sampling");
  SampleRequest request;
  request.captions = preview_.captions;
  request.videos = preview_.video;
  request.firstFrames = preview_.firstFrame;
  request.seed = config_.get<uint64_t>("run.seed");
  const fs::path dir = paths_.samples() / checkpointName(ctx_->step);
  fs::create_directories(dir);
  std::vector<SampleOutput> outputs;
  {
    AutocastScope autocast(ctx_->autocast);
    outputs = method_->sample(*ctx_, request);
  }
  for (const SampleOutput& out : outputs) {
    const torch::Tensor videos = out.videos.to(torch::kCPU).contiguous();  // [B,F,H,W,3] uint8
    std::vector<torch::Tensor> clips;
    for (int64_t i = 0; i < videos.size(0); ++i) clips.push_back(videos[i]);
    const std::vector<std::string>& captions = out.captions.empty() ? request.captions : out.captions;
    const fs::path file = dir / (out.label + ".png");
    writePng(file, contactSheet(clips, kPreviewSheetScale, kPreviewSheetPadding));
    const nlohmann::json layout = {{"label", out.label},
                                   {"clips", videos.size(0)},
                                   {"frames", videos.size(1)},
                                   {"height", videos.size(2)},
                                   {"width", videos.size(3)},
                                   {"scale", kPreviewSheetScale},
                                   {"padding", kPreviewSheetPadding},
                                   {"fps", kDefaultSampleFps},
                                   {"captions", captions}};
    writeFileAtomic(dir / (out.label + ".json"), layout.dump(2) + "\n");
    SampleEvent e;
    e.step = ctx_->step;
    e.label = out.label;
    e.clips = static_cast<int>(videos.size(0));
    e.frames = static_cast<int>(videos.size(1));
    e.height = static_cast<int>(videos.size(2));
    e.width = static_cast<int>(videos.size(3));
    e.rgb.assign(videos.data_ptr<uint8_t>(), videos.data_ptr<uint8_t>() + videos.numel());
    e.captions = captions;
    e.path = file.string();
    if (events_) events_->post(e);
  }
}

bool Trainer::handle(const Command& command) {
  if (std::holds_alternative<PauseCommand>(command)) {
    paused_ = true;
    if (events_) events_->post(StatusEvent{StatusEvent::State::Paused, ctx_->step, ""});
  } else if (std::holds_alternative<ResumeCommand>(command)) {
    if (paused_ && events_) events_->post(StatusEvent{StatusEvent::State::Resumed, ctx_->step, ""});
    paused_ = false;
  } else if (std::holds_alternative<StopCommand>(command)) {
    stopRequested_ = true;
  } else if (std::holds_alternative<SampleNowCommand>(command)) {
    sampleNow();
  } else if (std::holds_alternative<SaveNowCommand>(command)) {
    saveCheckpoint();
  } else if (!method_->handle(*ctx_, command)) {
    if (events_)
      events_->post(LogEvent{LogEvent::Level::Warning, "method " + method_->name() + " ignores " + commandName(command)});
  }
  return !stopRequested_;
}

bool Trainer::drainCommands() {
  while (auto c = commands_.tryPop())
    if (!handle(*c)) return false;
  // While paused, block on the queue: no busy wait, and stop still works.
  while (paused_ && !stopRequested_) handle(commands_.waitPop());
  return !stopRequested_;
}

void Trainer::accumulate(const StepResult& result) {
  for (const auto& [k, v] : result.losses) {
    auto& slot = window_["loss/" + k];
    slot.first += v;
    ++slot.second;
  }
  for (const auto& [k, v] : result.diagnostics) {
    auto& slot = window_["diag/" + k];
    slot.first += v;
    ++slot.second;
  }
}

void Trainer::report(const StepResult& result, double iterationSeconds) {
  (void)iterationSeconds;
  (void)result;
  if (!events_) {
    window_.clear();
    return;
  }
  ScalarsEvent scalars;
  scalars.step = ctx_->step;
  scalars.wallSeconds = wallOffset_ + std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  // Each value is the mean over the iterations since the last report that produced it,
  // so terms a method computes only on some iterations (a generator step every
  // update_ratio iterations) are reported whatever the logging interval.
  for (const auto& [k, acc] : window_) scalars.values[k] = acc.first / acc.second;
  window_.clear();
  for (const auto& name : ctx_->slots.names()) {
    const Slot& slot = ctx_->slots.at(name);
    if (slot.optimizer && !slot.optimizer->param_groups().empty())
      scalars.values["lr/" + name] =
          static_cast<torch::optim::AdamWOptions&>(slot.optimizer->param_groups().front().options()).lr();
  }
  scalars.values["nonfinite_steps"] = static_cast<double>(nonFiniteSteps_);
  events_->post(scalars);
}

RunOutcome Trainer::run() {
  if (events_) events_->post(StatusEvent{StatusEvent::State::Started, ctx_->step, describeDevice(ctx_->device)});
  const int64_t logEvery = config_.get<int64_t>("trainer.log_every");
  const int64_t sampleEvery = config_.get<int64_t>("trainer.sample_every");
  const int64_t checkpointEvery = config_.get<int64_t>("trainer.checkpoint_every");
  const int64_t maxNonFinite = config_.get<int64_t>("trainer.max_nan_steps");
  EtaEstimator eta(ctx_->totalSteps - ctx_->step);
  const int64_t firstStep = ctx_->step;
  const auto sessionStart = std::chrono::steady_clock::now();
  int64_t sinceReport = 0;

  while (ctx_->step < ctx_->totalSteps) {
    if (!drainCommands()) break;
    Batch batch;
    {
      auto scope = ctx_->timer.scope("data");
      batch = data_->next();
    }
    if (preview_.captions.empty()) preview_ = batch;  // previews reuse the first prompts seen
    ctx_->skippedUpdates = 0;
    const auto t0 = std::chrono::steady_clock::now();
    StepResult result = [&] {
      AutocastScope autocast(ctx_->autocast);
      return method_->step(*ctx_, batch);
    }();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (ctx_->skippedUpdates > 0 || !allFinite(result)) {
      ++nonFiniteSteps_;
      logger()->warn("step {}: non-finite loss, update skipped ({} of at most {})", ctx_->step, nonFiniteSteps_,
                     maxNonFinite);
      if (events_)
        events_->post(LogEvent{LogEvent::Level::Warning,
                               "step " + std::to_string(ctx_->step) + ": non-finite loss, update skipped"});
      if (nonFiniteSteps_ > maxNonFinite) {
        const std::string msg = "stopped after " + std::to_string(nonFiniteSteps_) +
                                " non-finite steps (trainer.max_nan_steps = " + std::to_string(maxNonFinite) +
                                "); the last good checkpoint is kept";
        if (events_) events_->post(StatusEvent{StatusEvent::State::Failed, ctx_->step, msg});
        throw TrainingError(msg);
      }
    }
    accumulate(result);
    ++ctx_->step;
    ++sinceReport;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - sessionStart).count();
    eta.update(ctx_->step - firstStep, elapsed);

    if (ctx_->step % logEvery == 0 || ctx_->step == ctx_->totalSteps) {
      report(result, seconds);
      if (events_) {
        events_->post(ProgressEvent{ctx_->step, ctx_->totalSteps, eta.rate(), eta.etaSeconds(), elapsed});
        events_->post(TimingEvent{ctx_->step, ctx_->timer.take(sinceReport)});
        events_->post(currentMemory(ctx_->step, ctx_->device));
      }
      sinceReport = 0;
    }
    if (sampleEvery > 0 && ctx_->step % sampleEvery == 0) sampleNow();
    if (checkpointEvery > 0 && ctx_->step % checkpointEvery == 0) saveCheckpoint();
  }

  if (lastCheckpointStep_ != ctx_->step) saveCheckpoint();
  const bool finished = ctx_->step >= ctx_->totalSteps;
  if (finished) method_->exportPackage(*ctx_, paths_.exported().string());
  if (events_)
    events_->post(StatusEvent{finished ? StatusEvent::State::Finished : StatusEvent::State::Stopped, ctx_->step, ""});
  return finished ? RunOutcome::Finished : RunOutcome::Stopped;
}

}  // namespace vds
