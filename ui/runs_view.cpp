#include "ui/runs_view.h"

#include <QFile>
#include <QFileDialog>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include "ui/run_controller.h"

namespace fs = std::filesystem;

namespace vds::ui {
namespace {

enum Column { kColId, kColStatus, kColMethod, kColStep, kColMetrics, kColCount };

}  // namespace

RunsView::RunsView(RunController* run, QWidget* parent) : QWidget(parent), run_(run) {
  auto* layout = new QVBoxLayout(this);
  workspaceLabel_ = new QLabel;
  layout->addWidget(workspaceLabel_);
  auto* split = new QSplitter(Qt::Vertical);
  auto* runsBox = new QWidget;
  auto* rl = new QVBoxLayout(runsBox);
  rl->setContentsMargins(0, 0, 0, 0);
  table_ = new QTableWidget(0, kColCount);
  table_->setHorizontalHeaderLabels({tr("run"), tr("status"), tr("method"), tr("step"), tr("newest losses")});
  table_->horizontalHeader()->setSectionResizeMode(kColMetrics, QHeaderView::Stretch);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  rl->addWidget(table_);
  auto* buttons = new QHBoxLayout;
  auto* refreshButton = new QPushButton(tr("Refresh"));
  auto* open = new QPushButton(tr("Open plots"));
  auto* resume = new QPushButton(tr("&Resume"));
  auto* clone = new QPushButton(tr("Clone with edits"));
  auto* compare = new QPushButton(tr("Compare student"));
  compare->setToolTip(tr("Add the run's exported student to the Compare tab, sampling as its package records"));
  auto* remove = new QPushButton(tr("Delete…"));
  for (auto* b : {refreshButton, open, resume, clone, compare, remove}) buttons->addWidget(b);
  buttons->addStretch();
  rl->addLayout(buttons);
  split->addWidget(runsBox);

  auto* queueBox = new QGroupBox(tr("Queue (runs one after another; a failure skips to the next, Stop halts it)"));
  auto* ql = new QVBoxLayout(queueBox);
  queue_ = new QListWidget;
  ql->addWidget(queue_);
  auto* qb = new QHBoxLayout;
  auto* add = new QPushButton(tr("Add configs…"));
  auto* clear = new QPushButton(tr("Clear finished"));
  queueButton_ = new QPushButton(tr("Run queue"));
  for (auto* b : {add, clear, queueButton_}) qb->addWidget(b);
  qb->addStretch();
  ql->addLayout(qb);
  split->addWidget(queueBox);
  layout->addWidget(split, 1);

  connect(refreshButton, &QPushButton::clicked, this, &RunsView::refresh);
  connect(open, &QPushButton::clicked, this, &RunsView::openSelected);
  connect(resume, &QPushButton::clicked, this, [this] {
    QString error;
    if (!resumeSelected(&error)) QMessageBox::warning(this, tr("Resume"), error);
  });
  connect(clone, &QPushButton::clicked, this, &RunsView::cloneSelected);
  connect(compare, &QPushButton::clicked, this, [this] {
    QString error;
    if (!compareSelected(&error)) QMessageBox::information(this, tr("Compare student"), error);
  });
  connect(remove, &QPushButton::clicked, this, [this] { deleteSelected(false); });
  connect(add, &QPushButton::clicked, this, [this] {
    for (const QString& f : QFileDialog::getOpenFileNames(this, tr("Queue run configs"), {}, tr("YAML (*.yaml *.yml)")))
      enqueue(f);
  });
  connect(clear, &QPushButton::clicked, this, [this] {
    if (queueRunning()) return;
    queueFiles_.clear();
    queueStates_.clear();
    queueRunDirs_.clear();
    queue_->clear();
    refreshQueueButton();
  });
  connect(queueButton_, &QPushButton::clicked, this, &RunsView::startQueue);
  connect(run_, &RunController::runEnded, this, &RunsView::onRunEnded);
  connect(run_, &RunController::stateChanged, this, [this] { refresh(); });
}

void RunsView::setWorkspace(const fs::path& workspace) {
  workspace_ = workspace;
  workspaceLabel_->setText(tr("Workspace: %1").arg(QString::fromStdString(workspace.string())));
  refresh();
}

QString RunsView::statusOf(const RunEntry& r) const {
  if (run_->isActive() && QString::fromStdString(fs::path(run_->runDir().toStdString()).string()) == r.dir)
    return runStateName(run_->state());
  if (!r.error.isEmpty()) return tr("unreadable");
  if (r.exported || (r.totalSteps > 0 && r.checkpointStep >= r.totalSteps)) return tr("finished");
  if (r.checkpointStep >= 0) return tr("stopped");
  return tr("no checkpoint");
}

void RunsView::refresh() {
  const QString current = selected() ? selected()->id : QString();
  runs_ = workspace_.empty() ? std::vector<RunEntry>{} : scanRuns(workspace_);
  table_->setRowCount(static_cast<int>(runs_.size()));
  for (int i = 0; i < static_cast<int>(runs_.size()); ++i) {
    const RunEntry& r = runs_[i];
    QStringList metrics;
    for (const auto& [k, v] : r.lastValues) metrics << QStringLiteral("%1 %2").arg(QString::fromStdString(k.substr(5))).arg(v, 0, 'g', 4);
    const QString step = r.checkpointStep >= 0 ? QStringLiteral("%1 / %2").arg(r.checkpointStep).arg(r.totalSteps)
                                               : QStringLiteral("– / %1").arg(r.totalSteps);
    const QStringList cells = {r.id, statusOf(r), r.method, step, r.error.isEmpty() ? metrics.join(QStringLiteral(", ")) : r.error};
    for (int c = 0; c < kColCount; ++c) table_->setItem(i, c, new QTableWidgetItem(cells[c]));
    table_->item(i, kColId)->setToolTip(r.dir);
  }
  if (!current.isEmpty()) selectRun(current);
}

int RunsView::rowOf(const QString& runId) const {
  for (int i = 0; i < static_cast<int>(runs_.size()); ++i)
    if (runs_[i].id == runId) return i;
  return -1;
}

void RunsView::selectRun(const QString& runId) {
  const int row = rowOf(runId);
  if (row >= 0) table_->selectRow(row);
}

const RunEntry* RunsView::selected() const {
  const auto rows = table_->selectionModel() ? table_->selectionModel()->selectedRows() : QModelIndexList{};
  if (rows.isEmpty()) return nullptr;
  const int row = rows.front().row();
  return row >= 0 && row < static_cast<int>(runs_.size()) ? &runs_[row] : nullptr;
}

void RunsView::openSelected() {
  if (const RunEntry* r = selected()) Q_EMIT openRequested(r->dir);
}

bool RunsView::resumeSelected(QString* error) {
  const RunEntry* r = selected();
  if (!r) {
    if (error) *error = tr("select a run first");
    return false;
  }
  QFile f(r->dir + QStringLiteral("/config.yaml"));
  if (!f.open(QIODevice::ReadOnly)) {
    if (error) *error = tr("cannot read %1").arg(f.fileName());
    return false;
  }
  RunRequest request;
  request.configYaml = f.readAll().toStdString();
  request.sourceName = f.fileName().toStdString();
  request.runDir = r->dir.toStdString();
  request.resume = true;
  const QString dir = r->dir;
  if (!run_->start(request, error)) return false;
  Q_EMIT resumed(dir);
  return true;
}

void RunsView::cloneSelected() {
  const RunEntry* r = selected();
  if (!r) return;
  QFile f(r->dir + QStringLiteral("/config.yaml"));
  if (!f.open(QIODevice::ReadOnly)) return;
  Q_EMIT cloneRequested(QString::fromUtf8(f.readAll()));
}

bool RunsView::compareSelected(QString* error) {
  const RunEntry* r = selected();
  if (!r) {
    if (error) *error = tr("select a run first");
    return false;
  }
  if (!r->exported) {
    if (error) *error = tr("run %1 has not exported a package yet: a run exports when it finishes").arg(r->id);
    return false;
  }
  Q_EMIT compareRequested(r->dir + QStringLiteral("/export"), r->id);
  return true;
}

bool RunsView::deleteSelected(bool confirmed) {
  const RunEntry* r = selected();
  if (!r) return false;
  if (run_->isActive() && run_->runDir() == r->dir) {
    QMessageBox::information(this, tr("Delete run"), tr("Stop the run before deleting it."));
    return false;
  }
  if (!confirmed &&
      QMessageBox::question(this, tr("Delete run"),
                            tr("Delete the run folder %1 with its checkpoints, samples and metrics? This cannot be undone.")
                                .arg(r->dir)) != QMessageBox::Yes)
    return false;
  std::error_code ec;
  fs::remove_all(r->dir.toStdString(), ec);
  refresh();
  return !ec;
}

void RunsView::enqueue(const QString& configFile) {
  queueFiles_ << configFile;
  queueStates_ << tr("pending");
  queueRunDirs_ << QString();
  queue_->addItem(QStringLiteral("%1 — %2").arg(configFile, queueStates_.back()));
  refreshQueueButton();
}

QStringList RunsView::queueStates() const { return queueStates_; }

bool RunsView::isQueueHalted() const {
  if (queueRunning()) return false;
  return queueStates_.contains(runStateName(RunState::Stopped)) && queueStates_.contains(tr("pending"));
}

void RunsView::setQueueState(int index, const QString& state) {
  queueStates_[index] = state;
  queue_->item(index)->setText(QStringLiteral("%1 — %2").arg(queueFiles_[index], state));
}

void RunsView::refreshQueueButton() {
  queueButton_->setText(queueStates_.contains(runStateName(RunState::Stopped)) ? tr("Resume queue") : tr("Run queue"));
  queueButton_->setEnabled(!queueRunning());
}

void RunsView::startQueue() {
  if (queueRunning() || run_->isActive()) return;
  queueIndex_ = -1;
  for (int i = 0; i < queueStates_.size(); ++i)
    if (queueStates_[i] == tr("pending") || queueStates_[i] == runStateName(RunState::Stopped)) {
      queueIndex_ = i;
      break;
    }
  if (queueIndex_ < 0) {
    Q_EMIT queueFinished();
    return;
  }
  startNextInQueue();
}

void RunsView::startNextInQueue() {
  while (queueIndex_ >= 0 && queueIndex_ < queueFiles_.size()) {
    QFile f(queueFiles_[queueIndex_]);
    QString error;
    if (!f.open(QIODevice::ReadOnly)) {
      error = tr("cannot read the file");
    } else {
      RunRequest request;
      request.configYaml = f.readAll().toStdString();
      request.sourceName = queueFiles_[queueIndex_].toStdString();
      // A stopped entry continues its own run folder from the checkpoint Stop saved.
      if (queueStates_[queueIndex_] == runStateName(RunState::Stopped) && !queueRunDirs_[queueIndex_].isEmpty()) {
        request.runDir = queueRunDirs_[queueIndex_].toStdString();
        request.resume = true;
      }
      if (run_->start(request, &error)) {
        queueRunDirs_[queueIndex_] = run_->runDir();
        setQueueState(queueIndex_, tr("running"));
        refreshQueueButton();
        return;  // onRunEnded moves on
      }
    }
    setQueueState(queueIndex_, tr("failed: %1").arg(error));
    ++queueIndex_;
  }
  queueIndex_ = -1;
  refresh();
  refreshQueueButton();
  Q_EMIT queueFinished();
}

void RunsView::onRunEnded(RunState state, const QString& message) {
  refresh();
  if (!queueRunning()) return;
  setQueueState(queueIndex_, state == RunState::Failed ? tr("failed: %1").arg(message) : runStateName(state));
  if (state == RunState::Stopped) {
    // The user stopped it: halt here, leaving the rest queued for Resume queue.
    queueIndex_ = -1;
    refreshQueueButton();
    Q_EMIT queueHalted();
    return;
  }
  ++queueIndex_;
  startNextInQueue();
}

}  // namespace vds::ui
