#include "ui/run_controller.h"

#include <QEventLoop>
#include <QThread>
#include <QTimer>

#include <mutex>

#include "core/errors.h"
#include "methods/registry.h"
#include "methods/run_setup.h"
#include "train/checkpoint.h"
#include "train/metrics_recorder.h"
#include "train/trainer.h"
#include "ui/studio_catalog.h"

namespace fs = std::filesystem;

namespace vds::ui {

QString runStateName(RunState state) {
  switch (state) {
    case RunState::Idle: return RunController::tr("idle");
    case RunState::Starting: return RunController::tr("starting");
    case RunState::Running: return RunController::tr("running");
    case RunState::Paused: return RunController::tr("paused");
    case RunState::Stopping: return RunController::tr("saving…");
    case RunState::Finished: return RunController::tr("finished");
    case RunState::Stopped: return RunController::tr("stopped");
    case RunState::Failed: return RunController::tr("failed");
  }
  return {};
}

// What the UI thread and the worker share. Commands sent before the Trainer exists wait
// in `early` and are forwarded as soon as it does.
struct RunController::Shared {
  std::mutex mutex;
  Trainer* trainer = nullptr;
  std::vector<Command> early;
  bool stopRequested = false;
  // Written by the worker before it ends; read after QThread::finished.
  bool failed = false;
  bool finished = false;
  std::string message;
};

RunController::RunController(QObject* parent) : QObject(parent) {
  connect(&bridge_, &EventBridge::statusArrived, this, &RunController::onStatus);
}

RunController::~RunController() {
  if (thread_) {
    stop();
    thread_->wait();
    delete thread_;
  }
}

bool RunController::isActive() const { return thread_ != nullptr; }

bool RunController::waitUntilInactive(int timeoutMs) {
  QEventLoop loop;
  QTimer poll;
  poll.setInterval(50);
  QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
    if (!isActive()) loop.quit();
  });
  QTimer limit;
  limit.setSingleShot(true);
  QObject::connect(&limit, &QTimer::timeout, &loop, &QEventLoop::quit);
  if (!isActive()) return true;
  poll.start();
  if (timeoutMs >= 0) limit.start(timeoutMs);
  loop.exec();
  return !isActive();
}

bool RunController::start(const RunRequest& request, QString* error) {
  const auto fail = [&](const QString& message) {
    if (error) *error = message;
    return false;
  };
  if (thread_) return fail(tr("a run is already active"));
  Config config;
  try {
    config = resolveRunYaml(request.configYaml, request.sourceName);
  } catch (const std::exception& e) {
    return fail(QString::fromStdString(e.what()));
  }
  RunPaths paths(request.runDir.empty() ? runDirFor(config) : request.runDir);
  if (!request.resume && newestCheckpointStep(paths.root) >= 0)
    return fail(tr("run folder %1 already has checkpoints; resume it from the Runs view")
                    .arg(QString::fromStdString(paths.root.string())));
  try {
    fs::create_directories(paths.root);
  } catch (const std::exception& e) {
    return fail(QString::fromStdString(e.what()));
  }

  shared_ = std::make_shared<Shared>();
  sentCommands_.clear();
  runDir_ = QString::fromStdString(paths.root.string());
  auto shared = shared_;
  EventBridge* bridge = &bridge_;
  const bool resume = request.resume;
  thread_ = QThread::create([shared, bridge, config, paths, resume] {
    try {
      MetricsRecorder recorder(paths.metrics());
      FanOutSink sinks;
      sinks.add(bridge);
      sinks.add(&recorder);
      const std::unique_ptr<Trainer> trainer = prepareRun(config, paths, &sinks);
      if (resume && !trainer->resumeLatest())
        bridge->post(LogEvent{LogEvent::Level::Info, "no checkpoint in " + paths.root.string() + ": starting fresh"});
      {
        std::lock_guard<std::mutex> lock(shared->mutex);
        shared->trainer = trainer.get();
        for (auto& c : shared->early) trainer->commands().push(std::move(c));
        shared->early.clear();
        if (shared->stopRequested) trainer->commands().push(StopCommand{});
      }
      RunOutcome outcome = RunOutcome::Stopped;
      try {
        outcome = trainer->run();
      } catch (...) {
        std::lock_guard<std::mutex> lock(shared->mutex);
        shared->trainer = nullptr;
        throw;
      }
      std::lock_guard<std::mutex> lock(shared->mutex);
      shared->trainer = nullptr;
      shared->finished = outcome == RunOutcome::Finished;
    } catch (const std::exception& e) {
      std::lock_guard<std::mutex> lock(shared->mutex);
      shared->failed = true;
      shared->message = e.what();
    }
  });
  thread_->setObjectName(QStringLiteral("vds-trainer"));
  connect(thread_, &QThread::finished, this, &RunController::onThreadFinished);
  setState(RunState::Starting);
  thread_->start();
  return true;
}

void RunController::send(Command command) {
  if (!shared_ || !thread_) return;
  sentCommands_ << QString::fromStdString(commandName(command));
  std::lock_guard<std::mutex> lock(shared_->mutex);
  if (std::holds_alternative<StopCommand>(command)) shared_->stopRequested = true;
  if (shared_->trainer) shared_->trainer->commands().push(std::move(command));
  else if (!std::holds_alternative<StopCommand>(command)) shared_->early.push_back(std::move(command));
}

void RunController::pause() { send(PauseCommand{}); }
void RunController::resume() { send(ResumeCommand{}); }
void RunController::sampleNow() { send(SampleNowCommand{}); }
void RunController::saveNow() { send(SaveNowCommand{}); }

void RunController::stop() {
  if (!thread_) return;
  send(StopCommand{});
  setState(RunState::Stopping);
}

void RunController::swapStyle(const QString& packagePath, bool reinitFakeScore) {
  send(SwapStyleCommand{packagePath.toStdString(), reinitFakeScore});
}

void RunController::setLossWeight(const QString& name, double value) {
  send(SetLossWeightCommand{name.toStdString(), value});
}

void RunController::setState(RunState state) {
  if (state_ == state) return;
  state_ = state;
  Q_EMIT stateChanged(state);
}

void RunController::onStatus(const StatusEvent& status) {
  if (!thread_ || state_ == RunState::Stopping) return;
  switch (status.state) {
    case StatusEvent::State::Started:
    case StatusEvent::State::Resumed: setState(RunState::Running); break;
    case StatusEvent::State::Paused: setState(RunState::Paused); break;
    case StatusEvent::State::Stopping: setState(RunState::Stopping); break;
    default: break;  // the end of a run is taken from the thread, which also sees exceptions
  }
}

void RunController::onThreadFinished() {
  RunState outcome = RunState::Stopped;
  QString message;
  {
    std::lock_guard<std::mutex> lock(shared_->mutex);
    if (shared_->failed) outcome = RunState::Failed;
    else if (shared_->finished) outcome = RunState::Finished;
    message = QString::fromStdString(shared_->message);
  }
  thread_->deleteLater();
  thread_ = nullptr;
  setState(outcome);
  Q_EMIT runEnded(outcome, message);
}

}  // namespace vds::ui
