// Runs: every run folder of the workspace (status, method, step, newest losses) with
// resume, clone-with-edits and delete (confirmed), plus a queue of configs that run one
// after another; a config that fails is marked and the queue goes on with the next.
#pragma once
#include <QWidget>

#include <filesystem>

#include "ui/studio_catalog.h"

class QListWidget;
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
  bool resumeSelected(QString* error = nullptr);
  void cloneSelected();
  // Asks first unless `confirmed`; refuses the active run.
  bool deleteSelected(bool confirmed = false);

  // The queue: YAML files run in order.
  void enqueue(const QString& configFile);
  QStringList queueStates() const;  // "pending", "running", "finished", "stopped", "failed: ..."
  void startQueue();
  bool queueRunning() const { return queueIndex_ >= 0; }

 Q_SIGNALS:
  void resumed(const QString& runDir);
  void openRequested(const QString& runDir);
  void cloneRequested(const QString& yamlText);
  void queueFinished();

 private:
  void startNextInQueue();
  void onRunEnded(RunState state, const QString& message);
  const RunEntry* selected() const;

  RunController* run_;
  std::filesystem::path workspace_;
  std::vector<RunEntry> runs_;
  QTableWidget* table_ = nullptr;
  QLabel* workspaceLabel_ = nullptr;
  QListWidget* queue_ = nullptr;
  QStringList queueFiles_, queueStates_;
  int queueIndex_ = -1;
};

}  // namespace vds::ui
