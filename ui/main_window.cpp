#include "ui/main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>

#include "core/paths.h"
#include "ui/compare_view.h"
#include "ui/export_dialog.h"
#include "ui/generation_service.h"
#include "ui/plots_view.h"
#include "ui/profiler_overlay.h"
#include "ui/runs_view.h"
#include "ui/samples_view.h"
#include "ui/setup_panel.h"
#include "ui/studio_catalog.h"
#include "ui/styles_view.h"

namespace fs = std::filesystem;

namespace vds::ui {
namespace {

QString formatDuration(double seconds) {
  if (seconds < 0) return QStringLiteral("?");
  const auto s = static_cast<qint64>(seconds);
  return s >= 3600 ? QStringLiteral("%1:%2:%3").arg(s / 3600).arg(s / 60 % 60, 2, 10, QLatin1Char('0')).arg(s % 60, 2, 10, QLatin1Char('0'))
                   : QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

}  // namespace

MainWindow::MainWindow(const StudioOptions& options, QWidget* parent)
    : QMainWindow(parent), options_(options), run_(new RunController(this)),
      generator_(std::make_unique<GenerationService>()), profilerStats_(std::make_unique<ProfilerStats>()) {
  setWindowTitle(tr("vdstudio — video diffusion distillation studio"));
  setObjectName(QStringLiteral("MainWindow"));
  QSettings settings;
  workspace_ = options.workspace;
  if (workspace_.empty()) workspace_ = settings.value(QStringLiteral("workspace")).toString().toStdString();
  if (workspace_.empty()) workspace_ = defaultWorkspace();

  tabs_ = new QTabWidget;
  setup_ = new SetupPanel;
  plots_ = new PlotsView;
  samples_ = new SamplesView;
  compare_ = new CompareView(generator_.get());
  styles_ = new StylesView(generator_.get(), run_);
  runs_ = new RunsView(run_);
  runs_->setWorkspace(workspace_);
  tabs_->addTab(setup_, tr("&Setup"));
  tabs_->addTab(plots_, tr("&Plots"));
  tabs_->addTab(samples_, tr("Sa&mples"));
  tabs_->addTab(compare_, tr("&Compare"));
  tabs_->addTab(styles_, tr("St&yles"));
  tabs_->addTab(runs_, tr("&Runs"));
  setCentralWidget(tabs_);

  auto* logDock = new QDockWidget(tr("Log"), this);
  logDock->setObjectName(QStringLiteral("LogDock"));
  log_ = new QPlainTextEdit;
  log_->setReadOnly(true);
  log_->setMaximumBlockCount(5000);
  logDock->setWidget(log_);
  addDockWidget(Qt::BottomDockWidgetArea, logDock);
  resizeDocks({logDock}, {120}, Qt::Vertical);

  stateLabel_ = new QLabel(runStateName(RunState::Idle));
  stepLabel_ = new QLabel;
  rateLabel_ = new QLabel;
  etaLabel_ = new QLabel;
  deviceLabel_ = new QLabel;
  for (QLabel* l : {stateLabel_, stepLabel_, rateLabel_, etaLabel_, deviceLabel_}) statusBar()->addPermanentWidget(l);

  buildActions();
  menuBar()->addMenu(tr("&View"))->addAction(logDock->toggleViewAction());
  connectRun();
  connect(runs_, &RunsView::cloneRequested, this, [this](const QString& yaml) {
    QString error;
    QString edited = yaml;
    // A clone is a new run: it gets a fresh name unless the user gives one.
    if (!setup_->loadYamlText(edited, tr("clone"), &error)) {
      appendLog(tr("clone failed: %1").arg(error));
      return;
    }
    setup_->setFieldText(QStringLiteral("run.name"), QString());
    tabs_->setCurrentWidget(setup_);
  });
  connect(runs_, &RunsView::compareRequested, this, [this](const QString& packageDir, const QString& runId) {
    CompareColumn column;
    column.label = runId;
    column.package = packageDir;
    column.packageSampling = true;
    compare_->addColumn(column);
    tabs_->setCurrentWidget(compare_);
    appendLog(tr("added the student of run %1 to Compare; press Generate").arg(runId));
  });
  connect(runs_, &RunsView::openRequested, this, [this](const QString& dir) {
    showRunHistory(dir);
    tabs_->setCurrentWidget(plots_);
  });
  connect(runs_, &RunsView::resumed, this, [this](const QString& dir) {
    showRunHistory(dir);
    tabs_->setCurrentWidget(plots_);
  });

  if (options_.restoreSettings) {
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    tabs_->setCurrentIndex(settings.value(QStringLiteral("window/tab"), 0).toInt());
  }
  if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray())) resize(1280, 820);
  refreshActions();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildActions() {
  auto* toolbar = addToolBar(tr("Run"));
  toolbar->setObjectName(QStringLiteral("RunToolbar"));
  auto* runMenu = menuBar()->addMenu(tr("&Run"));
  const auto make = [&](const QString& text, const QKeySequence& key, auto slot) {
    auto* a = new QAction(text, this);
    a->setShortcut(key);
    a->setToolTip(QStringLiteral("%1 (%2)").arg(QString(text).remove(QLatin1Char('&')), key.toString(QKeySequence::NativeText)));
    connect(a, &QAction::triggered, this, slot);
    toolbar->addAction(a);
    runMenu->addAction(a);
    return a;
  };
  start_ = make(tr("&Start"), QKeySequence(Qt::Key_F5), [this] {
    QString error;
    if (!startRun(&error)) QMessageBox::warning(this, tr("Cannot start"), error);
  });
  pause_ = make(tr("&Pause"), QKeySequence(Qt::Key_F6), [this] {
    run_->state() == RunState::Paused ? run_->resume() : run_->pause();
  });
  stop_ = make(tr("S&top (saves)"), QKeySequence(Qt::SHIFT | Qt::Key_F5), [this] { run_->stop(); });
  sampleNow_ = make(tr("Sample &now"), QKeySequence(Qt::Key_F7), [this] { run_->sampleNow(); });
  saveNow_ = make(tr("Save &checkpoint"), QKeySequence(Qt::Key_F8), [this] { run_->saveNow(); });
  toolbar->addSeparator();
  profilerAction_ = new QAction(tr("Profiler overlay"), this);
  profilerAction_->setShortcut(QKeySequence(Qt::Key_F12));
  profilerAction_->setCheckable(true);
  profilerAction_->setShortcutContext(Qt::ApplicationShortcut);
  connect(profilerAction_, &QAction::toggled, this, &MainWindow::setProfilerVisible);
  toolbar->addAction(profilerAction_);

  auto* fileMenu = menuBar()->addMenu(tr("&File"));
  menuBar()->insertMenu(runMenu->menuAction(), fileMenu);
  auto* open = fileMenu->addAction(tr("&Open config…"));
  open->setShortcut(QKeySequence::Open);
  connect(open, &QAction::triggered, this, [this] {
    const QString file = QFileDialog::getOpenFileName(this, tr("Open run config"), {}, tr("YAML (*.yaml *.yml)"));
    QString error;
    if (!file.isEmpty() && !setup_->loadFile(file, &error)) QMessageBox::warning(this, tr("Open config"), error);
    tabs_->setCurrentWidget(setup_);
  });
  auto* save = fileMenu->addAction(tr("&Save config…"));
  save->setShortcut(QKeySequence::Save);
  connect(save, &QAction::triggered, this, [this] {
    const QString file = QFileDialog::getSaveFileName(this, tr("Save run config"), {}, tr("YAML (*.yaml)"));
    QString error;
    if (!file.isEmpty() && !setup_->saveFile(file, &error)) QMessageBox::warning(this, tr("Save config"), error);
  });
  export_ = fileMenu->addAction(tr("&Export…"));
  export_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
  export_->setToolTip(tr("Write what the Samples, Compare or Styles tab shows as a video file"));
  connect(export_, &QAction::triggered, this, &MainWindow::exportCurrentView);
  auto refreshExport = [this] {
    QWidget* tab = tabs_->currentWidget();
    export_->setEnabled(tab == samples_ || tab == compare_ || tab == styles_);
  };
  connect(tabs_, &QTabWidget::currentChanged, this, refreshExport);
  refreshExport();
  auto* workspace = fileMenu->addAction(tr("Choose &workspace…"));
  connect(workspace, &QAction::triggered, this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Workspace"), QString::fromStdString(workspace_.string()));
    if (dir.isEmpty()) return;
    workspace_ = dir.toStdString();
    QSettings().setValue(QStringLiteral("workspace"), dir);
    runs_->setWorkspace(workspace_);
  });
  fileMenu->addSeparator();
  auto* quit = fileMenu->addAction(tr("&Quit"));
  quit->setShortcut(QKeySequence::Quit);
  connect(quit, &QAction::triggered, this, &QWidget::close);

