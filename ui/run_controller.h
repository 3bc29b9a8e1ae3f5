// Owns one training run in a worker thread (the worker-object pattern of Qt's QThread
// documentation): the Trainer is built, resumed, run and destroyed on that thread, so no
// tensor crosses threads. Commands go down through the Trainer's CommandQueue; events
// come up through an EventBridge. Nothing here ever blocks the UI thread except the
// destructor, which is the last resort when the window did not stop the run first.
#pragma once
#include <QObject>
#include <QString>

#include <filesystem>
#include <memory>
#include <string>

#include "train/commands.h"
#include "ui/event_bridge.h"

class QThread;

namespace vds::ui {

enum class RunState { Idle, Starting, Running, Paused, Stopping, Finished, Stopped, Failed };
QString runStateName(RunState state);

struct RunRequest {
  std::string configYaml;         // a run config, as loadRunConfig reads it
  std::string sourceName = "setup";  // names the config in error messages
  std::filesystem::path runDir;   // empty: WORKSPACE/runs/NAME from the config
  bool resume = false;            // continue the newest checkpoint in runDir
};

class RunController : public QObject {
  Q_OBJECT
 public:
  explicit RunController(QObject* parent = nullptr);
  ~RunController() override;

  // Validates the config on the calling thread (fast) and starts the worker. Returns
  // false with a message when the config is invalid, a run is active, or a fresh run
  // would overwrite checkpoints.
  bool start(const RunRequest& request, QString* error);

  void pause();
  void resume();
  // Finishes the current iteration, saves a checkpoint, then ends the run.
  void stop();
  void sampleNow();
  void saveNow();
  void swapStyle(const QString& packagePath, bool reinitFakeScore = true);
  void setLossWeight(const QString& name, double value);

  RunState state() const { return state_; }
  // Starting, Running, Paused or Stopping: a worker thread exists.
  bool isActive() const;
  // Runs a local event loop until no run is active, or `timeoutMs` has passed (-1: no
  // limit); true when the run ended. It sleeps between checks, so the caller's thread
  // takes no CPU from training. For command-line modes (screenshots, benchmarks): the
  // studio itself never waits on a run.
  bool waitUntilInactive(int timeoutMs = -1);
  QString runDir() const { return runDir_; }
  EventBridge* events() { return &bridge_; }
  // Every command sent to the current run, oldest first (names as commandName gives).
  const QStringList& sentCommands() const { return sentCommands_; }

 Q_SIGNALS:
  void stateChanged(vds::ui::RunState state);
  // The worker thread has ended; `message` explains a failure.
  void runEnded(vds::ui::RunState finalState, const QString& message);

 private:
  struct Shared;
  void send(Command command);
  void setState(RunState state);
  void onStatus(const StatusEvent& status);
  void onThreadFinished();

  EventBridge bridge_;
  std::shared_ptr<Shared> shared_;
  QThread* thread_ = nullptr;
  RunState state_ = RunState::Idle;
  QString runDir_;
  QStringList sentCommands_;
};

}  // namespace vds::ui
