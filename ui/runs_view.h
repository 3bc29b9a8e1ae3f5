// Runs: every run folder of the workspace (status, method, step, newest losses) with
// resume, clone-with-edits and delete (confirmed), plus a queue of configs that run one
// after another. A config that fails is marked and the queue goes on with the next; a
// run the user stops halts the queue (the rest stay pending) until Resume queue, which
// resumes the stopped run from its checkpoint and then goes on.
#pragma once
#include <QWidget>

#include <filesystem>

#include "ui/studio_catalog.h"

class QListWidget;
class QPushButton;
class QTableWidget;
class QLabel;

namespace vds::ui {

class RunController;
enum class RunState;

class RunsView : public QWidget {
  Q_OBJECT
 public:
  RunsView(RunController* run, QWidget* parent = nullptr);

  void setWorkspace(const std::filesystem::path& workspace);
  const std::filesystem::path& workspace() const { return workspace_; }
  void refresh();
  const std::vector<RunEntry>& runs() const { return runs_; }
  int rowOf(const QString& runId) const;
  void selectRun(const QString& runId);
  QString statusOf(const RunEntry& run) const;

  // Actions on the selected run.
  void openSelected();  // shows its plots and previews
  bool resumeSelected(QString* error = nullptr);
  void cloneSelected();
  // Sends the selected run's exported student (RUN/export) to Compare; false, with the
  // reason, when no run is selected or the run has not exported a package yet.
  bool compareSelected(QString* error = nullptr);
  // Asks first unless `confirmed`; refuses the active run.
  bool deleteSelected(bool confirmed = false);

  // The queue: YAML files run in order.
  void enqueue(const QString& configFile);
  QStringList queueStates() const;  // "pending", "running", "finished", "stopped", "failed: ..."
  // Runs the queue from its first stopped (resumed) or pending entry: Run queue and
  // Resume queue are this one action.
  void startQueue();
  bool queueRunning() const { return queueIndex_ >= 0; }
  // A user Stop halted the queue, with entries still to run.
  bool isQueueHalted() const;

 Q_SIGNALS:
  void resumed(const QString& runDir);
  void openRequested(const QString& runDir);
  void cloneRequested(const QString& yamlText);
  void compareRequested(const QString& packageDir, const QString& runId);
  void queueFinished();
  void queueHalted();

 private:
  void startNextInQueue();
  void setQueueState(int index, const QString& state);
  void refreshQueueButton();
  void onRunEnded(RunState state, const QString& message);
  const RunEntry* selected() const;

  RunController* run_;
  std::filesystem::path workspace_;
  std::vector<RunEntry> runs_;
  QTableWidget* table_ = nullptr;
  QLabel* workspaceLabel_ = nullptr;
  QListWidget* queue_ = nullptr;
  QStringList queueFiles_, queueStates_;
  QStringList queueRunDirs_;  // the run folder of a stopped entry, resumed by Resume queue
  QPushButton* queueButton_ = nullptr;
  int queueIndex_ = -1;
};

}  // namespace vds::ui