  // Alt+1…6 switch tabs (Ctrl+digits are left to the focused editor).
  for (int i = 0; i < tabs_->count(); ++i) {
    auto* a = new QAction(this);
    a->setShortcut(QKeySequence(Qt::ALT | static_cast<Qt::Key>(Qt::Key_1 + i)));
    connect(a, &QAction::triggered, this, [this, i] { tabs_->setCurrentIndex(i); });
    addAction(a);
  }
}

ExportDialog* MainWindow::exportCurrentView() {
  QWidget* tab = tabs_->currentWidget();
  if (tab == samples_) return samples_->openExportDialog();
  if (tab == compare_) return compare_->openExportDialog();
  if (tab == styles_) return styles_->openExportDialog();
  return nullptr;
}

void MainWindow::connectRun() {
  EventBridge* events = run_->events();
  connect(events, &EventBridge::scalarsArrived, plots_, &PlotsView::addScalars);
  connect(plots_, &PlotsView::lossWeightRequested, this, [this](const QString& name, double value) {
    run_->setLossWeight(name, value);
    appendLog(tr("asked the run to set loss weight %1 to %2").arg(name).arg(value, 0, 'g', 4));
  });
  connect(events, &EventBridge::sampleArrived, samples_, &SamplesView::addSample);
  connect(events, &EventBridge::progressArrived, this, [this](const ProgressEvent& p) {
    stepLabel_->setText(tr("step %1 / %2").arg(p.step).arg(p.totalSteps));
    rateLabel_->setText(tr("%1 it/s").arg(p.iterationsPerSecond, 0, 'f', 2));
    etaLabel_->setText(tr("ETA %1").arg(formatDuration(p.etaSeconds)));
    profilerStats_->onProgress(p);
  });
  connect(events, &EventBridge::timingArrived, this, [this](const TimingEvent& t) {
    profilerStats_->onTiming(t);
  });
  connect(events, &EventBridge::memoryArrived, this, [this](const MemoryEvent& m) {
    profilerStats_->onMemory(m);
  });
  connect(events, &EventBridge::logArrived, this, [this](const LogEvent& l) {
    const QString level = l.level == LogEvent::Level::Info ? QString() : l.level == LogEvent::Level::Warning ? tr("warning: ") : tr("error: ");
    appendLog(level + QString::fromStdString(l.text));
  });
  connect(events, &EventBridge::checkpointArrived, this, [this](const CheckpointEvent& c) {
    appendLog(tr("checkpoint at step %1: %2").arg(c.step).arg(QString::fromStdString(c.path)));
  });
  connect(events, &EventBridge::statusArrived, this, [this](const StatusEvent& s) {
    if (s.state == StatusEvent::State::Started && !s.message.empty()) {
      device_ = QString::fromStdString(s.message);
      deviceLabel_->setText(device_);
      profilerStats_->device = device_;
    }
    if (s.state == StatusEvent::State::Failed) appendLog(tr("error: %1").arg(QString::fromStdString(s.message)));
  });
  connect(run_, &RunController::stateChanged, this, [this](RunState state) {
    stateLabel_->setText(closing_ && state == RunState::Stopping ? tr("saving checkpoint before exit…") : runStateName(state));
    refreshActions();
  });
  connect(run_, &RunController::runEnded, this, [this](RunState state, const QString& message) {
    appendLog(state == RunState::Failed ? tr("run failed: %1").arg(message) : tr("run %1").arg(runStateName(state)));
    if (closing_) close();
  });
}

void MainWindow::refreshActions() {
  const RunState s = run_->state();
  const bool active = run_->isActive();
  start_->setEnabled(!active && !closing_);
  pause_->setEnabled(active && (s == RunState::Running || s == RunState::Paused) && !closing_);
  pause_->setText(s == RunState::Paused ? tr("&Resume") : tr("&Pause"));
  stop_->setEnabled(active && s != RunState::Stopping);
  sampleNow_->setEnabled(active && s == RunState::Running);
  saveNow_->setEnabled(active && s == RunState::Running);
  plots_->setLossWeightsEditable(active && (s == RunState::Running || s == RunState::Paused));
}

bool MainWindow::startRun(QString* error) {
  if (!setup_->isValid()) {
    if (error) *error = tr("fix the invalid fields first:\n%1").arg(setup_->errors().join(QLatin1Char('\n')));
    return false;
  }
  RunRequest request;
  request.configYaml = setup_->yamlText().toStdString();
  request.sourceName = "setup";
  try {
    Config config = setup_->config();
    // The studio's workspace applies unless the config names its own.
    if (config.get<std::string>("run.workspace").empty()) config.set("run.workspace", workspace_.string());
    request.runDir = runDirFor(config);
  } catch (const std::exception& e) {
    if (error) *error = QString::fromStdString(e.what());
    return false;
  }
  if (!run_->start(request, error)) return false;
  plots_->clear();
  samples_->clear();
  appendLog(tr("started %1 in %2").arg(setup_->methodName(), run_->runDir()));
  tabs_->setCurrentWidget(plots_);
  runs_->refresh();
  return true;
}

void MainWindow::showRunHistory(const QString& runDir) {
  // A damaged metrics file costs the plots of that run, never the window or the run.
  try {
    plots_->loadHistory(fs::path(runDir.toStdString()) / "metrics.sqlite");
  } catch (const std::exception& e) {
    plots_->clear();
    appendLog(tr("the loss history could not be shown: %1").arg(QString::fromStdString(e.what())));
  }
  const QStringList skipped = samples_->loadSavedSamples(runDir.toStdString());
  if (!skipped.isEmpty())
    appendLog(tr("%n saved preview(s) could not be shown, e.g. %1", "", static_cast<int>(skipped.size())).arg(skipped.front()));
}

QString MainWindow::logText() const { return log_->toPlainText(); }

void MainWindow::appendLog(const QString& line) {
  log_->appendPlainText(QStringLiteral("[%1] %2").arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss")), line));
}

QString MainWindow::statusText() const {
  return QStringList{stateLabel_->text(), stepLabel_->text(), rateLabel_->text(), etaLabel_->text(), deviceLabel_->text()}
      .join(QStringLiteral(" | "));
}

void MainWindow::setProfilerVisible(bool visible) {
  if (visible && !profiler_) {
    if (openGlAvailable()) profiler_ = new ProfilerOverlay(profilerStats_.get(), samples_);
    else profiler_ = new ProfilerPanel(profilerStats_.get(), samples_);
  }
  if (profilerAction_->isChecked() != visible) profilerAction_->setChecked(visible);
  if (!profiler_) return;
  if (visible) tabs_->setCurrentWidget(samples_);
  placeProfiler();
  profiler_->setVisible(visible);
  if (visible) profiler_->raise();
}

QStringList MainWindow::profilerLines() const { return profilerStats_->lines(); }

bool MainWindow::profilerVisible() const { return profiler_ && profiler_->isVisible(); }

void MainWindow::placeProfiler() {
  if (profiler_) profiler_->setGeometry(samples_->rect());
}

void MainWindow::resizeEvent(QResizeEvent* event) {
  QMainWindow::resizeEvent(event);
  placeProfiler();
}

void MainWindow::openDemo() {
  setup_->applyPreset(QStringLiteral("train-autoencoder-cpu-small"));
  compare_->setColumns(CompareView::defaultColumns());
  tabs_->setCurrentWidget(compare_);
  if (describePackage(QStringLiteral("builtin:t2v-teacher")).present) compare_->generate();
  appendLog(tr("welcome: the Compare tab shows the shipped packages; Setup holds a preset ready to start (F5)"));
}

QWidget* MainWindow::currentTab() const { return tabs_->currentWidget(); }

QStringList MainWindow::saveScreenshots(const QString& dir) {
  QDir().mkpath(dir);
  QStringList files;
  const QStringList names = {QStringLiteral("setup"),   QStringLiteral("plots"),  QStringLiteral("samples"),
                             QStringLiteral("compare"), QStringLiteral("styles"), QStringLiteral("runs")};
  for (int i = 0; i < tabs_->count() && i < names.size(); ++i) {
    tabs_->setCurrentIndex(i);
    if (tabs_->widget(i) == plots_) plots_->replotNow();
    QApplication::processEvents();
    const QString file = QDir(dir).filePath(names[i] + QStringLiteral(".png"));
    if (grab().save(file)) files << file;
  }
  setProfilerVisible(true);
  QElapsedTimer t;
  t.start();
  while (t.elapsed() < 300) QApplication::processEvents();
  const QString file = QDir(dir).filePath(QStringLiteral("profiler.png"));
  if (grab().save(file)) files << file;
  setProfilerVisible(false);
  return files;
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (run_->isActive()) {
    // Stop saves a checkpoint first; the window closes when the worker has ended.
    event->ignore();
    if (!closing_) {
      closing_ = true;
      run_->stop();
      stateLabel_->setText(tr("saving checkpoint before exit…"));
      statusBar()->showMessage(tr("Saving a checkpoint, then closing…"));
      refreshActions();
    }
    return;
  }
  if (options_.restoreSettings) {
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("window/tab"), tabs_->currentIndex());
  }
  generator_->waitForDone();
  event->accept();
}

}  // namespace vds::ui
